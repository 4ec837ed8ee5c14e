import { NODE_STATES, type NodeState } from '@cloudpool/common';
import { describe, expect, it } from 'vitest';
import { NODE_EVENTS, UNSTABLE_STATES, eventOfTransition, isErrorEvent, notificationStatus, type NotificationStatus } from '../../src/notifications/node-state-rule.js';

/** Columns of the expected table: the state entered. */
const COLUMNS: NodeState[] = ['init', 'building', 'ready', 'in-use', 'used', 'deleting', 'hold', 'failed', 'aborted', 'deleted'];

/**
 * The status of every (previous state, new state) under an event that is no error event, by
 * hand from Ironic's rule and the stability of Nodepool's states (s: START, e: END, o: SUCCESS).
 * `new` is a record that did not exist before.
 */
const EXPECTED: Record<string, string> = {
  new: '     s s o o o s o o o o',
  init: '    o o e e e o e e e e',
  building: 'o o e e e o e e e e',
  ready: '   s s o o o s o o o o',
  'in-use': 's s o o o s o o o o',
  used: '    s s o o o s o o o o',
  deleting: 'o o e e e o e e e e',
  hold: '    s s o o o s o o o o',
  failed: '  s s o o o s o o o o',
  aborted: ' s s o o o s o o o o',
  deleted: ' s s o o o s o o o o',
};
const LETTER: Record<string, NotificationStatus> = { s: 'start', e: 'end', o: 'success' };

describe('the notification status rule over every state, state and event', () => {
  it('has exactly init, building and deleting unstable, and a row for every state', () => {
    expect(Object.entries(UNSTABLE_STATES).filter(([, unstable]) => unstable).map(([state]) => state).sort()).toEqual(['building', 'deleting', 'init']);
    expect([...COLUMNS].sort()).toEqual([...NODE_STATES].sort());
    expect(Object.keys(EXPECTED).filter((row) => row !== 'new').sort()).toEqual([...NODE_STATES].sort());
  });

  it('gives ERROR for the error events and the tabled status for every other event', () => {
    const errorEvents = NODE_EVENTS.filter(isErrorEvent);
    expect(errorEvents).toEqual(['fail', 'delete-fail']);
    let cells = 0;
    for (const [row, letters] of Object.entries(EXPECTED)) {
      const previous = row === 'new' ? undefined : (row as NodeState);
      const expected = letters.trim().split(/\s+/).map((letter) => LETTER[letter]!);
      expect(expected).toHaveLength(COLUMNS.length);
      COLUMNS.forEach((next, column) => {
        for (const event of NODE_EVENTS) {
          const want = errorEvents.includes(event) ? 'error' : expected[column];
          expect(notificationStatus(previous, next, event), `${row} -> ${next} on ${event}`).toBe(want);
          cells += 1;
        }
      });
    }
    expect(cells).toBe(11 * 10 * NODE_EVENTS.length);
  });

  it('names the lifecycle transitions after what they do', () => {
    const named = (previous: NodeState | undefined, next: NodeState) => eventOfTransition(previous, next);
    expect(named(undefined, 'init')).toBe('create');
    expect(named('init', 'building')).toBe('launch');
    expect(named('building', 'ready')).toBe('done');
    expect(named('building', 'failed')).toBe('fail');
    expect(named('building', 'aborted')).toBe('abort');
    expect(named('ready', 'in-use')).toBe('use');
    expect(named('in-use', 'used')).toBe('release');
    expect(named('ready', 'hold')).toBe('hold');
    expect(named('used', 'deleting')).toBe('delete');
    expect(named('deleting', 'deleted')).toBe('done');
    expect(named('ready', 'deleted')).toBe('delete');
    expect(named('hold', 'ready')).toBe('change');
    // A launch is one START..END bracket; a failed one ends in ERROR.
    expect(notificationStatus(undefined, 'init', 'create')).toBe('start');
    expect(notificationStatus('building', 'ready', 'done')).toBe('end');
    expect(notificationStatus('building', 'failed', named('building', 'failed'))).toBe('error');
  });
});
