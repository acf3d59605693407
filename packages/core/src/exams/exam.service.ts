import { and, asc, desc, eq, inArray, isNotNull } from 'drizzle-orm';
import {
  EXAM_KIND_LABELS,
  EXAM_STATE_LABELS,
  MY_EXAM_STATE_LABELS,
  PAPER_MODE_LABELS,
  PASS_VERDICT_LABELS,
  type Blueprint,
  type ExamBody,
  type ExamDetailView,
  type ExamKind,
  type ExamListView,
  type ExamPaperView,
  type ExamState,
  type ExamView,
  type ExtraTimeBody,
  type LocalizedText,
  type MarkingPolicy,
  type MyExamListView,
  type MyExamState,
  type Paper,
  type PaperMode,
  type PassMark,
  type PassVerdict,
  type Proctoring,
  type RetakeBody,
} from '@seafarer/contracts';
import {
  accounts,
  classes,
  classSessions,
  examAttempts,
  examCandidates,
  exams,
  examStandards,
  examStandardVersions,
  rosterEntries,
  type Db,
  type DbOrTx,
} from '@seafarer/db';
import { assertValidInstant, chinaHhMm, formatChinaMinute } from '../filing/china-time';
import type { Clock } from '../shared/clock';
import type { Actor, Ctx } from '../shared/context';
import { AppError } from '../shared/errors';
import { auditedWrite } from '../shared/tx';
import { assembleCandidatePaper, assemblePaper, blueprintTotals, preparePool } from './paper';
import { candidatePaperSeed, newPaperSeed } from './prng';
import { loadPool } from './standard-pool';
import { markingPolicyText, passMarkText, type ExamStandardService } from './standards.service';

type AuthedCtx = Ctx & { actor: Actor };
type ExamRow = typeof exams.$inferSelect;
type VersionRow = typeof examStandardVersions.$inferSelect;
type StandardRow = typeof examStandards.$inferSelect;

/** The longest window an exam may be open (a typo of a year is refused). */
const MAX_WINDOW_DAYS = 60;

const ATTEMPT_STATUS_LABELS: Record<string, LocalizedText> = {
  in_progress: { zh: '作答中', en: 'In progress' },
  submitted: { zh: '已交卷', en: 'Submitted' },
  marked: { zh: '已阅卷', en: 'Marked' },
};

/** "2026-12-03 09:00 – 11:00" (the close's date repeated only when it differs). China time. */
export function examWindowText(opensAt: Date, closesAt: Date): string {
  const open = formatChinaMinute(opensAt);
  const close = formatChinaMinute(closesAt);
  return `${open} – ${open.slice(0, 10) === close.slice(0, 10) ? chinaHhMm(closesAt) : close}`;
}

/** What an exam is at `now`: from its status, then its window. */
export function examState(e: Pick<ExamRow, 'status' | 'opensAt' | 'closesAt'>, now: Date): ExamState {
  if (e.status === 'cancelled') return 'cancelled';
  if (e.status === 'released') return 'released';
  if (e.status === 'closed' || now >= e.closesAt) return 'closed';
  if (now < e.opensAt) return 'not_open';
  return 'open';
}

/** What one candidate's exam is at `now`, from the exam and their latest attempt of it. */
export function candidateState(
  e: Pick<ExamRow, 'status' | 'opensAt' | 'closesAt'>,
  attempt: { status: string; deadlineAt: Date } | null,
  now: Date,
): MyExamState {
  const state = examState(e, now);
  if (state === 'cancelled' || state === 'released') return state;
  if (attempt && attempt.status !== 'in_progress') return 'submitted';
  if (attempt && now < attempt.deadlineAt && state === 'open') return 'in_progress';
  if (attempt) return 'submitted';
  if (state === 'closed') return 'missed';
  return state;
}

/** What the sitting needs of one candidate's exam (see standards-ready.md). */
export interface CandidateExam {
  exam: {
    id: string;
    classId: string;
    institutionId: string;
    trainingItemId: string;
    title: string;
    kind: ExamKind;
    retakeOf: string | null;
    paperMode: PaperMode;
    seed: string;
    opensAt: Date;
    closesAt: Date;
    durationMinutes: number;
    sessionId: string | null;
    proctoring: Proctoring;
    status: string;
    state: ExamState;
  };
  standard: {
    standardId: string;
    versionId: string;
    name: string;
    version: number;
    blueprint: Blueprint;
    passMark: PassMark;
    markingPolicy: MarkingPolicy;
    durationMinutes: number;
  };
  candidate: { accountId: string; rosterEntryId: string | null; extraMinutes: number };
  /** This candidate's attempt number for a new attempt: their attempts of the exams this one retakes, + 1. */
  attemptNo: number;
  /** The seed of this candidate's paper: the exam's (fixed) or candidatePaperSeed(exam seed, account, attemptNo). */
  paperSeed: string;
  /** The stored paper for all (paperMode fixed), else null. */
  fixedPaper: Paper | null;
}

const invalid = (message: LocalizedText, details?: unknown) =>
  new AppError('VALIDATION', { message, details });

/**
 * JS-7.3: exams of a class, set from an approved standard version of the class's training item. The
 * candidates are the roster's trainees with accounts; each exam has a seed (newPaperSeed) stored before
 * any paper is drawn; a fixed paper is drawn and stored at creation. Extra time per candidate; a retake
 * (补考) of a closed exam for those who failed or did not sit.
 */
export function createExamService(deps: { db: Db; clock: Clock; standards: ExamStandardService }) {
  const { db, clock, standards } = deps;

  async function classOf(tx: DbOrTx, classId: string) {
    const [c] = await tx.select().from(classes).where(eq(classes.id, classId)).limit(1);
    if (!c) throw new AppError('NOT_FOUND');
    return c;
  }

  async function examOf(tx: DbOrTx, classId: string, examId: string, lock = false) {
    const q = tx
      .select()
      .from(exams)
      .where(and(eq(exams.id, examId), eq(exams.classId, classId)))
      .limit(1);
    const [e] = lock ? await q.for('update') : await q;
    if (!e) throw new AppError('NOT_FOUND');
    return e;
  }

  async function confirmedSessions(tx: DbOrTx, c: typeof classes.$inferSelect) {
    if (!c.confirmedVersionId) return [];
    return tx
      .select()
      .from(classSessions)
      .where(and(eq(classSessions.classId, c.id), eq(classSessions.versionId, c.confirmedVersionId)))
      .orderBy(asc(classSessions.seq));
  }

  const sessionLabel = (s: typeof classSessions.$inferSelect) =>
    `第 ${s.seq} 讲 Session ${s.seq} · ${formatChinaMinute(s.startsAt)}–${chinaHhMm(s.endsAt)} · ${s.topic}`;

  function checkWindow(opensAtIso: string, closesAtIso: string, durationMinutes: number, now: Date) {
    const opensAt = new Date(opensAtIso);
    const closesAt = new Date(closesAtIso);
    assertValidInstant(opensAt, { zh: '开考时间', en: 'The opening time' });
    assertValidInstant(closesAt, { zh: '截止时间', en: 'The closing time' });
    if (closesAt <= opensAt)
      throw invalid(
        { zh: '截止时间须晚于开考时间', en: 'The exam must close after it opens' },
        { in: 'closesAt' },
      );
    if (closesAt <= now)
      throw invalid({ zh: '截止时间已过', en: 'The closing time has already passed' }, { in: 'closesAt' });
    if (closesAt.getTime() - opensAt.getTime() < durationMinutes * 60_000)
      throw invalid(
        {
          zh: `考试时段短于考试时长 ${durationMinutes} 分钟`,
          en: `The window is shorter than the exam's ${durationMinutes} minutes`,
        },
        { in: 'closesAt', durationMinutes },
      );
    if (closesAt.getTime() - opensAt.getTime() > MAX_WINDOW_DAYS * 86_400_000)
      throw invalid(
        {
          zh: `考试时段不能超过 ${MAX_WINDOW_DAYS} 天`,
          en: `The window cannot exceed ${MAX_WINDOW_DAYS} days`,
        },
        { in: 'closesAt' },
      );
    return { opensAt, closesAt };
  }

  async function checkSession(tx: DbOrTx, c: typeof classes.$inferSelect, sessionId: string | undefined) {
    if (!sessionId) return null;
    const sessions = await confirmedSessions(tx, c);
    if (!sessions.some((s) => s.id === sessionId))
      throw invalid(
        {
          zh: '所选监考课次不是本班已确认课表中的课次',
          en: "The invigilation session is not one of this class's confirmed sessions",
        },
        { in: 'sessionId' },
      );
    return sessionId;
  }

  async function rosterCandidates(tx: DbOrTx, classId: string) {
    return tx
      .select({ accountId: rosterEntries.accountId, rosterEntryId: rosterEntries.id })
      .from(rosterEntries)
      .where(and(eq(rosterEntries.classId, classId), isNotNull(rosterEntries.accountId)))
      .orderBy(asc(rosterEntries.createdAt), asc(rosterEntries.id));
  }

  /** Draws the exam's paper (fixed) or checks the bank can give one (per candidate); throws naming a short cell. */
  async function drawForExam(
    tx: DbOrTx,
    itemId: string,
    blueprint: Blueprint,
    mode: PaperMode,
    seed: string,
    firstCandidate: string,
  ): Promise<Paper | null> {
    const pool = preparePool(await loadPool(tx, itemId));
    if (mode === 'fixed') return assemblePaper(blueprint, pool, seed);
    assembleCandidatePaper(blueprint, pool, seed, firstCandidate, 1);
    return null;
  }

  async function insertExam(
    tx: DbOrTx,
    ctx: AuthedCtx,
    c: typeof classes.$inferSelect,
    r: { v: VersionRow; s: StandardRow },
    fields: {
      title: string;
      kind: ExamKind;
      retakeOf: string | null;
      paperMode: PaperMode;
      opensAt: Date;
      closesAt: Date;
      sessionId: string | null;
      proctoring: Proctoring;
    },
    candidates: {
      accountId: string;
      rosterEntryId: string | null;
      extraMinutes: number;
      extraReason: string | null;
    }[],
  ) {
    if (candidates.length === 0)
      throw new AppError('PRECONDITION_FAILED', {
        message: {
          zh: '没有可参加考试的学员（名册中的学员尚未开通账户）',
          en: 'There is no one to sit the exam (no trainee on the roster has an account yet)',
        },
      });
    const seed = newPaperSeed();
    const fixedPaper = await drawForExam(
      tx,
      c.trainingItemId,
      r.v.blueprint as Blueprint,
      fields.paperMode,
      seed,
      candidates[0]!.accountId,
    );
    const now = clock.now();
    const [e] = await tx
      .insert(exams)
      .values({
        institutionId: c.institutionId,
        classId: c.id,
        standardVersionId: r.v.id,
        ...fields,
        seed,
        fixedPaper,
        durationMinutes: r.v.durationMinutes,
        status: 'scheduled',
        createdBy: ctx.actor.accountId,
        createdAt: now,
      })
      .returning();
    await tx.insert(examCandidates).values(
      candidates.map((x) => ({
        examId: e!.id,
        accountId: x.accountId,
        rosterEntryId: x.rosterEntryId,
        extraMinutes: x.extraMinutes,
        extraReason: x.extraReason,
        addedAt: now,
      })),
    );
    return e!;
  }

  async function views(tx: DbOrTx, rows: ExamRow[]): Promise<ExamView[]> {
    if (rows.length === 0) return [];
    const versions = await tx
      .select({ v: examStandardVersions, s: examStandards })
      .from(examStandardVersions)
      .innerJoin(examStandards, eq(examStandards.id, examStandardVersions.standardId))
      .where(
        inArray(
          examStandardVersions.id,
          rows.map((r) => r.standardVersionId),
        ),
      );
    const byVersion = new Map(versions.map((x) => [x.v.id, x]));
    const counts = await tx
      .select({ examId: examCandidates.examId, accountId: examCandidates.accountId })
      .from(examCandidates)
      .where(
        inArray(
          examCandidates.examId,
          rows.map((r) => r.id),
        ),
      );
    const sessionIds = rows.map((r) => r.sessionId).filter((x): x is string => !!x);
    const sessions =
      sessionIds.length > 0
        ? await tx.select().from(classSessions).where(inArray(classSessions.id, sessionIds))
        : [];
    const now = clock.now();
    return rows.map((e) => {
      const { v, s } = byVersion.get(e.standardVersionId)!;
      const blueprint = v.blueprint as Blueprint;
      const fixed = e.fixedPaper as Paper | null;
      const totals = blueprintTotals(blueprint);
      const session = sessions.find((x) => x.id === e.sessionId);
      const state = examState(e, now);
      return {
        id: e.id,
        classId: e.classId,
        title: e.title,
        kind: e.kind as ExamKind,
        kindLabel: EXAM_KIND_LABELS[e.kind as ExamKind],
        retakeOf: e.retakeOf,
        paperMode: e.paperMode as PaperMode,
        paperModeLabel: PAPER_MODE_LABELS[e.paperMode as PaperMode],
        standardId: s.id,
        standardName: s.name,
        standardVersionId: v.id,
        standardVersion: v.version,
        durationMinutes: e.durationMinutes,
        passMarkText: passMarkText(v.passMark as PassMark),
        opensAt: e.opensAt.toISOString(),
        closesAt: e.closesAt.toISOString(),
        windowText: examWindowText(e.opensAt, e.closesAt),
        sessionId: e.sessionId,
        sessionText: session ? sessionLabel(session) : null,
        proctoring: { camera: false, stillsPerAttempt: 0, ...(e.proctoring as Partial<Proctoring>) },
        state,
        stateLabel: EXAM_STATE_LABELS[state],
        candidateCount: counts.filter((x) => x.examId === e.id).length,
        questionCount: fixed ? fixed.questions.length : totals.questions,
        totalScore: fixed ? fixed.totalScore : totals.score,
        createdAtText: formatChinaMinute(e.createdAt),
      };
    });
  }

  async function get(classId: string, examId: string): Promise<ExamDetailView> {
    const e = await examOf(db, classId, examId);
    const [view] = await views(db, [e]);
    const [version] = await db
      .select()
      .from(examStandardVersions)
      .where(eq(examStandardVersions.id, e.standardVersionId))
      .limit(1);
    const cands = await db
      .select({ c: examCandidates, name: rosterEntries.name, username: accounts.username })
      .from(examCandidates)
      .innerJoin(accounts, eq(accounts.id, examCandidates.accountId))
      .leftJoin(rosterEntries, eq(rosterEntries.id, examCandidates.rosterEntryId))
      .where(eq(examCandidates.examId, e.id))
      .orderBy(asc(examCandidates.addedAt), asc(rosterEntries.createdAt), asc(examCandidates.accountId));
    const attempts = await db
      .select()
      .from(examAttempts)
      .where(eq(examAttempts.examId, e.id))
      .orderBy(desc(examAttempts.attemptNo));
    const retakes = await db
      .select()
      .from(exams)
      .where(and(eq(exams.retakeOf, e.id), eq(exams.classId, classId)))
      .orderBy(asc(exams.createdAt));
    const passMark = version!.passMark as PassMark;
    const markingPolicy = version!.markingPolicy as MarkingPolicy;
    return {
      ...view!,
      passMark,
      markingPolicy,
      markingPolicyText: markingPolicyText(markingPolicy),
      candidates: cands.map(({ c, name, username }) => {
        const mine = attempts.filter((a) => a.accountId === c.accountId);
        const latest = mine[0];
        return {
          accountId: c.accountId,
          rosterEntryId: c.rosterEntryId,
          name: name ?? username,
          username,
          extraMinutes: c.extraMinutes,
          extraReason: c.extraReason,
          attempts: mine.length,
          latest: latest
            ? {
                attemptNo: latest.attemptNo,
                status: latest.status,
                statusLabel: ATTEMPT_STATUS_LABELS[latest.status] ?? { zh: latest.status, en: latest.status },
                score: latest.score,
                verdict: latest.verdict,
                verdictLabel: latest.verdict
                  ? (PASS_VERDICT_LABELS[latest.verdict as PassVerdict] ?? null)
                  : null,
              }
            : null,
        };
      }),
      retakes: retakes.map((r) => ({
        id: r.id,
        title: r.title,
        windowText: examWindowText(r.opensAt, r.closesAt),
      })),
    };
  }

  /** The exams `examId` retakes, oldest first (its chain of retakeOf). */
  async function ancestors(tx: DbOrTx, e: ExamRow): Promise<string[]> {
    const chain: string[] = [];
    let cur = e.retakeOf;
    while (cur && chain.length < 20) {
      chain.unshift(cur);
      const [p] = await tx.select({ retakeOf: exams.retakeOf }).from(exams).where(eq(exams.id, cur)).limit(1);
      cur = p?.retakeOf ?? null;
    }
    return chain;
  }

  async function forCandidate(examId: string, accountId: string, tx: DbOrTx = db): Promise<CandidateExam> {
    const [r] = await tx
      .select({ e: exams, v: examStandardVersions, s: examStandards, c: examCandidates })
      .from(exams)
      .innerJoin(examStandardVersions, eq(examStandardVersions.id, exams.standardVersionId))
      .innerJoin(examStandards, eq(examStandards.id, examStandardVersions.standardId))
      .leftJoin(
        examCandidates,
        and(eq(examCandidates.examId, exams.id), eq(examCandidates.accountId, accountId)),
      )
      .where(eq(exams.id, examId))
      .limit(1);
    if (!r) throw new AppError('NOT_FOUND');
    if (!r.c)
      throw new AppError('NOT_ON_ROSTER', {
        message: { zh: '您不是本场考试的考生', en: 'You are not a candidate of this exam' },
      });
    const before = await ancestors(tx, r.e);
    const prior =
      before.length > 0
        ? (
            await tx
              .select({ id: examAttempts.id })
              .from(examAttempts)
              .where(and(inArray(examAttempts.examId, before), eq(examAttempts.accountId, accountId)))
          ).length
        : 0;
    const attemptNo = prior + 1;
    const paperMode = r.e.paperMode as PaperMode;
    return {
      exam: {
        id: r.e.id,
        classId: r.e.classId,
        institutionId: r.e.institutionId,
        trainingItemId: r.s.trainingItemId,
        title: r.e.title,
        kind: r.e.kind as ExamKind,
        retakeOf: r.e.retakeOf,
        paperMode,
        seed: r.e.seed,
        opensAt: r.e.opensAt,
        closesAt: r.e.closesAt,
        durationMinutes: r.e.durationMinutes,
        sessionId: r.e.sessionId,
        proctoring: { camera: false, stillsPerAttempt: 0, ...(r.e.proctoring as Partial<Proctoring>) },
        status: r.e.status,
        state: examState(r.e, clock.now()),
      },
      standard: {
        standardId: r.s.id,
        versionId: r.v.id,
        name: r.s.name,
        version: r.v.version,
        blueprint: r.v.blueprint as Blueprint,
        passMark: r.v.passMark as PassMark,
        markingPolicy: r.v.markingPolicy as MarkingPolicy,
        durationMinutes: r.v.durationMinutes,
      },
      candidate: { accountId, rosterEntryId: r.c.rosterEntryId, extraMinutes: r.c.extraMinutes },
      attemptNo,
      paperSeed: paperMode === 'fixed' ? r.e.seed : candidatePaperSeed(r.e.seed, accountId, attemptNo),
      fixedPaper: (r.e.fixedPaper as Paper | null) ?? null,
    };
  }

  /** The candidate's paper: the stored fixed paper, or drawn from the bank now with the candidate's seed. */
  async function drawPaper(setup: CandidateExam, tx: DbOrTx = db): Promise<Paper> {
    if (setup.exam.paperMode === 'fixed' && setup.fixedPaper) return setup.fixedPaper;
    return assembleCandidatePaper(
      setup.standard.blueprint,
      await loadPool(tx, setup.exam.trainingItemId),
      setup.exam.seed,
      setup.candidate.accountId,
      setup.attemptNo,
    );
  }

  return {
    get,
    forCandidate,
    drawPaper,

    /** JS-7.3: the class's exams, the approved standards a new one may use, and its confirmed sessions. */
    async list(classId: string): Promise<ExamListView> {
      const c = await classOf(db, classId);
      const rows = await db
        .select()
        .from(exams)
        .where(eq(exams.classId, classId))
        .orderBy(desc(exams.opensAt), desc(exams.createdAt));
      const approved = await standards.approvedOf(db, c.trainingItemId);
      const sessions = await confirmedSessions(db, c);
      return {
        items: await views(db, rows),
        standards: approved.map(({ v, s }) => ({
          standardId: s.id,
          versionId: v.id,
          name: s.name,
          version: v.version,
          durationMinutes: v.durationMinutes,
          passMarkText: passMarkText(v.passMark as PassMark),
          questions: blueprintTotals(v.blueprint as Blueprint).questions,
        })),
        sessions: sessions.map((s) => ({ id: s.id, seq: s.seq, label: sessionLabel(s) })),
      };
    },

    /** JS-7.3: an exam of a confirmed class from an approved standard version; a fixed paper is stored now. */
    async create(ctx: AuthedCtx, classId: string, body: ExamBody): Promise<ExamDetailView> {
      const id = await auditedWrite(db, clock, ctx, async (tx) => {
        const c = await classOf(tx, classId);
        if (!c.confirmedVersionId) throw new AppError('CLASS_NOT_CONFIRMED');
        const r = await standards.approvedVersion(tx, c.trainingItemId, body.standardVersionId);
        const { opensAt, closesAt } = checkWindow(
          body.opensAt,
          body.closesAt,
          r.v.durationMinutes,
          clock.now(),
        );
        const sessionId = await checkSession(tx, c, body.sessionId);
        const roster = await rosterCandidates(tx, classId);
        const e = await insertExam(
          tx,
          ctx,
          c,
          r,
          {
            title: body.title,
            kind: 'exam',
            retakeOf: null,
            paperMode: body.paperMode,
            opensAt,
            closesAt,
            sessionId,
            proctoring: body.proctoring ?? { camera: sessionId !== null, stillsPerAttempt: 0 },
          },
          roster.map((x) => ({
            accountId: x.accountId!,
            rosterEntryId: x.rosterEntryId,
            extraMinutes: 0,
            extraReason: null,
          })),
        );
        return {
          result: e.id,
          audit: {
            action: 'exam.created',
            targetType: 'exam',
            targetId: e.id,
            institutionId: c.institutionId,
            data: {
              classId,
              standardVersionId: r.v.id,
              paperMode: e.paperMode,
              opensAt: e.opensAt.toISOString(),
              closesAt: e.closesAt.toISOString(),
              sessionId,
              candidates: roster.length,
              fixedPaperQuestions: (e.fixedPaper as Paper | null)?.questions.length ?? null,
            },
          },
        };
      });
      return get(classId, id);
    },

    /** JS-7.3: extra time for one candidate (before they start). */
    async extraTime(
      ctx: AuthedCtx,
      classId: string,
      examId: string,
      body: ExtraTimeBody,
    ): Promise<ExamDetailView> {
      await auditedWrite(db, clock, ctx, async (tx) => {
        const e = await examOf(tx, classId, examId, true);
        const state = examState(e, clock.now());
        if (state === 'closed' || state === 'released' || state === 'cancelled')
          throw new AppError('PRECONDITION_FAILED', {
            message: {
              zh: `考试${EXAM_STATE_LABELS[state].zh}，不能再加时`,
              en: `The exam is ${EXAM_STATE_LABELS[state].en.toLowerCase()}; extra time can no longer be given`,
            },
          });
        const [cand] = await tx
          .select()
          .from(examCandidates)
          .where(and(eq(examCandidates.examId, e.id), eq(examCandidates.accountId, body.accountId)))
          .limit(1);
        if (!cand)
          throw invalid(
            { zh: '该账户不是本场考试的考生', en: 'That account is not a candidate of this exam' },
            { in: 'accountId' },
          );
        const [started] = await tx
          .select({ id: examAttempts.id })
          .from(examAttempts)
          .where(and(eq(examAttempts.examId, e.id), eq(examAttempts.accountId, body.accountId)))
          .limit(1);
        if (started)
          throw new AppError('PRECONDITION_FAILED', {
            message: {
              zh: '该考生已开始作答，加时须在其开考前设定',
              en: 'The candidate has already started; extra time must be set before they start',
            },
          });
        await tx
          .update(examCandidates)
          .set({ extraMinutes: body.extraMinutes, extraReason: body.reason })
          .where(and(eq(examCandidates.examId, e.id), eq(examCandidates.accountId, body.accountId)));
        return {
          result: null,
          audit: {
            action: 'exam.extra_time',
            targetType: 'exam',
            targetId: e.id,
            institutionId: e.institutionId,
            data: {
              classId,
              accountId: body.accountId,
              from: cand.extraMinutes,
              to: body.extraMinutes,
              reason: body.reason,
            },
          },
        };
      });
      return get(classId, examId);
    },

    /** JS-7.3 补考: a retake of a closed exam for its candidates who failed or did not sit. */
    async retake(ctx: AuthedCtx, classId: string, examId: string, body: RetakeBody): Promise<ExamDetailView> {
      const id = await auditedWrite(db, clock, ctx, async (tx) => {
        const src = await examOf(tx, classId, examId, true);
        const state = examState(src, clock.now());
        if (state !== 'closed' && state !== 'released')
          throw new AppError('PRECONDITION_FAILED', {
            message: {
              zh: `考试${EXAM_STATE_LABELS[state].zh}，结束后才能安排补考`,
              en: `The exam is ${EXAM_STATE_LABELS[state].en.toLowerCase()}; a retake can be set once it has closed`,
            },
          });
        const c = await classOf(tx, classId);
        const [v] = await tx
          .select()
          .from(examStandardVersions)
          .where(eq(examStandardVersions.id, src.standardVersionId))
          .limit(1);
        const [s] = await tx.select().from(examStandards).where(eq(examStandards.id, v!.standardId)).limit(1);
        const { opensAt, closesAt } = checkWindow(
          body.opensAt,
          body.closesAt,
          v!.durationMinutes,
          clock.now(),
        );
        const sessionId = await checkSession(tx, c, body.sessionId);
        const cands = await tx.select().from(examCandidates).where(eq(examCandidates.examId, src.id));
        const attempts = await tx
          .select()
          .from(examAttempts)
          .where(eq(examAttempts.examId, src.id))
          .orderBy(desc(examAttempts.attemptNo));
        const due = cands.filter((x) => {
          const latest = attempts.find((a) => a.accountId === x.accountId);
          if (!latest || latest.status === 'in_progress') return true; // did not sit (or never handed in)
          return latest.verdict === 'fail';
        });
        if (due.length === 0)
          throw new AppError('PRECONDITION_FAILED', {
            message: {
              zh: '没有需要补考的考生（均已合格或仍待阅卷）',
              en: 'No candidate needs a retake (all passed or are still being marked)',
            },
          });
        const e = await insertExam(
          tx,
          ctx,
          c,
          { v: v!, s: s! },
          {
            title: body.title ?? `${src.title}（补考 Retake）`,
            kind: 'retake',
            retakeOf: src.id,
            paperMode: body.paperMode ?? (src.paperMode as PaperMode),
            opensAt,
            closesAt,
            sessionId,
            proctoring: { camera: false, stillsPerAttempt: 0, ...(src.proctoring as Partial<Proctoring>) },
          },
          due.map((x) => ({
            accountId: x.accountId,
            rosterEntryId: x.rosterEntryId,
            extraMinutes: x.extraMinutes,
            extraReason: x.extraReason,
          })),
        );
        return {
          result: e.id,
          audit: {
            action: 'exam.retake_created',
            targetType: 'exam',
            targetId: e.id,
            institutionId: c.institutionId,
            data: { classId, retakeOf: src.id, candidates: due.map((x) => x.accountId) },
          },
        };
      });
      return get(classId, id);
    },

    /**
     * JS-7.3 (staff): the paper a candidate gets — stored with their attempt once they started, else
     * drawn now from the stored seed (the same seed and bank redraw the same paper). Fixed: the exam's.
     */
    async paper(classId: string, examId: string, accountId: string | undefined): Promise<ExamPaperView> {
      const e = await examOf(db, classId, examId);
      if (!accountId) {
        if (e.paperMode !== 'fixed')
          throw invalid(
            { zh: '一人一卷的考试须指定考生', en: 'Name a candidate (accountId): each has their own paper' },
            { in: 'accountId' },
          );
        return {
          accountId: null,
          paperMode: 'fixed',
          attemptNo: 1,
          seed: e.seed,
          stored: true,
          paper: e.fixedPaper as Paper,
        };
      }
      const setup = await forCandidate(e.id, accountId);
      const [attempt] = await db
        .select()
        .from(examAttempts)
        .where(and(eq(examAttempts.examId, e.id), eq(examAttempts.accountId, accountId)))
        .orderBy(desc(examAttempts.attemptNo))
        .limit(1);
      if (attempt)
        return {
          accountId,
          paperMode: setup.exam.paperMode,
          attemptNo: attempt.attemptNo,
          seed: attempt.seed,
          stored: true,
          paper: attempt.paper as Paper,
        };
      return {
        accountId,
        paperMode: setup.exam.paperMode,
        attemptNo: setup.attemptNo,
        seed: setup.paperSeed,
        stored: false,
        paper: await drawPaper(setup),
      };
    },

    /** JS-7.3: a trainee's exams (every class), with their state and the exam page's link. */
    async mine(actor: Actor): Promise<MyExamListView> {
      const rows = await db
        .select({ e: exams, c: examCandidates, className: classes.name })
        .from(examCandidates)
        .innerJoin(exams, eq(exams.id, examCandidates.examId))
        .innerJoin(classes, eq(classes.id, exams.classId))
        .where(eq(examCandidates.accountId, actor.accountId))
        .orderBy(asc(exams.opensAt), asc(exams.id));
      const attempts =
        rows.length > 0
          ? await db
              .select()
              .from(examAttempts)
              .where(
                and(
                  eq(examAttempts.accountId, actor.accountId),
                  inArray(
                    examAttempts.examId,
                    rows.map((r) => r.e.id),
                  ),
                ),
              )
              .orderBy(desc(examAttempts.attemptNo))
          : [];
      const now = clock.now();
      return {
        items: rows.map(({ e, c, className }) => {
          const latest = attempts.find((a) => a.examId === e.id) ?? null;
          const state = candidateState(e, latest, now);
          return {
            examId: e.id,
            classId: e.classId,
            className,
            title: e.title,
            kindLabel: EXAM_KIND_LABELS[e.kind as ExamKind],
            opensAt: e.opensAt.toISOString(),
            closesAt: e.closesAt.toISOString(),
            windowText: examWindowText(e.opensAt, e.closesAt),
            durationMinutes: e.durationMinutes + c.extraMinutes,
            extraMinutes: c.extraMinutes,
            state,
            stateLabel: MY_EXAM_STATE_LABELS[state],
            link: `/app/exam.html?class=${e.classId}&exam=${e.id}`,
          };
        }),
      };
    },
  };
}
export type ExamService = ReturnType<typeof createExamService>;
