import type { CheckOrigin, LiveRole, SpotCheckVerdict } from '@seafarer/contracts';
import type { Verdict } from '../live/room-policy';
import { decideStartCheck } from './rollcall-policy';

/**
 * JS-7.2 / JS-13.1 / JS-16: who may start a random identity spot check in a live room, and what a
 * face-match answer means. Pure functions; the live node asks, then acts.
 */

export const SPOT_CHECK_RUNNING_MESSAGE = {
  zh: '上一次身份抽查仍在进行，请稍后再试',
  en: 'The previous identity spot check is still running; try again shortly',
};

/**
 * The instructor, a class manager (or the institution's admin, who joins as one) and an officer
 * sitting in may start a spot check; a trainee may not. Not in an ended session, and one at a time
 * per room (its stills are still being grabbed: a second would only queue behind it).
 */
export const decideStartSpotCheck = (
  room: { ended: boolean; spotCheckRunning: boolean },
  peer: { role: LiveRole },
): Verdict<{ origin: CheckOrigin }> =>
  decideStartCheck({ ended: room.ended, busy: room.spotCheckRunning }, peer, SPOT_CHECK_RUNNING_MESSAGE);

/** A face-match score at or above this is a match; below MISMATCH_BELOW a mismatch; between: a person decides. */
export const MATCH_AT = 0.8;
export const MISMATCH_BELOW = 0.5;

/**
 * The verdict on one sampled trainee: no still of the camera → camera_off; no verified ID photo to
 * compare with → no_id_photo; the provider saw no face → no_face; else by the score (manual review,
 * or a score between the thresholds, leaves it pending for a person).
 */
export function spotCheckVerdict(input: {
  still: boolean;
  idPhoto: boolean;
  score: number | null;
  note: string | null;
}): SpotCheckVerdict {
  if (!input.still) return 'camera_off';
  if (!input.idPhoto) return 'no_id_photo';
  if (input.note === 'no_face') return 'no_face';
  if (input.score === null) return 'pending';
  if (input.score >= MATCH_AT) return 'match';
  if (input.score < MISMATCH_BELOW) return 'mismatch';
  return 'pending';
}

/** Verdicts flagged to the class managers and the jurisdiction's officers. */
export const isFlaggedVerdict = (v: SpotCheckVerdict) =>
  v === 'mismatch' || v === 'no_face' || v === 'no_id_photo';
