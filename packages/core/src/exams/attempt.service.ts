import { and, asc, desc, eq, sql } from 'drizzle-orm';
import {
  ATTEMPT_STATUS_LABELS,
  QUESTION_TYPE_LABELS,
  SUBMIT_REASON_LABELS,
  type AttemptStatus,
  type AttemptView,
  type CandidateAnswer,
  type Paper,
  type PaperQuestion,
  type Proctoring,
  type SaveAnswerAck,
  type SaveAnswerBody,
  type SubmitReason,
} from '@seafarer/contracts';
import { examAnswers, examAttempts, examCandidates, exams, type Db, type DbOrTx } from '@seafarer/db';
import { appendAudit } from '../audit/audit.repo';
import type { Clock } from '../shared/clock';
import type { Actor, Ctx } from '../shared/context';
import { AppError } from '../shared/errors';
import type { JobsDep } from '../shared/jobs';
import { answersSha256, attemptDeadline, checkAnswerShape } from './attempt-answers';
import type { ExamService } from './exam.service';
import { recordDevice } from './proctor-records';
import { candidatePaper } from './paper';

type AttemptRow = typeof examAttempts.$inferSelect;
type ExamRow = typeof exams.$inferSelect;

/** The auto-submit job of an attempt's deadline (a new deadline is a new job; the old one finds it early). */
const autoSubmitJobId = (attemptId: string, deadlineAt: Date) =>
  `exam-auto-submit:${attemptId}:${deadlineAt.getTime()}`;
const markJobId = (attemptId: string) => `exam-mark:${attemptId}`;

const NOT_YOURS = new AppError('FORBIDDEN', {
  message: { zh: '只有考生本人可以作答或交卷', en: 'Only the candidate may answer or submit' },
});
const ALREADY_SUBMITTED = new AppError('CONFLICT', {
  message: { zh: '已交卷，不能再修改答案', en: 'The paper has been submitted; answers can no longer change' },
  details: { reason: 'submitted' },
});
const TIME_UP = new AppError('DEADLINE_PASSED', {
  message: { zh: '考试时间已到，不能再作答', en: 'Time is up; answers can no longer be saved' },
  details: { reason: 'time_up' },
});

/** Immutable papers by attempt id (a paper never changes once stored), so a save reads no paper row. */
class PaperCache {
  private readonly map = new Map<string, Map<string, PaperQuestion>>();
  constructor(private readonly max = 5000) {}
  get(id: string) {
    return this.map.get(id);
  }
  put(id: string, paper: Paper) {
    const byId = new Map(paper.questions.map((q) => [q.questionId, q]));
    if (this.map.size >= this.max) this.map.delete(this.map.keys().next().value!);
    this.map.set(id, byId);
    return byId;
  }
}

/**
 * JS-7.3 / REL-2: a candidate's attempt. The paper is stored at start (the exam's fixed paper, or one
 * drawn for the candidate from the bank's active versions); the deadline is the server's; answers are
 * saved one statement each and acknowledged once committed (never on the audit chain one by one);
 * the submission is one conditional update, hashed and audited once, with the marking job written to
 * the outbox in the same transaction. Owner: sitting.
 */
export function createExamAttemptService(deps: {
  db: Db;
  clock: Clock;
  jobs: JobsDep;
  /** The exam's side: who is a candidate, the window, the attempt number and the paper (standards helper). */
  exams: Pick<ExamService, 'forCandidate' | 'drawPaper'>;
}) {
  const { db, clock, jobs } = deps;
  const papers = new PaperCache();
  /** Devices already recorded per attempt in this process (a miss only re-runs an idempotent check). */
  const devices = new Map<string, Set<string>>();

  async function examOf(dbx: DbOrTx, examId: string): Promise<ExamRow> {
    const [e] = await dbx.select().from(exams).where(eq(exams.id, examId)).limit(1);
    if (!e) throw new AppError('NOT_FOUND');
    return e;
  }

  async function view(a: AttemptRow, exam?: ExamRow): Promise<AttemptView> {
    const e = exam ?? (await examOf(db, a.examId));
    const [cand] = await db
      .select({ extraMinutes: examCandidates.extraMinutes })
      .from(examCandidates)
      .where(and(eq(examCandidates.examId, a.examId), eq(examCandidates.accountId, a.accountId)))
      .limit(1);
    const rows = await db
      .select()
      .from(examAnswers)
      .where(eq(examAnswers.attemptId, a.id))
      .orderBy(asc(examAnswers.questionId));
    const paper = a.paper as Paper;
    const shown = candidatePaper(paper);
    const status = a.status as AttemptStatus;
    const reason = (a.submitReason as SubmitReason | null) ?? null;
    return {
      id: a.id,
      examId: a.examId,
      classId: e.classId,
      accountId: a.accountId,
      examTitle: e.title,
      examSessionId: e.sessionId,
      proctoring: { camera: false, stillsPerAttempt: 0, ...(e.proctoring as Partial<Proctoring>) },
      attemptNo: a.attemptNo,
      status,
      statusLabel: ATTEMPT_STATUS_LABELS[status],
      startedAt: a.startedAt.toISOString(),
      deadlineAt: a.deadlineAt.toISOString(),
      serverNow: clock.now().toISOString(),
      durationMinutes: e.durationMinutes,
      extraMinutes: cand?.extraMinutes ?? 0,
      submittedAt: a.submittedAt?.toISOString() ?? null,
      submitReason: reason,
      submitReasonLabel: reason ? SUBMIT_REASON_LABELS[reason] : null,
      answersSha256: a.answersSha256,
      totalScore: shown.totalScore,
      questions: shown.questions.map((q) => ({
        no: q.no,
        questionId: q.questionId,
        type: q.type,
        typeLabel: QUESTION_TYPE_LABELS[q.type],
        score: q.score,
        stem: q.stem ?? '',
        options: q.options ?? [],
        ...(q.blanks === undefined ? {} : { blanks: q.blanks }),
      })),
      answers: rows.map((r) => ({
        questionId: r.questionId,
        answer: (r.answer ?? null) as CandidateAnswer,
        seq: r.seq,
        deviceId: r.deviceId,
        savedAt: r.savedAt.toISOString(),
      })),
    };
  }

  async function attemptOf(dbx: DbOrTx, attemptId: string): Promise<AttemptRow> {
    const [a] = await dbx.select().from(examAttempts).where(eq(examAttempts.id, attemptId)).limit(1);
    if (!a) throw new AppError('NOT_FOUND');
    return a;
  }

  /**
   * The one submission: in_progress → submitted in one conditional update (a second call finds it
   * submitted and changes nothing); the answers committed before it are hashed, the hash audited, and
   * the marking job written to the outbox, all in the same transaction. A save that holds the attempt
   * row (FOR SHARE) commits before this update can take it, so it is in the hash; a later save finds
   * the attempt submitted and is refused.
   */
  async function submitOnce(
    ctx: Pick<Ctx, 'actor' | 'requestId'>,
    attemptId: string,
    reason: SubmitReason,
  ): Promise<{ attempt: AttemptRow; submittedNow: boolean }> {
    return db.transaction(async (tx) => {
      const now = clock.now();
      const [done] = await tx
        .update(examAttempts)
        .set({ status: 'submitted', submittedAt: now, submitReason: reason })
        .where(and(eq(examAttempts.id, attemptId), eq(examAttempts.status, 'in_progress')))
        .returning();
      if (!done) return { attempt: await attemptOf(tx, attemptId), submittedNow: false };
      const stored = await tx
        .select({ questionId: examAnswers.questionId, answer: examAnswers.answer })
        .from(examAnswers)
        .where(eq(examAnswers.attemptId, attemptId));
      const paper = done.paper as Paper;
      const hash = answersSha256(
        paper,
        stored.map((s) => ({ questionId: s.questionId, answer: (s.answer ?? null) as CandidateAnswer })),
      );
      const [attempt] = await tx
        .update(examAttempts)
        .set({ answersSha256: hash })
        .where(eq(examAttempts.id, attemptId))
        .returning();
      const exam = await examOf(tx, done.examId);
      const answered = stored.filter(
        (s) => s.answer !== null && !isBlank(s.answer as CandidateAnswer),
      ).length;
      await appendAudit(
        tx,
        ctx,
        {
          action: 'exam.attempt_submitted',
          targetType: 'exam_attempt',
          targetId: attemptId,
          institutionId: exam.institutionId,
          data: {
            examId: exam.id,
            accountId: done.accountId,
            reason,
            answersSha256: hash,
            answered,
            questions: paper.questions.length,
          },
        },
        now,
      );
      await jobs.enqueue(tx, 'exam.mark', { attemptId }, { jobId: markJobId(attemptId) });
      return { attempt: attempt!, submittedNow: true };
    });
  }

  function ownAttempt(actor: Actor, a: AttemptRow) {
    if (a.accountId !== actor.accountId) throw NOT_YOURS;
  }

  return {
    /**
     * Starts the candidate's attempt, or resumes the one they have (a concurrent double start gets the
     * same attempt: the unique index decides). Only a candidate of the exam, inside its window. An
     * attempt whose time ran out before its auto-submit job came is submitted on the way.
     */
    async start(ctx: Ctx & { actor: Actor }, examId: string, deviceId?: string): Promise<AttemptView> {
      void deviceId;
      const accountId = ctx.actor.accountId;
      const setup = await deps.exams.forCandidate(examId, accountId);
      const exam = await examOf(db, examId);
      const [existing] = await db
        .select()
        .from(examAttempts)
        .where(and(eq(examAttempts.examId, examId), eq(examAttempts.accountId, accountId)))
        .orderBy(desc(examAttempts.attemptNo))
        .limit(1);
      if (existing) {
        if (existing.status === 'in_progress' && existing.deadlineAt.getTime() <= clock.now().getTime())
          return view((await submitOnce(ctx, existing.id, 'time_up')).attempt, exam);
        return view(existing, exam);
      }
      const now = clock.now();
      const state = setup.exam.state;
      if (state === 'cancelled')
        throw new AppError('PRECONDITION_FAILED', {
          message: { zh: '本场考试已取消', en: 'This exam has been cancelled' },
        });
      if (state === 'not_open' || now < setup.exam.opensAt)
        throw new AppError('PRECONDITION_FAILED', {
          message: { zh: '考试尚未开始', en: 'The exam has not opened yet' },
          details: { opensAt: setup.exam.opensAt.toISOString() },
        });
      if (state !== 'open' || now >= setup.exam.closesAt)
        throw new AppError('DEADLINE_PASSED', {
          message: { zh: '考试已结束', en: 'The exam has closed' },
          details: { closesAt: setup.exam.closesAt.toISOString() },
        });
      const attemptNo = setup.attemptNo;
      const paper = await deps.exams.drawPaper(setup);
      const extraMinutes = setup.candidate.extraMinutes;
      const deadlineAt = attemptDeadline(now, setup.exam.durationMinutes, extraMinutes, setup.exam.closesAt);
      const row = await db.transaction(async (tx) => {
        const [inserted] = await tx
          .insert(examAttempts)
          .values({
            examId,
            accountId,
            attemptNo,
            seed: setup.paperSeed,
            paper,
            status: 'in_progress',
            startedAt: now,
            deadlineAt,
          })
          .onConflictDoNothing({
            target: [examAttempts.examId, examAttempts.accountId, examAttempts.attemptNo],
          })
          .returning();
        if (!inserted) return null;
        await jobs.enqueue(
          tx,
          'exam.auto-submit',
          { attemptId: inserted.id },
          { jobId: autoSubmitJobId(inserted.id, deadlineAt), runAt: deadlineAt },
        );
        await appendAudit(
          tx,
          ctx,
          {
            action: 'exam.attempt_started',
            targetType: 'exam_attempt',
            targetId: inserted.id,
            institutionId: exam.institutionId,
            data: {
              examId,
              seed: setup.paperSeed,
              attemptNo,
              questions: paper.questions.length,
              deadlineAt: deadlineAt.toISOString(),
              extraMinutes,
            },
          },
          now,
        );
        return inserted;
      });
      if (row) return view(row, exam);
      // The other start of a double start won: resume its attempt.
      const [other] = await db
        .select()
        .from(examAttempts)
        .where(
          and(
            eq(examAttempts.examId, examId),
            eq(examAttempts.accountId, accountId),
            eq(examAttempts.attemptNo, attemptNo),
          ),
        )
        .limit(1);
      return view(other!, exam);
    },

    /** The attempt (its candidate, or staff of the class: the route's scope decided who reaches it). */
    async get(attemptId: string): Promise<AttemptView> {
      return view(await attemptOf(db, attemptId));
    },

    /**
     * REL-2: saves one answer and resolves only once it is committed. One statement: it holds the
     * attempt row FOR SHARE while the attempt is in progress and before its deadline (so a submission
     * waits for it, and it is in the hash), upserts the answer keeping the highest seq (a late retry
     * never overwrites a newer answer; the same seq again is the same save). A device the attempt has
     * not seen before goes to the proctoring record first (a 'second_device' flag when another device
     * answered already). No audit row per answer, no lock shared
     * between attempts: candidates never wait for each other.
     */
    async saveAnswer(
      ctx: Ctx & { actor: Actor },
      attemptId: string,
      body: SaveAnswerBody,
    ): Promise<SaveAnswerAck> {
      let byId = papers.get(attemptId);
      let row: AttemptRow | null = null;
      if (!byId) {
        row = await attemptOf(db, attemptId);
        byId = papers.put(attemptId, row.paper as Paper);
        ownAttempt(ctx.actor, row);
      }
      const q = byId.get(body.questionId);
      if (!q)
        throw new AppError('VALIDATION', {
          message: { zh: '该题目不在本份试卷上', en: 'That question is not on this paper' },
          details: { in: 'questionId', questionId: body.questionId },
        });
      checkAnswerShape(q, body.answer);
      // A device this process has not seen on the attempt: the proctoring record decides (once) whether
      // it is a second device and flags it before the answer is stored, so a flag is never lost.
      const seen = devices.get(attemptId);
      if (!seen?.has(body.deviceId)) {
        await db.transaction((tx) => recordDevice(tx, clock.now(), attemptId, body.deviceId));
        devices.set(attemptId, (seen ?? new Set()).add(body.deviceId));
      }
      const now = clock.now();
      const nowIso = now.toISOString();
      const answerJson = JSON.stringify(body.answer);
      const result = await db.execute<{
        open: boolean;
        seq: number | null;
        saved_ms: number | null;
        deadline_ms: number | null;
      }>(sql`
        with att as (
          select id, deadline_at from exam_attempts
          where id = ${attemptId} and status = 'in_progress' and deadline_at > ${nowIso}::timestamptz
            and account_id = ${ctx.actor.accountId}
          for share
        ), up as (
          insert into exam_answers (attempt_id, question_id, answer, seq, device_id, saved_at)
          select att.id, ${body.questionId}::uuid, ${answerJson}::jsonb, ${body.seq}::integer, ${body.deviceId}::text,
            ${nowIso}::timestamptz
          from att
          on conflict (attempt_id, question_id) do update
            set answer = excluded.answer, seq = excluded.seq, device_id = excluded.device_id,
                saved_at = excluded.saved_at
            where exam_answers.seq < excluded.seq
          returning seq, saved_at
        )
        select exists(select 1 from att) as open, (select seq from up) as seq,
          (select extract(epoch from saved_at) * 1000 from up)::float8 as saved_ms,
          (select extract(epoch from deadline_at) * 1000 from att)::float8 as deadline_ms
      `);
      const r = result.rows[0]!;
      if (!r.open) {
        const a = row ?? (await attemptOf(db, attemptId));
        ownAttempt(ctx.actor, a);
        if (a.status !== 'in_progress') throw ALREADY_SUBMITTED;
        throw TIME_UP;
      }
      const base = { questionId: body.questionId, deadlineAt: new Date(Number(r.deadline_ms)).toISOString() };
      if (r.seq !== null)
        return {
          ...base,
          seq: r.seq,
          stored: true,
          savedAt: new Date(Number(r.saved_ms)).toISOString(),
          serverNow: clock.now().toISOString(),
        };
      // The stored answer has this seq already (a retry of an acked save) or a higher one (kept).
      const [kept] = await db
        .select({ seq: examAnswers.seq, savedAt: examAnswers.savedAt })
        .from(examAnswers)
        .where(and(eq(examAnswers.attemptId, attemptId), eq(examAnswers.questionId, body.questionId)));
      return {
        ...base,
        seq: kept!.seq,
        stored: kept!.seq === body.seq,
        savedAt: kept!.savedAt.toISOString(),
        serverNow: clock.now().toISOString(),
      };
    },

    /** The candidate submits (idempotent: a second submit returns the same submitted attempt). */
    async submit(ctx: Ctx & { actor: Actor }, attemptId: string): Promise<AttemptView> {
      const a = await attemptOf(db, attemptId);
      ownAttempt(ctx.actor, a);
      return view((await submitOnce(ctx, attemptId, 'candidate')).attempt);
    },

    /**
     * The 'exam.auto-submit' job: submits the attempt if it is still in progress and its deadline has
     * passed. Should the stored deadline be later than this job (it is not moved today: extra time is
     * refused once an attempt exists), the job for that deadline is scheduled and nothing else happens.
     */
    async autoSubmit(attemptId: string, requestId = 'job:exam.auto-submit') {
      const [a] = await db.select().from(examAttempts).where(eq(examAttempts.id, attemptId)).limit(1);
      if (!a || a.status !== 'in_progress') return { submitted: false, status: a?.status ?? null };
      if (a.deadlineAt.getTime() > clock.now().getTime()) {
        await db.transaction((tx) =>
          jobs.enqueue(
            tx,
            'exam.auto-submit',
            { attemptId },
            { jobId: autoSubmitJobId(attemptId, a.deadlineAt), runAt: a.deadlineAt },
          ),
        );
        return { submitted: false, status: a.status, deadlineAt: a.deadlineAt.toISOString() };
      }
      const r = await submitOnce({ actor: null, requestId }, attemptId, 'time_up');
      return { submitted: r.submittedNow, status: r.attempt.status };
    },
  };
}

function isBlank(a: CandidateAnswer): boolean {
  if (a === null) return true;
  if (typeof a === 'string') return a.trim() === '';
  if (Array.isArray(a)) return a.every((s) => s.trim() === '');
  return false;
}

export type ExamAttemptService = ReturnType<typeof createExamAttemptService>;
