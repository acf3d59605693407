import type { RollCallOutcome, SpotCheckVerdict } from '@seafarer/contracts';

/**
 * JS-16: what the officer's dashboard calls an attendance anomaly. Pure rules over the presence log,
 * roll-call outcomes, spot-check verdicts and oversight items; the service only reads the rows.
 */

/** A trainee in the room with the camera off for longer than this is flagged. */
export const LONG_CAMERA_OFF_MS = 5 * 60_000;
/** Absent from at least this many held sessions of the window is "repeated absence". */
export const REPEATED_ABSENCE_MIN = 2;
/** The dashboard looks this far back. */
export const ANOMALY_WINDOW_DAYS = 7;

const ROOM_ENDS = new Set(['leave', 'network.drop', 'removed', 'session.ended']);

/**
 * The stretches one person spent connected to the room with no camera published, at least `minMs`
 * long. Events in time order; a stretch still open at `until` is cut there.
 */
export function cameraOffStretches(
  events: ReadonlyArray<{ event: string; at: Date }>,
  until: Date,
  minMs = LONG_CAMERA_OFF_MS,
): Array<{ from: Date; to: Date; ms: number }> {
  const out: Array<{ from: Date; to: Date; ms: number }> = [];
  let connected = false;
  let camera = false;
  let since: Date | null = null;
  const close = (at: Date) => {
    if (since && at.getTime() - since.getTime() >= minMs)
      out.push({ from: since, to: at, ms: at.getTime() - since.getTime() });
    since = null;
  };
  for (const e of events) {
    if (e.at > until) break;
    if (e.event === 'join') connected = true;
    else if (ROOM_ENDS.has(e.event)) {
      connected = false;
      camera = false;
    } else if (e.event === 'camera.on') camera = true;
    else if (e.event === 'camera.off') camera = false;
    const off = connected && !camera;
    if (off && !since) since = e.at;
    if (!off && since) close(e.at);
  }
  if (since) close(until);
  return out;
}

/** A roll-call outcome the dashboard flags: no answer, camera off, or not in the room. */
export const isMissedRollCall = (outcome: string | null): outcome is RollCallOutcome =>
  outcome === 'absent' || outcome === 'camera_off' || outcome === 'not_in_room';

/** A spot-check verdict the dashboard flags: the still does not match the ID photo, or shows no face. */
export const isFailedSpotCheck = (verdict: string): verdict is SpotCheckVerdict =>
  verdict === 'mismatch' || verdict === 'no_face';

/**
 * A finding overdue for rectification: the overdue job marked it and no correction was accepted (a
 * closed item is settled too).
 */
export const isOverdueRectification = (item: { overdueAt: Date | null; status: string }) =>
  item.overdueAt !== null && item.status !== 'accepted' && item.status !== 'closed';

/**
 * Trainees absent from at least `min` held sessions of their class: a held session is one somebody
 * attended (a session nobody connected to was not taught, so its trainees are not "absent"); a trainee
 * who was present at any moment of it was not absent. Sessions must have ended.
 */
export function repeatedAbsences(
  sessions: ReadonlyArray<{ sessionId: string; endsAt: Date; attendees: ReadonlySet<string> }>,
  roster: readonly string[],
  min = REPEATED_ABSENCE_MIN,
): Array<{ accountId: string; sessionIds: string[]; latest: Date }> {
  const held = sessions.filter((s) => s.attendees.size > 0);
  const out: Array<{ accountId: string; sessionIds: string[]; latest: Date }> = [];
  for (const accountId of roster) {
    const missed = held.filter((s) => !s.attendees.has(accountId));
    if (missed.length >= min)
      out.push({
        accountId,
        sessionIds: missed.map((s) => s.sessionId),
        latest: new Date(Math.max(...missed.map((s) => s.endsAt.getTime()))),
      });
  }
  return out;
}

/** Whether a person is connected to the room after these events (in time order). */
export function connectedAfter(events: ReadonlyArray<{ event: string }>): boolean {
  let connected = false;
  for (const e of events) {
    if (e.event === 'join') connected = true;
    else if (ROOM_ENDS.has(e.event)) connected = false;
  }
  return connected;
}

/**
 * A class is live now when its session's join window holds `now`, the session was not ended for good,
 * and either its scheduled time has begun or somebody is already in its room.
 */
export function isLiveNow(
  s: { startsAt: Date; endsAt: Date; opensAt: Date; closesAt: Date },
  now: Date,
  room: { closed: boolean; open: boolean },
): boolean {
  if (room.closed || now < s.opensAt || now > s.closesAt) return false;
  return room.open || (now >= s.startsAt && now <= s.endsAt);
}
