import {
  PROVIDER_VERDICTS,
  type FlagKind,
  type ProviderVerdict,
  type ReviewState,
  type StillVerdict,
} from '@seafarer/contracts';
import { MATCH_AT, MISMATCH_BELOW } from '../attendance/spot-check';
import type { FaceMatchResult } from '../identity/face-match';
import { createPrng } from './prng';

/**
 * JS-7.3: the rules of proctoring an attempt, pure (the stores and the live node ask, then act):
 * when the server's stills fall, how a flood of client events is coalesced, which device is a second
 * one, what a face-match answer means, and what a reviewer may decide.
 */

/** Most stills one attempt gets, whatever the exam's setting says. */
export const MAX_STILLS_PER_ATTEMPT = 20;
/** The same kind again within this long of its row's last event is counted on that row. */
export const COALESCE_MS = 30_000;
/** Past this many flag rows on one attempt, every event is counted on the newest row of its kind. */
export const MAX_FLAG_ROWS = 200;
/** The camera may be off this long (joining, a reconnection) before it is flagged. */
export const CAMERA_GRACE_MS = 20_000;

/**
 * Where an attempt's stills may fall: from its start to its deadline, a tenth of the time (at most two
 * minutes) off each end, so the first is not the moment the paper appears. Drawn from `seed` (stored
 * with the plan, never shown to the candidate): the same seed gives the same times. Sorted.
 */
export function drawStillTimes(seed: string, startedAt: Date, deadlineAt: Date, count: number): Date[] {
  const n = Math.max(0, Math.min(MAX_STILLS_PER_ATTEMPT, Math.floor(count)));
  const span = deadlineAt.getTime() - startedAt.getTime();
  if (n === 0 || span <= 0) return [];
  const margin = Math.min(120_000, span / 10);
  const from = startedAt.getTime() + margin;
  const width = span - 2 * margin;
  const prng = createPrng(`stills:${seed}`);
  return Array.from({ length: n }, () => from + Math.floor(prng.next() * width))
    .sort((a, b) => a - b)
    .map((ms) => new Date(ms));
}

/** Whether a client event is counted on the last row of its kind (`last`) or gets a row of its own. */
export function coalesceFlag(
  last: { lastAt: Date } | null,
  now: Date,
  rowsSoFar: number,
): 'coalesce' | 'new' {
  if (!last) return 'new';
  if (rowsSoFar >= MAX_FLAG_ROWS) return 'coalesce';
  return now.getTime() - last.lastAt.getTime() <= COALESCE_MS ? 'coalesce' : 'new';
}

/**
 * A second device: an answer arrives from `deviceId` while the attempt has answers from other devices,
 * and this device was not seen before (in an earlier second_device flag, as the new one or among the
 * others). Two devices taking turns make one flag, a third device one more.
 */
export function isSecondDevice(deviceId: string, otherDevices: readonly string[], seen: ReadonlySet<string>) {
  return otherDevices.length > 0 && !seen.has(deviceId);
}

/**
 * The verdict of a face-match answer on a still: the provider names it (note 'ok', 'no_face', …), or
 * gives a score (high: ok; low: identity_mismatch; between: a person decides); no answer yet (manual
 * review, a provider that calls back later, a provider away): pending.
 */
export function stillVerdictOf(result: FaceMatchResult): StillVerdict {
  const named = PROVIDER_VERDICTS.find((v) => v === result.note);
  if (named) return named;
  if (result.score === null) return 'pending';
  if (result.score >= MATCH_AT) return 'ok';
  if (result.score < MISMATCH_BELOW) return 'identity_mismatch';
  return 'pending';
}

/** The provider flag a verdict puts on the attempt (none for ok, pending, unavailable). */
export function flagOfVerdict(v: StillVerdict | ProviderVerdict): FlagKind | null {
  return v === 'no_face' || v === 'multiple_faces' || v === 'identity_mismatch' ? v : null;
}

/** A flag moves an attempt from nothing flagged to flagged; a decided attempt keeps its decision. */
export const reviewStateAfterFlag = (s: ReviewState): ReviewState => (s === 'none' ? 'flagged' : s);

/** What the live node keeps of one attempt's camera between its checks. */
export interface CameraWatch {
  /** Since when (ms since the epoch) the camera has been seen off; null while on. */
  offSince: number | null;
  /** This off-period was flagged already (one flag per period). */
  flagged: boolean;
}

/**
 * The exam requires the camera: off (not published, paused, or the candidate not in the room) for the
 * grace time flags camera_off once; on again ends the period (a later one is flagged again).
 */
export function watchCamera(
  w: CameraWatch,
  on: boolean,
  now: number,
  graceMs = CAMERA_GRACE_MS,
): { watch: CameraWatch; flag: boolean } {
  if (on) return { watch: { offSince: null, flagged: false }, flag: false };
  const offSince = w.offSince ?? now;
  const flag = !w.flagged && now - offSince >= graceMs;
  return { watch: { offSince, flagged: w.flagged || flag }, flag };
}
