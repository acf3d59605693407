import { eq } from 'drizzle-orm';
import type {
  ObjectiveView,
  OfficerQualityView,
  QualityView,
  SponsorInvitationCreated,
} from '@seafarer/contracts';
import { createOutboundDelivery } from '@seafarer/core';
import { examAttempts } from '@seafarer/db';
import pino from 'pino';
import { startProcessors } from '../services/worker/src/processors';
import type { Client } from '@seafarer/sdk';
import { startTestApp, type TestApp } from './helpers/app';
import { china, movableClock } from './helpers/clock';
import { confirmedClass, type ConfirmedClass } from './helpers/cluster';
import {
  addExamFixture,
  FIXTURE_BLUEPRINT,
  rightAnswer,
  sitAttempt,
  wrongAnswer,
  type ExamCandidate,
  type ExamFixture,
} from './helpers/exams';
import { addDays, chinaDate, createWorld, type World } from './helpers/world';

/**
 * QM-3: the quality objectives (seed 000: trainee satisfaction ≥ 85 %, exam pass rate ≥ 80 %, sponsor
 * satisfaction ≥ 90 %) computed from the data: the trainees' and sponsors' answers given through the
 * evaluation routes, and the first attempts of a released exam: sat through HTTP, marked by the real
 * worker (exam.mark over BullMQ), released by the class manager; a retake (补考) is not counted.
 */
let t: TestApp;
let klass: ConfirmedClass;
let w: World;
let other: World;
let exam: ExamFixture;
const clock = movableClock();
let lastDay: string;
let period: { from: string; to: string };

let worker: ReturnType<typeof startProcessors>;
let retakeRow: typeof examAttempts.$inferSelect;
/** The fixture's blueprint without its short answer: marked by the worker alone (17 points). */
const OBJECTIVE_ONLY = { cells: FIXTURE_BLUEPRINT.cells.filter((c) => c.type !== 'short_answer') };

async function marked(attemptId: string) {
  for (let i = 0; i < 200; i++) {
    const [r] = await t.app.core.db.select().from(examAttempts).where(eq(examAttempts.id, attemptId));
    if (r?.status === 'marked') return r;
    await new Promise((res) => setTimeout(res, 150));
  }
  throw new Error(`attempt ${attemptId} not marked`);
}

const byKey = (list: ObjectiveView[]) => Object.fromEntries(list.map((o) => [o.key, o]));

beforeAll(async () => {
  t = await startTestApp(
    {
      ACCESS_TOKEN_TTL_SECONDS: String(60 * 86_400),
      REFRESH_TOKEN_TTL_SECONDS: String(90 * 86_400),
    },
    { clock },
  );
  worker = startProcessors({
    core: t.app.core,
    delivery: createOutboundDelivery({ db: t.app.core.db, clock: t.app.core.clock, channels: [] }),
    log: pino({ level: 'silent' }),
    queue: { redisUrl: t.config.REDIS_URL, prefix: t.config.QUEUE_PREFIX },
    storageDir: t.config.STORAGE_DIR,
  });
  klass = await confirmedClass(t, clock, { code: 'QM', name: '质量目标测试班', rosterSeed: 870 });
  w = klass.w;
  other = await createWorld(t);
  clock.reset();
  exam = await addExamFixture(t, w, { rosterSeed: 880, blueprint: OBJECTIVE_ONLY });
  const [a, b, c] = exam.candidates as [ExamCandidate, ExamCandidate, ExamCandidate];
  const sat = [
    await sitAttempt(t, exam, a, { answer: rightAnswer, submit: true }),
    await sitAttempt(t, exam, b, { answer: rightAnswer, submit: true }),
    await sitAttempt(t, exam, c, { answer: wrongAnswer, submit: true }),
  ];
  for (const x of sat) await marked(x.attempt.id);
  await w.as.manager.call('POST', `/api/v1/classes/${exam.classId}/exams/${exam.examId}/release`);
  lastDay = addDays(chinaDate(8), 3);
  period = { from: chinaDate(0), to: chinaDate(40) };

  // Trainees: overall 5, 4, 2 → 2 of 3 satisfied.
  clock.set(china(lastDay, '13:00:00'));
  await w.as.manager.call('POST', `/api/v1/classes/${klass.classId}/evaluations`, { body: {} });
  const overall = [5, 4, 2];
  for (const [i, c] of (klass.trainees as Client[]).entries())
    await c.call('POST', `/api/v1/me/classes/${klass.classId}/evaluation`, {
      body: {
        ratings: { content: 4, teaching: 4, platform: 4, overall: overall[i] },
        instructors: [{ instructorId: w.instructorId, ratings: { teaching: 4 } }],
      },
    });
  // Two sending companies: overall 5 and 4 → both satisfied.
  for (const [name, o] of [
    ['中远海运船员管理有限公司', 5],
    ['招商局船员劳务公司', 4],
  ] as const) {
    const inv = await w.as.manager.call<SponsorInvitationCreated>(
      'POST',
      `/api/v1/classes/${klass.classId}/sponsor-invitations`,
      { body: { sponsorName: name } },
    );
    await t.client.call('POST', '/api/v1/sponsor-evaluation', {
      body: { token: inv.token, ratings: { relevance: 4, organisation: 4, outcome: 4, overall: o } },
    });
  }
  // The exam, through the real path: the three candidates sit it (right, right, wrong answers), the
  // worker marks each submission (exam.mark over BullMQ), the manager releases; the failed candidate's
  // retake (补考) is passed and released too, and is not counted (first attempts only).
  clock.set(china(lastDay, '14:00:00'));
  const retake = await w.as.manager.call<{ id: string }>(
    'POST',
    `/api/v1/classes/${exam.classId}/exams/${exam.examId}/retake`,
    {
      body: {
        opensAt: new Date(clock.now().getTime() - 60_000).toISOString(),
        closesAt: new Date(clock.now().getTime() + 3 * 3600_000).toISOString(),
      },
    },
  );
  const retakeSat = await sitAttempt(t, { classId: exam.classId, examId: retake.id }, exam.candidates[2]!, {
    answer: rightAnswer,
    submit: true,
  });
  retakeRow = await marked(retakeSat.attempt.id);
  await w.as.manager.call('POST', `/api/v1/classes/${exam.classId}/exams/${retake.id}/release`);
}, 240_000);
afterAll(async () => {
  await worker?.close();
  await t?.close();
}, 60_000);

describe('quality objectives', () => {
  it('[QM-3] the quality objectives are computed with the gap to the target', async () => {
    const q = await w.as.manager.call<QualityView>('GET', `/api/v1/institutions/${w.institutionId}/quality`, {
      query: period,
    });
    expect(q.period).toMatchObject({ from: period.from, to: period.to });
    expect(q.period.text.zh).toContain('北京时间');
    const all = byKey(q.objectives);
    expect(all.trainee_satisfaction).toMatchObject({
      targetPct: 85,
      actualPct: 66.7,
      numerator: 2,
      denominator: 3,
      gapPts: -18.3,
      met: false,
      status: 'not_met',
      statusLabel: { zh: '未达标', en: 'Not met' },
    });
    expect(all.exam_pass_rate).toMatchObject({
      targetPct: 80,
      actualPct: 66.7,
      numerator: 2,
      denominator: 3,
      gapPts: -13.3,
      met: false,
    });
    // The retake passed (attempt 2) and is not counted: still 2 of 3.
    expect(retakeRow).toMatchObject({ verdict: 'pass', attemptNo: 2 });
    expect(all.sponsor_satisfaction).toMatchObject({
      targetPct: 90,
      actualPct: 100,
      numerator: 2,
      denominator: 2,
      gapPts: 10,
      met: true,
      status: 'met',
    });
    expect(all.trainee_satisfaction!.label.zh).toBe('学员对教学服务满意率');
    // Per class: the evaluated class has no exam; the exam class has no evaluation.
    const cls = Object.fromEntries(q.classes.map((c) => [c.id, byKey(c.objectives)]));
    expect(cls[klass.classId]!.trainee_satisfaction!.actualPct).toBe(66.7);
    expect(cls[klass.classId]!.exam_pass_rate).toMatchObject({
      status: 'no_data',
      actualPct: null,
      gapPts: null,
    });
    expect(cls[exam.classId]!.exam_pass_rate!.actualPct).toBe(66.7);
    expect(cls[exam.classId]!.trainee_satisfaction!.status).toBe('no_data');
    expect(q.classes.find((c) => c.id === klass.classId)!.note).toBe(lastDay);
    // Per training item: both classes are of the theory item.
    expect(q.items).toHaveLength(1);
    expect(q.items[0]!.id).toBe(w.theoryItemId);
    expect(byKey(q.items[0]!.objectives).exam_pass_rate!.denominator).toBe(3);
    // The definitions travel with the figures (first attempts only, satisfaction ≥ 4).
    const defs = q.definitions.map((d) => d.zh).join('\n');
    expect(defs).toContain('首次考试');
    expect(defs).toContain('不低于 85%');

    // A period without the classes: no data, not zero.
    const empty = await w.as.manager.call<QualityView>(
      'GET',
      `/api/v1/institutions/${w.institutionId}/quality`,
      {
        query: { from: '2025-01-01', to: '2025-12-31' },
      },
    );
    expect(empty.classes).toEqual([]);
    expect(empty.objectives.map((o) => o.status)).toEqual(['no_data', 'no_data', 'no_data']);

    // The officer of the jurisdiction: per institution, the same figures; another jurisdiction's not listed.
    const o = await w.as.officer.call<OfficerQualityView>('GET', '/api/v1/officer/quality', {
      query: period,
    });
    expect(o.institutions.map((i) => i.id)).toEqual([w.institutionId]);
    expect(byKey(o.institutions[0]!.objectives).sponsor_satisfaction!.actualPct).toBe(100);
    expect(byKey(o.objectives).exam_pass_rate!.gapPts).toBe(-13.3);
    // The officer also reads the institution's page.
    expect(
      (await w.as.officer.raw('GET', `/api/v1/institutions/${w.institutionId}/quality`, { query: period }))
        .status,
    ).toBe(200);
    // An instructor of the institution reads the aggregate figures, which name no trainee.
    const asInstructor = await w.as.instructor.call<QualityView>(
      'GET',
      `/api/v1/institutions/${w.institutionId}/quality`,
      { query: period },
    );
    const text = JSON.stringify(asInstructor);
    for (const s of klass.issued) expect(text).not.toContain(s.name);
  });

  it('[QM-3] refusals: another institution, a trainee, a bad period', async () => {
    const path = `/api/v1/institutions/${w.institutionId}/quality`;
    expect((await other.as.manager.raw('GET', path)).status).toBe(404);
    expect((await other.as.officer.raw('GET', path)).status).toBe(404);
    expect((await w.as.trainee.raw('GET', path)).status).toBe(403);
    expect((await w.as.trainee.raw('GET', '/api/v1/officer/quality')).status).toBe(403);
    expect((await w.as.manager.raw('GET', '/api/v1/officer/quality')).status).toBe(403);
    const other0 = await other.as.officer.call<OfficerQualityView>('GET', '/api/v1/officer/quality');
    expect(other0.institutions.map((i) => i.id)).toEqual([other.institutionId]);
    for (const query of [
      { from: '2026-13-01' },
      { from: '2026-02-30', to: '2026-03-01' },
      { from: '2026-12-01', to: '2026-11-01' },
      { from: '2000-01-01', to: '2026-01-01' },
      { when: 'today' },
    ]) {
      const res = await w.as.manager.raw('GET', path, { query });
      expect({ status: res.status, code: (res.body as { code: string }).code }).toEqual({
        status: 400,
        code: 'VALIDATION',
      });
    }
    const reversed = await w.as.manager.raw('GET', path, { query: { from: '2026-12-01', to: '2026-11-01' } });
    expect((reversed.body as { message: { zh: string; en: string } }).message).toEqual({
      zh: '起始日期晚于截止日期',
      en: 'The period starts after it ends',
    });
  });
});
