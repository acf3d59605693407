import { randomUUID } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import type { QuestionBody, QuizConsoleView, QuizPushBody } from '@seafarer/contracts';
import { auditEvents, quizAnswers, quizzes, type Db } from '@seafarer/db';
import type { Client } from '@seafarer/sdk';
import { startClassroom, type Classroom } from '../helpers/classroom';
import { joinRaw, type RawPeer } from '../helpers/live-socket';
import { NEW_PASSWORD, signIn } from '../helpers/world';

/**
 * JS-7.1 / JS-14: in-class quizzes over the live room's socket protocol (raw peers, no browser): who
 * may push, what a trainee receives (never the answers nor the distribution before the close), one
 * answer within the limit, the close (marked by core, hashed, audited), the dead-node sweep, coded
 * refusals, and the HTTP reads (quizzes with results, daily grades).
 */
let room: Classroom;
let db: Db;
let instructor: RawPeer;
let trainees: RawPeer[] = [];
let traineeApis: Client[] = [];
const noMedia = { rtpCapabilities: {}, device: { camera: false, mic: false } };

const until = async <T>(what: string, fn: () => T | Promise<T>, ms = 15_000): Promise<NonNullable<T>> => {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v as NonNullable<T>;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
};

const typed: QuizPushBody = {
  title: '第一章小测',
  timeLimitS: 60,
  questions: [
    {
      type: 'single',
      stem: '船舶在锚泊时应显示什么号型？',
      options: [
        { key: 'A', text: '一个球体' },
        { key: 'B', text: '两个球体' },
        { key: 'C', text: '菱形体' },
      ],
      answer: { keys: ['A'] },
      score: 2,
    },
    { type: 'true_false', stem: '雾中航行应使用安全航速。', answer: { value: true }, score: 1 },
    {
      type: 'fill_in',
      stem: '国际海上避碰规则简称____。',
      answer: { accepted: ['COLREGs'], synonyms: ['避碰规则'] },
      score: 1,
    },
  ],
};

beforeAll(async () => {
  room = await startClassroom();
  db = room.t.app.core.db;
  instructor = await joinRaw(room.w.as.instructor, room.classId, room.sessionId);
  expect((await instructor.ack('room.join', noMedia)).ok).toBe(true);
  for (const t of room.trainees) {
    const api = await signIn(room.t.client, t.username, NEW_PASSWORD);
    traineeApis.push(api);
    const peer = await joinRaw(api, room.classId, room.sessionId);
    expect((await peer.ack('room.join', noMedia)).ok).toBe(true);
    trainees.push(peer);
  }
}, 180_000);
afterAll(async () => {
  for (const p of [instructor, ...trainees]) p?.close();
  trainees = [];
  traineeApis = [];
  await room?.close();
}, 120_000);

const quizRows = () => db.select().from(quizzes).where(eq(quizzes.classId, room.classId));

describe('in-class quizzes in the live room', () => {
  it('[JS-7.1] an answer before any push, a trainee pushing, and bad pushes are refused with codes; nothing is stored', async () => {
    const early = await trainees[0]!.ack('quiz.answer', { quizId: randomUUID(), answers: {} });
    expect(early).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    const byTrainee = await trainees[0]!.ack('quiz.push', typed);
    expect(byTrainee).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    if (!byTrainee.ok) expect(byTrainee.error.message.zh).toMatch(/教师|班主任/);
    // Neither / both sources, a time limit out of range, an unknown field, a malformed id.
    const neither = await instructor.ack('quiz.push', { timeLimitS: 60 });
    expect(neither).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    const both = await instructor.ack('quiz.push', { ...typed, questionIds: [randomUUID()] });
    expect(both).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    for (const bad of [
      { ...typed, timeLimitS: 5 },
      { ...typed, extra: 1 },
      { timeLimitS: 60, questionIds: ['not-a-uuid'] },
      { timeLimitS: 60, questions: [{ ...typed.questions![0]!, type: 'short_answer' }] },
    ])
      expect(await instructor.ack('quiz.push', bad)).toMatchObject({
        ok: false,
        error: { code: 'VALIDATION' },
      });
    // The bank's rules name the question: the answer is not one of the options.
    const wrongKey = await instructor.ack('quiz.push', {
      timeLimitS: 60,
      questions: [typed.questions![0]!, { ...typed.questions![0]!, answer: { keys: ['D'] } }],
    });
    expect(wrongKey).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    if (!wrongKey.ok) {
      expect(wrongKey.error.message.zh).toContain('第 2 题');
      expect(wrongKey.error.message.en).toContain('Question 2');
    }
    // A question id that is not the class's item's.
    const unknown = await instructor.ack('quiz.push', { timeLimitS: 60, questionIds: [randomUUID()] });
    expect(unknown).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    expect(await quizRows()).toHaveLength(0);
  }, 60_000);

  it('[JS-7.1] [JS-14] trainees get the questions without answers and never the distribution; each answers once; the instructor sees the distribution; the close marks, hashes and audits; late answers are refused', async () => {
    const pushed = await instructor.ack('quiz.push', typed);
    if (!pushed.ok) throw new Error(JSON.stringify(pushed.error));
    const { quizId } = pushed.data;
    const prompts = await Promise.all(
      trainees.map((p) =>
        until('the prompt', () => p.received('quiz.prompt').find((x) => x.quizId === quizId)),
      ),
    );
    const prompt = prompts[0]!;
    expect(prompt.questions.map((q) => q.type)).toEqual(['single', 'true_false', 'fill_in']);
    expect(prompt.questions[2]!.blanks).toBe(1);
    expect(prompt.totalScore).toBe(4);
    // No answer, no synonym, no mapping in anything a trainee received.
    const seen = JSON.stringify(trainees[0]!.events);
    expect(seen).not.toMatch(/"answer"|optionMap|accepted|COLREGs|"keys"/);
    // A second quiz while one is open is refused.
    expect(await instructor.ack('quiz.push', typed)).toMatchObject({
      ok: false,
      error: { code: 'CONFLICT' },
    });
    const [q1, q2, q3] = prompt.questions.map((q) => q.questionId) as [string, string, string];

    // Trainee 0: all right (fill-in by its synonym, spaces around); trainee 1: 1 of 4 (one wrong, one blank).
    const a0 = await trainees[0]!.ack('quiz.answer', {
      quizId,
      answers: { [q1]: 'A', [q2]: true, [q3]: ' 避碰规则 ' },
    });
    expect(a0.ok).toBe(true);
    const again = await trainees[0]!.ack('quiz.answer', { quizId, answers: { [q1]: 'B' } });
    expect(again).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
    // Bad shapes: a key that is no option, a question of no quiz, a non-boolean true/false.
    for (const answers of [{ [q1]: 'Z' }, { [randomUUID()]: 'A' }, { [q2]: 'yes' }])
      expect(await trainees[1]!.ack('quiz.answer', { quizId, answers })).toMatchObject({
        ok: false,
        error: { code: 'VALIDATION' },
      });
    expect(
      await trainees[1]!.ack('quiz.answer', { quizId, answers: { [q1]: 'B', [q2]: true } }),
    ).toMatchObject({
      ok: true,
    });
    // The instructor may not answer.
    expect(await instructor.ack('quiz.answer', { quizId, answers: {} })).toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN' },
    });

    const progress = await until('the distribution with two answers', () =>
      instructor.received('quiz.progress').find((v) => v.quizId === quizId && v.answered === 2),
    );
    expect(progress.expected).toBe(3);
    expect(progress.questions[0]!.counts).toEqual({ A: 1, B: 1, C: 0 });
    expect(progress.questions[0]).toMatchObject({
      right: 1,
      wrong: 1,
      blank: 0,
      answerText: 'A',
      rightKeys: ['A'],
    });
    expect(progress.questions[1]!.counts).toEqual({ true: 2, false: 0 });
    expect(progress.questions[2]).toMatchObject({ right: 1, blank: 1 });
    // A trainee can neither close it nor have seen any distribution.
    expect(await trainees[2]!.ack('quiz.close', { quizId })).toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN' },
    });
    for (const t of trainees)
      expect(t.events.some((e) => e.event === 'quiz.progress' || e.event === 'quiz.closed')).toBe(false);

    // Closed early by the instructor: the ack is the final view.
    const closed = await instructor.ack('quiz.close', { quizId });
    if (!closed.ok) throw new Error(JSON.stringify(closed.error));
    const view: QuizConsoleView = closed.data;
    expect(view.status).toBe('closed');
    expect(view.resultsSha256).toMatch(/^[0-9a-f]{64}$/);
    expect(view.scores!.map((s) => s.score).sort()).toEqual([1, 4]);
    const results = await Promise.all(
      trainees.map((p) =>
        until('the result', () => p.received('quiz.result').find((r) => r.quizId === quizId)),
      ),
    );
    expect(results[0]).toMatchObject({ answered: true, score: 4, max: 4 });
    expect(results[0]!.questions[2]).toMatchObject({ correct: true, answerText: 'COLREGs / 避碰规则' });
    expect(results[1]).toMatchObject({ answered: true, score: 1 });
    expect(results[1]!.questions[0]).toMatchObject({ correct: false, yourAnswer: 'B', answerText: 'A' });
    expect(results[2]).toMatchObject({ answered: false, score: 0, max: 4 });
    // After the close: refused, coded, nothing stored.
    expect(await trainees[2]!.ack('quiz.answer', { quizId, answers: { [q1]: 'A' } })).toMatchObject({
      ok: false,
      error: { code: 'PRECONDITION_FAILED' },
    });
    const stored = await db.select().from(quizAnswers).where(eq(quizAnswers.quizId, quizId));
    expect(stored.map((r) => r.score).sort()).toEqual([1, 4]);
    const audits = await db.select().from(auditEvents).where(eq(auditEvents.targetId, quizId));
    expect(audits.map((a) => a.action).sort()).toEqual(['quiz.closed', 'quiz.pushed']);

    // HTTP: the class's quizzes with results (staff only), the daily grades (a trainee reads their own).
    const list = await room.w.as.manager.quizzes.list(room.classId);
    expect(list.items).toHaveLength(1);
    expect(list.items[0]).toMatchObject({ id: quizId, answered: 2, status: 'closed', totalScore: 4 });
    expect(list.items[0]!.statusLabel.zh).toBe('已结束');
    const forbidden = await traineeApis[0]!.raw('GET', `/api/v1/classes/${room.classId}/quizzes`);
    expect(forbidden.status).toBe(403);
    const grades = await room.w.as.manager.quizzes.dailyGrades(room.classId);
    const scores = grades.grades.map((g) => [g.score, g.max, g.percent]).sort();
    expect(scores).toEqual([
      [1, 4, 25],
      [4, 4, 100],
    ]);
    const own = await traineeApis[1]!.quizzes.myDailyGrades(room.classId);
    expect(own.grades).toHaveLength(1);
    expect(own.grades[0]).toMatchObject({ score: 1, max: 4, percent: 25 });
    expect(own.grades[0]!.quizzes[0]).toMatchObject({ quizId, answered: true, score: 1, max: 4 });
  }, 120_000);

  it('[JS-7.1] pushed from the bank: the current version of an active question of the class item; a retired one is refused', async () => {
    const cls = await room.w.as.manager.classes.get(room.classId);
    const body: QuestionBody = {
      type: 'single',
      stem: '值班驾驶员交接班应在何处进行？',
      options: [
        { key: 'A', text: '驾驶台' },
        { key: 'B', text: '机舱' },
      ],
      answer: { keys: ['A'] },
      chapter: '值班',
      difficulty: 2,
      score: 2,
    };
    const q = await room.w.as.manager.questions.create(cls.trainingItemId, body);
    const edited = await room.w.as.manager.questions.edit(cls.trainingItemId, q.id, { ...body, score: 5 });
    const retired = await room.w.as.manager.questions.create(cls.trainingItemId, {
      ...body,
      stem: '已停用的题',
    });
    await room.w.as.manager.questions.setRetired(cls.trainingItemId, retired.id, true);
    const refused = await instructor.ack('quiz.push', { timeLimitS: 30, questionIds: [q.id, retired.id] });
    expect(refused).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    if (!refused.ok) expect(refused.error.message.zh).toContain('第 2 题');
    const pushed = await instructor.ack('quiz.push', { timeLimitS: 30, questionIds: [q.id] });
    if (!pushed.ok) throw new Error(JSON.stringify(pushed.error));
    const [row] = await db.select().from(quizzes).where(eq(quizzes.id, pushed.data.quizId));
    expect(row!.origin).toBe('bank');
    expect(row!.questions).toMatchObject([{ questionId: q.id, versionId: edited.current.id, score: 5 }]);
    const prompt = await until('the bank prompt', () =>
      trainees[0]!.received('quiz.prompt').find((x) => x.quizId === pushed.data.quizId),
    );
    expect(prompt.questions[0]).toMatchObject({ stem: body.stem, score: 5 });
    // Past its limit (and the grace), an answer is refused as late even before the close.
    await db
      .update(quizzes)
      .set({ closesAt: new Date(Date.now() - 10_000) })
      .where(eq(quizzes.id, pushed.data.quizId));
    const late = await trainees[0]!.ack('quiz.answer', {
      quizId: pushed.data.quizId,
      answers: { [q.id]: 'A' },
    });
    expect(late).toMatchObject({ ok: false, error: { code: 'DEADLINE_PASSED' } });
    if (!late.ok) expect(late.error.message.zh).toContain('时限');
    expect(await instructor.ack('quiz.close', { quizId: pushed.data.quizId })).toMatchObject({ ok: true });
  }, 60_000);

  it('[JS-7.1] at its time limit the room’s timer closes the quiz: the staff get the final view, trainees their result', async () => {
    const pushed = await instructor.ack('quiz.push', { ...typed, timeLimitS: 10 });
    if (!pushed.ok) throw new Error(JSON.stringify(pushed.error));
    const { quizId } = pushed.data;
    const closed = await until(
      'the timer closing it',
      () => instructor.received('quiz.closed').find((v) => v.quizId === quizId),
      20_000,
    );
    expect(Date.now()).toBeGreaterThanOrEqual(Date.parse(closed.closesAt));
    expect(closed.answered).toBe(0);
    const r = await until('a result', () =>
      trainees[1]!.received('quiz.result').find((x) => x.quizId === quizId),
    );
    expect(r).toMatchObject({ answered: false, score: 0, max: 4 });
  }, 40_000);

  it('[JS-7.1] a quiz left open where no node runs it is closed by the live node’s sweep once its limit is over', async () => {
    const past = new Date(Date.now() - 120_000);
    const [orphan] = await db
      .insert(quizzes)
      .values({
        institutionId: room.w.institutionId,
        classId: room.classId,
        sessionId: room.sessionId,
        origin: 'typed',
        title: '孤儿测试',
        questions: [],
        totalScore: 0,
        timeLimitS: 30,
        status: 'open',
        pushedBy: (await quizRows())[0]!.pushedBy,
        pushedAt: past,
        closesAt: new Date(past.getTime() + 30_000),
      })
      .returning();
    await room.live.signaling.quizzes.sweep();
    const done = await until('the sweep closing it', async () => {
      const [r] = await db
        .select()
        .from(quizzes)
        .where(and(eq(quizzes.id, orphan!.id), eq(quizzes.status, 'closed')));
      return r;
    });
    expect(done.resultsSha256).toMatch(/^[0-9a-f]{64}$/);
    const audits = await db.select().from(auditEvents).where(eq(auditEvents.targetId, orphan!.id));
    expect(audits.map((a) => a.action)).toEqual(['quiz.closed']);
  }, 60_000);
});
