import { afterFailure, isLocked, mayCheckPassword, type LockState } from './lockout';

const policy = { maxFailures: 3, lockMinutes: 15 };
const now = new Date('2026-05-01T08:00:00Z');
const later = (min: number) => new Date(now.getTime() + min * 60_000);
const fresh: LockState = { failedLoginCount: 0, lockedUntil: null };

function failTimes(n: number, from: LockState = fresh, at = now) {
  let s = from;
  const locks: number[] = [];
  for (let i = 1; i <= n; i++) {
    const r = afterFailure(s, at, policy);
    if (r.lockedNow) locks.push(i);
    s = r.state;
  }
  return { s, locks };
}

describe('account lock rules', () => {
  it('[TM-3] the max-th failure in a row locks the account for the lock period', () => {
    const { s, locks } = failTimes(3);
    expect(locks).toEqual([3]);
    expect(s.lockedUntil).toEqual(later(15));
    expect(isLocked(s, later(14))).toBe(true);
    expect(isLocked(s, later(15))).toBe(false);
  });

  it('[SEC-1] while locked, only another max tries are tested; the lock is not extended by them', () => {
    const { s, locks } = failTimes(3);
    expect(mayCheckPassword(s, later(1), policy)).toBe(true);
    const { s: after, locks: more } = failTimes(3, s, later(1));
    expect(more).toEqual([]);
    expect(after.lockedUntil).toEqual(later(15));
    expect(mayCheckPassword(after, later(1), policy)).toBe(false);
    expect(locks).toEqual([3]);
  });

  it('[TM-3] a lock that ran out starts a fresh count', () => {
    const { s } = failTimes(6);
    expect(mayCheckPassword(s, later(16), policy)).toBe(true);
    const r = afterFailure(s, later(16), policy);
    expect(r).toEqual({ state: { failedLoginCount: 1, lockedUntil: null }, lockedNow: false });
  });
});
