import pino from 'pino';
import ExcelJS from 'exceljs';
import { and, eq } from 'drizzle-orm';
import type { AttemptMarks, ErrorBody, ExamStatisticsView, Paper, PaperQuestion } from '@seafarer/contracts';
import { createOutboundDelivery } from '@seafarer/core';
import { auditEvents, examAttempts, examManualMarks, exams, questionVersions } from '@seafarer/db';
import { startProcessors } from '../services/worker/src/processors';
import { startTestApp, type TestApp } from './helpers/app';
import { movableClock } from './helpers/clock';
import { addExamFixture, rightAnswer, sitAttempt, wrongAnswer, type ExamFixture } from './helpers/exams';
import { createWorld, type World } from './helpers/world';

/**
 * JS-7.3 (issue 12 §3 自动评卷, 考试数据导出): submitted papers are marked by the 'exam.mark' job through
 * BullMQ and the real worker; short answers are marked by hand (anonymous queue); the class manager
 * releases; the candidate then sees the score and the explanations; the results export has one row per
 * candidate; the statistics of a known data set; and who is refused what.
 *
 * One fixed paper for all (8 questions, 22 points, pass at 60 % = 13.2; multiple choice 'partial',
 * fill-in 'per_blank'): 2 + 2 + 2 single, 4 multiple (3 right keys of 4), 2 + 2 true/false,
 * 3 fill-in (锚泊 / 抛锚停泊 / anchoring), 5 short answer.
 * - candidate A: singles right (6), multiple two right keys of three (4 · 2/3 = 2.67), both true/false
 *   wrong (0), the fill-in as "  ＡＮＣＨＯＲＩＮＧ " (3 after normalisation), a short answer → 11.67,
 *   pending (the 5 hand-markable points could still pass it); hand mark 5 → 16.67 pass.
 * - candidate B: everything right, the short answer left out → 17, pass, nothing to hand-mark.
 * - candidate C: everything wrong, a short answer → 0, fail (even 5 more cannot reach 13.2); hand mark 1 → 1.
 */
let t: TestApp;
let w: World;
let other: World;
let f: ExamFixture;
let worker: ReturnType<typeof startProcessors>;
const clock = movableClock();
const ids: { a: string; b: string; c: string } = { a: '', b: '', c: '' };
let paper: Paper;

async function until<T>(what: string, fn: () => Promise<T | null | undefined | false>, ms = 30_000) {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 150));
  }
}
const attemptRow = async (id: string) =>
  (await t.app.core.db.select().from(examAttempts).where(eq(examAttempts.id, id)))[0]!;
const marked = (id: string) =>
  until(`attempt ${id} marked`, async () => {
    const r = await attemptRow(id);
    return r.status === 'marked' ? r : null;
  });

const base = () => `/api/v1/classes/${f.classId}/exams/${f.examId}`;

function answerA(q: PaperQuestion) {
  switch (q.type) {
    case 'multiple':
      return (rightAnswer(q) as string[]).slice(0, 2);
    case 'true_false':
      return wrongAnswer(q);
    case 'fill_in':
      return '  ＡＮＣＨＯＲＩＮＧ ';
    case 'short_answer':
      return '先报警，然后组织灭火。';
    default:
      return rightAnswer(q);
  }
}

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
  other = await createWorld(t);
  f = await addExamFixture(t, w, { trainees: 3, paperMode: 'fixed', title: '结业考试 阅卷测试' });
}, 240_000);
afterAll(async () => {
  await worker?.close();
  await t?.close();
}, 60_000);

describe('automatic marking', () => {
  it('[JS-7.3] marking gives the expected score for every type including partial credit and fill-in normalisation', async () => {
    const [A, B, C] = f.candidates as [
      ExamFixture['candidates'][0],
      ExamFixture['candidates'][0],
      ExamFixture['candidates'][0],
    ];
    const sa = await sitAttempt(t, f, A, { answer: answerA, submit: true });
    const sb = await sitAttempt(t, f, B, {
      answer: (q) => (q.type === 'short_answer' ? undefined : rightAnswer(q)),
      submit: true,
    });
    const sc = await sitAttempt(t, f, C, { answer: wrongAnswer, submit: true });
    ids.a = sa.attempt.id;
    ids.b = sb.attempt.id;
    ids.c = sc.attempt.id;
    paper = sa.paper;
    expect(paper.totalScore).toBe(22);
    // submit → outbox → BullMQ → the worker's exam.mark → stored marks.
    const [ra, rb, rc] = await Promise.all([marked(ids.a), marked(ids.b), marked(ids.c)]);
    const byType = (r: typeof ra) => {
      const out: Record<string, number> = {};
      for (const m of (r.marks as AttemptMarks).questions) out[m.type] = (out[m.type] ?? 0) + m.score;
      return out;
    };
    expect(byType(ra)).toEqual({ single: 6, multiple: 2.67, true_false: 0, fill_in: 3, short_answer: 0 });
    expect(ra).toMatchObject({ score: 11.67, verdict: 'pending' });
    expect(ra.marks).toMatchObject({ max: 22, manualPending: 1, complete: false });
    expect(byType(rb)).toEqual({ single: 6, multiple: 4, true_false: 4, fill_in: 3, short_answer: 0 });
    expect(rb).toMatchObject({ score: 17, verdict: 'pass' });
    expect(rb.marks).toMatchObject({ manualPending: 0, complete: true });
    expect(rc).toMatchObject({ score: 0, verdict: 'fail' });
    expect(rc.marks).toMatchObject({ manualPending: 1 });
    expect(ra.markedAt).toBeInstanceOf(Date);

    // Idempotent: the job again gives the same marks and rewrites nothing.
    const again = await t.app.core.examMarking.markSubmitted(ids.a);
    expect(again).toMatchObject({ marked: true, changed: false, score: 11.67, verdict: 'pending' });
    const ra2 = await attemptRow(ids.a);
    expect(ra2.markedAt).toEqual(ra.markedAt);
    expect(ra2.marks).toEqual(ra.marks);
  });
});

describe('hand marking and release', () => {
  it('[JS-7.3] the marking queue shows answered short answers by candidate number; hand marks re-mark the attempt, audited', async () => {
    const queue = await w.as.instructor.examResults.marking(f.classId, f.examId);
    expect(queue.items).toHaveLength(2);
    expect(queue).toMatchObject({ pending: 2, marked: 0, released: false });
    const item = queue.items.find((i) => i.attemptId === ids.a)!;
    expect(item).toMatchObject({ max: 5, score: null, answer: '先报警，然后组织灭火。' });
    expect(item.reference).toContain('报警');
    expect(item.candidateNo).toBeGreaterThan(0);
    // Anonymous to the marker: no names, no accounts.
    const text = JSON.stringify(queue);
    for (const c of f.candidates) {
      expect(text).not.toContain(c.name);
      expect(text).not.toContain(c.accountId);
    }

    // A score above the question's 5 points: coded 400, nothing changed.
    const tooMuch = await w.as.instructor.raw('POST', `${base()}/attempts/${ids.a}/manual-marks`, {
      body: { questionId: item.questionId, score: 6, note: '' },
    });
    expect(tooMuch.status).toBe(400);
    expect((tooMuch.body as ErrorBody).code).toBe('VALIDATION');
    expect((tooMuch.body as ErrorBody).message.zh).toContain('0 到 5');
    expect(
      await t.app.core.db.select().from(examManualMarks).where(eq(examManualMarks.attemptId, ids.a)),
    ).toEqual([]);
    // An objective question cannot be hand-marked.
    const single = paper.questions.find((q) => q.type === 'single')!;
    const objective = await w.as.instructor.raw('POST', `${base()}/attempts/${ids.a}/manual-marks`, {
      body: { questionId: single.questionId, score: 1 },
    });
    expect(objective.status).toBe(400);
    // B left the short answer out: nothing to mark.
    const unanswered = await w.as.instructor.raw('POST', `${base()}/attempts/${ids.b}/manual-marks`, {
      body: { questionId: item.questionId, score: 1 },
    });
    expect(unanswered.status).toBe(400);
    // A trainee cannot mark (not even their own).
    const byTrainee = await f.candidates[0]!.client.raw('POST', `${base()}/attempts/${ids.a}/manual-marks`, {
      body: { questionId: item.questionId, score: 5 },
    });
    expect(byTrainee.status).toBe(403);

    const r = await w.as.instructor.examResults.manualMark(f.classId, f.examId, ids.a, {
      questionId: item.questionId,
      score: 5,
      note: '要点齐全',
    });
    expect(r).toMatchObject({ attemptScore: 16.67, total: 22, manualPending: 0, verdict: 'pass' });
    expect(await attemptRow(ids.a)).toMatchObject({ score: 16.67, verdict: 'pass', status: 'marked' });
    const audit = await t.app.core.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.action, 'exam.manual_marked'), eq(auditEvents.targetId, ids.a)));
    expect(audit).toHaveLength(1);
    expect(audit[0]!.data).toMatchObject({ score: 5, max: 5, previous: null, verdict: 'pass' });
    // The job re-run after a hand mark keeps it.
    expect(await t.app.core.examMarking.markSubmitted(ids.a)).toMatchObject({ changed: false, score: 16.67 });
  });

  it('[JS-7.3] release is refused while a short answer waits; the candidate sees nothing before it', async () => {
    const refused = await f.manager.raw('POST', `${base()}/release`);
    expect(refused.status).toBe(422);
    const body = refused.body as ErrorBody;
    expect(body.code).toBe('PRECONDITION_FAILED');
    expect(body.details).toMatchObject({ reason: 'not_ready', manualPending: 1, inProgress: 0 });
    expect(body.message.zh).toContain('待人工评分');
    const early = await f.candidates[0]!.client.raw('GET', `${base()}/attempts/${ids.a}/result`);
    expect(early.status).toBe(422);
    expect((early.body as ErrorBody).details).toMatchObject({ reason: 'not_released' });
    expect((early.body as ErrorBody).message.zh).toContain('尚未发布');
    const view = await f.manager.examResults.results(f.classId, f.examId);
    expect(view.canRelease).toBe(false);
    expect(view.blockersText.map((b) => b.zh).join()).toContain('1 份试卷有简答题待人工评分');
  });

  it('[JS-7.3] the class manager releases; then the candidate sees score, right answers and explanations', async () => {
    const c = (await w.as.instructor.examResults.marking(f.classId, f.examId)).items.find(
      (i) => i.attemptId === ids.c,
    )!;
    await w.as.instructor.examResults.manualMark(f.classId, f.examId, ids.c, {
      questionId: c.questionId,
      score: 1,
    });
    // The instructor marks but does not release; a trainee neither.
    expect((await w.as.instructor.raw('POST', `${base()}/release`)).status).toBe(403);
    expect((await f.candidates[1]!.client.raw('POST', `${base()}/release`)).status).toBe(403);
    const rel = await f.manager.examResults.release(f.classId, f.examId);
    expect(rel).toMatchObject({ released: true, marked: 3, passed: 2 });
    expect(rel.releasedAtText).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$/);
    expect((await t.app.core.db.select().from(exams).where(eq(exams.id, f.examId)))[0]!.status).toBe(
      'released',
    );
    // Released twice: the same release.
    expect((await f.manager.examResults.release(f.classId, f.examId)).releasedAt).toBe(rel.releasedAt);
    // No hand mark changes a released result.
    const late = await w.as.instructor.raw('POST', `${base()}/attempts/${ids.c}/manual-marks`, {
      body: { questionId: c.questionId, score: 5 },
    });
    expect(late.status).toBe(422);
    expect((late.body as ErrorBody).details).toMatchObject({ reason: 'released' });

    const fillQ = paper.questions.find((q) => q.type === 'fill_in')!;
    await t.app.core.db
      .update(questionVersions)
      .set({ explanation: '锚泊即抛锚停泊，英文 anchoring。' })
      .where(eq(questionVersions.id, fillQ.versionId));
    const result = await f.candidates[0]!.client.examResults.result(f.classId, f.examId, ids.a);
    expect(result).toMatchObject({
      score: 16.67,
      total: 22,
      verdict: 'pass',
      verdictLabel: { zh: '合格', en: 'Pass' },
      passMarkText: { zh: '得分率 60% 及格' },
    });
    expect(result.questions).toHaveLength(8);
    const fill = result.questions.find((q) => q.type === 'fill_in')!;
    expect(fill).toMatchObject({ score: 3, max: 3, correct: true, answerText: '  ＡＮＣＨＯＲＩＮＧ ' });
    expect(fill.rightAnswerText).toContain('锚泊');
    const multiple = result.questions.find((q) => q.type === 'multiple')!;
    const pq = paper.questions.find((q) => q.type === 'multiple')!;
    expect(multiple).toMatchObject({ score: 2.67, max: 4, correct: false });
    expect(multiple.rightAnswerText).toBe((rightAnswer(pq) as string[]).join('、'));
    const short = result.questions.find((q) => q.type === 'short_answer')!;
    expect(short).toMatchObject({ score: 5, note: '要点齐全' });
    // The explanation of the question version on the paper (the fixture's bank has none; one is
    // written into the drawn version here, as the bank's own editor would have given it).
    expect(fill.explanation).toBe('锚泊即抛锚停泊，英文 anchoring。');
    // Another candidate's result is not theirs to read.
    const notTheirs = await f.candidates[1]!.client.raw('GET', `${base()}/attempts/${ids.a}/result`);
    expect([403, 404]).toContain(notTheirs.status);
  });
});

describe('results, export and statistics', () => {
  it('[JS-7.3] the export has one row per candidate with the right totals', async () => {
    const view = await f.manager.examResults.results(f.classId, f.examId);
    expect(view.rows).toHaveLength(3);
    expect(view.released).toBe(true);
    const byAttempt = new Map(view.rows.map((r) => [r.attemptId, r]));
    expect(byAttempt.get(ids.a)).toMatchObject({ score: 16.67, total: 22, verdictLabel: { zh: '合格' } });
    expect(byAttempt.get(ids.b)).toMatchObject({ score: 17, total: 22, verdict: 'pass' });
    expect(byAttempt.get(ids.c)).toMatchObject({ score: 1, total: 22, verdictLabel: { zh: '不合格' } });
    for (const r of view.rows) {
      expect(r.idNumberMasked).toMatch(/\*/);
      expect(r.startedAtText).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$/);
    }
    const scoreOf = new Map(view.rows.map((r) => [r.name, r.score]));

    // CSV: BOM, zh-CN headers with English, one row per candidate, human values.
    const csv = await f.manager.examResults.resultsCsv(f.classId, f.examId);
    const bytes = new Uint8Array(await csv.blob.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = new TextDecoder().decode(bytes.slice(3)).trimEnd().split('\r\n');
    expect(lines[0]).toContain('姓名 Name');
    expect(lines[0]).toContain('开始时间（北京时间） Started (China time)');
    expect(lines).toHaveLength(4);
    let sum = 0;
    for (const line of lines.slice(1)) {
      const cells = line.split(',');
      expect(scoreOf.get(cells[1]!)).toBe(Number(cells[7]));
      expect(cells[8]).toBe('22');
      expect(cells[9]).toMatch(/^(合格 Pass|不合格 Fail)$/);
      sum += Number(cells[7]);
    }
    expect(sum).toBeCloseTo(16.67 + 17 + 1, 6);

    // XLSX: the same rows under a title row and the export time.
    const xlsx = await f.manager.examResults.resultsXlsx(f.classId, f.examId);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(await xlsx.blob.arrayBuffer());
    const ws = wb.worksheets[0]!;
    expect(String(ws.getRow(3).getCell(2).value)).toBe('姓名 Name');
    const rows: Array<[string, number]> = [];
    ws.eachRow((row, i) => {
      if (i > 3) rows.push([String(row.getCell(2).value), Number(row.getCell(8).value)]);
    });
    expect(rows).toHaveLength(3);
    for (const [name, score] of rows) expect(scoreOf.get(name)).toBe(score);
    expect(String(ws.getRow(2).getCell(1).value)).toContain('导出时间（北京时间）');

    // answers.xlsx: one row per candidate × question (3 × 8), with the outcome in words.
    const answers = await f.manager.examResults.answersXlsx(f.classId, f.examId);
    const wa = new ExcelJS.Workbook();
    await wa.xlsx.load(await answers.blob.arrayBuffer());
    const sheet = wa.worksheets[0]!;
    const data: string[][] = [];
    sheet.eachRow((row, i) => {
      if (i > 3) data.push((row.values as unknown[]).slice(1).map((v) => String(v)));
    });
    expect(data).toHaveLength(24);
    expect(data.some((r) => r[11] === '部分得分 Partly right')).toBe(true);
    const perName = new Map<string, number>();
    for (const r of data) perName.set(r[1]!, (perName.get(r[1]!) ?? 0) + Number(r[9]));
    for (const [name, s] of perName) expect(s).toBeCloseTo(scoreOf.get(name)!, 6);
  });

  it('[JS-7.3] statistics of the known data set: pass rate, mean/median/min/max, 10 % bins, p and point-biserial', async () => {
    const s: ExamStatisticsView = await f.manager.examResults.statistics(f.classId, f.examId);
    expect(s).toMatchObject({
      candidates: 3,
      sat: 3,
      marked: 3,
      passed: 2,
      failed: 1,
      pending: 0,
      total: 22,
    });
    expect(s.passRate).toBeCloseTo(2 / 3, 4);
    expect(s.mean).toBeCloseTo((16.67 + 17 + 1) / 3, 2);
    expect(s).toMatchObject({ median: 16.67, min: 1, max: 17 });
    // 16.67/22 = 75.8 % and 17/22 = 77.3 % in 70–80 %; 1/22 = 4.5 % in 0–10 %.
    expect(s.distribution.map((b) => b.count)).toEqual([1, 0, 0, 0, 0, 0, 0, 2, 0, 0]);
    expect(s.distribution[7]!.label).toBe('70–80%');
    expect(s.questions).toHaveLength(8);
    // The fill-in: 3, 3, 0 of 3 → p = 0.6667; item [3, 3, 0] vs rest [13.67, 14, 1]: r = 0.9998.
    const fill = s.questions.find((q) => q.type === 'fill_in')!;
    expect(fill.p).toBeCloseTo(2 / 3, 4);
    expect(fill.discrimination).toBeCloseTo(0.9998, 3);
    expect(fill.pLabel).toEqual({ zh: '适中', en: 'Moderate' });
    // The true/false questions: only B right (2, 0, 0) → p = 1/3; rest [16.67, 15, 1]: r ≈ 0.4136.
    const tf = s.questions.filter((q) => q.type === 'true_false');
    for (const q of tf) {
      expect(q.p).toBeCloseTo(1 / 3, 4);
      expect(q.discrimination).toBeCloseTo(0.4136, 3);
    }
    // A's and B's singles right, C's wrong: p = 2/3.
    for (const q of s.questions.filter((x) => x.type === 'single')) expect(q.p).toBeCloseTo(2 / 3, 4);
  });

  it('[JS-7.3] refusals: trainees read no results, queue or export; another institution is refused; the officer reads', async () => {
    const trainee = f.candidates[0]!.client;
    for (const p of ['results', 'results.csv', 'results.xlsx', 'answers.xlsx', 'statistics', 'marking'])
      expect((await trainee.raw('GET', `${base()}/${p}`)).status).toBe(403);
    for (const p of ['results', 'statistics', 'marking'])
      expect([403, 404]).toContain((await other.as.manager.raw('GET', `${base()}/${p}`)).status);
    expect([403, 404]).toContain((await other.as.manager.raw('POST', `${base()}/release`)).status);
    expect(
      [403, 404].includes(
        (
          await other.as.instructor.raw('POST', `${base()}/attempts/${ids.a}/manual-marks`, {
            body: { questionId: paper.questions[0]!.questionId, score: 1 },
          })
        ).status,
      ),
    ).toBe(true);
    // The officer of the jurisdiction reads (read-only: no release, no marking).
    expect((await w.as.officer.examResults.results(f.classId, f.examId)).rows).toHaveLength(3);
    expect((await w.as.officer.raw('POST', `${base()}/release`)).status).toBe(403);
    // A path id of another exam's attempt: not found, never a 500.
    const bogus = await f.manager.raw(
      'GET',
      `${base()}/attempts/00000000-0000-4000-8000-000000000000/result`,
    );
    expect(bogus.status).toBe(404);
  });
});
