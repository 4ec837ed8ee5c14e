import type { HandledSignal, SignalSource } from './io.js';

/** Resolves with the first of `signals` received, and stops listening for them. */
export function untilSignal(source: SignalSource, signals: readonly HandledSignal[]): Promise<HandledSignal> {
  return new Promise((resolve) => {
    const listeners = signals.map((signal) => [signal, () => done(signal)] as const);
    const done = (signal: HandledSignal) => {
      for (const [name, listener] of listeners) source.off(name, listener);
      resolve(signal);
    };
    for (const [name, listener] of listeners) source.on(name, listener);
  });
}
