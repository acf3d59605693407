import { createHash, randomBytes } from 'node:crypto';

/**
 * JS-7.3: the seeded randomness of paper assembly. A paper is re-made from its stored seed (same seed
 * and same pool → the same paper), so the generator must be deterministic across processes, Node
 * versions and machines: xoshiro128** on 32-bit integer arithmetic only, its state the first 128 bits
 * of SHA-256(seed). Not for secrets (seeds themselves come from `newPaperSeed`, i.e. the OS CSPRNG).
 */
export interface Prng {
  /** A uniform 32-bit unsigned integer. */
  nextUint32(): number;
  /** A uniform float in [0, 1). */
  next(): number;
  /** A uniform integer in [0, n), without modulo bias; n a positive integer ≤ 2^32. */
  below(n: number): number;
}

/** Seeds are stored as text: 32 lowercase hex digits (128 bits). */
export const PAPER_SEED_RE = /^[0-9a-f]{32}$/;

/** A fresh seed for an exam (stored with it before any paper is drawn). */
export const newPaperSeed = (): string => randomBytes(16).toString('hex');

/**
 * One candidate's seed, derived from the exam's seed and the candidate's id (an account or roster
 * entry id): stable (a reload or a retried job draws the same paper), different per candidate, and
 * not guessable from another candidate's paper without the exam seed. A retake (补考) passes
 * `attempt` > 1 to draw a fresh paper; the first attempt's seed does not depend on it.
 */
export function candidatePaperSeed(examSeed: string, candidateId: string, attempt = 1): string {
  const input =
    attempt === 1 ? `${examSeed}\u0000${candidateId}` : `${examSeed}\u0000${candidateId}\u0000${attempt}`;
  return createHash('sha256').update(input, 'utf8').digest('hex').slice(0, 32);
}

const rotl = (x: number, k: number) => ((x << k) | (x >>> (32 - k))) >>> 0;

export function createPrng(seed: string): Prng {
  const h = createHash('sha256').update(seed, 'utf8').digest();
  return xoshiro128ss([h.readUInt32LE(0), h.readUInt32LE(4), h.readUInt32LE(8), h.readUInt32LE(12)]);
}

/** xoshiro128** (Blackman & Vigna) from a 128-bit state of four 32-bit words. */
export function xoshiro128ss(state: readonly [number, number, number, number]): Prng {
  const s = state.map((x) => x >>> 0);
  // The all-zero state is the one xoshiro cannot leave; from SHA-256 it is practically impossible.
  if ((s[0]! | s[1]! | s[2]! | s[3]!) === 0) s[0] = 1;
  const nextUint32 = (): number => {
    const [s0, s1, s2, s3] = s as [number, number, number, number];
    const result = Math.imul(rotl(Math.imul(s1, 5) >>> 0, 7), 9) >>> 0;
    const t = (s1 << 9) >>> 0;
    const n2 = (s2 ^ s0) >>> 0;
    const n3 = (s3 ^ s1) >>> 0;
    s[1] = (s1 ^ n2) >>> 0;
    s[0] = (s0 ^ n3) >>> 0;
    s[2] = (n2 ^ t) >>> 0;
    s[3] = rotl(n3, 11);
    return result;
  };
  const below = (n: number): number => {
    if (!Number.isInteger(n) || n < 1 || n > 0x1_0000_0000) throw new RangeError(`below(${n})`);
    // Rejection sampling: draw again above the largest multiple of n, so every value is equally likely.
    const limit = 0x1_0000_0000 - (0x1_0000_0000 % n);
    for (;;) {
      const x = nextUint32();
      if (x < limit) return x % n;
    }
  };
  return { nextUint32, next: () => nextUint32() / 0x1_0000_0000, below };
}

/** Fisher–Yates: a new array, the input untouched. */
export function shuffled<T>(items: readonly T[], rng: Prng): T[] {
  const a = items.slice();
  for (let i = a.length - 1; i > 0; i--) {
    const j = rng.below(i + 1);
    const tmp = a[i]!;
    a[i] = a[j]!;
    a[j] = tmp;
  }
  return a;
}

/** `k` distinct items drawn uniformly (a partial Fisher–Yates), in the order drawn. */
export function drawDistinct<T>(items: readonly T[], k: number, rng: Prng): T[] {
  if (k > items.length) throw new RangeError(`drawDistinct: ${k} of ${items.length}`);
  const a = items.slice();
  for (let i = 0; i < k; i++) {
    const j = i + rng.below(a.length - i);
    const tmp = a[i]!;
    a[i] = a[j]!;
    a[j] = tmp;
  }
  return a.slice(0, k);
}
