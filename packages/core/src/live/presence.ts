/** Presence-log events as the live service writes them. */
export type PresenceEvent =
  | 'join'
  | 'leave'
  | 'camera.on'
  | 'camera.off'
  | 'mic.on'
  | 'mic.off'
  | 'network.drop'
  | 'removed'
  | 'session.ended';

export interface PresenceSummary {
  /** JS-8: connected, with camera AND microphone published, right now (at `until`). */
  present: boolean;
  presentMs: number;
  intervals: Array<{ from: string; to: string }>;
}

const ENDS = new Set<PresenceEvent>(['leave', 'network.drop', 'removed', 'session.ended']);

/**
 * Folds one person's events (in time order) into the time they counted as present. A person counts
 * only while connected with both camera and microphone published; a muted microphone still counts
 * (trainees enter muted, TM-2), a stopped one does not.
 */
export function summarizePresence(events: Array<{ event: string; at: Date }>, until: Date): PresenceSummary {
  let connected = false;
  let camera = false;
  let mic = false;
  let since: Date | null = null;
  const intervals: Array<{ from: string; to: string }> = [];
  let presentMs = 0;
  const close = (at: Date) => {
    if (since && at > since) {
      intervals.push({ from: since.toISOString(), to: at.toISOString() });
      presentMs += at.getTime() - since.getTime();
    }
    since = null;
  };
  for (const e of events) {
    const ev = e.event as PresenceEvent;
    if (ev === 'join') connected = true;
    else if (ENDS.has(ev)) {
      connected = false;
      camera = false;
      mic = false;
    } else if (ev === 'camera.on') camera = true;
    else if (ev === 'camera.off') camera = false;
    else if (ev === 'mic.on') mic = true;
    else if (ev === 'mic.off') mic = false;
    const nowPresent = connected && camera && mic;
    if (nowPresent && !since) since = e.at;
    if (!nowPresent && since) close(e.at);
  }
  const present = since !== null;
  if (since) close(until);
  return { present, presentMs, intervals };
}
