import { createHash, randomBytes } from 'node:crypto';

/**
 * JS-13.2 / JS-7.2: the random draws of roll-calls and spot checks, reproducible from a stored seed.
 * The generator is SHA-256 in counter mode: the i-th number of seed `s` is the first 48 bits of
 * SHA-256("s:i") divided by 2^48, uniform in [0, 1). Anyone holding the seed can re-do a draw and
 * prove it was not chosen after the fact (the seed is drawn before the day, stored with the rows).
 */
export function seededUniform(seed: string, i: number): number {
  const h = createHash('sha256').update(`${seed}:${i}`).digest();
  return h.readUIntBE(0, 6) / 2 ** 48;
}

/** A fresh seed (128 random bits, hex). */
export const newSeed = () => randomBytes(16).toString('hex');

/** Most random roll-calls drawn for one session, whatever the class's setting says. */
export const MAX_ROLL_CALLS_PER_SESSION = 12;
const MARGIN_MS = 5 * 60_000;
const SHORT_SESSION_MS = 20 * 60_000;

/**
 * Where a session's random roll-calls may fall: five minutes after its start to five minutes before
 * its end; a session shorter than 20 minutes: its middle half.
 */
export function rollCallRange(startsAt: Date, endsAt: Date): { from: Date; to: Date } {
  const start = startsAt.getTime();
  const length = Math.max(0, endsAt.getTime() - start);
  const margin = length < SHORT_SESSION_MS ? length / 4 : MARGIN_MS;
  return { from: new Date(start + margin), to: new Date(start + length - margin) };
}

/**
 * The `count` (at least one, at most MAX_ROLL_CALLS_PER_SESSION) times of a session's random
 * roll-calls, uniform within rollCallRange, earliest first, to the millisecond. Same seed, same times.
 */
export function drawRollCallTimes(opts: {
  seed: string;
  startsAt: Date;
  endsAt: Date;
  count: number;
}): Date[] {
  const { from, to } = rollCallRange(opts.startsAt, opts.endsAt);
  const span = to.getTime() - from.getTime();
  const n = Math.min(MAX_ROLL_CALLS_PER_SESSION, Math.max(1, Math.floor(opts.count)));
  return Array.from({ length: n }, (_, i) => Math.floor(from.getTime() + seededUniform(opts.seed, i) * span))
    .sort((a, b) => a - b)
    .map((ms) => new Date(ms));
}

/**
 * A seeded sample of `n` of `population` (a Fisher–Yates shuffle driven by seededUniform, its first
 * `n`), in the order drawn. The population's order matters: store it as given here.
 */
export function drawSample<T>(seed: string, population: readonly T[], n: number): T[] {
  const a = [...population];
  const k = Math.min(a.length, Math.max(0, Math.floor(n)));
  for (let i = 0; i < k; i++) {
    const j = i + Math.floor(seededUniform(seed, i) * (a.length - i));
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a.slice(0, k);
}

/** The China calendar date (YYYY-MM-DD) of an instant. */
export const chinaDateOf = (at: Date) => new Date(at.getTime() + 8 * 3600_000).toISOString().slice(0, 10);

/** The instants a China calendar day runs between: [from, to). */
export function chinaDayRange(day: string): { from: Date; to: Date } {
  const from = new Date(Date.parse(`${day}T00:00:00+08:00`));
  return { from, to: new Date(from.getTime() + 86_400_000) };
}
