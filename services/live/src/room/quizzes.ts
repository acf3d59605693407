import type { Logger } from 'pino';
import type { CandidateAnswer, QuizConsoleView, QuizPushBody } from '@seafarer/contracts';
import { decideStartQuiz, enforce, isTeacher, QUIZ_ANSWER_GRACE_MS, type QuizService } from '@seafarer/core';
import type { Peer } from './peer';
import type { Room } from './room';
import type { Rooms } from './rooms';

/** How often the node closes quizzes left open (their room closed, a node died, a timer lost). */
const SWEEP_MS = 15_000;
/** The distribution to the staff at most this often per quiz (a class answering at once is one read). */
const PROGRESS_EVERY_MS = 300;
const CLOSE_ATTEMPTS = 6;

interface Running {
  id: string;
  room: Room;
  /** Trainees in the room during the quiz (at the push, and any who joined while it was open). */
  seen: Set<string>;
  timer: NodeJS.Timeout | null;
  progressTimer: NodeJS.Timeout | null;
  closing: Promise<QuizConsoleView | null> | null;
}

/** Who sees the distribution: the instructor, class managers, an officer sitting in. Never a trainee. */
const seesDistribution = (p: Peer) => isTeacher(p) || p.role === 'observer';

/**
 * JS-7.1 / JS-14: the quizzes (随堂测试) of this node's rooms. A push is stored and audited first (core's
 * quiz service), then the questions without answers go to every trainee in the room; the staff's
 * console gets the distribution as answers are stored. At the limit (a timer of this node; the sweep
 * every 15 s for a dead node or a lost timer) the quiz closes: marked, hashed, audited; the staff get
 * the final view, each trainee their score and the right answers.
 */
export function createQuizRunner(deps: { rooms: Rooms; service: QuizService; log: Logger }) {
  const { rooms, service } = deps;
  const log = deps.log.child({ component: 'quizzes' });
  const running = new Map<string, Running>();
  /** Sessions of quizzes found overdue by the sweep (no Running on this node). */
  const sessionOf = new Map<string, string>();
  let stopped = false;

  const later = (ms: number, fn: () => void) => {
    const t = setTimeout(fn, Math.min(Math.max(ms, 0), 2 ** 31 - 1));
    t.unref();
    return t;
  };
  const openIn = (room: Room) => [...running.values()].some((r) => r.room === room && !r.closing);
  const trainees = (room: Room) => [...room.peers.values()].filter((p) => p.role === 'trainee' && p.joined);
  const tellStaff = (room: Room, event: 'quiz.progress' | 'quiz.closed', view: QuizConsoleView) => {
    for (const p of room.peers.values()) if (p.joined && seesDistribution(p)) rooms.emitTo(p, event, view);
  };

  function progressSoon(r: Running, now = false) {
    if (r.progressTimer || r.closing) return;
    r.progressTimer = later(now ? 0 : PROGRESS_EVERY_MS, () => {
      r.progressTimer = null;
      if (r.closing) return;
      service
        .live(r.id, r.seen.size)
        .then((view) => view && view.status === 'open' && tellStaff(r.room, 'quiz.progress', view))
        .catch((err: unknown) => log.warn({ err, quizId: r.id }, 'quiz progress not readable'));
    });
  }

  function track(room: Room, id: string, closesAt: Date): Running {
    const r: Running = {
      id,
      room,
      seen: new Set(trainees(room).map((p) => p.id)),
      timer: null,
      progressTimer: null,
      closing: null,
    };
    running.set(id, r);
    r.timer = later(closesAt.getTime() + QUIZ_ANSWER_GRACE_MS - Date.now(), () => void close(id, null));
    return r;
  }

  /** Pushes a quiz: the policy decides who may; stored and audited; then the prompt goes out. */
  async function push(room: Room, peer: Peer, body: QuizPushBody) {
    enforce(decideStartQuiz({ ended: room.ended, openQuiz: openIn(room) }, peer));
    const pushed = await service.push({
      institutionId: room.institutionId,
      classId: room.classId,
      sessionId: room.sessionId,
      by: { accountId: peer.id, role: peer.role },
      ended: room.ended,
      body,
    });
    const r = track(room, pushed.id, pushed.closesAt);
    rooms.emitToMany(trainees(room), 'quiz.prompt', pushed.prompt);
    progressSoon(r, true);
    log.info({ quizId: pushed.id, trainees: r.seen.size }, 'quiz pushed');
    return { quizId: pushed.id, closesAt: pushed.closesAt.toISOString() };
  }

  /** A trainee's answers: stored, then acknowledged; the staff's distribution follows. */
  async function answer(room: Room, peer: Peer, quizId: string, answers: Record<string, CandidateAnswer>) {
    const stored = await service.answer({
      quizId,
      sessionId: room.sessionId,
      accountId: peer.id,
      role: peer.role,
      answers,
    });
    const r = running.get(stored.quizId);
    if (r) {
      r.seen.add(peer.id);
      progressSoon(r);
    }
    return { quizId: stored.quizId, answeredAt: stored.answeredAt.toISOString() };
  }

  /** Closes a quiz (idempotent; retried if the database refuses): staff get the final view, trainees their result. */
  function close(id: string, by: Peer | null): Promise<QuizConsoleView | null> {
    const r = running.get(id);
    if (r?.closing) return r.closing;
    const task = (async () => {
      if (r) {
        if (r.timer) clearTimeout(r.timer);
        if (r.progressTimer) clearTimeout(r.progressTimer);
      }
      let closed: Awaited<ReturnType<QuizService['close']>> = null;
      await rooms.housekeeping.run(
        'close a quiz',
        async () => {
          closed = await service.close(id, by && { accountId: by.id, role: by.role }, r?.seen.size ?? 0);
        },
        { attempts: CLOSE_ATTEMPTS, context: { quizId: id } },
      ).done;
      running.delete(id);
      const done = closed as Awaited<ReturnType<QuizService['close']>>;
      if (!done) return null;
      const room = r?.room ?? [...rooms.rooms.values()].find((x) => x.sessionId === sessionOf.get(id));
      sessionOf.delete(id);
      if (room) {
        tellStaff(room, 'quiz.closed', done.view);
        for (const p of trainees(room))
          rooms.emitTo(p, 'quiz.result', done.results.get(p.id) ?? done.unanswered);
      }
      log.info({ quizId: id, answered: done.view.answered }, 'quiz closed');
      return done.view;
    })();
    if (r) r.closing = task;
    return task;
  }

  /** The instructor or a class manager closes the quiz before its limit. */
  async function closeEarly(room: Room, peer: Peer, quizId: string): Promise<QuizConsoleView> {
    await service.assertClosable(quizId, room.sessionId, peer);
    const view = await close(quizId, peer);
    if (!view) throw new Error('quiz vanished while closing');
    return view;
  }

  /**
   * Durability: quizzes past their limit are closed whoever pushed them (a node that died, a lost
   * timer); those of rooms that closed here are closed now; open ones of rooms this node took over
   * get their timers.
   */
  async function sweep(): Promise<void> {
    if (stopped) return;
    for (const r of running.values())
      if (!r.closing && (r.room.ended || rooms.rooms.get(r.room.sessionId) !== r.room))
        void close(r.id, null);
    for (const o of await service.overdue()) {
      if (running.get(o.id)?.closing) continue;
      sessionOf.set(o.id, o.sessionId);
      void close(o.id, null);
    }
    const hosted = [...rooms.rooms.values()];
    for (const row of await service.openIn(hosted.map((room) => room.sessionId))) {
      if (running.has(row.id)) continue;
      const room = hosted.find((x) => x.sessionId === row.sessionId);
      if (!room) continue;
      track(room, row.id, row.closesAt);
      log.info({ quizId: row.id }, 'an open quiz of a room taken over');
    }
  }
  const sweeping = () =>
    void sweep().catch((err: unknown) => log.warn({ err }, 'quiz sweep failed; next time'));
  const sweeper = setInterval(sweeping, SWEEP_MS);
  sweeper.unref();
  setImmediate(sweeping);

  /** Someone (re)joined while a quiz is open: a trainee gets the prompt again, the staff the distribution. */
  async function catchUp(room: Room, peer: Peer): Promise<void> {
    for (const r of running.values()) {
      if (r.room !== room || r.closing) continue;
      if (seesDistribution(peer)) {
        const view = await service.live(r.id, r.seen.size);
        if (view && view.status === 'open') rooms.emitTo(peer, 'quiz.progress', view);
      } else if (peer.role === 'trainee') {
        r.seen.add(peer.id);
        const mine = await service.forTrainee(r.id, peer.id);
        if (mine && 'prompt' in mine) rooms.emitTo(peer, 'quiz.prompt', mine.prompt);
        progressSoon(r);
      }
    }
  }

  /** The session ends: its open quizzes close now. */
  async function closeAllIn(room: Room): Promise<void> {
    await Promise.all([...running.values()].filter((r) => r.room === room).map((r) => close(r.id, null)));
  }

  return {
    push,
    answer,
    close,
    closeEarly,
    catchUp,
    closeAllIn,
    sweep,
    hasOpen: openIn,
    /** Service stop: timers cleared; open quizzes stay open in PostgreSQL (a node's sweep closes them). */
    stop() {
      stopped = true;
      clearInterval(sweeper);
      for (const r of running.values()) {
        if (r.timer) clearTimeout(r.timer);
        if (r.progressTimer) clearTimeout(r.progressTimer);
      }
    },
  };
}
export type QuizRunner = ReturnType<typeof createQuizRunner>;
