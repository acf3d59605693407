import { and, eq } from 'drizzle-orm';
import type { AttemptView, OversightItemView, ProctoringListView } from '@seafarer/contracts';
import {
  createDiskEvidenceStore,
  createProctorRecords,
  manualReview,
  signBody,
  type ProctoredAttempt,
} from '@seafarer/core';
import { auditEvents, examFlags, examStills } from '@seafarer/db';
import { startTestApp, type TestApp } from './helpers/app';
import { addExamFixture, sitAttempt, type ExamFixture } from './helpers/exams';
import { jpeg } from './helpers/images';
import { createWorld, type World } from './helpers/world';

/**
 * JS-7.3 / QM-4: proctoring through HTTP: the candidate's page events (server time, a flood coalesced),
 * an answer from a second device, the review list (China time, zh/en labels), the reviewer's decision
 * (a violation opens an exam_violation oversight item the officer sees; cleared does not), the
 * face-match provider's signed callback, and the refusals.
 */
const SECRET = 'proctoring-callback-secret-0123456789';
let t: TestApp;
let w: World;
let f: ExamFixture;
const attempts: AttemptView[] = [];
const CHINA_TIME = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/;

beforeAll(async () => {
  t = await startTestApp({ FACE_MATCH_SECRET: SECRET });
  w = await createWorld(t);
  f = await addExamFixture(t, w, { proctoring: { camera: false, stillsPerAttempt: 0 } });
  for (const c of f.candidates)
    attempts.push(await c.client.examAttempts.start(f.classId, f.examId, { deviceId: 'laptop-1' }));
}, 120_000);
afterAll(() => t?.close());

const base = () => `/api/v1/classes/${f.classId}/exams/${f.examId}`;
const flagPath = (attemptId: string) => `${base()}/attempts/${attemptId}/flags`;
const reviewPath = (attemptId: string) => `${base()}/attempts/${attemptId}/review`;

describe('proctoring: client flags and their review', () => {
  it('[JS-7.3] a flagged attempt is reviewed: client flags through HTTP → the review list → violation → an exam_violation oversight item the officer sees', async () => {
    const [c0] = f.candidates;
    const a0 = attempts[0]!;
    // A page in a loop: 60 'tab hidden' events in a burst are one row counted 60 times.
    const burst = await Promise.all(
      Array.from({ length: 60 }, (_, i) =>
        c0!.client.proctoring.flag(f.classId, f.examId, a0.id, {
          kind: 'tab_hidden',
          at: new Date(Date.now() - 5_000).toISOString(),
          detail: { i },
        }),
      ),
    );
    expect(new Set(burst.map((b) => b.flagId)).size).toBe(1);
    expect(Math.max(...burst.map((b) => b.count))).toBe(60);
    await c0!.client.proctoring.flag(f.classId, f.examId, a0.id, { kind: 'paste', detail: { field: 'q3' } });
    // An answer saved from another device: flagged once (the first device answering again is not).
    const paper = (await c0!.client.examAttempts.get(f.classId, f.examId, a0.id)).questions;
    const save = (deviceId: string, seq: number) =>
      c0!.client.examAttempts.saveAnswer(f.classId, f.examId, a0.id, {
        questionId: paper[0]!.questionId,
        answer: paper[0]!.type === 'true_false' ? true : (paper[0]!.options[0]?.key ?? '锚泊'),
        seq,
        deviceId,
      });
    await save('laptop-1', 1).catch(() => undefined);
    await save('phone-2', 2).catch(() => undefined);
    await save('laptop-1', 3).catch(() => undefined);
    const rows = await t.app.core.db.select().from(examFlags).where(eq(examFlags.attemptId, a0.id));
    expect(rows.map((r) => r.kind).sort()).toEqual(['paste', 'second_device', 'tab_hidden']);
    const tab = rows.find((r) => r.kind === 'tab_hidden')!;
    // Server time, the client's kept in the detail.
    expect(Math.abs(tab.at.getTime() - Date.now())).toBeLessThan(30_000);
    expect(tab.detail).toMatchObject({ count: 60, clientAt: expect.any(String) });

    const list = await w.as.manager.call<ProctoringListView>('GET', `${base()}/proctoring`);
    expect(list.canReview).toBe(true);
    const mine = list.items.find((i) => i.attemptId === a0.id)!;
    expect(mine.candidateName).toBe(c0!.name);
    expect(mine.reviewState).toBe('flagged');
    expect(mine.reviewStateLabel).toEqual({ zh: '待复核', en: 'Flagged, awaiting review' });
    expect(mine.flagCount).toBe(62);
    const byKind = new Map(mine.flags.map((x) => [x.kind, x]));
    expect(byKind.get('tab_hidden')).toMatchObject({
      count: 60,
      source: 'client',
      kindLabel: { zh: '切换离开考试页面', en: 'Exam page hidden (tab switched)' },
      sourceLabel: { zh: '考生端', en: "Candidate's device" },
    });
    expect(byKind.get('tab_hidden')!.atText).toMatch(CHINA_TIME);
    expect(byKind.get('second_device')!.detail).toMatchObject({
      deviceId: 'phone-2',
      otherDevices: ['laptop-1'],
    });
    expect(byKind.get('second_device')!.kindLabel.zh).toBe('另一设备提交答案');
    // Candidates with nothing flagged are not listed.
    expect(list.items.map((i) => i.attemptId)).toEqual([a0.id]);
    // The officer reads the list but does not decide.
    const officerView = await w.as.officer.call<ProctoringListView>('GET', `${base()}/proctoring`);
    expect(officerView.canReview).toBe(false);

    const decided = await w.as.manager.call<ProctoringListView['items'][number]>('POST', reviewPath(a0.id), {
      body: { decision: 'violation', note: '考试期间多次切换页面并粘贴内容' },
    });
    expect(decided.reviewState).toBe('violation');
    expect(decided.review).toMatchObject({
      decision: 'violation',
      decisionLabel: { zh: '认定违纪', en: 'Violation' },
      note: '考试期间多次切换页面并粘贴内容',
    });
    expect(decided.review!.reviewedAtText).toMatch(CHINA_TIME);
    const itemId = decided.review!.oversightItemId!;
    expect(itemId).toBeTruthy();
    // QM-4: the officer's findings show it, as an exam-discipline violation of this class.
    const findings = await w.as.officer.call<{ items: OversightItemView[] }>(
      'GET',
      '/api/v1/oversight-items',
    );
    const item = findings.items.find((i) => i.id === itemId)!;
    expect(item).toMatchObject({ kind: 'exam_violation', classId: f.classId, status: 'open' });
    expect(item.title).toContain(c0!.name);
    expect(item.detail).toContain('考试期间多次切换页面并粘贴内容');
    const audits = await t.app.core.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.action, 'exam.proctoring_reviewed'), eq(auditEvents.targetId, a0.id)));
    expect(audits).toHaveLength(1);
    expect(audits[0]!.data).toMatchObject({ decision: 'violation', oversightItemId: itemId });
    // Decided once: a second decision is refused, coded.
    const again = await w.as.manager.raw('POST', reviewPath(a0.id), {
      body: { decision: 'cleared', note: '改判' },
    });
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ code: 'CONFLICT' });
  }, 60_000);

  it('[JS-7.3] the cleared path: the instructor clears a flagged attempt; no oversight item', async () => {
    const c1 = f.candidates[1]!;
    const a1 = attempts[1]!;
    await c1.client.proctoring.flag(f.classId, f.examId, a1.id, { kind: 'fullscreen_exit' });
    await c1.client.proctoring.flag(f.classId, f.examId, a1.id, { kind: 'window_blur' });
    const before = await w.as.officer.call<{ items: OversightItemView[] }>('GET', '/api/v1/oversight-items');
    const decided = await w.as.instructor.call<ProctoringListView['items'][number]>(
      'POST',
      reviewPath(a1.id),
      {
        body: { decision: 'cleared', note: '网络提示弹窗导致，已核实' },
      },
    );
    expect(decided).toMatchObject({
      reviewState: 'cleared',
      reviewStateLabel: { zh: '已排除', en: 'Cleared' },
    });
    expect(decided.review!.oversightItemId).toBeNull();
    const after = await w.as.officer.call<{ items: OversightItemView[] }>('GET', '/api/v1/oversight-items');
    expect(after.items.length).toBe(before.items.length);
    const list = await w.as.manager.call<ProctoringListView>('GET', `${base()}/proctoring`);
    expect(list.counts).toMatchObject({ flagged: 0, violations: 1 });
  });

  it('[JS-7.3] refusals, coded: another candidate’s attempt, a candidate reviewing, nothing flagged, after submit, a bad kind', async () => {
    const [c0, c1, c2] = f.candidates;
    const other = await c1!.client.raw('POST', flagPath(attempts[0]!.id), { body: { kind: 'paste' } });
    expect([403, 404]).toContain(other.status);
    expect((other.body as { code: string }).code).toMatch(/FORBIDDEN|NOT_FOUND/);
    const review = await c0!.client.raw('POST', reviewPath(attempts[0]!.id), {
      body: { decision: 'cleared', note: 'x' },
    });
    expect(review.status).toBe(403);
    expect(review.body).toMatchObject({ code: 'FORBIDDEN' });
    const nothing = await w.as.manager.raw('POST', reviewPath(attempts[2]!.id), {
      body: { decision: 'cleared', note: '无' },
    });
    expect(nothing.status).toBe(422);
    expect(nothing.body).toMatchObject({
      code: 'PRECONDITION_FAILED',
      message: { zh: '该次考试没有待复核的监考记录' },
    });
    const bad = await c2!.client.raw('POST', flagPath(attempts[2]!.id), { body: { kind: 'screenshot' } });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ code: 'VALIDATION' });
    const badNote = await w.as.manager.raw('POST', reviewPath(attempts[2]!.id), {
      body: { decision: 'violation', note: '' },
    });
    expect(badNote.status).toBe(400);
    // After the submission nothing more is recorded.
    await sitAttempt(t, f, c2!, { answer: () => undefined, submit: true });
    const late = await c2!.client.raw('POST', flagPath(attempts[2]!.id), { body: { kind: 'paste' } });
    expect(late.status).toBe(422);
    expect(late.body).toMatchObject({ code: 'PRECONDITION_FAILED' });
    const rows = await t.app.core.db.select().from(examFlags).where(eq(examFlags.attemptId, attempts[2]!.id));
    expect(rows).toHaveLength(0);
  });
});

describe('proctoring: a flood of events', () => {
  it('[JS-7.3] 400 events in a burst: bounded by the route limit (coded 429 past it) and coalesced into one row', async () => {
    const c1 = f.candidates[1]!;
    const a1 = attempts[1]!;
    const started = Date.now();
    const answers = await Promise.all(
      Array.from({ length: 400 }, () => c1.client.raw('POST', flagPath(a1.id), { body: { kind: 'paste' } })),
    );
    const ms = Date.now() - started;
    const ok = answers.filter((r) => r.status === 200);
    const limited = answers.filter((r) => r.status === 429);
    expect(ok.length + limited.length).toBe(400);
    expect(ok.length).toBeGreaterThan(0);
    expect(limited.length).toBeGreaterThan(0);
    expect(limited[0]!.body).toMatchObject({ code: 'RATE_LIMITED', message: { zh: expect.any(String) } });
    const rows = await t.app.core.db
      .select()
      .from(examFlags)
      .where(and(eq(examFlags.attemptId, a1.id), eq(examFlags.kind, 'paste')));
    expect(rows).toHaveLength(1);
    expect((rows[0]!.detail as { count: number }).count).toBe(ok.length);
    console.log(`flood: 400 posts in ${ms} ms → ${ok.length} stored as 1 row, ${limited.length} refused 429`);
  }, 60_000);
});

describe('proctoring: the face-match provider callback', () => {
  let stillId: string;
  const post = (body: unknown, signature?: string) =>
    fetch(`${t.baseUrl}/api/v1/proctoring/callback`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(signature && { 'x-seafarer-signature': signature }),
      },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });

  beforeAll(async () => {
    // A still the live node took (core's records, as the node calls them), awaiting the provider.
    const a = attempts[1]!;
    const records = createProctorRecords({
      db: t.app.core.db,
      clock: t.app.core.clock,
      store: createDiskEvidenceStore(t.config.STORAGE_DIR),
      faceMatch: manualReview,
    });
    const proctored: ProctoredAttempt = {
      attemptId: a.id,
      examId: f.examId,
      sessionId: f.sessionIds[0]!,
      classId: f.classId,
      institutionId: w.institutionId,
      accountId: a.accountId,
      startedAt: new Date(a.startedAt),
      deadlineAt: new Date(a.deadlineAt),
      camera: false,
      stillsPerAttempt: 1,
    };
    await records.planStills(proctored);
    const [planned] = await t.app.core.db.select().from(examStills).where(eq(examStills.attemptId, a.id));
    const taken = await records.attachStill(proctored, planned!.id, { jpeg: jpeg('cb'), at: new Date() });
    expect(taken?.verdict).toBe('pending');
    stillId = planned!.id;
  });

  it('[JS-7.3] a signed callback sets the verdict once (a replay changes nothing); unsigned, forged or stale ones are 401, coded', async () => {
    const body = JSON.stringify({ providerRef: stillId, verdict: 'identity_mismatch', score: 0.12 });
    const unsigned = await post(body);
    expect(unsigned.status).toBe(401);
    expect(await unsigned.json()).toMatchObject({
      code: 'UNAUTHENTICATED',
      message: { zh: '回调签名无效或已过期' },
    });
    expect((await post(body, signBody('not-the-secret', body))).status).toBe(401);
    // A body of the wrong shape is refused as such (nothing read or changed), signed or not.
    const shapeless = await post({ providerRef: stillId, verdict: 'maybe' });
    expect(shapeless.status).toBe(400);
    expect(await shapeless.json()).toMatchObject({ code: 'VALIDATION' });
    const notJson = await post('{"providerRef":', signBody(SECRET, '{"providerRef":'));
    expect(notJson.status).toBe(400);
    expect((await post(body, signBody(SECRET, body, new Date(Date.now() - 600_000)))).status).toBe(401);
    // Signed over another body: the signature does not carry over.
    expect((await post(body.replace('0.12', '0.99'), signBody(SECRET, body))).status).toBe(401);
    const [untouched] = await t.app.core.db.select().from(examStills).where(eq(examStills.id, stillId));
    expect(untouched!.verdict).toBe('pending');

    const ok = await post(body, signBody(SECRET, body));
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ ok: true, applied: true, verdict: 'identity_mismatch' });
    const replay = await post(body, signBody(SECRET, body));
    expect(await replay.json()).toEqual({ ok: true, applied: false, verdict: 'identity_mismatch' });
    const flip = JSON.stringify({ providerRef: stillId, verdict: 'ok' });
    expect(await (await post(flip, signBody(SECRET, flip))).json()).toMatchObject({
      applied: false,
      verdict: 'identity_mismatch',
    });
    const unknown = JSON.stringify({ providerRef: 'no-such-ref', verdict: 'ok' });
    const nf = await post(unknown, signBody(SECRET, unknown));
    expect(nf.status).toBe(404);
    expect(await nf.json()).toMatchObject({ code: 'NOT_FOUND' });

    // One provider flag on the attempt, linked to the still; the review list shows it with its verdict.
    const flags = await t.app.core.db
      .select()
      .from(examFlags)
      .where(and(eq(examFlags.attemptId, attempts[1]!.id), eq(examFlags.source, 'provider')));
    expect(flags.map((x) => [x.kind, x.stillId])).toEqual([['identity_mismatch', stillId]]);
    const list = await w.as.manager.call<ProctoringListView>('GET', `${base()}/proctoring`);
    const item = list.items.find((i) => i.attemptId === attempts[1]!.id)!;
    expect(item.stills).toEqual([
      expect.objectContaining({
        id: stillId,
        verdict: 'identity_mismatch',
        verdictLabel: { zh: '人证不符', en: 'Not the candidate' },
      }),
    ]);
    const audit = await t.app.core.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.action, 'exam.still_verdict'), eq(auditEvents.targetId, stillId)));
    expect(audit).toHaveLength(1);
    // The still itself, for the instructor's review page (the evidence route is the managers').
    const img = await w.as.instructor.raw('GET', `${base()}/attempts/${attempts[1]!.id}/stills/${stillId}`);
    expect(img.status).toBe(200);
    expect(img.headers.get('content-type')).toBe('image/jpeg');
    const candidate = await f.candidates[1]!.client.raw(
      'GET',
      `${base()}/attempts/${attempts[1]!.id}/stills/${stillId}`,
    );
    // A still named under another attempt is not found (the still belongs to its attempt).
    const elsewhere = await w.as.instructor.raw(
      'GET',
      `${base()}/attempts/${attempts[0]!.id}/stills/${stillId}`,
    );
    expect(elsewhere.status).toBe(404);
    expect(candidate.status).toBe(403);
  });
});
