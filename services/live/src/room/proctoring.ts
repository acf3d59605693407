import type { Logger } from 'pino';
import { watchCamera, type CameraWatch, type ProctoredAttempt, type ProctorRecords } from '@seafarer/core';
import type { StillSource } from './rollcalls';
import type { Room } from './room';

/** How often the node looks at the exams of the rooms it hosts. */
const TICK_MS = 5_000;
/** A due still waits this long for the candidate's camera (a reconnection) before it is given up. */
const FAIL_AFTER_MS = 60_000;
/** Stills grabbed at once by this node (each is an ffmpeg). */
const MAX_GRABS = 4;

/**
 * JS-7.3: the proctoring of exams invigilated in the live rooms of this node. Every few seconds, for
 * each attempt in progress of an exam whose session is hosted here: its still times are drawn and
 * stored once (never sent to anyone), a still whose time has come is grabbed from the candidate's
 * camera in the live stream and handed to core (evidence, face-match, flag), and — when the exam
 * requires the camera — a camera off (or the candidate not in the room) past the grace time is
 * flagged camera_off. Everything is in PostgreSQL: a node taking a room over picks the plan up.
 */
export function createProctorRunner(deps: {
  rooms: ReadonlyMap<string, Room>;
  records: ProctorRecords;
  stills: StillSource;
  clock: { now(): Date };
  log: Logger;
  tickMs?: number;
  graceMs?: number;
}) {
  const { rooms, records, stills, clock } = deps;
  const log = deps.log.child({ component: 'proctoring' });
  const planned = new Set<string>();
  const cameras = new Map<string, CameraWatch>();
  const grabbing = new Set<string>();
  let ticking: Promise<void> | null = null;
  let stopped = false;

  const cameraOf = (a: ProctoredAttempt) => {
    const peer = rooms.get(a.sessionId)?.peers.get(a.accountId);
    const producer = peer?.joined ? peer.producerOf('camera') : undefined;
    return { peer, on: !!producer && !producer.paused };
  };

  async function grab(a: ProctoredAttempt, still: { id: string; dueAt: Date }) {
    grabbing.add(still.id);
    try {
      const { peer, on } = cameraOf(a);
      const late = clock.now().getTime() - still.dueAt.getTime() > FAIL_AFTER_MS;
      if (!peer || !on) {
        if (late) await records.stillFailed(a, still.id, peer ? 'camera off' : 'not in the room');
        return;
      }
      try {
        const g = await stills.grab(peer);
        const r = await records.attachStill(a, still.id, { jpeg: g.jpeg, at: g.at });
        log.info({ attemptId: a.attemptId, stillId: still.id, verdict: r?.verdict }, 'exam still taken');
      } catch (err) {
        log.warn({ err, attemptId: a.attemptId, stillId: still.id }, 'exam still not grabbed');
        if (late) await records.stillFailed(a, still.id, `grab failed: ${(err as Error).message}`);
      }
    } finally {
      grabbing.delete(still.id);
    }
  }

  async function run(): Promise<void> {
    const hosted = [...rooms.values()].filter((r) => !r.ended);
    const attempts = await records.inProgress(hosted.map((r) => r.sessionId));
    const byId = new Map(attempts.map((a) => [a.attemptId, a]));
    const now = clock.now().getTime();
    for (const a of attempts) {
      if (!planned.has(a.attemptId)) {
        await records.planStills(a);
        planned.add(a.attemptId);
      }
      if (!a.camera) continue;
      const { peer, on } = cameraOf(a);
      const w = watchCamera(
        cameras.get(a.attemptId) ?? { offSince: null, flagged: false },
        on,
        now,
        deps.graceMs,
      );
      cameras.set(a.attemptId, w.watch);
      if (w.flag)
        await records.serverFlag(a, 'camera_off', {
          reason: peer ? 'camera_closed' : 'not_in_room',
          since: new Date(w.watch.offSince!).toISOString(),
        });
    }
    for (const id of [...cameras.keys()]) if (!byId.has(id)) cameras.delete(id);
    for (const id of [...planned]) if (!byId.has(id)) planned.delete(id);
    const due = await records.due(attempts.map((a) => a.attemptId));
    const tasks: Promise<void>[] = [];
    for (const d of due) {
      if (grabbing.has(d.id) || grabbing.size >= MAX_GRABS) continue;
      tasks.push(grab(byId.get(d.attemptId)!, d));
    }
    await Promise.allSettled(tasks);
  }

  /** One look at the hosted exams (a tick already under way is awaited, not doubled). */
  function tick(): Promise<void> {
    if (stopped) return Promise.resolve();
    ticking ??= run()
      .catch((err: unknown) => log.warn({ err }, 'proctoring tick failed; next time'))
      .finally(() => (ticking = null));
    return ticking;
  }
  const timer = setInterval(() => void tick(), deps.tickMs ?? TICK_MS);
  timer.unref();

  return {
    tick,
    stop() {
      stopped = true;
      clearInterval(timer);
    },
  };
}
export type ProctorRunner = ReturnType<typeof createProctorRunner>;
