import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { and, eq, inArray, like } from 'drizzle-orm';
import type { Paper } from '@seafarer/contracts';
import { createOutboundDelivery } from '@seafarer/core';
import { examAnswers, examAttempts, jobOutbox } from '@seafarer/db';
import { startProcessors } from '../services/worker/src/processors';
import { startTestApp, type TestApp } from './helpers/app';
import { movableClock } from './helpers/clock';
import { freePorts } from './helpers/cluster';
import { addExamFixture, rightAnswer, wrongAnswer, type ExamFixture } from './helpers/exams';
import { startPrivateRedis, type PrivateRedis } from './helpers/redis-server';
import { createWorld } from './helpers/world';

/**
 * REL-2 for exams: an acknowledged answer is stored whatever happens to the processes around it — the
 * API killed with SIGKILL in the middle of a burst of saves from several candidates (every acked answer
 * is in the database afterwards; the page's retry with the same seq is then acked), and Redis crashing
 * and coming back (saves never touch it; the auto-submit job written to the outbox during the outage
 * reaches the queue after it and still fires at the deadline).
 */
const root = path.resolve(__dirname, '..');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function until<T>(what: string, fn: () => Promise<T | null | undefined | false>, ms = 30_000) {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(200);
  }
}
const paperOf = async (t: TestApp, attemptId: string) =>
  (await t.app.core.db.select().from(examAttempts).where(eq(examAttempts.id, attemptId)))[0]!.paper as Paper;

describe('exam answers under failures', () => {
  let t: TestApp;
  let f: ExamFixture;
  const children: ChildProcess[] = [];
  beforeAll(async () => {
    t = await startTestApp();
    const w = await createWorld(t);
    f = await addExamFixture(t, w, { trainees: 3, durationMinutes: 60 });
  }, 180_000);
  afterAll(async () => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    await t?.close();
  }, 60_000);

  function startApi(port: number, shared: Record<string, string>) {
    const proc = spawn(process.execPath, ['--import', 'tsx', 'services/api/src/server.ts'], {
      cwd: root,
      env: {
        ...process.env,
        LOG_LEVEL: 'silent',
        RATE_LIMIT_PER_MINUTE: '100000',
        LOGIN_RATE_LIMIT_PER_MINUTE: '100000',
        API_HOST: '127.0.0.1',
        API_PORT: String(port),
        ...shared,
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    proc.stderr!.on('data', (c: Buffer) => process.env.REL2_DEBUG && process.stderr.write(c));
    children.push(proc);
    return proc;
  }
  const up = (url: string) => () =>
    fetch(`${url}/readyz`).then(
      (r) => r.ok,
      () => false,
    );

  it('[REL-2] every acknowledged answer is in the database after a kill -9 of the api process mid-exam', async () => {
    const shared = {
      STORAGE_DIR: mkdtempSync(path.join(os.tmpdir(), 'seafarer-exam-kill-')),
      QUEUE_PREFIX: `test-${randomBytes(4).toString('hex')}`,
    };
    const [port] = await freePorts(1);
    const url = `http://127.0.0.1:${port}`;
    let api = startApi(port!, shared);
    await until('the API process', up(url), 60_000);

    // Three candidates sit; each keeps changing every answer (seq up by one per change) through the
    // child API, 8 saves in flight per candidate, while it is killed.
    const sitters = await Promise.all(
      f.candidates.map(async (c) => {
        const a = await c.client.examAttempts.start(f.classId, f.examId, { deviceId: `kill-${c.username}` });
        return { c, a, paper: await paperOf(t, a.id) };
      }),
    );
    /** Highest acked seq (and its answer) per attempt/question. */
    const acked = new Map<string, { seq: number; answer: unknown }>();
    let acks = 0;
    let failures = 0;
    let stop = false;
    const save = async (token: string, attemptId: string, body: Record<string, unknown>) => {
      const res = await fetch(
        `${url}/api/v1/classes/${f.classId}/exams/${f.examId}/attempts/${attemptId}/answers`,
        {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
          body: JSON.stringify(body),
          signal: AbortSignal.timeout(5_000),
        },
      );
      if (res.status !== 200) throw new Error(`save ${res.status}`);
      return (await res.json()) as { seq: number; stored: boolean };
    };
    const loops = sitters.flatMap(({ c, a, paper }) =>
      paper.questions.map(async (q, qi) => {
        let seq = 0;
        while (!stop) {
          seq += 1;
          const answer = seq % 2 ? rightAnswer(q) : wrongAnswer(q);
          try {
            const ack = await save(c.client.token!, a.id, {
              questionId: q.questionId,
              answer,
              seq,
              deviceId: `kill-${c.username}`,
            });
            acks += 1;
            const key = `${a.id}/${q.questionId}`;
            if (ack.stored && ack.seq === seq && (acked.get(key)?.seq ?? 0) < seq)
              acked.set(key, { seq, answer });
          } catch {
            failures += 1;
            if (stop) return;
            await sleep(50 + qi);
          }
        }
      }),
    );
    await until('a burst of acknowledged saves', async () => acks >= 300, 60_000);
    api.kill('SIGKILL');
    await new Promise((r) => api.once('exit', r));
    await sleep(500);
    stop = true;
    await Promise.all(loops);
    expect(failures).toBeGreaterThan(0);

    // Every acknowledged answer is stored (its seq or a later one that was sent; the acked one's answer
    // when the seq is the same).
    const rows = await t.app.core.db
      .select()
      .from(examAnswers)
      .where(
        inArray(
          examAnswers.attemptId,
          sitters.map((s) => s.a.id),
        ),
      );
    const stored = new Map(rows.map((r) => [`${r.attemptId}/${r.questionId}`, r]));
    let lost = 0;
    for (const [key, a] of acked) {
      const r = stored.get(key);
      if (!r || r.seq < a.seq || (r.seq === a.seq && JSON.stringify(r.answer) !== JSON.stringify(a.answer)))
        lost += 1;
    }
    expect(acked.size).toBe(sitters.reduce((n, s) => n + s.paper.questions.length, 0));
    expect(lost).toBe(0);
    console.log(
      `[REL-2] kill -9 mid-exam: ${acks} saves acknowledged, ${failures} failed in flight, 0 of ${acked.size} lost`,
    );

    // The API comes back; the page's retry of the last save (same seq) and a newer one are acked.
    api = startApi(port!, shared);
    await until('the API process again', up(url), 60_000);
    const s0 = sitters[0]!;
    const q0 = s0.paper.questions[0]!;
    const last = stored.get(`${s0.a.id}/${q0.questionId}`)!;
    const retry = await save(s0.c.client.token!, s0.a.id, {
      questionId: q0.questionId,
      answer: last.answer,
      seq: last.seq,
      deviceId: `kill-${s0.c.username}`,
    });
    expect(retry).toMatchObject({ seq: last.seq, stored: true });
    const next = await save(s0.c.client.token!, s0.a.id, {
      questionId: q0.questionId,
      answer: rightAnswer(q0),
      seq: last.seq + 1,
      deviceId: `kill-${s0.c.username}`,
    });
    expect(next).toMatchObject({ seq: last.seq + 1, stored: true });
    api.kill('SIGTERM');
    await new Promise((r) => api.once('exit', r));
  }, 180_000);
});

describe('exam answers and the auto-submit across a Redis restart', () => {
  let redis: PrivateRedis;
  let t: TestApp;
  let f: ExamFixture;
  let worker: ReturnType<typeof startProcessors>;
  const clock = movableClock();
  beforeAll(async () => {
    redis = await startPrivateRedis();
    const shared = {
      STORAGE_DIR: mkdtempSync(path.join(os.tmpdir(), 'seafarer-exam-redis-')),
      QUEUE_PREFIX: `test-${randomBytes(4).toString('hex')}`,
      REDIS_URL: redis.url,
    };
    t = await startTestApp(shared, { clock });
    worker = startProcessors({
      core: t.app.core,
      delivery: createOutboundDelivery({ db: t.app.core.db, clock: t.app.core.clock, channels: [] }),
      log: pino({ level: process.env.REL2_DEBUG ? 'debug' : 'silent' }),
      queue: { redisUrl: redis.url, prefix: shared.QUEUE_PREFIX },
      storageDir: shared.STORAGE_DIR,
    });
    const w = await createWorld(t);
    f = await addExamFixture(t, w, {
      trainees: 1,
      durationMinutes: 30,
      opensAt: new Date(Date.now() - 60 * 60_000),
      closesAt: new Date(Date.now() + 2 * 3600_000),
    });
  }, 180_000);
  afterAll(async () => {
    await redis?.start();
    await worker?.close();
    await t?.close();
    await redis?.close();
  }, 60_000);

  it('[REL-2] answers are saved and acknowledged while Redis is down, and the auto-submit job still fires after Redis is back (the outbox)', async () => {
    const cand = f.candidates[0]!;
    await redis.stop('SIGKILL');
    // Started "30 min − 12 s ago" on the API's clock, during the outage: the deadline is 12 s away.
    clock.set(new Date(Date.now() - 30 * 60_000 + 12_000));
    let attemptId: string;
    let deadlineAt: string;
    try {
      const a = await cand.client.examAttempts.start(f.classId, f.examId, { deviceId: 'redis-1' });
      attemptId = a.id;
      deadlineAt = a.deadlineAt;
    } finally {
      clock.reset();
    }
    const paper = await paperOf(t, attemptId);
    for (const q of paper.questions) {
      const ack = await cand.client.examAttempts.saveAnswer(f.classId, f.examId, attemptId, {
        questionId: q.questionId,
        answer: rightAnswer(q),
        seq: 1,
        deviceId: 'redis-1',
      });
      expect(ack.stored).toBe(true);
    }
    const rows = await t.app.core.db.select().from(examAnswers).where(eq(examAnswers.attemptId, attemptId));
    expect(rows).toHaveLength(paper.questions.length);
    // The job waits in the outbox while Redis is away.
    const [pending] = await t.app.core.db
      .select()
      .from(jobOutbox)
      .where(and(eq(jobOutbox.name, 'exam.auto-submit'), like(jobOutbox.jobKey, `%${attemptId}%`)));
    expect(pending).toMatchObject({ relayedAt: null });
    await sleep(2_000);
    await redis.start();
    const done = await until(
      'the auto-submit after Redis came back',
      async () => {
        const [r] = await t.app.core.db.select().from(examAttempts).where(eq(examAttempts.id, attemptId));
        // Marking follows at once (status 'marked'): submitted is the moment it has a submission time.
        return r?.submittedAt && r;
      },
      60_000,
    );
    expect(done).toMatchObject({ submitReason: 'time_up' });
    expect(done.submittedAt!.getTime()).toBeGreaterThanOrEqual(new Date(deadlineAt).getTime());
    expect(done.answersSha256).toMatch(/^[0-9a-f]{64}$/);
    const [relayed] = await t.app.core.db
      .select()
      .from(jobOutbox)
      .where(eq(jobOutbox.jobKey, pending!.jobKey));
    expect(relayed!.relayedAt).not.toBeNull();
  }, 120_000);
});
