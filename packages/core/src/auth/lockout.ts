/**
 * TM-3 / SEC-1: the account lock, as pure rules over the two columns that hold it. Failed sign-ins
 * and wrong current passwords (password change) share the one counter.
 *
 * - `maxFailures` failures in a row lock the account for `lockMinutes`; a success clears the count.
 * - A lock that has run out starts a fresh count on the next failure.
 * - While locked, a failed sign-in still answers like any other (the caller is told about the lock only
 *   with the right password), so the password is still checked — but only for another `maxFailures`
 *   tries. After those, nothing is checked until the lock ends: at most 2 × `maxFailures` guesses are
 *   ever tested per lock period, whoever asks and however the lock is answered.
 */
export interface LockState {
  failedLoginCount: number;
  lockedUntil: Date | null;
}

export interface LockPolicy {
  maxFailures: number;
  lockMinutes: number;
}

export const isLocked = (s: LockState, now: Date): boolean => !!s.lockedUntil && s.lockedUntil > now;

/** False once a lock's own budget of checks is spent: the attempt is refused without testing it. */
export const mayCheckPassword = (s: LockState, now: Date, p: LockPolicy): boolean =>
  !isLocked(s, now) || s.failedLoginCount < 2 * p.maxFailures;

/** The state after one more failure, and whether this failure is the one that locked the account. */
export function afterFailure(
  s: LockState,
  now: Date,
  p: LockPolicy,
): { state: LockState; lockedNow: boolean } {
  if (isLocked(s, now))
    return {
      state: { failedLoginCount: s.failedLoginCount + 1, lockedUntil: s.lockedUntil },
      lockedNow: false,
    };
  const count = (s.lockedUntil ? 0 : s.failedLoginCount) + 1;
  if (count >= p.maxFailures)
    return {
      state: { failedLoginCount: count, lockedUntil: new Date(now.getTime() + p.lockMinutes * 60_000) },
      lockedNow: true,
    };
  return { state: { failedLoginCount: count, lockedUntil: null }, lockedNow: false };
}
