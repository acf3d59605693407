import { createHash } from 'node:crypto';
import type {
  CheckOrigin,
  LiveRole,
  LocalizedText,
  RollCallCounts,
  RollCallOutcome,
  RollCallStatus,
} from '@seafarer/contracts';
import { refuse, SESSION_ENDED_MESSAGE, type PeerView, type Verdict } from '../live/room-policy';

/**
 * JS-13.2 / JS-7.2 / JS-16: the rules of a roll-call (点名), once. Pure functions: who may start one,
 * each trainee's outcome at the push and on answering, when it is final, and the digest of its
 * outcomes. The live node and the store ask; nothing else decides.
 *
 * The timeline of one roll-call: fired at `firedAt`; answers until `closesAt` (= firedAt + window,
 * the class's rollCallWindowS, 60 s by default) are present; answers after the window and until
 * `lateUntil` (= closesAt + twice the window, at most 10 minutes; the session's end closes it
 * sooner) are late; at `lateUntil` the roll-call closes: nobody answered → absent, every outcome
 * final and hashed. A trainee not connected at the push is not_in_room, one connected without a
 * camera is camera_off; both stay so whatever they do later (their answer is kept, not the outcome).
 */

export const ROLL_CALL_CLOSED_MESSAGE: LocalizedText = {
  zh: '本次点名已结束，不能再应答',
  en: 'This roll-call has closed; it can no longer be answered',
};
export const ROLL_CALL_NOT_FOUND_MESSAGE: LocalizedText = {
  zh: '本次课没有这次点名',
  en: 'There is no such roll-call in this session',
};
export const ROLL_CALL_OPEN_MESSAGE: LocalizedText = {
  zh: '上一次点名尚未结束',
  en: 'The previous roll-call has not closed yet',
};
export const ROLL_CALL_NOT_YOURS_MESSAGE: LocalizedText = {
  zh: '只有学员应答点名',
  en: 'Only trainees answer a roll-call',
};

/** Late answers are taken for this many answer windows after the window (capped by LATE_MAX_MS). */
export const LATE_WINDOWS = 2;
export const LATE_MAX_MS = 10 * 60_000;
export const DEFAULT_ROLL_CALL_WINDOW_S = 60;

/** The origin a person's role gives a check they start: an observer in a room is an officer (JS-16). */
const ORIGIN_OF: Partial<Record<LiveRole, CheckOrigin>> = {
  instructor: 'instructor',
  class_manager: 'class_manager',
  observer: 'officer',
};

/**
 * Who may start a check of a live room (a roll-call, an identity spot check): the instructor, a class
 * manager (assistant), or an officer sitting in (admitted only within their jurisdiction); never a
 * trainee; not in an ended session; one of a kind at a time (`busy`, refused with `busyMessage`).
 */
export function decideStartCheck(
  room: { ended: boolean; busy: boolean },
  peer: Pick<PeerView, 'role'>,
  busyMessage: LocalizedText,
): Verdict<{ origin: CheckOrigin }> {
  const origin = ORIGIN_OF[peer.role];
  if (!origin) return refuse('FORBIDDEN');
  if (room.ended) return refuse('PRECONDITION_FAILED', SESSION_ENDED_MESSAGE);
  if (room.busy) return refuse('CONFLICT', busyMessage);
  return { ok: true, origin };
}

/** A roll-call: one open at a time per session. */
export const decideStartRollCall = (
  room: { ended: boolean; openRollCall: boolean },
  peer: Pick<PeerView, 'role'>,
): Verdict<{ origin: CheckOrigin }> =>
  decideStartCheck({ ended: room.ended, busy: room.openRollCall }, peer, ROLL_CALL_OPEN_MESSAGE);

/** The times of a roll-call fired at `firedAt` with a window of `windowS` seconds. */
export function rollCallTimes(firedAt: Date, windowS: number): { closesAt: Date; lateUntil: Date } {
  const windowMs = windowS * 1000;
  const closesAt = new Date(firedAt.getTime() + windowMs);
  return {
    closesAt,
    lateUntil: new Date(closesAt.getTime() + Math.min(LATE_WINDOWS * windowMs, LATE_MAX_MS)),
  };
}

/** A trainee's outcome at the push; null: connected with a camera, a still is grabbed, the answer awaited. */
export function outcomeAtPush(t: { connected: boolean; camera: boolean }): RollCallOutcome | null {
  if (!t.connected) return 'not_in_room';
  if (!t.camera) return 'camera_off';
  return null;
}

/**
 * A trainee's answer at `now`: refused for a roll-call of another session (NOT_FOUND), one that has
 * closed or is past `lateUntil` (PRECONDITION_FAILED), or by anyone but a trainee of the roster.
 * Otherwise the outcome it gives: present within the window, late after it; a trainee already
 * decided at the push (camera off, not in the room) keeps that outcome, and a second answer keeps
 * the first.
 */
export function decideRollCallAnswer(
  rc: { sessionId: string; status: RollCallStatus; closesAt: Date | null; lateUntil: Date | null } | null,
  answer: { sessionId: string; role: LiveRole; now: Date },
  response: { outcome: RollCallOutcome | null; answeredAt: Date | null } | null,
): Verdict<{ outcome: RollCallOutcome; store: boolean }> {
  if (answer.role !== 'trainee') return refuse('FORBIDDEN', ROLL_CALL_NOT_YOURS_MESSAGE);
  if (!rc || rc.sessionId !== answer.sessionId || rc.status === 'scheduled' || rc.status === 'missed')
    return refuse('NOT_FOUND', ROLL_CALL_NOT_FOUND_MESSAGE);
  if (!response) return refuse('NOT_FOUND', ROLL_CALL_NOT_FOUND_MESSAGE);
  if (rc.status === 'closed' || !rc.closesAt || !rc.lateUntil || answer.now >= rc.lateUntil)
    return refuse('PRECONDITION_FAILED', ROLL_CALL_CLOSED_MESSAGE);
  if (response.answeredAt && response.outcome) return { ok: true, outcome: response.outcome, store: false };
  if (response.outcome) return { ok: true, outcome: response.outcome, store: true };
  return { ok: true, outcome: answer.now <= rc.closesAt ? 'present' : 'late', store: true };
}

/** The final outcome at the close: whoever was awaited and did not answer is absent. */
export const finalOutcome = (outcome: RollCallOutcome | null): RollCallOutcome => outcome ?? 'absent';

/** Counts by outcome; null outcomes are still `waiting`. */
export function countOutcomes(outcomes: Iterable<RollCallOutcome | null>): RollCallCounts {
  const counts: RollCallCounts = {
    present: 0,
    late: 0,
    absent: 0,
    camera_off: 0,
    not_in_room: 0,
    waiting: 0,
  };
  for (const o of outcomes) counts[o ?? 'waiting']++;
  return counts;
}

/**
 * SHA-256 of a closed roll-call's outcomes in canonical form: one line per trainee, sorted by account
 * id, `accountId|outcome|answeredAt ISO or -|still sha256 or -`, joined by newlines. Stored with the
 * roll-call and in its close's audit event, so a changed row is evident.
 */
export function outcomesDigest(
  rows: ReadonlyArray<{
    accountId: string;
    outcome: RollCallOutcome;
    answeredAt: Date | null;
    stillSha256: string | null;
  }>,
): string {
  const lines = [...rows]
    .sort((a, b) => (a.accountId < b.accountId ? -1 : a.accountId > b.accountId ? 1 : 0))
    .map((r) => `${r.accountId}|${r.outcome}|${r.answeredAt?.toISOString() ?? '-'}|${r.stillSha256 ?? '-'}`);
  return createHash('sha256').update(lines.join('\n')).digest('hex');
}
