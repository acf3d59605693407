import { and, eq } from 'drizzle-orm';
import type {
  BlueprintCheckView,
  ExamDetailView,
  ExamListView,
  ExamPaperView,
  ExamStandardBody,
  ExamStandardView,
  MyExamListView,
  Paper,
} from '@seafarer/contracts';
import { assembleCandidatePaper, candidatePaperSeed, loadPool } from '@seafarer/core';
import { auditEvents, examAttempts, examCandidates, exams, examStandardVersions } from '@seafarer/db';
import { startTestApp, type TestApp } from './helpers/app';
import { movableClock } from './helpers/clock';
import { CH1, CH2, FIXTURE_BLUEPRINT, addExamFixture, type ExamFixture } from './helpers/exams';
import { createWorld, type World } from './helpers/world';

/**
 * JS-7.3 / QM-2 (issue 12 §3) through the HTTP routes: exam standards of a training item (versioned,
 * drafted by a class manager, approved by another admin against the bank) and exams of a class.
 */
const clock = movableClock();
let t: TestApp;
let w: World;
let other: World;
let f: ExamFixture;
beforeAll(async () => {
  t = await startTestApp({}, { clock });
  w = await createWorld(t);
  other = await createWorld(t);
  f = await addExamFixture(t, w);
});
afterAll(() => t.close());
afterEach(() => clock.reset());

const standards = (itemId = w.theoryItemId) => `/api/v1/training-items/${itemId}/exam-standards`;
const examsOf = (classId: string) => `/api/v1/classes/${classId}/exams`;
const body = (over: Partial<ExamStandardBody> = {}): ExamStandardBody => ({
  name: '结业考试标准 Final exam standard',
  blueprint: FIXTURE_BLUEPRINT,
  passMark: { kind: 'points', value: 13 },
  markingPolicy: { multiple: 'all_or_nothing', fillIn: 'all_or_nothing' },
  durationMinutes: 45,
  ...over,
});
const window = (fromMin = -1, toMin = 120) => ({
  opensAt: new Date(clock.now().getTime() + fromMin * 60_000).toISOString(),
  closesAt: new Date(clock.now().getTime() + toMin * 60_000).toISOString(),
});
const cellOf = (q: { chapter: string; type: string; difficulty: number }) =>
  `${q.chapter}|${q.type}|${q.difficulty}`;
const paperOf = (fx: ExamFixture, accountId?: string) =>
  fx.manager.call<ExamPaperView>('GET', `${examsOf(fx.classId)}/${fx.examId}/paper`, {
    query: accountId ? { accountId } : {},
  });
const examRow = async (id: string) => (await t.app.core.db.select().from(exams).where(eq(exams.id, id)))[0]!;

describe('exam standards and exams', () => {
  it('[JS-7.3] a blueprint draws the right counts per cell and the same seed gives the same paper', async () => {
    const [a, b] = f.candidates;
    const pa = await paperOf(f, a!.accountId);
    const pb = await paperOf(f, b!.accountId);
    for (const p of [pa, pb]) {
      expect(p).toMatchObject({ paperMode: 'per_candidate', attemptNo: 1, stored: false });
      const counts = new Map<string, number>();
      for (const q of p.paper.questions) counts.set(cellOf(q), (counts.get(cellOf(q)) ?? 0) + 1);
      expect(Object.fromEntries(counts)).toEqual(
        Object.fromEntries(FIXTURE_BLUEPRINT.cells.map((c) => [cellOf(c), c.count])),
      );
      expect(p.paper.totalScore).toBe(22);
      // Numbered 1…8, by type: single, multiple, true/false, fill-in, short answer.
      expect(p.paper.questions.map((q) => q.no)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
      expect(p.paper.questions.map((q) => q.type)).toEqual([
        'single',
        'single',
        'single',
        'multiple',
        'true_false',
        'true_false',
        'fill_in',
        'short_answer',
      ]);
      // No question twice; every one an active question of the item at its current version.
      expect(new Set(p.paper.questions.map((q) => q.questionId)).size).toBe(8);
      const current = new Map(f.questions.map((q) => [q.id, q.current.id]));
      for (const q of p.paper.questions) expect(current.get(q.questionId)).toBe(q.versionId);
    }
    // Two candidates, two papers (different draws or orders of questions and options).
    expect(JSON.stringify(pa.paper.questions)).not.toBe(JSON.stringify(pb.paper.questions));
    expect(pa.seed).not.toBe(pb.seed);
    // The stored seed redraws the identical paper: through the route again, and by the pure function.
    expect(await paperOf(f, a!.accountId)).toEqual(pa);
    const stored = await examRow(f.examId);
    expect(stored.seed).toMatch(/^[0-9a-f]{32}$/);
    expect(pa.seed).toBe(candidatePaperSeed(stored.seed, a!.accountId, 1));
    const pool = await loadPool(t.app.core.db, f.itemId);
    expect(assembleCandidatePaper(FIXTURE_BLUEPRINT, pool.reverse(), stored.seed, a!.accountId)).toEqual(
      pa.paper,
    );
    // Per candidate: no paper on the exam, and the paper read needs a candidate.
    expect(stored.fixedPaper).toBeNull();
    const noOne = await f.manager.raw('GET', `${examsOf(f.classId)}/${f.examId}/paper`);
    expect(noOne.status).toBe(400);

    // A fixed paper is drawn and stored when the exam is set: every candidate gets that one paper.
    const fixed = await addExamFixture(t, w, { paperMode: 'fixed', title: '统一试卷考试' });
    expect(fixed.exam).toMatchObject({
      paperMode: 'fixed',
      paperModeLabel: { zh: '统一试卷', en: 'One paper for all' },
      questionCount: 8,
      totalScore: 22,
    });
    const all = await paperOf(fixed);
    const one = await paperOf(fixed, fixed.candidates[0]!.accountId);
    const two = await paperOf(fixed, fixed.candidates[1]!.accountId);
    expect(one.paper).toEqual(all.paper);
    expect(two.paper).toEqual(all.paper);
    const fixedRow = await examRow(fixed.examId);
    expect(fixedRow.fixedPaper).toEqual(all.paper);
    expect((fixedRow.fixedPaper as Paper).seed).toBe(fixedRow.seed);
    // Trainees never read a paper with its answers.
    const peek = await fixed.candidates[0]!.client.raw(
      'GET',
      `${examsOf(fixed.classId)}/${fixed.examId}/paper`,
    );
    expect(peek.status).toBe(403);
  });

  it('[JS-7.3] an impossible blueprint names the short cell', async () => {
    const impossible = {
      cells: [
        { chapter: CH1, type: 'single' as const, difficulty: 2, count: 10, scorePerQuestion: 2 },
        { chapter: CH2, type: 'fill_in' as const, difficulty: 2, count: 1, scorePerQuestion: 3 },
      ],
    };
    // The editor's check: what each cell needs and what the bank has (nothing stored).
    const check = await w.as.manager.call<BlueprintCheckView>('POST', `${standards()}/check`, {
      body: { blueprint: impossible },
    });
    expect(check.ok).toBe(false);
    expect(check.cells.map((c) => [c.chapter, c.type, c.count, c.available, c.short])).toEqual([
      [CH1, 'single', 10, 4, true],
      [CH2, 'fill_in', 1, 3, false],
    ]);
    expect(check.message!.zh).toContain(`章节“${CH1}”、单选题、难度 2：需要 10 题，题库中可用 4 题`);

    const draft = await w.as.manager.call<ExamStandardView>('POST', standards(), {
      body: body({ name: '不可能的标准', blueprint: impossible, passMark: { kind: 'percent', value: 60 } }),
    });
    const res = await w.as.admin.raw('POST', `${standards()}/${draft.id}/decision`, {
      body: { version: 1, decision: 'approve' },
    });
    expect(res.status).toBe(400);
    const err = res.body as {
      code: string;
      message: { zh: string; en: string };
      details: { short: unknown[] };
    };
    expect(err.code).toBe('VALIDATION');
    expect(err.message.zh).toContain(`章节“${CH1}”、单选题、难度 2：需要 10 题，题库中可用 4 题`);
    expect(err.message.en).toContain(
      `chapter "${CH1}", single choice, difficulty 2: needs 10, the bank has 4`,
    );
    expect(err.details.short).toEqual([
      { chapter: CH1, type: 'single', difficulty: 2, needed: 10, available: 4 },
    ]);
    // Nothing stored: still a draft, no approved version, no audit of an approval.
    const after = await w.as.manager.call<ExamStandardView>('GET', `${standards()}/${draft.id}`);
    expect(after).toMatchObject({ currentVersionId: null, draftVersion: 1 });
    expect(after.versions[0]!.status).toBe('draft');
    const approvals = await t.app.core.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.action, 'exam_standard.approved'), eq(auditEvents.targetId, draft.id)));
    expect(approvals).toHaveLength(0);

    // An approved standard whose bank shrank since (questions retired): setting the exam names the cell.
    const fx = await addExamFixture(t, other, { paperMode: 'fixed' });
    const ch2Singles = fx.questions.filter((q) => q.current.chapter === CH2 && q.current.type === 'single');
    for (const q of ch2Singles)
      await other.as.manager.call('POST', `/api/v1/training-items/${fx.itemId}/questions/${q.id}/retire`, {
        body: { retired: true },
      });
    const before = (await other.as.manager.call<ExamListView>('GET', examsOf(fx.classId))).items.length;
    const refused = await other.as.manager.raw('POST', examsOf(fx.classId), {
      body: { standardVersionId: fx.standardVersionId, title: '缺题考试', paperMode: 'fixed', ...window() },
    });
    expect(refused.status).toBe(400);
    expect((refused.body as { message: { zh: string } }).message.zh).toContain(
      `章节“${CH2}”、单选题、难度 2：需要 1 题，题库中可用 0 题`,
    );
    expect((await other.as.manager.call<ExamListView>('GET', examsOf(fx.classId))).items).toHaveLength(
      before,
    );
    for (const q of ch2Singles)
      await other.as.manager.call('POST', `/api/v1/training-items/${fx.itemId}/questions/${q.id}/retire`, {
        body: { retired: false },
      });
  });

  it('[QM-2] an exam standard is versioned and approved before use', async () => {
    const v1 = await w.as.manager.call<ExamStandardView>('POST', standards(), { body: body() });
    expect(v1).toMatchObject({ currentVersionId: null, draftVersion: 1 });
    expect(v1.versions[0]).toMatchObject({
      version: 1,
      status: 'draft',
      statusLabel: { zh: '草稿（待审批）', en: 'Draft (awaiting approval)' },
      passMarkText: { zh: '13 分及格', en: 'Pass at 13 points' },
      questions: 8,
      score: 22,
      createdByName: '班主任',
    });
    expect(v1.versions[0]!.createdAtText).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$/);

    // A draft cannot be used by an exam.
    const draftId = v1.versions[0]!.id;
    const early = await w.as.manager.raw('POST', examsOf(f.classId), {
      body: { standardVersionId: draftId, title: '草稿考试', paperMode: 'fixed', ...window() },
    });
    expect(early.status).toBe(422);
    expect((early.body as { code: string; message: { zh: string } }).code).toBe('PRECONDITION_FAILED');
    expect((early.body as { message: { zh: string } }).message.zh).toContain(
      '只有已批准的在用版本才能用于考试',
    );
    expect(
      (await w.as.manager.call<ExamListView>('GET', examsOf(f.classId))).standards.map((s) => s.versionId),
    ).not.toContain(draftId);

    // A class manager cannot decide; an admin cannot decide their own draft (four eyes).
    const byManager = await w.as.manager.raw('POST', `${standards()}/${v1.id}/decision`, {
      body: { version: 1, decision: 'approve' },
    });
    expect(byManager.status).toBe(403);
    const own = await w.as.admin.call<ExamStandardView>('POST', standards(), {
      body: body({ name: '管理员自拟' }),
    });
    const ownDecision = await w.as.admin.raw('POST', `${standards()}/${own.id}/decision`, {
      body: { version: 1, decision: 'approve' },
    });
    expect(ownDecision.status).toBe(403);
    expect((ownDecision.body as { message: { zh: string } }).message.zh).toContain(
      '不能审批自己起草的考试标准',
    );

    // The admin approves the manager's draft; it is then immutable (no second decision).
    const approved = await w.as.admin.call<ExamStandardView>('POST', `${standards()}/${v1.id}/decision`, {
      body: { version: 1, decision: 'approve', note: '同意' },
    });
    expect(approved).toMatchObject({ currentVersionId: draftId, currentVersion: 1, draftVersion: null });
    expect(approved.versions[0]).toMatchObject({
      status: 'approved',
      decidedByName: '机构管理员',
      decisionNote: '同意',
    });
    const again = await w.as.admin.raw('POST', `${standards()}/${v1.id}/decision`, {
      body: { version: 1, decision: 'reject', note: '改主意' },
    });
    expect(again.status).toBe(409);

    const exam = await w.as.manager.call<ExamDetailView>('POST', examsOf(f.classId), {
      body: { standardVersionId: draftId, title: '期中考试 Midterm', paperMode: 'fixed', ...window(10, 120) },
    });
    expect(exam).toMatchObject({
      standardVersion: 1,
      durationMinutes: 45,
      state: 'not_open',
      stateLabel: { zh: '未开考', en: 'Not yet open' },
      passMark: { kind: 'points', value: 13 },
    });

    // Version 2 (a new draft); a third while it waits is refused; the admin approves 2: 1 is superseded.
    const v2 = await w.as.manager.call<ExamStandardView>('POST', `${standards()}/${v1.id}/versions`, {
      body: {
        blueprint: FIXTURE_BLUEPRINT,
        passMark: { kind: 'percent', value: 70 },
        markingPolicy: { multiple: 'partial', fillIn: 'per_blank' },
        durationMinutes: 60,
      },
    });
    expect(v2).toMatchObject({ currentVersion: 1, draftVersion: 2 });
    const third = await w.as.manager.raw('POST', `${standards()}/${v1.id}/versions`, {
      body: {
        blueprint: FIXTURE_BLUEPRINT,
        passMark: { kind: 'percent', value: 50 },
        markingPolicy: { multiple: 'partial', fillIn: 'per_blank' },
        durationMinutes: 30,
      },
    });
    expect(third.status).toBe(409);
    const now2 = await w.as.admin.call<ExamStandardView>('POST', `${standards()}/${v1.id}/decision`, {
      body: { version: 2, decision: 'approve' },
    });
    expect(now2.currentVersion).toBe(2);
    expect(now2.versions.map((v) => [v.version, v.status])).toEqual([
      [2, 'approved'],
      [1, 'superseded'],
    ]);
    // Version 1's content did not change (immutable); the exam keeps version 1 and its 45 minutes.
    expect({
      ...now2.versions[1],
      status: 'approved',
      statusLabel: approved.versions[0]!.statusLabel,
    }).toEqual(approved.versions[0]);
    const kept = await w.as.manager.call<ExamDetailView>('GET', `${examsOf(f.classId)}/${exam.id}`);
    expect(kept).toMatchObject({ standardVersionId: draftId, standardVersion: 1, durationMinutes: 45 });
    // A superseded version is not used by a new exam; the list offers version 2.
    const stale = await w.as.manager.raw('POST', examsOf(f.classId), {
      body: { standardVersionId: draftId, title: '旧版考试', paperMode: 'fixed', ...window() },
    });
    expect(stale.status).toBe(422);
    const offered = (await w.as.manager.call<ExamListView>('GET', examsOf(f.classId))).standards;
    expect(offered.find((s) => s.standardId === v1.id)).toMatchObject({ version: 2, durationMinutes: 60 });

    // Rejecting needs a reason; a rejected draft is kept in the history.
    await w.as.manager.call('POST', `${standards()}/${v1.id}/versions`, {
      body: {
        blueprint: FIXTURE_BLUEPRINT,
        passMark: { kind: 'percent', value: 50 },
        markingPolicy: { multiple: 'partial', fillIn: 'per_blank' },
        durationMinutes: 30,
      },
    });
    const noReason = await w.as.admin.raw('POST', `${standards()}/${v1.id}/decision`, {
      body: { version: 3, decision: 'reject' },
    });
    expect(noReason.status).toBe(400);
    const rejected = await w.as.admin.call<ExamStandardView>('POST', `${standards()}/${v1.id}/decision`, {
      body: { version: 3, decision: 'reject', note: '及格线过低 Pass mark too low' },
    });
    expect(rejected.versions[0]).toMatchObject({
      version: 3,
      status: 'rejected',
      decisionNote: '及格线过低 Pass mark too low',
    });
    expect(rejected.currentVersion).toBe(2);

    // Audited: drafted, approved, superseded by the next approval, rejected.
    const audit = await t.app.core.db.select().from(auditEvents).where(eq(auditEvents.targetId, v1.id));
    expect(audit.map((a) => a.action)).toEqual([
      'exam_standard.created',
      'exam_standard.approved',
      'exam_standard.version_drafted',
      'exam_standard.approved',
      'exam_standard.version_drafted',
      'exam_standard.rejected',
    ]);
    const [row] = await t.app.core.db
      .select()
      .from(examStandardVersions)
      .where(eq(examStandardVersions.id, draftId));
    expect(row!.status).toBe('superseded');
  });

  it('[JS-7.3] extra time for one candidate; a retake for those who failed or did not sit draws afresh', async () => {
    const fx = await addExamFixture(t, w, { durationMinutes: 40 });
    const [a, b, c] = fx.candidates;
    const url = `${examsOf(fx.classId)}/${fx.examId}`;
    const given = await fx.manager.call<ExamDetailView>('POST', `${url}/extra-time`, {
      body: { accountId: a!.accountId, extraMinutes: 20, reason: '听障考生延时 Hearing accommodation' },
    });
    expect(given.candidates.find((x) => x.accountId === a!.accountId)).toMatchObject({
      extraMinutes: 20,
      extraReason: '听障考生延时 Hearing accommodation',
    });
    // The trainee sees their exam with its time (China time window, the state, the page link).
    const mine = await a!.client.call<MyExamListView>('GET', '/api/v1/me/exams');
    const item = mine.items.find((x) => x.examId === fx.examId)!;
    expect(item).toMatchObject({
      durationMinutes: 60,
      extraMinutes: 20,
      state: 'open',
      stateLabel: { zh: '可以参加', en: 'Open' },
      link: `/app/exam.html?class=${fx.classId}&exam=${fx.examId}`,
    });
    expect(item.windowText).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2} – /);
    // Not a candidate (the world's own trainee is on no roster of this class): refused, nothing changed.
    const stranger = await fx.manager.raw('POST', `${url}/extra-time`, {
      body: { accountId: w.traineeId, extraMinutes: 10, reason: '不是考生' },
    });
    expect(stranger.status).toBe(400);
    expect((stranger.body as { details: { in: string } }).details.in).toBe('accountId');

    // A retake needs the exam closed.
    const tooEarly = await fx.manager.raw('POST', `${url}/retake`, { body: window(200, 400) });
    expect(tooEarly.status).toBe(422);

    // The sitting: a passes, b fails (as the marking job stores them); c never sits.
    const db = t.app.core.db;
    const sat = async (accountId: string, verdict: 'pass' | 'fail') => {
      const setup = await t.app.core.exams.forCandidate(fx.examId, accountId);
      const paper = await t.app.core.exams.drawPaper(setup);
      await db.insert(examAttempts).values({
        examId: fx.examId,
        accountId,
        attemptNo: setup.attemptNo,
        seed: setup.paperSeed,
        paper,
        status: 'marked',
        startedAt: clock.now(),
        deadlineAt: new Date(clock.now().getTime() + 40 * 60_000),
        submittedAt: clock.now(),
        submitReason: 'candidate',
        score: verdict === 'pass' ? 20 : 5,
        verdict,
        markedAt: clock.now(),
      });
      return paper;
    };
    await sat(a!.accountId, 'pass');
    const bFirst = await sat(b!.accountId, 'fail');
    // Extra time after a candidate has started is refused.
    const late = await fx.manager.raw('POST', `${url}/extra-time`, {
      body: { accountId: b!.accountId, extraMinutes: 10, reason: '迟到' },
    });
    expect(late.status).toBe(422);
    expect(
      (await b!.client.call<MyExamListView>('GET', '/api/v1/me/exams')).items.find(
        (x) => x.examId === fx.examId,
      )!.state,
    ).toBe('submitted');

    // Three hours later the exam has closed.
    clock.set(new Date(Date.now() + 3 * 3600_000));
    const closed = await fx.manager.call<ExamDetailView>('GET', url);
    expect(closed.stateLabel).toEqual({ zh: '已结束', en: 'Closed' });
    expect(
      (await c!.client.call<MyExamListView>('GET', '/api/v1/me/exams')).items.find(
        (x) => x.examId === fx.examId,
      )!.state,
    ).toBe('missed');
    const retake = await fx.manager.call<ExamDetailView>('POST', `${url}/retake`, { body: window(-1, 120) });
    expect(retake).toMatchObject({
      kind: 'retake',
      kindLabel: { zh: '补考', en: 'Retake' },
      retakeOf: fx.examId,
      title: `${fx.exam.title}（补考 Retake）`,
      standardVersionId: fx.standardVersionId,
      state: 'open',
    });
    expect(retake.candidates.map((x) => x.accountId).sort()).toEqual([b!.accountId, c!.accountId].sort());
    expect((await fx.manager.call<ExamDetailView>('GET', url)).retakes.map((r) => r.id)).toEqual([retake.id]);
    // b's second sitting is attempt 2 with a fresh paper; c, who never sat, sits attempt 1.
    const bSetup = await t.app.core.exams.forCandidate(retake.id, b!.accountId);
    expect(bSetup.attemptNo).toBe(2);
    const retakeRow = await examRow(retake.id);
    expect(bSetup.paperSeed).toBe(candidatePaperSeed(retakeRow.seed, b!.accountId, 2));
    const bPaper = await fx.manager.call<ExamPaperView>('GET', `${examsOf(fx.classId)}/${retake.id}/paper`, {
      query: { accountId: b!.accountId },
    });
    expect(bPaper).toMatchObject({ attemptNo: 2, stored: false });
    expect(bPaper.paper).not.toEqual(bFirst);
    expect((await t.app.core.exams.forCandidate(retake.id, c!.accountId)).attemptNo).toBe(1);
    // a passed: not a candidate of the retake.
    await expect(t.app.core.exams.forCandidate(retake.id, a!.accountId)).rejects.toMatchObject({
      code: 'NOT_ON_ROSTER',
    });
    const aRetake = (await a!.client.call<MyExamListView>('GET', '/api/v1/me/exams')).items.map(
      (x) => x.examId,
    );
    expect(aRetake).not.toContain(retake.id);
    const cands = await db.select().from(examCandidates).where(eq(examCandidates.examId, retake.id));
    expect(cands).toHaveLength(2);
  });

  it('[JS-7.3] refusals: other institutions, trainees, another class’s session, bad input', async () => {
    const url = examsOf(f.classId);
    const good = { standardVersionId: f.standardVersionId, title: '考试', paperMode: 'fixed', ...window() };
    // Another institution's manager and admin: the class, the exam, the standard do not exist for them.
    expect((await other.as.manager.raw('GET', url)).status).toBe(404);
    expect((await other.as.manager.raw('GET', `${url}/${f.examId}`)).status).toBe(404);
    expect((await other.as.manager.raw('POST', url, { body: good })).status).toBe(404);
    expect((await other.as.admin.raw('GET', `${standards()}/${f.standard.id}`)).status).toBe(404);
    expect(
      (
        await other.as.admin.raw('POST', `${standards(other.theoryItemId)}/${f.standard.id}/decision`, {
          body: { version: 1, decision: 'approve' },
        })
      ).status,
    ).toBe(404);
    // Another class's standard version (another item) is not this class's.
    const otherFx = await addExamFixture(t, other);
    const foreign = await w.as.manager.raw('POST', url, {
      body: { ...good, standardVersionId: otherFx.standardVersionId },
    });
    expect(foreign.status).toBe(404);
    // A trainee cannot set an exam, read the class's exams or draft a standard.
    const trainee = f.candidates[0]!.client;
    expect((await trainee.raw('POST', url, { body: good })).status).toBe(403);
    expect((await trainee.raw('GET', url)).status).toBe(403);
    expect((await trainee.raw('POST', standards(), { body: body() })).status).toBe(403);
    // Officers read but do not set.
    expect((await w.as.officer.raw('GET', `${url}/${f.examId}`)).status).toBe(200);
    expect((await w.as.officer.raw('POST', url, { body: good })).status).toBe(403);
    // The session of another class is refused.
    const before = (await w.as.manager.call<ExamListView>('GET', url)).items.length;
    const otherClass = await addExamFixture(t, w);
    const wrongSession = await w.as.manager.raw('POST', url, {
      body: { ...good, sessionId: otherClass.sessionIds[0] },
    });
    expect(wrongSession.status).toBe(400);
    expect((wrongSession.body as { details: { in: string } }).details.in).toBe('sessionId');
    // Its own session is taken, and shown in China time.
    const invigilated = await w.as.manager.call<ExamDetailView>('POST', url, {
      body: { ...good, sessionId: f.sessionIds[0] },
    });
    expect(invigilated.sessionText).toMatch(/^第 1 讲 Session 1 · \d{4}-\d{2}-\d{2} 08:30–12:30/);
    expect(invigilated.proctoring).toEqual({ camera: true, stillsPerAttempt: 0 });

    // Bad input: a coded 4xx with zh/en, nothing stored.
    const bad: Array<[string, unknown]> = [
      ['closes before it opens', { ...good, ...window(60, 30) }],
      ['already closed', { ...good, ...window(-200, -100) }],
      ['window shorter than the duration', { ...good, ...window(0, 10) }],
      ['unknown paper mode', { ...good, paperMode: 'random' }],
      ['unknown field', { ...good, extra: 1 }],
      ['not a date', { ...good, opensAt: 'tomorrow' }],
      ['not a uuid', { ...good, standardVersionId: 'abc' }],
      ['stills out of range', { ...good, proctoring: { camera: true, stillsPerAttempt: 99 } }],
    ];
    for (const [why, b] of bad) {
      const res = await w.as.manager.raw('POST', url, { body: b });
      expect([why, res.status]).toEqual([why, 400]);
      const e = res.body as { code: string; message: { zh: string; en: string } };
      expect(e.code).toBe('VALIDATION');
      expect(e.message.zh.length).toBeGreaterThan(0);
      expect(e.message.en.length).toBeGreaterThan(0);
    }
    expect((await w.as.manager.call<ExamListView>('GET', url)).items.length).toBe(before + 1);
    const badStandards: Array<[string, unknown]> = [
      [
        'duplicate cell',
        body({ blueprint: { cells: [FIXTURE_BLUEPRINT.cells[0]!, FIXTURE_BLUEPRINT.cells[0]!] } }),
      ],
      ['percent over 100', body({ passMark: { kind: 'percent', value: 120 } })],
      ['points over the total', body({ passMark: { kind: 'points', value: 50 } })],
      ['no cells', body({ blueprint: { cells: [] } })],
      ['unknown policy', body({ markingPolicy: { multiple: 'lenient', fillIn: 'per_blank' } as never })],
      ['zero minutes', body({ durationMinutes: 0 })],
      ['difficulty 6', body({ blueprint: { cells: [{ ...FIXTURE_BLUEPRINT.cells[0]!, difficulty: 6 }] } })],
    ];
    const count = (await w.as.manager.call<{ items: unknown[] }>('GET', standards())).items.length;
    for (const [why, b] of badStandards) {
      const res = await w.as.manager.raw('POST', standards(), { body: b });
      expect([why, res.status]).toEqual([why, 400]);
    }
    expect((await w.as.manager.call<{ items: unknown[] }>('GET', standards())).items.length).toBe(count);
    const badExtra = await w.as.manager.raw('POST', `${url}/${f.examId}/extra-time`, {
      body: { accountId: f.candidates[0]!.accountId, extraMinutes: -5, reason: 'x' },
    });
    expect(badExtra.status).toBe(400);
    const badDecision = await w.as.admin.raw('POST', `${standards()}/${f.standard.id}/decision`, {
      body: { version: 99, decision: 'approve' },
    });
    expect(badDecision.status).toBe(404);
  });
});
