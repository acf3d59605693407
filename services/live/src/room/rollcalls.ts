import type { Logger } from 'pino';
import type { RollCallLiveView, RollCallOutcome } from '@seafarer/contracts';
import {
  decideStartRollCall,
  enforce,
  rollCallTimes,
  type OpenedRollCall,
  type RollCallRecords,
} from '@seafarer/core';
import type { StillGrab } from '../media/frame-grab';
import type { Peer } from './peer';
import type { Room } from './room';
import type { Rooms } from './rooms';

/** Grabs a still of a peer's camera from the live stream (on the router the camera is on). */
export interface StillSource {
  grab(owner: Peer): Promise<StillGrab>;
}

/** How often the node closes roll-calls left open (their room closed, a node died, a timer lost). */
const SWEEP_MS = 15_000;
/** Progress to the staff at most this often per roll-call (150 answers do not make 150 reads). */
const PROGRESS_EVERY_MS = 500;
const CLOSE_ATTEMPTS = 6;
/** The stills start this long after the push. */
const GRAB_AFTER_MS = 200;

interface Running {
  id: string;
  room: Room;
  opened: Pick<OpenedRollCall, 'closesAt' | 'lateUntil'>;
  grabs: Set<Promise<unknown>>;
  timers: NodeJS.Timeout[];
  progressTimer: NodeJS.Timeout | null;
  closing: Promise<void> | null;
}

const isStaff = (p: Peer) => p.role === 'instructor' || p.role === 'class_manager' || p.role === 'observer';

/**
 * JS-13.2 / JS-7.2 / JS-16: the roll-calls of this node's rooms. A start is stored first (the row and
 * one response per roster trainee, audited), then the challenge goes to every trainee in the room
 * (without who started it) and the server grabs a still of each awaited trainee's camera from the
 * live stream. Answers are stored before they are acknowledged; the staff see the outcomes so far.
 * At `lateUntil` (or when its room has closed) the roll-call closes: outcomes final, hashed, audited;
 * the staff get the summary, each trainee their own outcome. A sweep every 15 s closes what a dead
 * node or a closed room left open, and picks up open roll-calls of rooms this node took over.
 */
export function createRollCallRunner(deps: {
  rooms: Rooms;
  records: RollCallRecords;
  stills: StillSource;
  log: Logger;
}) {
  const { rooms, records, stills } = deps;
  const log = deps.log.child({ component: 'rollcalls' });
  const running = new Map<string, Running>();
  /** When each roll-call's challenge went out (ms since the epoch), for the fan-out benchmark. */
  const pushed = new Map<string, number>();
  let stopped = false;

  const later = (ms: number, fn: () => void) => {
    const t = setTimeout(fn, Math.min(Math.max(ms, 0), 2 ** 31 - 1));
    t.unref();
    return t;
  };
  const openIn = (room: Room) => [...running.values()].some((r) => r.room === room && !r.closing);

  const tellStaff = (room: Room, event: 'rollcall.progress' | 'rollcall.closed', view: RollCallLiveView) => {
    for (const p of room.peers.values()) if (isStaff(p)) rooms.emitTo(p, event, view);
  };

  /** The staff's live view, at most every half second per roll-call. */
  function progressSoon(r: Running) {
    if (r.progressTimer || r.closing) return;
    r.progressTimer = later(PROGRESS_EVERY_MS, () => {
      r.progressTimer = null;
      if (r.closing) return;
      records
        .live(r.id)
        .then((view) => view && !view.closed && tellStaff(r.room, 'rollcall.progress', view))
        .catch((err: unknown) => log.warn({ err, rollCallId: r.id }, 'roll-call progress not readable'));
    });
  }

  function track(room: Room, id: string, opened: Running['opened']): Running {
    const r: Running = {
      id,
      room,
      opened,
      grabs: new Set(),
      timers: [],
      progressTimer: null,
      closing: null,
    };
    running.set(id, r);
    const now = Date.now();
    // The window's end: the staff see who has not answered; the late answers' end: the close.
    r.timers.push(later(opened.closesAt.getTime() - now + 50, () => progressSoon(r)));
    r.timers.push(later(opened.lateUntil.getTime() - now, () => void close(id)));
    return r;
  }

  /** One awaited trainee's still, grabbed and stored; a failure is noted on the response (no still). */
  function grabFor(r: Running, owner: Peer) {
    const task = (async () => {
      try {
        const still = await stills.grab(owner);
        await records.attachStill(
          { id: r.id, institutionId: r.room.institutionId, classId: r.room.classId },
          owner.id,
          still,
        );
      } catch (err) {
        log.warn({ err, rollCallId: r.id, peerId: owner.id }, 'no still for a roll-call');
        await records
          .noteStill(r.id, owner.id, `grab_failed: ${(err as Error).message}`)
          .catch((e: unknown) => log.warn({ err: e }, 'could not note a missing still'));
      }
    })();
    r.grabs.add(task);
    void task.finally(() => r.grabs.delete(task));
  }

  /**
   * Starts a roll-call in `room`: by a person (`starter`: the policy decides who may), or a scheduled
   * one's stored row (`scheduledId`, no starter). Null when that row is no longer due to fire.
   */
  async function start(
    room: Room,
    starter: Peer | null,
    scheduledId?: string,
  ): Promise<OpenedRollCall | null> {
    if (stopped) return null;
    let origin: OpenedRollCall['origin'] = 'scheduled';
    if (starter)
      ({ origin } = enforce(decideStartRollCall({ ended: room.ended, openRollCall: openIn(room) }, starter)));
    else if (room.ended || openIn(room)) return null;
    const connected = new Map<string, { camera: boolean }>();
    for (const p of room.peers.values())
      if (p.role === 'trainee' && p.joined) connected.set(p.id, { camera: !!p.producerOf('camera') });
    const opened = await records.open({
      ...(scheduledId && { rollCallId: scheduledId }),
      institutionId: room.institutionId,
      classId: room.classId,
      sessionId: room.sessionId,
      origin,
      startedBy: starter ? { accountId: starter.id, role: starter.role } : null,
      connected,
    });
    if (!opened) return null;
    const r = track(room, opened.id, opened);
    // Stored: now the challenge goes out. Trainees are not told who started it (JS-16).
    pushed.set(opened.id, Date.now());
    if (pushed.size > 1000) pushed.delete(pushed.keys().next().value!);
    const challenge = {
      rollCallId: opened.id,
      closesAt: opened.closesAt.toISOString(),
      windowS: opened.windowS,
      lateUntil: opened.lateUntil.toISOString(),
    };
    rooms.emitToMany(
      [...room.peers.values()].filter((p) => p.role === 'trainee' && p.joined),
      'rollcall.challenge',
      challenge,
    );
    // The stills start a moment after the push: the challenge reaching every trainee comes first (the
    // ffmpegs' start would compete with it for the CPU); a fifth of a second changes nothing of a still.
    const grabs = later(GRAB_AFTER_MS, () => {
      for (const id of opened.awaited) {
        const owner = room.peers.get(id);
        if (owner && !r.closing) grabFor(r, owner);
      }
    });
    r.timers.push(grabs);
    progressSoon(r);
    log.info({ rollCallId: opened.id, origin, awaited: opened.awaited.length }, 'roll-call started');
    return opened;
  }

  /** A trainee's answer: stored, then acknowledged with its outcome; the staff's view follows. */
  async function answer(room: Room, peer: Peer, rollCallId: string): Promise<{ outcome: RollCallOutcome }> {
    const { outcome } = await records.answer({
      rollCallId,
      sessionId: room.sessionId,
      accountId: peer.id,
      role: peer.role,
    });
    const r = running.get(rollCallId);
    if (r) progressSoon(r);
    return { outcome };
  }

  /** Closes a roll-call (idempotent; retried if the database refuses): staff get the summary, trainees their outcome. */
  function close(id: string): Promise<void> {
    const r = running.get(id);
    if (r?.closing) return r.closing;
    const task = (async () => {
      if (r) {
        for (const t of r.timers) clearTimeout(t);
        if (r.progressTimer) clearTimeout(r.progressTimer);
        // The stills belong to the outcomes hashed at the close (each grab ends within its timeout).
        await Promise.allSettled([...r.grabs]);
      }
      let view: RollCallLiveView | null = null;
      await rooms.housekeeping.run(
        'close a roll-call',
        async () => {
          view = await records.close(id);
        },
        { attempts: CLOSE_ATTEMPTS, context: { rollCallId: id } },
      ).done;
      running.delete(id);
      const closed = view as RollCallLiveView | null;
      if (!closed) return;
      const room = r?.room ?? [...rooms.rooms.values()].find((x) => x.sessionId === sessionOf.get(id));
      sessionOf.delete(id);
      if (!room) return;
      tellStaff(room, 'rollcall.closed', closed);
      const outcomes = new Map(closed.items.map((i) => [i.accountId, i.outcome] as const));
      for (const p of room.peers.values()) {
        const outcome = outcomes.get(p.id);
        if (p.role === 'trainee' && outcome) rooms.emitTo(p, 'rollcall.result', { rollCallId: id, outcome });
      }
      log.info({ rollCallId: id, counts: closed.counts }, 'roll-call closed');
    })();
    if (r) r.closing = task;
    return task;
  }
  /** Sessions of roll-calls found open by the sweep (no Running of this node). */
  const sessionOf = new Map<string, string>();

  /**
   * Durability: roll-calls whose late answers are over are closed whoever opened them (a node that
   * died, a lost timer); those of rooms that closed here are closed now; open ones of rooms this node
   * took over get their timers.
   */
  async function sweep(): Promise<void> {
    if (stopped) return;
    for (const r of running.values())
      if (!r.closing && (r.room.ended || rooms.rooms.get(r.room.sessionId) !== r.room)) void close(r.id);
    const overdue = await records.overdue();
    for (const o of overdue) {
      sessionOf.set(o.id, o.sessionId);
      void close(o.id);
    }
    const hosted = [...rooms.rooms.values()];
    const open = await records.openIn(hosted.map((room) => room.sessionId));
    for (const row of open) {
      if (running.has(row.id) || !row.firedAt || !row.closesAt) continue;
      const room = hosted.find((x) => x.sessionId === row.sessionId);
      if (!room) continue;
      const { closesAt, lateUntil } = rollCallTimes(row.firedAt, row.windowS);
      track(room, row.id, { closesAt, lateUntil });
      log.info({ rollCallId: row.id }, 'an open roll-call of a room taken over');
    }
  }
  const sweeping = () =>
    void sweep().catch((err: unknown) => log.warn({ err }, 'roll-call sweep failed; next time'));
  const sweeper = setInterval(sweeping, SWEEP_MS);
  sweeper.unref();
  setImmediate(sweeping);

  /**
   * Someone (re)joined while a roll-call is open: a trainee still awaited gets the challenge again (a
   * network drop lost the prompt), a member of staff the outcomes so far.
   */
  async function catchUp(room: Room, peer: Peer): Promise<void> {
    for (const r of running.values()) {
      if (r.room !== room || r.closing) continue;
      const view = await records.live(r.id);
      if (!view || view.closed) continue;
      if (isStaff(peer)) rooms.emitTo(peer, 'rollcall.progress', view);
      else if (peer.role === 'trainee') {
        const mine = view.items.find((i) => i.accountId === peer.id);
        if (mine && !mine.answeredAt && mine.outcome === null)
          rooms.emitTo(peer, 'rollcall.challenge', {
            rollCallId: r.id,
            closesAt: r.opened.closesAt.toISOString(),
            windowS: Math.round((r.opened.closesAt.getTime() - Date.parse(view.firedAt)) / 1000),
            lateUntil: r.opened.lateUntil.toISOString(),
          });
      }
    }
  }

  /** The session ends: its open roll-calls close now (nobody can answer any more). */
  async function closeAllIn(room: Room): Promise<void> {
    await Promise.all([...running.values()].filter((r) => r.room === room).map((r) => close(r.id)));
  }

  return {
    start,
    answer,
    catchUp,
    /** When the challenge of `rollCallId` was pushed (this node's clock), if it was pushed here. */
    pushedAt: (rollCallId: string) => pushed.get(rollCallId),
    closeAllIn,
    close,
    sweep,
    /** Whether `room` has a roll-call open on this node. */
    hasOpen: openIn,
    /**
     * Fires a scheduled roll-call (origin 'scheduled', its row stored by the planner) in the room this
     * node hosts, exactly as a person's: `{ fired: false }` when the room is not here, or the row is no
     * longer due (fired already, missed) or another roll-call is open.
     */
    async fireRollCall(rollCallId: string, sessionId: string): Promise<{ fired: boolean }> {
      const room = rooms.rooms.get(sessionId);
      if (!room) return { fired: false };
      const opened = await start(room, null, rollCallId);
      return { fired: !!opened };
    },
    /** Service stop: timers cleared; open roll-calls stay open in PostgreSQL (the sweep of a node closes them). */
    stop() {
      stopped = true;
      clearInterval(sweeper);
      for (const r of running.values()) {
        for (const t of r.timers) clearTimeout(t);
        if (r.progressTimer) clearTimeout(r.progressTimer);
      }
    },
  };
}
export type RollCallRunner = ReturnType<typeof createRollCallRunner>;
