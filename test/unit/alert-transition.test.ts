import { describe, expect, it } from 'vitest';
import { type AlertState, type TransitionPolicy, transition } from '#shared/domain/monitoring/alert-state.ts';

const target = { monitorId: 'm1', hostId: 'h1' };
let n = 0;
const policy = (over: Partial<TransitionPolicy> = {}): TransitionPolicy => ({
  now: 1_000_000,
  alertType: 'host',
  maxCheckAttempts: 1,
  notify: true,
  newId: () => `e${++n}`,
  newAlertId: () => `a${++n}`,
  ...over,
});
/** Applies a transition the way the engine stores it. */
const apply = (prev: AlertState | undefined, t: ReturnType<typeof transition>): AlertState | undefined =>
  t ? (t.idle ? undefined : { ...t.next, version: (prev?.version ?? 0) + 1, pending: [] }) : prev;

describe('alert transitions', () => {
  it('writes nothing for a healthy target without a state', () => {
    expect(transition(undefined, target, { status: 'OK' }, policy())).toBeUndefined();
  });

  it('opens after maxCheckAttempts consecutive non-OK results, not before', () => {
    const p = policy({ maxCheckAttempts: 3 });
    let s: AlertState | undefined;
    const t1 = transition(s, target, { status: 'WARNING', value: 5 }, p);
    expect(t1?.effects).toEqual([]);
    s = apply(s, t1);
    const t2 = transition(s, target, { status: 'CRITICAL', value: 9 }, p);
    expect(t2?.effects).toEqual([]);
    s = apply(s, t2);
    const t3 = transition(s, target, { status: 'CRITICAL', value: 10 }, p);
    expect(t3?.effects.map((e) => e.kind)).toEqual(['open']);
    expect(t3?.effects[0]?.alert).toMatchObject({
      status: 'CRITICAL',
      value: 10,
      isOpen: true,
      hostId: 'h1',
    });
  });

  it('an OK in between resets the count', () => {
    const p = policy({ maxCheckAttempts: 2 });
    let s = apply(undefined, transition(undefined, target, { status: 'CRITICAL' }, p));
    const ok = transition(s, target, { status: 'OK' }, p);
    expect(ok?.idle).toBe(true);
    s = apply(s, ok);
    expect(s).toBeUndefined();
    const again = transition(s, target, { status: 'CRITICAL' }, p);
    expect(again?.effects).toEqual([]);
  });

  it('changes status, re-notifies after the interval, stays quiet before it, and closes on OK', () => {
    const open = transition(undefined, target, { status: 'WARNING' }, policy({ notificationInterval: 10 }));
    let s = apply(undefined, open);
    const alertId = s?.alertId;
    expect(
      transition(
        s,
        target,
        { status: 'WARNING' },
        policy({ now: 1_000_000 + 599, notificationInterval: 10 }),
      ),
    ).toBeUndefined();
    const renotify = transition(
      s,
      target,
      { status: 'WARNING' },
      policy({ now: 1_000_000 + 600, notificationInterval: 10 }),
    );
    expect(renotify?.effects.map((e) => e.kind)).toEqual(['renotify']);
    s = apply(s, renotify);
    const change = transition(s, target, { status: 'CRITICAL' }, policy({ now: 1_000_700 }));
    expect(change?.effects[0]).toMatchObject({ kind: 'change', alert: { id: alertId, status: 'CRITICAL' } });
    s = apply(s, change);
    const close = transition(s, target, { status: 'OK' }, policy({ now: 1_000_800 }));
    expect(close?.idle).toBe(true);
    expect(close?.effects[0]).toMatchObject({
      kind: 'close',
      alert: { id: alertId, isOpen: false, closedAt: 1_000_800 },
    });
  });

  it('without notificationInterval an open alert is told once', () => {
    const s = apply(undefined, transition(undefined, target, { status: 'CRITICAL' }, policy()));
    expect(transition(s, target, { status: 'CRITICAL' }, policy({ now: 9_999_999 }))).toBeUndefined();
  });

  it('ignores check reports whose occurredAt it has already taken, or older ones', () => {
    const p = policy({ maxCheckAttempts: 2, alertType: 'check' });
    const s = apply(
      undefined,
      transition(undefined, target, { status: 'CRITICAL', occurredAt: 100, message: 'x' }, p),
    );
    expect(transition(s, target, { status: 'CRITICAL', occurredAt: 100, message: 'x' }, p)).toBeUndefined();
    expect(transition(s, target, { status: 'CRITICAL', occurredAt: 99, message: 'x' }, p)).toBeUndefined();
    expect(
      transition(s, target, { status: 'CRITICAL', occurredAt: 101, message: 'x' }, p)?.effects[0]?.kind,
    ).toBe('open');
  });

  it('carries notify into every effect (standby hosts, muted monitors)', () => {
    const t = transition(undefined, target, { status: 'CRITICAL' }, policy({ notify: false }));
    expect(t?.effects[0]?.notify).toBe(false);
  });
});
