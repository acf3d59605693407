import pino from 'pino';
import { and, eq } from 'drizzle-orm';
import type { AttemptView, ErrorBody, Paper } from '@seafarer/contracts';
import { createOutboundDelivery } from '@seafarer/core';
import { auditEvents, examAnswers, examAttempts, examFlags, jobOutbox } from '@seafarer/db';
import { startProcessors } from '../services/worker/src/processors';
import { startTestApp, type TestApp } from './helpers/app';
import { movableClock } from './helpers/clock';
import { addExamFixture, rightAnswer, sitAttempt, wrongAnswer, type ExamFixture } from './helpers/exams';
import { createWorld, type World } from './helpers/world';

/**
 * JS-7.3 / REL-2 (issue 12 §3): a candidate sits an exam through the HTTP API: the paper stored at
 * start, the server's deadline (with extra time), answers acknowledged once stored with the highest seq
 * kept, one idempotent submission hashed and audited, the auto-submit at the deadline through the real
 * worker, and nobody else reaching the attempt.
 */
let t: TestApp;
let w: World;
let f: ExamFixture;
let worker: ReturnType<typeof startProcessors>;
const clock = movableClock();

beforeAll(async () => {
  t = await startTestApp({}, { clock });
  worker = startProcessors({
    core: t.app.core,
    delivery: createOutboundDelivery({ db: t.app.core.db, clock: t.app.core.clock, channels: [] }),
    log: pino({ level: 'silent' }),
    queue: { redisUrl: t.config.REDIS_URL, prefix: t.config.QUEUE_PREFIX },
    storageDir: t.config.STORAGE_DIR,
  });
  w = await createWorld(t);
  // Opened an hour ago (so an attempt can be started "30 minutes ago" for the auto-submit).
  f = await addExamFixture(t, w, {
    trainees: 3,
    durationMinutes: 30,
    opensAt: new Date(Date.now() - 60 * 60_000),
    closesAt: new Date(Date.now() + 2 * 3600_000),
  });
}, 180_000);
afterAll(async () => {
  await worker?.close();
  await t?.close();
}, 60_000);

const paths = (attemptId = '') => {
  const base = `/api/v1/classes/${f.classId}/exams/${f.examId}/attempts`;
  return { start: base, one: `${base}/${attemptId}`, answers: `${base}/${attemptId}/answers` };
};
const storedPaper = async (attemptId: string) =>
  (
    await t.app.core.db
      .select({ paper: examAttempts.paper })
      .from(examAttempts)
      .where(eq(examAttempts.id, attemptId))
  )[0]!.paper as Paper;

async function until<T>(what: string, fn: () => Promise<T | null | undefined | false>, ms = 30_000) {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('sitting an exam', () => {
  let a: AttemptView;

  it("[JS-7.3] a candidate starts inside the window: the paper is stored at start, shown without answers, the deadline is the server's; a double start is one attempt", async () => {
    const c = f.candidates[0]!.client;
    const [one, two] = await Promise.all([
      c.examAttempts.start(f.classId, f.examId, { deviceId: 'phone-1' }),
      c.examAttempts.start(f.classId, f.examId, { deviceId: 'phone-1' }),
    ]);
    expect(one.id).toBe(two.id);
    a = one;
    const rows = await t.app.core.db
      .select()
      .from(examAttempts)
      .where(and(eq(examAttempts.examId, f.examId), eq(examAttempts.accountId, f.candidates[0]!.accountId)));
    expect(rows).toHaveLength(1);
    expect(a).toMatchObject({ status: 'in_progress', statusLabel: { zh: '答题中' }, totalScore: 22 });
    expect(a.questions).toHaveLength(8);
    expect(new Set(a.questions.map((q) => q.type))).toEqual(
      new Set(['single', 'multiple', 'true_false', 'fill_in', 'short_answer']),
    );
    // No answer, no option mapping reaches the candidate.
    expect(JSON.stringify(a)).not.toMatch(/"answer"\s*:\s*\{|optionMap|accepted|reference/);
    const started = new Date(a.startedAt).getTime();
    expect(new Date(a.deadlineAt).getTime()).toBe(started + 30 * 60_000);
    expect(Math.abs(new Date(a.serverNow).getTime() - clock.now().getTime())).toBeLessThan(5_000);
    // The stored paper is the candidate's own draw, with its answers.
    const paper = await storedPaper(a.id);
    expect(paper.questions.map((q) => q.questionId)).toEqual(a.questions.map((q) => q.questionId));
    expect(paper.questions.every((q) => q.answer)).toBe(true);
    // The auto-submit job is in the outbox, due at the deadline.
    const [job] = await t.app.core.db
      .select()
      .from(jobOutbox)
      .where(
        and(
          eq(jobOutbox.name, 'exam.auto-submit'),
          eq(jobOutbox.jobKey, `exam-auto-submit:${a.id}:${new Date(a.deadlineAt).getTime()}`),
        ),
      );
    expect(job?.runAt?.toISOString()).toBe(a.deadlineAt);
    // Someone not a candidate (the world's own trainee, of another class) is refused.
    const other = await w.as.trainee.raw('POST', paths().start, { body: {} });
    expect([403, 404]).toContain(other.status);
  });

  it('[REL-2] an answer is acknowledged once stored; the highest seq is kept; a resume shows the saved answers', async () => {
    const c = f.candidates[0]!.client;
    const paper = await storedPaper(a.id);
    const single = paper.questions.find((q) => q.type === 'single')!;
    const wrong = wrongAnswer(single);
    const right = rightAnswer(single);
    const ack1 = await c.examAttempts.saveAnswer(f.classId, f.examId, a.id, {
      questionId: single.questionId,
      answer: wrong,
      seq: 1,
      deviceId: 'phone-1',
    });
    expect(ack1).toMatchObject({ seq: 1, stored: true, deadlineAt: a.deadlineAt });
    const ack3 = await c.examAttempts.saveAnswer(f.classId, f.examId, a.id, {
      questionId: single.questionId,
      answer: right,
      seq: 3,
      deviceId: 'phone-1',
    });
    expect(ack3).toMatchObject({ seq: 3, stored: true });
    // A late retry of seq 2 does not overwrite seq 3; a retry of seq 3 is the same save.
    const late = await c.examAttempts.saveAnswer(f.classId, f.examId, a.id, {
      questionId: single.questionId,
      answer: wrong,
      seq: 2,
      deviceId: 'phone-1',
    });
    expect(late).toMatchObject({ seq: 3, stored: false });
    const again = await c.examAttempts.saveAnswer(f.classId, f.examId, a.id, {
      questionId: single.questionId,
      answer: right,
      seq: 3,
      deviceId: 'phone-1',
    });
    expect(again).toMatchObject({ seq: 3, stored: true });
    const [row] = await t.app.core.db
      .select()
      .from(examAnswers)
      .where(and(eq(examAnswers.attemptId, a.id), eq(examAnswers.questionId, single.questionId)));
    expect(row).toMatchObject({ seq: 3, answer: right, deviceId: 'phone-1' });
    // Not on the audit chain one by one.
    const audits = await t.app.core.db.select().from(auditEvents).where(eq(auditEvents.targetId, a.id));
    expect(audits.map((e) => e.action)).toEqual(['exam.attempt_started']);
    const resumed = await c.examAttempts.start(f.classId, f.examId, { deviceId: 'phone-1' });
    expect(resumed.id).toBe(a.id);
    expect(resumed.answers).toEqual([
      expect.objectContaining({ questionId: single.questionId, answer: right, seq: 3 }),
    ]);
  });

  it('[JS-7.3] answers of the wrong shape, or to a question not on the paper, are coded 4xx (zh/en) and change nothing', async () => {
    const c = f.candidates[0]!.client;
    const paper = await storedPaper(a.id);
    const byType = (type: string) => paper.questions.find((q) => q.type === type)!;
    const bad: Array<[string, unknown]> = [
      [byType('single').questionId, 'Z'],
      [byType('single').questionId, ['A']],
      [byType('multiple').questionId, 'A'],
      [byType('multiple').questionId, ['A', 'A']],
      [byType('true_false').questionId, 'true'],
      [byType('fill_in').questionId, ['a', 'b', 'c']],
      [byType('short_answer').questionId, true],
      [f.questions.find((q) => !paper.questions.some((p) => p.questionId === q.id))!.id, 'A'],
    ];
    for (const [questionId, answer] of bad) {
      const res = await c.raw('POST', paths(a.id).answers, {
        body: { questionId, answer, seq: 10, deviceId: 'phone-1' },
      });
      expect(res.status).toBe(400);
      const body = res.body as ErrorBody;
      expect(body.code).toBe('VALIDATION');
      expect(body.message.zh).toMatch(/[\u4e00-\u9fff]/);
      expect(body.message.en.length).toBeGreaterThan(5);
    }
    for (const body of [
      { questionId: byType('single').questionId, answer: 'A', seq: 0, deviceId: 'phone-1' },
      { questionId: byType('single').questionId, answer: 'A', seq: 4 },
      { questionId: 'not-a-uuid', answer: 'A', seq: 4, deviceId: 'phone-1' },
      { questionId: byType('single').questionId, answer: { keys: ['A'] }, seq: 4, deviceId: 'phone-1' },
    ]) {
      const res = await c.raw('POST', paths(a.id).answers, { body });
      expect(res.status).toBe(400);
    }
    const rows = await t.app.core.db.select().from(examAnswers).where(eq(examAnswers.attemptId, a.id));
    expect(rows).toHaveLength(1);
  });

  it("[JS-7.3] another trainee cannot read or write someone's attempt; staff of the class read it", async () => {
    const intruder = f.candidates[1]!.client;
    const q = a.questions[0]!;
    expect((await intruder.raw('GET', paths(a.id).one)).status).toBe(404);
    expect(
      (
        await intruder.raw('POST', paths(a.id).answers, {
          body: { questionId: q.questionId, answer: null, seq: 99, deviceId: 'x' },
        })
      ).status,
    ).toBe(404);
    expect((await intruder.raw('POST', `${paths(a.id).one}/submit`)).status).toBe(404);
    expect((await w.as.trainee.raw('GET', paths(a.id).one)).status).toBe(404);
    // The manager reads it (but cannot answer for the candidate).
    const seen = await f.manager.examAttempts.get(f.classId, f.examId, a.id);
    expect(seen.id).toBe(a.id);
    expect(
      (
        await f.manager.raw('POST', paths(a.id).answers, {
          body: { questionId: q.questionId, answer: null, seq: 99, deviceId: 'x' },
        })
      ).status,
    ).toBe(403);
  });

  it("[JS-7.3] a second device's save is allowed and recorded (its device id on the answer, a second_device flag)", async () => {
    const c = f.candidates[0]!.client;
    const paper = await storedPaper(a.id);
    const tf = paper.questions.find((q) => q.type === 'true_false')!;
    const ack = await c.examAttempts.saveAnswer(f.classId, f.examId, a.id, {
      questionId: tf.questionId,
      answer: true,
      seq: 1,
      deviceId: 'laptop-2',
    });
    expect(ack.stored).toBe(true);
    const view = await c.examAttempts.get(f.classId, f.examId, a.id);
    expect(view.answers.find((x) => x.questionId === tf.questionId)).toMatchObject({ deviceId: 'laptop-2' });
    const flags = await t.app.core.db
      .select()
      .from(examFlags)
      .where(and(eq(examFlags.attemptId, a.id), eq(examFlags.kind, 'second_device')));
    expect(flags).toHaveLength(1);
    expect(flags[0]!.detail).toMatchObject({ deviceId: 'laptop-2' });
  });

  it('[JS-7.3] submit is one idempotent step: hashed, audited once, marking queued; a save after it is refused', async () => {
    const c = f.candidates[0]!.client;
    const [s1, s2] = await Promise.all([
      c.examAttempts.submit(f.classId, f.examId, a.id),
      c.examAttempts.submit(f.classId, f.examId, a.id),
    ]);
    expect(s1).toMatchObject({
      status: 'submitted',
      submitReason: 'candidate',
      statusLabel: { zh: '已交卷' },
    });
    expect(s2.submittedAt).toBe(s1.submittedAt);
    expect(s1.answersSha256).toMatch(/^[0-9a-f]{64}$/);
    const s3 = await c.examAttempts.submit(f.classId, f.examId, a.id);
    expect(s3.answersSha256).toBe(s1.answersSha256);
    const audits = await t.app.core.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.targetId, a.id), eq(auditEvents.action, 'exam.attempt_submitted')));
    expect(audits).toHaveLength(1);
    expect(audits[0]!.data).toMatchObject({
      answersSha256: s1.answersSha256,
      reason: 'candidate',
      answered: 2,
    });
    const marks = await t.app.core.db
      .select()
      .from(jobOutbox)
      .where(and(eq(jobOutbox.name, 'exam.mark'), eq(jobOutbox.jobKey, `exam-mark:${a.id}`)));
    expect(marks).toHaveLength(1);
    const res = await c.raw('POST', paths(a.id).answers, {
      body: { questionId: a.questions[0]!.questionId, answer: null, seq: 50, deviceId: 'phone-1' },
    });
    expect(res.status).toBe(409);
    expect((res.body as ErrorBody).message).toMatchObject({ zh: expect.stringContaining('已交卷') });
    // Start again: the submitted attempt, not a new one.
    const again = await c.examAttempts.start(f.classId, f.examId, {});
    expect(again).toMatchObject({ id: a.id, status: 'submitted' });
  });

  it('[JS-7.3] extra time extends the server deadline; a save after the deadline is refused', async () => {
    const cand = f.candidates[1]!;
    const grant = await f.manager.raw('POST', `/api/v1/classes/${f.classId}/exams/${f.examId}/extra-time`, {
      body: { accountId: cand.accountId, extraMinutes: 15, reason: '视力障碍，延时 15 分钟' },
    });
    expect(grant.status).toBeLessThan(300);
    const started = await cand.client.examAttempts.start(f.classId, f.examId, { deviceId: 'd-2' });
    expect(started.extraMinutes).toBe(15);
    expect(new Date(started.deadlineAt).getTime() - new Date(started.startedAt).getTime()).toBe(45 * 60_000);
    const q = started.questions.find((x) => x.type === 'short_answer')!;
    const at = (ms: number) => clock.set(new Date(new Date(started.deadlineAt).getTime() + ms));
    try {
      at(-1000);
      const ok = await cand.client.examAttempts.saveAnswer(f.classId, f.examId, started.id, {
        questionId: q.questionId,
        answer: '最后一秒保存',
        seq: 1,
        deviceId: 'd-2',
      });
      expect(ok.stored).toBe(true);
      at(1000);
      const res = await cand.client.raw('POST', paths(started.id).answers, {
        body: { questionId: q.questionId, answer: '太晚了', seq: 2, deviceId: 'd-2' },
      });
      expect(res.status).toBe(422);
      expect(res.body).toMatchObject({
        code: 'DEADLINE_PASSED',
        message: { zh: expect.stringContaining('时间已到') },
      });
    } finally {
      clock.reset();
    }
    const [row] = await t.app.core.db.select().from(examAnswers).where(eq(examAnswers.attemptId, started.id));
    expect(row).toMatchObject({ seq: 1, answer: '最后一秒保存' });
  });

  it('[JS-7.3] the attempt is auto-submitted at the end (the delayed job through the real worker)', async () => {
    const cand = f.candidates[2]!;
    // Start 30 min − 4 s ago (the API's clock), so the server's deadline is 4 s from now in real time.
    clock.set(new Date(Date.now() - 30 * 60_000 + 4_000));
    let sat;
    try {
      sat = await sitAttempt(t, f, cand, {
        answer: (q) => (q.type === 'short_answer' ? undefined : rightAnswer(q)),
      });
    } finally {
      clock.reset();
    }
    expect(sat.attempt.status).toBe('in_progress');
    const submitted = await until('the auto-submit', async () => {
      const [r] = await t.app.core.db.select().from(examAttempts).where(eq(examAttempts.id, sat.attempt.id));
      return r?.status !== 'in_progress' && r;
    });
    expect(submitted).toMatchObject({ submitReason: 'time_up' });
    expect(submitted.submittedAt!.getTime()).toBeGreaterThanOrEqual(
      new Date(sat.attempt.deadlineAt).getTime(),
    );
    const view = await cand.client.examAttempts.get(f.classId, f.examId, sat.attempt.id);
    expect(view).toMatchObject({ submitReasonLabel: { zh: '时间到自动交卷' } });
    expect(view.answers).toHaveLength(7);
  }, 60_000);
});
