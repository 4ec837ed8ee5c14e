import type { Logger } from 'pino';
import { CloudError, isCloudError } from '../errors/cloud-error.js';
import { REFUSED_CREDENTIALS_BACKOFF, refusedCredentialsWaitMs } from '../errors/retry-policy.js';
import type { Clock } from '../time/clock.js';
import type { CloudCallQueue } from './driver.js';

/**
 * What an operator needs to know of a provider at a glance:
 * - `ok`: running, and the cloud has not refused its credentials since it started (or it
 *   accepted them again since);
 * - `auth-failing`: the cloud refused the provider's credentials (a CloudError with
 *   `credentialsRefused`: wrong password or secret, unknown access key, disabled user); its
 *   calls back off (`RETRY_POLICY.refusedCredentials`) until one succeeds again. A permission
 *   the credentials lack for one action is not this: it fails that action only;
 * - `down`: configured but not running (its start failed; see the launcher's down providers).
 */
export type ProviderHealthState = 'ok' | 'auth-failing' | 'down';

export interface ProviderHealth {
  state: ProviderHealthState;
  /** Epoch ms on the provider's clock when this state began; absent when not known (a provider that never started). */
  since?: number;
  /** Why, for a state other than `ok`: the cloud's own message (drivers keep credentials out of error messages). */
  reason?: string;
}

/** The narrow contract through which a running provider's health is read. */
export interface ProviderHealthSource {
  health(): ProviderHealth;
}

/** A refusal in force: no call is sent before `at + waitMs`; then one call (`probing`) tries again. */
interface Refusal {
  /** The first refusal's message. */
  reason: string;
  held: CloudError;
  at: number;
  waitMs: number;
  refusals: number;
  probing: boolean;
}

/**
 * Follows every cloud call of one provider (`watch` wraps the queue the provider is given) and
 * keeps its health. One refused call turns it `auth-failing` at once; from then on no call of the
 * provider is sent (each rejects at once with the refusal, marked `credentialsRefused`) for
 * 10 s, doubling with each further refusal up to 10 min (`refusedCredentialsWaitMs`); after the
 * wait one call goes to the cloud while the others keep being refused. A call sent after the
 * refusal that succeeds turns the provider `ok` again. Each change is logged once; the reason
 * is the cloud's message, never a credential. Calls sent before a refusal was noted neither
 * lengthen the wait nor end it.
 */
export class ProviderHealthMonitor implements ProviderHealthSource {
  private current: ProviderHealth;
  private refusal: Refusal | undefined;

  constructor(private readonly options: { provider: string; clock: Clock; logger: Logger }) {
    this.current = { state: 'ok', since: options.clock.now() };
  }

  health(): ProviderHealth {
    return { ...this.current };
  }

  /** The queue to give the provider: the same calls, through this monitor. */
  watch(queue: CloudCallQueue): CloudCallQueue {
    return {
      run: (call, fn) => {
        // Refused before it waits in the queue: a held-back call is no cloud call and is not counted as one.
        if (this.refusal && this.blocked(this.refusal)) return Promise.reject(this.refusal.held);
        return queue.run(call, (signal) => this.send(fn, signal));
      },
      heldBack: (error) => {
        // Opens the provider's own backoff on the first one only: held-back calls say nothing new.
        if (!this.refusal && error.credentialsRefused) this.refused(error, this.options.clock.now());
      },
    };
  }

  private blocked(refusal: Refusal): boolean {
    return refusal.probing || this.options.clock.now() < refusal.at + refusal.waitMs;
  }

  private async send<T>(fn: (signal: AbortSignal) => Promise<T>, signal: AbortSignal): Promise<T> {
    const refusal = this.refusal;
    if (refusal && this.blocked(refusal)) throw refusal.held;
    if (refusal) refusal.probing = true;
    const sentAt = this.options.clock.now();
    try {
      const result = await fn(signal);
      this.accepted(sentAt);
      return result;
    } catch (error) {
      if (isCloudError(error) && error.credentialsRefused) this.refused(error, sentAt);
      else if (refusal && this.refusal === refusal) refusal.probing = false;
      throw error;
    }
  }

  private refused(error: CloudError, sentAt: number): void {
    const previous = this.refusal;
    if (previous && sentAt < previous.at) return;
    const now = this.options.clock.now();
    const refusals = (previous?.refusals ?? 0) + 1;
    const waitMs = refusedCredentialsWaitMs(refusals);
    const reason = previous?.reason ?? error.message;
    const held = new CloudError('auth', `${reason} (no call to the cloud for ${Math.round(waitMs / 1000)} s)`, {
      ...(error.action ? { action: error.action } : {}),
      ...(error.code ? { code: error.code } : {}),
      credentialsRefused: true,
    });
    this.refusal = { reason, held, at: now, waitMs, refusals, probing: false };
    if (previous) return;
    this.current = { state: 'auth-failing', since: now, reason };
    const { provider, logger } = this.options;
    logger.error({ provider, health: 'auth-failing' }, `provider ${provider}: the cloud refuses its credentials: ${reason}; its calls back off from ${waitMs / 1000} s up to ${REFUSED_CREDENTIALS_BACKOFF.maxMs / 60_000} min`);
  }

  private accepted(sentAt: number): void {
    const refusal = this.refusal;
    if (!refusal || sentAt < refusal.at) return;
    this.refusal = undefined;
    this.current = { state: 'ok', since: this.options.clock.now() };
    const { provider, logger } = this.options;
    logger.info({ provider, health: 'ok' }, `provider ${provider}: the cloud accepts its credentials again`);
  }
}
