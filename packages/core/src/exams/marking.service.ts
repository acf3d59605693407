import { isDeepStrictEqual } from 'node:util';
import { and, eq, inArray, ne } from 'drizzle-orm';
import {
  PASS_VERDICT_LABELS,
  QUESTION_TYPE_LABELS,
  RESULT_STATE_LABELS,
  difficultyLabel,
  discriminationLabel,
  type AttemptMarks,
  type AttemptResultView,
  type ExamResultRow,
  type ExamResultsView,
  type ExamStatisticsView,
  type LocalizedText,
  type ManualMarkBody,
  type ManualMarkResult,
  type MarkingItem,
  type MarkingQueueView,
  type Paper,
  type PassVerdict,
  type QuestionMark,
  type ReleaseBlockers,
  type ReleaseResultView,
  type ResultState,
} from '@seafarer/contracts';
import { examAttempts, examManualMarks, exams, questionVersions, type Db, type DbOrTx } from '@seafarer/db';
import { appendAudit } from '../audit/audit.repo';
import { formatChinaMinute } from '../filing/china-time';
import type { Clock } from '../shared/clock';
import type { Actor, Ctx } from '../shared/context';
import { AppError } from '../shared/errors';
import { answersXlsx, resultsCsv, resultsXlsx, XLSX_TYPE, type AnswerExportRow } from './exam-export';
import { passVerdict } from './marking';
import {
  answersOf,
  attemptOf,
  candidateNumbers,
  candidatesOf,
  examContext,
  marksOf,
  type AttemptRow,
  type CandidateRow,
  type ExamContext,
} from './results-load';
import { candidateAnswerText, rightAnswerText } from './results-text';
import { examStatistics } from './statistics';
import { passMarkText } from './standards.service';

type AuthedCtx = Ctx & { actor: Actor };
const chinaText = (d: Date | null) => (d ? formatChinaMinute(d) : null);

const NOT_RELEASED = new AppError('PRECONDITION_FAILED', {
  message: {
    zh: '成绩尚未发布，发布后可查看得分与解析',
    en: 'The results have not been released yet; the score and explanations show once they are',
  },
  details: { reason: 'not_released' },
});
const ALREADY_RELEASED = new AppError('PRECONDITION_FAILED', {
  message: {
    zh: '成绩已发布，不能再修改评分',
    en: 'The results have been released; marks can no longer change',
  },
  details: { reason: 'released' },
});
const NOT_SUBMITTED = new AppError('PRECONDITION_FAILED', {
  message: { zh: '考生尚未交卷', en: 'The candidate has not submitted yet' },
  details: { reason: 'not_submitted' },
});
const NOT_MARKED = new AppError('PRECONDITION_FAILED', {
  message: { zh: '本份试卷尚在评分中', en: 'This paper is still being marked' },
  details: { reason: 'not_marked' },
});

const stateOf = (a: AttemptRow | null): ResultState =>
  a ? (a.status as Exclude<ResultState, 'absent'>) : 'absent';

const outcomeOf = (m: QuestionMark): LocalizedText =>
  m.needsManual
    ? { zh: '待人工评分', en: 'Awaiting hand mark' }
    : !m.answered
      ? { zh: '未作答', en: 'Not answered' }
      : m.correct
        ? { zh: '正确', en: 'Right' }
        : m.score > 0
          ? { zh: '部分得分', en: 'Partly right' }
          : { zh: '错误', en: 'Wrong' };

/**
 * JS-7.3 自动评卷 / 考试数据导出: the 'exam.mark' job (core's markAttempt with the exam's marking policy,
 * the hand marks on top, the pass mark's verdict), hand marking of short answers, the class manager's
 * release, the candidate's result after it, the results table, its exports and the statistics.
 * Owner: marking.
 */
export function createExamMarkingService(deps: { db: Db; clock: Clock }) {
  const { db, clock } = deps;

  function blockersOf(c: ExamContext, rows: CandidateRow[]): ReleaseBlockers {
    const b: ReleaseBlockers = { inProgress: 0, unmarked: 0, manualPending: 0, stillOpen: 0 };
    const open = clock.now() < c.exam.closesAt && c.exam.status === 'scheduled';
    for (const r of rows) {
      const a = r.attempt;
      if (!a) {
        if (open) b.stillOpen++;
      } else if (a.status === 'in_progress') b.inProgress++;
      else if (a.status === 'submitted') b.unmarked++;
      else if (((a.marks as AttemptMarks | null)?.manualPending ?? 0) > 0) b.manualPending++;
    }
    return b;
  }

  function blockersText(b: ReleaseBlockers): LocalizedText[] {
    const out: LocalizedText[] = [];
    if (b.inProgress)
      out.push({ zh: `${b.inProgress} 名考生仍在答题`, en: `${b.inProgress} candidate(s) still answering` });
    if (b.unmarked)
      out.push({ zh: `${b.unmarked} 份试卷尚在自动评分`, en: `${b.unmarked} paper(s) still being marked` });
    if (b.manualPending)
      out.push({
        zh: `${b.manualPending} 份试卷有简答题待人工评分`,
        en: `${b.manualPending} paper(s) have short answers waiting for a hand mark`,
      });
    if (b.stillOpen)
      out.push({
        zh: `考试尚未结束，${b.stillOpen} 名考生尚未参加`,
        en: `The exam is still open and ${b.stillOpen} candidate(s) have not sat it`,
      });
    return out;
  }

  function rowOf(r: CandidateRow, i: number): ExamResultRow {
    const a = r.attempt;
    const state = stateOf(a);
    const marks = (a?.marks as AttemptMarks | null) ?? null;
    const verdict = (a?.verdict as PassVerdict | null) ?? null;
    return {
      no: i + 1,
      accountId: r.accountId,
      name: r.name,
      idNumberMasked: r.idNumberMasked,
      attemptId: a?.id ?? null,
      attemptNo: a?.attemptNo ?? null,
      state,
      stateLabel: RESULT_STATE_LABELS[state],
      startedAt: a?.startedAt.toISOString() ?? null,
      startedAtText: chinaText(a?.startedAt ?? null),
      submittedAt: a?.submittedAt?.toISOString() ?? null,
      submittedAtText: chinaText(a?.submittedAt ?? null),
      score: state === 'marked' ? (a?.score ?? null) : null,
      total: a ? (a.paper as Paper).totalScore : null,
      verdict: state === 'marked' ? verdict : null,
      verdictLabel: state === 'marked' && verdict ? PASS_VERDICT_LABELS[verdict] : null,
      manualPending: marks?.manualPending ?? 0,
      flags: r.flags,
    };
  }

  async function resultsView(dbx: DbOrTx, c: ExamContext): Promise<ExamResultsView> {
    const rows = await candidatesOf(dbx, c.exam.id);
    const blockers = blockersOf(c, rows);
    const released = c.exam.status === 'released';
    const text = blockersText(blockers);
    return {
      examId: c.exam.id,
      classId: c.exam.classId,
      title: c.exam.title,
      passMarkText: passMarkText(c.passMark),
      released,
      releasedAt: c.exam.releasedAt?.toISOString() ?? null,
      releasedAtText: chinaText(c.exam.releasedAt),
      canRelease: !released && c.exam.status !== 'cancelled' && text.length === 0,
      blockers,
      blockersText: text,
      rows: rows.map(rowOf),
    };
  }

  /** Marks one attempt in the caller's transaction (the attempt row locked); unchanged marks are not rewritten. */
  async function remark(dbx: DbOrTx, c: ExamContext, a: AttemptRow, extra: Record<string, number> = {}) {
    const { answers, manual } = await answersOf(dbx, [a.id]);
    const marks = marksOf(a.paper as Paper, answers.get(a.id)!, c.policy, manual.get(a.id), extra);
    const verdict = passVerdict(marks, c.passMark);
    const unchanged =
      a.status === 'marked' &&
      a.verdict === verdict &&
      isDeepStrictEqual(a.marks, marks) &&
      a.score === marks.score;
    if (!unchanged)
      await dbx
        .update(examAttempts)
        .set({ marks, score: marks.score, verdict, markedAt: clock.now(), status: 'marked' })
        .where(eq(examAttempts.id, a.id));
    return { marks, verdict, changed: !unchanged };
  }

  return {
    /**
     * The 'exam.mark' job: a submitted (or already marked) attempt is marked again from its stored
     * answers and hand marks; the same data gives the same marks (nothing rewritten). An attempt still
     * in progress is left alone (its submission enqueues this job again).
     */
    async markSubmitted(attemptId: string) {
      return db.transaction(async (tx) => {
        const [a] = await tx
          .select()
          .from(examAttempts)
          .where(eq(examAttempts.id, attemptId))
          .limit(1)
          .for('update');
        if (!a) return { marked: false, reason: 'not_found' as const };
        if (a.status === 'in_progress') return { marked: false, reason: 'in_progress' as const };
        const c = await examContext(tx, a.examId);
        const r = await remark(tx, c, a);
        return {
          marked: true,
          changed: r.changed,
          score: r.marks.score,
          max: r.marks.max,
          manualPending: r.marks.manualPending,
          verdict: r.verdict,
        };
      });
    },

    /** The short answers of the exam's submitted papers, by candidate number (anonymous to the marker). */
    async markingQueue(examId: string): Promise<MarkingQueueView> {
      const c = await examContext(db, examId);
      const attempts = (await candidatesOf(db, examId))
        .map((r) => r.attempt)
        .filter((a): a is AttemptRow => !!a && a.status !== 'in_progress');
      const numbers = candidateNumbers(attempts);
      const { answers, manual } = await answersOf(
        db,
        attempts.map((a) => a.id),
      );
      const items: MarkingItem[] = [];
      for (const a of attempts) {
        const sheet = answers.get(a.id)!;
        for (const q of (a.paper as Paper).questions) {
          if (q.type !== 'short_answer') continue;
          const text = candidateAnswerText(q, sheet[q.questionId]);
          if (text === '—') continue;
          const m = manual.get(a.id)!.get(q.questionId);
          items.push({
            attemptId: a.id,
            candidateNo: numbers.get(a.id)!,
            questionId: q.questionId,
            no: q.no,
            stem: q.stem ?? '',
            reference: q.answer.reference ?? '',
            answer: text,
            max: q.score,
            score: m?.score ?? null,
            note: m?.note ?? '',
            markedAt: m?.markedAt.toISOString() ?? null,
          });
        }
      }
      items.sort((x, y) => x.candidateNo - y.candidateNo || x.no - y.no);
      const pending = items.filter((i) => i.score === null).length;
      return {
        examId,
        released: c.exam.status === 'released',
        pending,
        marked: items.length - pending,
        items,
      };
    },

    /**
     * A hand mark of one answered short answer (0 … its score, core's applyManualMarks decides), by the
     * class's instructor or manager; the attempt is marked again with it in the same transaction and
     * the mark audited. Refused once the results are released.
     */
    async manualMark(
      ctx: AuthedCtx,
      examId: string,
      attemptId: string,
      body: ManualMarkBody,
    ): Promise<ManualMarkResult> {
      return db.transaction(async (tx) => {
        const c = await examContext(tx, examId, true);
        if (c.exam.status === 'released') throw ALREADY_RELEASED;
        const a = await attemptOf(tx, examId, attemptId, true);
        if (a.status === 'in_progress') throw NOT_SUBMITTED;
        const q = (a.paper as Paper).questions.find((x) => x.questionId === body.questionId);
        if (!q)
          throw new AppError('VALIDATION', {
            message: { zh: '该题目不在这份试卷上', en: 'That question is not on this paper' },
            details: { in: 'questionId', questionId: body.questionId },
          });
        if (q.type !== 'short_answer')
          throw new AppError('VALIDATION', {
            message: {
              zh: `第 ${q.no} 题不是简答题，由系统自动评分`,
              en: `Question ${q.no} is not a short answer; it is marked automatically`,
            },
            details: { in: 'questionId', questionId: body.questionId },
          });
        // applyManualMarks refuses an unanswered question and a score outside 0 … max (VALIDATION).
        const r = await remark(tx, c, a, { [body.questionId]: body.score });
        const now = clock.now();
        const [before] = await tx
          .select({ score: examManualMarks.score })
          .from(examManualMarks)
          .where(
            and(eq(examManualMarks.attemptId, attemptId), eq(examManualMarks.questionId, body.questionId)),
          );
        const values = {
          attemptId,
          questionId: body.questionId,
          score: body.score,
          note: body.note ?? '',
          markedBy: ctx.actor.accountId,
          markedAt: now,
        };
        await tx
          .insert(examManualMarks)
          .values(values)
          .onConflictDoUpdate({
            target: [examManualMarks.attemptId, examManualMarks.questionId],
            set: { score: values.score, note: values.note, markedBy: values.markedBy, markedAt: now },
          });
        await appendAudit(
          tx,
          ctx,
          {
            action: 'exam.manual_marked',
            targetType: 'exam_attempt',
            targetId: attemptId,
            institutionId: c.exam.institutionId,
            data: {
              examId,
              questionId: body.questionId,
              no: q.no,
              score: body.score,
              max: q.score,
              previous: before?.score ?? null,
              note: values.note,
              attemptScore: r.marks.score,
              verdict: r.verdict,
            },
          },
          now,
        );
        return {
          attemptId,
          questionId: body.questionId,
          score: body.score,
          attemptScore: r.marks.score,
          total: r.marks.max,
          manualPending: r.marks.manualPending,
          verdict: r.verdict,
          verdictLabel: PASS_VERDICT_LABELS[r.verdict],
        };
      });
    },

    /** The results table: one row per candidate (absent ones too), and whether they can be released. */
    async results(examId: string): Promise<ExamResultsView> {
      return resultsView(db, await examContext(db, examId));
    },

    /**
     * The class manager releases the results: refused (coded, zh/en, the counts in details) while a
     * candidate is answering, a paper is being marked, a short answer waits for its hand mark, or the
     * exam is still open for candidates who have not sat it. Releasing twice changes nothing.
     */
    async release(ctx: AuthedCtx, examId: string): Promise<ReleaseResultView> {
      return db.transaction(async (tx) => {
        const c = await examContext(tx, examId, true);
        const rows = await candidatesOf(tx, examId);
        const marked = rows.filter((r) => r.attempt?.status === 'marked');
        const passed = marked.filter((r) => r.attempt!.verdict === 'pass').length;
        if (c.exam.status === 'released')
          return {
            examId,
            released: true,
            releasedAt: c.exam.releasedAt!.toISOString(),
            releasedAtText: formatChinaMinute(c.exam.releasedAt!),
            marked: marked.length,
            passed,
          };
        if (c.exam.status === 'cancelled')
          throw new AppError('PRECONDITION_FAILED', {
            message: { zh: '本场考试已取消', en: 'This exam has been cancelled' },
            details: { reason: 'cancelled' },
          });
        const blockers = blockersOf(c, rows);
        const text = blockersText(blockers);
        if (text.length)
          throw new AppError('PRECONDITION_FAILED', {
            message: {
              zh: `暂不能发布成绩：${text.map((t) => t.zh).join('；')}`,
              en: `The results cannot be released yet: ${text.map((t) => t.en).join('; ')}`,
            },
            details: { reason: 'not_ready', ...blockers },
          });
        const now = clock.now();
        await tx
          .update(exams)
          .set({ status: 'released', releasedAt: now, releasedBy: ctx.actor.accountId })
          .where(and(eq(exams.id, examId), ne(exams.status, 'released')));
        await appendAudit(
          tx,
          ctx,
          {
            action: 'exam.results_released',
            targetType: 'exam',
            targetId: examId,
            institutionId: c.exam.institutionId,
            data: {
              classId: c.exam.classId,
              candidates: rows.length,
              marked: marked.length,
              passed,
              scores: marked.map((r) => ({ attemptId: r.attempt!.id, score: r.attempt!.score })),
            },
          },
          now,
        );
        return {
          examId,
          released: true,
          releasedAt: now.toISOString(),
          releasedAtText: formatChinaMinute(now),
          marked: marked.length,
          passed,
        };
      });
    },

    /**
     * One attempt's result: score, verdict and per question the answer given, the right answer (in the
     * keys the candidate saw) and the explanation of the question version on the paper. The candidate
     * sees it only once the results are released; the staff of the class at any time once marked.
     */
    async attemptResult(ctx: AuthedCtx, examId: string, attemptId: string): Promise<AttemptResultView> {
      const c = await examContext(db, examId);
      const a = await attemptOf(db, examId, attemptId);
      const own = a.accountId === ctx.actor.accountId;
      if (own && c.exam.status !== 'released') throw NOT_RELEASED;
      if (a.status !== 'marked') throw NOT_MARKED;
      const paper = a.paper as Paper;
      const marks = a.marks as AttemptMarks;
      const byId = new Map(marks.questions.map((m) => [m.questionId, m]));
      const { answers, manual } = await answersOf(db, [a.id]);
      const sheet = answers.get(a.id)!;
      const versionIds = [...new Set(paper.questions.map((q) => q.versionId))];
      const explanations = new Map(
        (versionIds.length
          ? await db
              .select({ id: questionVersions.id, explanation: questionVersions.explanation })
              .from(questionVersions)
              .where(inArray(questionVersions.id, versionIds))
          : []
        ).map((v) => [v.id, v.explanation]),
      );
      const verdict = a.verdict as PassVerdict;
      return {
        attemptId: a.id,
        examId,
        examTitle: c.exam.title,
        score: marks.score,
        total: marks.max,
        verdict,
        verdictLabel: PASS_VERDICT_LABELS[verdict],
        passMarkText: passMarkText(c.passMark),
        releasedAt: c.exam.releasedAt?.toISOString() ?? null,
        releasedAtText: chinaText(c.exam.releasedAt),
        questions: paper.questions.map((q) => {
          const m = byId.get(q.questionId);
          const given = sheet[q.questionId] ?? null;
          return {
            no: q.no,
            questionId: q.questionId,
            type: q.type,
            typeLabel: QUESTION_TYPE_LABELS[q.type],
            stem: q.stem ?? '',
            options: q.options ?? [],
            answer: given,
            answerText: candidateAnswerText(q, given),
            rightAnswerText: rightAnswerText(q),
            explanation: explanations.get(q.versionId) ?? '',
            score: m?.score ?? 0,
            max: q.score,
            correct: m?.correct ?? false,
            note: manual.get(a.id)!.get(q.questionId)?.note ?? '',
          };
        }),
      };
    },

    /** Pass rate, score figures, the 10 % distribution and p / discrimination per question (marked attempts). */
    async statistics(examId: string): Promise<ExamStatisticsView> {
      const c = await examContext(db, examId);
      const rows = await candidatesOf(db, examId);
      const sat = rows.filter((r) => r.attempt && r.attempt.status !== 'in_progress').length;
      const marked = rows.map((r) => r.attempt).filter((a): a is AttemptRow => a?.status === 'marked');
      const s = examStatistics(
        rows.length,
        marked.map((a) => {
          const m = a.marks as AttemptMarks;
          return {
            score: m.score,
            max: m.max,
            verdict: a.verdict as PassVerdict,
            items: m.questions.map((q) => ({ questionId: q.questionId, score: q.score, max: q.max })),
          };
        }),
      );
      const meta = new Map<string, Paper['questions'][number]>();
      for (const a of marked)
        for (const q of (a.paper as Paper).questions) if (!meta.has(q.questionId)) meta.set(q.questionId, q);
      const totals = [...new Set(marked.map((a) => (a.paper as Paper).totalScore))];
      return {
        examId,
        title: c.exam.title,
        candidates: s.candidates,
        sat,
        marked: marked.length,
        passed: s.passed,
        failed: s.failed,
        pending: s.pending,
        passRate: s.passRate,
        mean: s.mean,
        median: s.median,
        min: s.min,
        max: s.max,
        sd: s.sd,
        total: totals.length === 1 ? totals[0]! : null,
        distribution: s.distribution.map((b) => ({
          ...b,
          label: b.to === 100 ? `${b.from}–100%` : `${b.from}–${b.to}%`,
        })),
        questions: s.items
          .map((i) => {
            const q = meta.get(i.questionId)!;
            return {
              questionId: i.questionId,
              no: q.no,
              type: q.type,
              typeLabel: QUESTION_TYPE_LABELS[q.type],
              chapter: q.chapter,
              stem: q.stem ?? '',
              n: i.n,
              max: i.max,
              meanScore: i.meanScore,
              p: i.p,
              discrimination: i.discrimination,
              pLabel: difficultyLabel(i.p),
              discriminationLabel: discriminationLabel(i.discrimination),
            };
          })
          .sort((x, y) => x.no - y.no),
      };
    },

    /** results.xlsx / results.csv: the results table as a file (zh-CN headers with English, China time). */
    async resultsFile(examId: string, format: 'xlsx' | 'csv') {
      const v = await resultsView(db, await examContext(db, examId));
      const stem = `exam-results-${examId.slice(0, 8)}`;
      return format === 'csv'
        ? { body: resultsCsv(v), contentType: 'text/csv; charset=utf-8', filename: `${stem}.csv` }
        : { body: await resultsXlsx(v, clock.now()), contentType: XLSX_TYPE, filename: `${stem}.xlsx` };
    },

    /** answers.xlsx: one row per candidate × question of their paper (answer given, right answer, score). */
    async answersFile(examId: string) {
      const c = await examContext(db, examId);
      const rows = await candidatesOf(db, examId);
      const sat = rows.filter((r) => r.attempt && r.attempt.status !== 'in_progress');
      const { answers } = await answersOf(
        db,
        sat.map((r) => r.attempt!.id),
      );
      const out: AnswerExportRow[] = [];
      rows.forEach((r, i) => {
        const a = r.attempt;
        if (!a || a.status === 'in_progress') return;
        const sheet = answers.get(a.id)!;
        const marks = a.marks as AttemptMarks | null;
        const byId = new Map((marks?.questions ?? []).map((m) => [m.questionId, m]));
        for (const q of (a.paper as Paper).questions) {
          const m = byId.get(q.questionId);
          out.push({
            candidateNo: i + 1,
            name: r.name,
            idNumberMasked: r.idNumberMasked,
            no: q.no,
            typeLabel: QUESTION_TYPE_LABELS[q.type],
            chapter: q.chapter,
            stem: q.stem ?? '',
            answerText: candidateAnswerText(q, sheet[q.questionId]),
            rightAnswerText: rightAnswerText(q),
            score: m?.score ?? 0,
            max: q.score,
            outcome: m ? outcomeOf(m) : { zh: '评分中', en: 'Being marked' },
          });
        }
      });
      return {
        body: await answersXlsx(c.exam.title, out, clock.now()),
        contentType: XLSX_TYPE,
        filename: `exam-answers-${examId.slice(0, 8)}.xlsx`,
      };
    },
  };
}
export type ExamMarkingService = ReturnType<typeof createExamMarkingService>;
