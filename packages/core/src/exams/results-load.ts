import { and, asc, count, eq, inArray } from 'drizzle-orm';
import type { AttemptMarks, CandidateAnswer, MarkingPolicy, Paper, PassMark } from '@seafarer/contracts';
import {
  accounts,
  examAnswers,
  examAttempts,
  examCandidates,
  examFlags,
  examManualMarks,
  examStandardVersions,
  exams,
  people,
  rosterEntries,
  type DbOrTx,
} from '@seafarer/db';
import { AppError } from '../shared/errors';
import { applyManualMarks, markAttempt } from './marking';

/**
 * JS-7.3: what marking, results, export and statistics read of an exam: the exam with its standard
 * version's pass mark and marking policy, its candidates with their attempts, answers and hand marks.
 */

export type ExamRow = typeof exams.$inferSelect;
export type AttemptRow = typeof examAttempts.$inferSelect;

export interface ExamContext {
  exam: ExamRow;
  passMark: PassMark;
  policy: MarkingPolicy;
}

export async function examContext(dbx: DbOrTx, examId: string, lock = false): Promise<ExamContext> {
  const q = dbx
    .select({
      exam: exams,
      passMark: examStandardVersions.passMark,
      policy: examStandardVersions.markingPolicy,
    })
    .from(exams)
    .innerJoin(examStandardVersions, eq(examStandardVersions.id, exams.standardVersionId))
    .where(eq(exams.id, examId))
    .limit(1);
  const [r] = lock ? await q.for('update', { of: exams }) : await q;
  if (!r) throw new AppError('NOT_FOUND');
  return { exam: r.exam, passMark: r.passMark as PassMark, policy: r.policy as MarkingPolicy };
}

export interface ManualMarkRow {
  score: number;
  note: string;
  markedAt: Date;
}

/** An attempt's answers by question id, and its hand marks by question id. */
export async function answersOf(dbx: DbOrTx, attemptIds: string[]) {
  const answers = new Map<string, Record<string, CandidateAnswer>>();
  const manual = new Map<string, Map<string, ManualMarkRow>>();
  if (attemptIds.length === 0) return { answers, manual };
  for (const id of attemptIds) {
    answers.set(id, {});
    manual.set(id, new Map());
  }
  const rows = await dbx
    .select({
      attemptId: examAnswers.attemptId,
      questionId: examAnswers.questionId,
      answer: examAnswers.answer,
    })
    .from(examAnswers)
    .where(inArray(examAnswers.attemptId, attemptIds));
  for (const r of rows) answers.get(r.attemptId)![r.questionId] = (r.answer ?? null) as CandidateAnswer;
  const marks = await dbx
    .select()
    .from(examManualMarks)
    .where(inArray(examManualMarks.attemptId, attemptIds));
  for (const m of marks)
    manual.get(m.attemptId)!.set(m.questionId, { score: m.score, note: m.note, markedAt: m.markedAt });
  return { answers, manual };
}

/**
 * The marks of an attempt: core's markAttempt with the exam's policy, then the hand marks of the short
 * answers that wait for one (a hand mark of a question that no longer waits is left out, never an error).
 */
export function marksOf(
  paper: Paper,
  answers: Record<string, CandidateAnswer>,
  policy: MarkingPolicy,
  manual: ReadonlyMap<string, ManualMarkRow> | undefined,
  extra: Readonly<Record<string, number>> = {},
): AttemptMarks {
  const marks = markAttempt(paper, answers, policy);
  const waiting = new Set(marks.questions.filter((m) => m.needsManual).map((m) => m.questionId));
  const given: Record<string, number> = {};
  for (const [qid, m] of manual ?? []) if (waiting.has(qid)) given[qid] = m.score;
  for (const [qid, s] of Object.entries(extra)) given[qid] = s;
  return Object.keys(given).length ? applyManualMarks(marks, given) : marks;
}

export interface CandidateRow {
  accountId: string;
  name: string;
  idNumberMasked: string;
  attempt: AttemptRow | null;
  flags: number;
}

/** The exam's candidates (roster names, masked ID numbers), each with their latest attempt and flag count. */
export async function candidatesOf(dbx: DbOrTx, examId: string): Promise<CandidateRow[]> {
  const cands = await dbx
    .select({
      accountId: examCandidates.accountId,
      rosterName: rosterEntries.name,
      idNumberMasked: rosterEntries.idNumberMasked,
      displayName: people.displayName,
    })
    .from(examCandidates)
    .leftJoin(rosterEntries, eq(rosterEntries.id, examCandidates.rosterEntryId))
    .leftJoin(accounts, eq(accounts.id, examCandidates.accountId))
    .leftJoin(people, eq(people.id, accounts.personId))
    .where(eq(examCandidates.examId, examId))
    .orderBy(asc(rosterEntries.name), asc(examCandidates.accountId));
  const attempts = await dbx
    .select()
    .from(examAttempts)
    .where(eq(examAttempts.examId, examId))
    .orderBy(asc(examAttempts.attemptNo));
  const latest = new Map<string, AttemptRow>();
  for (const a of attempts) latest.set(a.accountId, a);
  const ids = attempts.map((a) => a.id);
  const flagCounts = new Map<string, number>();
  if (ids.length)
    for (const f of await dbx
      .select({ attemptId: examFlags.attemptId, n: count() })
      .from(examFlags)
      .where(inArray(examFlags.attemptId, ids))
      .groupBy(examFlags.attemptId))
      flagCounts.set(f.attemptId, Number(f.n));
  return cands.map((c) => {
    const attempt = latest.get(c.accountId) ?? null;
    return {
      accountId: c.accountId,
      name: c.rosterName ?? c.displayName ?? '—',
      idNumberMasked: c.idNumberMasked ?? '—',
      attempt,
      flags: attempt ? (flagCounts.get(attempt.id) ?? 0) : 0,
    };
  });
}

/** An attempt of the exam (the route's scope already tied it to the exam; checked again here). */
export async function attemptOf(dbx: DbOrTx, examId: string, attemptId: string, lock = false) {
  const q = dbx
    .select()
    .from(examAttempts)
    .where(and(eq(examAttempts.id, attemptId), eq(examAttempts.examId, examId)))
    .limit(1);
  const [a] = lock ? await q.for('update') : await q;
  if (!a) throw new AppError('NOT_FOUND');
  return a;
}

/** Attempt ids of an exam in a stable order unrelated to the roster: the marker's candidate numbers. */
export function candidateNumbers(attempts: { id: string }[]): Map<string, number> {
  return new Map(
    [...attempts]
      .map((a) => a.id)
      .sort()
      .map((id, i) => [id, i + 1]),
  );
}
