import { randomUUID } from 'node:crypto';
import { and, asc, eq, inArray, lte, sql } from 'drizzle-orm';
import {
  QUIZ_ORIGIN_LABELS,
  QUIZ_STATUS_LABELS,
  type AttemptMarks,
  type CandidateAnswer,
  type DailyGradesView,
  type LiveRole,
  type PaperAnswerKey,
  type PaperQuestion,
  type PoolQuestion,
  type QuestionType,
  type QuizConsoleView,
  type QuizListView,
  type QuizPrompt,
  type QuizPushBody,
  type QuizResult,
  type QuizStatus,
} from '@seafarer/contracts';
import {
  accounts,
  classes,
  classSessions,
  livePresenceEvents,
  people,
  questions,
  questionVersions,
  quizAnswers,
  quizzes,
  rosterEntries,
  type Db,
  type DbOrTx,
} from '@seafarer/db';
import { appendAudit } from '../audit/audit.repo';
import { formatChinaMinute } from '../filing/china-time';
import { summarizePresence } from '../live/presence';
import { enforce } from '../live/room-policy';
import type { Clock } from '../shared/clock';
import { AppError } from '../shared/errors';
import {
  bankQuizQuestions,
  checkQuizAnswers,
  dailyGrades,
  decideCloseQuiz,
  decideQuizAnswer,
  decideStartQuiz,
  markQuiz,
  promptQuestions,
  quizDistribution,
  quizPaper,
  quizResult,
  quizResultsSha256,
  quizTimes,
  typedQuizQuestions,
  QUIZ_ANSWER_GRACE_MS,
  QUIZ_NOT_FOUND_MESSAGE,
  type GradedQuiz,
} from './quiz-policy';

type QuizRow = typeof quizzes.$inferSelect;
type AnswerRow = typeof quizAnswers.$inferSelect;
type Sheet = Record<string, CandidateAnswer>;
type By = { accountId: string; role: LiveRole };

const liveCtx = (sessionId: string, by: By | null) =>
  ({
    actor: by ? { accountId: by.accountId, roles: [by.role] } : null,
    requestId: `live:${sessionId}`,
  }) as never;

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface PushedQuiz {
  id: string;
  title: string;
  pushedAt: Date;
  closesAt: Date;
  /** Answers until then (closesAt + grace); the node's timer closes the quiz then. */
  acceptUntil: Date;
  prompt: QuizPrompt;
}

/**
 * JS-7.1 / JS-14: in-class quizzes (随堂测试) of a live session and the daily grades (平时成绩). A push is
 * stored (the questions with their answers) and audited before anything goes out; an answer is
 * acknowledged only once stored (once per trainee, within the limit); the close marks every answer
 * with core's markAttempt, stores the scores, hashes the results and audits them, once. Rules are
 * quiz-policy.ts's.
 */
export function createQuizService(deps: { db: Db; clock: Clock }) {
  const { db, clock } = deps;

  const paperOf = (q: QuizRow) => quizPaper(q.questions as PaperQuestion[]);
  const titleOf = (q: Pick<QuizRow, 'title' | 'pushedAt'>) =>
    q.title || `随堂测试 Quiz ${formatChinaMinute(q.pushedAt).slice(11)}`;

  async function find(tx: DbOrTx, quizId: string): Promise<QuizRow | null> {
    if (!UUID_RE.test(quizId)) return null;
    const [q] = await tx.select().from(quizzes).where(eq(quizzes.id, quizId)).limit(1);
    return q ?? null;
  }

  async function rosterNames(tx: DbOrTx, classId: string) {
    const rows = await tx
      .select({ accountId: rosterEntries.accountId, name: rosterEntries.name })
      .from(rosterEntries)
      .where(eq(rosterEntries.classId, classId))
      .orderBy(asc(rosterEntries.name));
    return rows.filter((r): r is { accountId: string; name: string } => r.accountId !== null);
  }

  /** The active questions of the item among `ids`, at their current versions. */
  async function bankPool(tx: DbOrTx, itemId: string, ids: readonly string[]): Promise<PoolQuestion[]> {
    const rows = await tx
      .select({ q: questions, v: questionVersions })
      .from(questions)
      .innerJoin(questionVersions, eq(questionVersions.id, questions.currentVersionId))
      .where(
        and(
          eq(questions.trainingItemId, itemId),
          eq(questions.status, 'active'),
          inArray(questions.id, [...ids]),
        ),
      );
    return rows.map(({ q, v }) => ({
      questionId: q.id,
      versionId: v.id,
      type: v.type as QuestionType,
      chapter: v.chapter,
      difficulty: v.difficulty,
      score: v.score,
      stem: v.stem,
      options: v.options as { key: string; text: string }[],
      answer: v.answer as PaperAnswerKey,
    }));
  }

  function consoleView(
    q: QuizRow,
    answers: readonly AnswerRow[],
    names: ReadonlyMap<string, string>,
    expected: number,
  ): QuizConsoleView {
    const paper = paperOf(q);
    const closed = q.status === 'closed';
    return {
      quizId: q.id,
      title: titleOf(q),
      status: q.status as QuizStatus,
      statusLabel: QUIZ_STATUS_LABELS[q.status as QuizStatus],
      pushedAt: q.pushedAt.toISOString(),
      closesAt: q.closesAt.toISOString(),
      closedAt: q.closedAt?.toISOString() ?? null,
      totalScore: q.totalScore,
      answered: answers.length,
      expected: Math.max(expected, answers.length),
      questions: quizDistribution(
        paper,
        answers.map((a) => ({
          answers: a.answers as Sheet,
          marks: (a.marks as AttemptMarks | null) ?? null,
        })),
      ),
      ...(closed && {
        scores: answers
          .map((a) => ({
            accountId: a.accountId,
            name: names.get(a.accountId) ?? '',
            score: a.score ?? 0,
            max: a.max ?? q.totalScore,
          }))
          .sort((x, y) => x.name.localeCompare(y.name, 'zh-CN')),
      }),
      resultsSha256: q.resultsSha256,
    };
  }

  const answersOf = (tx: DbOrTx, quizId: string) =>
    tx.select().from(quizAnswers).where(eq(quizAnswers.quizId, quizId)).orderBy(asc(quizAnswers.answeredAt));

  return {
    /**
     * Pushes a quiz into a live session: checked (the policy: who, not ended, one open at a time; the
     * questions: the bank's active ones of the class's item, or typed ones by the bank's rules), stored
     * with its answers and audited, in one transaction, before the prompt goes out.
     */
    async push(input: {
      institutionId: string;
      classId: string;
      sessionId: string;
      by: By;
      ended: boolean;
      body: QuizPushBody;
    }): Promise<PushedQuiz> {
      const { body } = input;
      enforce(decideStartQuiz({ ended: input.ended, openQuiz: false }, { role: input.by.role }));
      if (!!body.questionIds === !!body.questions)
        throw new AppError('VALIDATION', {
          message: {
            zh: '请从题库选题或现场出题（二选一）',
            en: 'Pick questions from the bank or type them, one of the two',
          },
          details: { in: 'questions' },
        });
      const pushedAt = clock.now();
      return db.transaction(async (tx) => {
        await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`quiz:${input.sessionId}`}))`);
        const [open] = await tx
          .select({ id: quizzes.id })
          .from(quizzes)
          .where(and(eq(quizzes.sessionId, input.sessionId), eq(quizzes.status, 'open')))
          .limit(1);
        enforce(decideStartQuiz({ ended: input.ended, openQuiz: !!open }, { role: input.by.role }));
        const [cls] = await tx
          .select({ itemId: classes.trainingItemId })
          .from(classes)
          .where(eq(classes.id, input.classId))
          .limit(1);
        if (!cls) throw new AppError('NOT_FOUND');
        const picked = body.questionIds
          ? bankQuizQuestions(body.questionIds, await bankPool(tx, cls.itemId, body.questionIds))
          : typedQuizQuestions(body.questions!, randomUUID);
        const paper = quizPaper(picked);
        const { closesAt, acceptUntil } = quizTimes(pushedAt, body.timeLimitS);
        const [row] = await tx
          .insert(quizzes)
          .values({
            institutionId: input.institutionId,
            classId: input.classId,
            sessionId: input.sessionId,
            origin: body.questionIds ? 'bank' : 'typed',
            title: (body.title ?? '').trim(),
            questions: paper.questions,
            totalScore: paper.totalScore,
            timeLimitS: body.timeLimitS,
            status: 'open',
            pushedBy: input.by.accountId,
            pushedAt,
            closesAt,
          })
          .returning();
        const q = row!;
        await appendAudit(
          tx,
          liveCtx(input.sessionId, input.by),
          {
            action: 'quiz.pushed',
            targetType: 'quiz',
            targetId: q.id,
            institutionId: input.institutionId,
            data: {
              classId: input.classId,
              sessionId: input.sessionId,
              origin: q.origin,
              questions: paper.questions.map((x) => ({ questionId: x.questionId, versionId: x.versionId })),
              totalScore: paper.totalScore,
              timeLimitS: q.timeLimitS,
              closesAt: closesAt.toISOString(),
            },
          },
          pushedAt,
        );
        return {
          id: q.id,
          title: titleOf(q),
          pushedAt,
          closesAt,
          acceptUntil,
          prompt: {
            quizId: q.id,
            title: titleOf(q),
            questions: promptQuestions(paper),
            totalScore: paper.totalScore,
            timeLimitS: q.timeLimitS,
            closesAt: closesAt.toISOString(),
          },
        };
      });
    },

    /** A trainee's answers: checked, stored once, then acknowledged (not audited: the close hashes them). */
    async answer(input: {
      quizId: string;
      sessionId: string;
      accountId: string;
      role: LiveRole;
      answers: Sheet;
    }): Promise<{ quizId: string; answeredAt: Date }> {
      const now = clock.now();
      const q = await find(db, input.quizId);
      const [before] = q
        ? await db
            .select({ at: quizAnswers.answeredAt })
            .from(quizAnswers)
            .where(and(eq(quizAnswers.quizId, q.id), eq(quizAnswers.accountId, input.accountId)))
            .limit(1)
        : [];
      enforce(
        decideQuizAnswer(q, {
          sessionId: input.sessionId,
          role: input.role,
          now,
          answeredBefore: !!before,
        }),
      );
      checkQuizAnswers(paperOf(q!), input.answers);
      const stored = await db.transaction(async (tx) => {
        // The close takes this row lock: an answer is either in before the close or refused after it.
        const [locked] = await tx
          .select({ status: quizzes.status })
          .from(quizzes)
          .where(eq(quizzes.id, q!.id))
          .for('share');
        enforce(
          decideQuizAnswer(
            { ...q!, status: locked!.status },
            { sessionId: input.sessionId, role: input.role, now, answeredBefore: false },
          ),
        );
        return tx
          .insert(quizAnswers)
          .values({ quizId: q!.id, accountId: input.accountId, answers: input.answers, answeredAt: now })
          .onConflictDoNothing()
          .returning({ at: quizAnswers.answeredAt });
      });
      if (stored.length === 0)
        enforce(
          decideQuizAnswer(q, { sessionId: input.sessionId, role: input.role, now, answeredBefore: true }),
        );
      return { quizId: q!.id, answeredAt: now };
    },

    /** The staff's console of a quiz: answered n of `expected`, the distribution (after the close: the scores). */
    async live(quizId: string, expected: number): Promise<QuizConsoleView | null> {
      const q = await find(db, quizId);
      if (!q) return null;
      const answers = await answersOf(db, q.id);
      const names = new Map((await rosterNames(db, q.classId)).map((r) => [r.accountId, r.name]));
      return consoleView(q, answers, names, expected);
    },

    /** Who may close a quiz early (the instructor, a class manager) and that it is this session's. */
    async assertClosable(quizId: string, sessionId: string, by: { role: LiveRole }): Promise<void> {
      enforce(decideCloseQuiz(by));
      const q = await find(db, quizId);
      if (!q || q.sessionId !== sessionId)
        throw new AppError('NOT_FOUND', { message: QUIZ_NOT_FOUND_MESSAGE });
    },

    /**
     * Closes a quiz (idempotent): each answer marked by core's markAttempt and its score stored, the
     * results hashed (resultsSha256) and the close audited, in one transaction. Returns the staff's
     * final view and each answering trainee's result; `others` gives the result of one who did not answer.
     */
    async close(
      quizId: string,
      by: By | null,
      expected = 0,
    ): Promise<{ view: QuizConsoleView; results: Map<string, QuizResult>; unanswered: QuizResult } | null> {
      const closedAt = clock.now();
      const closed = await db.transaction(async (tx) => {
        const [q] = await tx.select().from(quizzes).where(eq(quizzes.id, quizId)).for('update');
        if (!q) return null;
        if (q.status === 'closed') return q;
        const paper = paperOf(q);
        const answers = await answersOf(tx, q.id);
        const marked = answers.map((a) => {
          const marks = markQuiz(paper, a.answers as Sheet);
          return { a, marks };
        });
        for (const { a, marks } of marked)
          await tx
            .update(quizAnswers)
            .set({ score: marks.score, max: marks.max, marks })
            .where(and(eq(quizAnswers.quizId, q.id), eq(quizAnswers.accountId, a.accountId)));
        const sha = quizResultsSha256(
          q.id,
          marked.map(({ a, marks }) => ({
            accountId: a.accountId,
            answeredAt: a.answeredAt,
            score: marks.score,
            max: marks.max,
            answers: a.answers as Sheet,
          })),
        );
        const [done] = await tx
          .update(quizzes)
          .set({ status: 'closed', closedAt, resultsSha256: sha })
          .where(eq(quizzes.id, q.id))
          .returning();
        await appendAudit(
          tx,
          liveCtx(q.sessionId, by),
          {
            action: 'quiz.closed',
            targetType: 'quiz',
            targetId: q.id,
            institutionId: q.institutionId,
            data: {
              classId: q.classId,
              sessionId: q.sessionId,
              answered: marked.length,
              totalScore: q.totalScore,
              resultsSha256: sha,
              early: closedAt < q.closesAt,
            },
          },
          closedAt,
        );
        return done!;
      });
      if (!closed) return null;
      const answers = await answersOf(db, closed.id);
      const names = new Map((await rosterNames(db, closed.classId)).map((r) => [r.accountId, r.name]));
      const paper = paperOf(closed);
      const quiz = { id: closed.id, title: titleOf(closed) };
      const results = new Map(
        answers.map((a) => [
          a.accountId,
          quizResult(quiz, paper, { answers: a.answers as Sheet, marks: a.marks as AttemptMarks }),
        ]),
      );
      return {
        view: consoleView(closed, answers, names, expected),
        results,
        unanswered: quizResult(quiz, paper, null),
      };
    },

    /** What a trainee (re)joining sees of a quiz: the prompt while open (with their answer time), the result once closed. */
    async forTrainee(
      quizId: string,
      accountId: string,
    ): Promise<{ prompt: QuizPrompt } | { result: QuizResult } | null> {
      const q = await find(db, quizId);
      if (!q) return null;
      const [a] = await db
        .select()
        .from(quizAnswers)
        .where(and(eq(quizAnswers.quizId, q.id), eq(quizAnswers.accountId, accountId)))
        .limit(1);
      const paper = paperOf(q);
      if (q.status === 'closed')
        return {
          result: quizResult(
            { id: q.id, title: titleOf(q) },
            paper,
            a ? { answers: a.answers as Sheet, marks: a.marks as AttemptMarks } : null,
          ),
        };
      return {
        prompt: {
          quizId: q.id,
          title: titleOf(q),
          questions: promptQuestions(paper),
          totalScore: paper.totalScore,
          timeLimitS: q.timeLimitS,
          closesAt: q.closesAt.toISOString(),
          ...(a && { answeredAt: a.answeredAt.toISOString() }),
        },
      };
    },

    /** Open quizzes of these sessions (a node taking a room over picks them up). */
    async openIn(sessionIds: readonly string[]) {
      if (sessionIds.length === 0) return [];
      return db
        .select({ id: quizzes.id, sessionId: quizzes.sessionId, closesAt: quizzes.closesAt })
        .from(quizzes)
        .where(and(inArray(quizzes.sessionId, [...sessionIds]), eq(quizzes.status, 'open')));
    },

    /** Open quizzes past their limit (+ grace): a node died before closing them; to close now. */
    async overdue(): Promise<Array<{ id: string; sessionId: string }>> {
      const now = clock.now();
      const limit = new Date(now.getTime() - QUIZ_ANSWER_GRACE_MS);
      return db
        .select({ id: quizzes.id, sessionId: quizzes.sessionId })
        .from(quizzes)
        .where(and(eq(quizzes.status, 'open'), lte(quizzes.closesAt, limit)))
        .limit(100);
    },

    // --- reads for the API ------------------------------------------------------------------------

    /** JS-7.1: the class's quizzes with their results (staff). */
    async listForClass(classId: string): Promise<QuizListView> {
      const rows = await db
        .select({ q: quizzes, seq: classSessions.seq, by: people.displayName })
        .from(quizzes)
        .leftJoin(classSessions, eq(classSessions.id, quizzes.sessionId))
        .leftJoin(accounts, eq(accounts.id, quizzes.pushedBy))
        .leftJoin(people, eq(people.id, accounts.personId))
        .where(eq(quizzes.classId, classId))
        .orderBy(asc(quizzes.pushedAt));
      const ids = rows.map((r) => r.q.id);
      const answers = ids.length
        ? await db.select().from(quizAnswers).where(inArray(quizAnswers.quizId, ids))
        : [];
      const names = new Map((await rosterNames(db, classId)).map((r) => [r.accountId, r.name]));
      return {
        classId,
        items: rows.map(({ q, seq, by }) => {
          const mine = answers.filter((a) => a.quizId === q.id);
          const scored = mine.filter((a) => a.score !== null && a.max);
          const avg = scored.length
            ? Math.round((scored.reduce((s, a) => s + a.score! / a.max!, 0) / scored.length) * 1000) / 10
            : null;
          return {
            id: q.id,
            sessionId: q.sessionId,
            sessionSeq: seq ?? null,
            title: titleOf(q),
            origin: q.origin as 'bank' | 'typed',
            originLabel: QUIZ_ORIGIN_LABELS[q.origin as 'bank' | 'typed'],
            status: q.status as QuizStatus,
            statusLabel: QUIZ_STATUS_LABELS[q.status as QuizStatus],
            pushedAt: q.pushedAt.toISOString(),
            pushedAtText: formatChinaMinute(q.pushedAt),
            pushedByName: by ?? '',
            timeLimitS: q.timeLimitS,
            questionCount: (q.questions as unknown[]).length,
            totalScore: q.totalScore,
            answered: mine.length,
            averagePercent: avg,
            resultsSha256: q.resultsSha256,
            results: mine
              .map((a) => ({
                accountId: a.accountId,
                name: names.get(a.accountId) ?? '',
                answeredAt: a.answeredAt.toISOString(),
                score: a.score,
                max: a.max,
              }))
              .sort((x, y) => x.name.localeCompare(y.name, 'zh-CN')),
          };
        }),
      };
    },

    /**
     * JS-14: daily grades (平时成绩) of the class's trainees from its closed quizzes (quiz-policy's
     * dailyGrades: answered, or in the room and not answered: 0); one trainee's only with `accountId`.
     */
    async dailyGrades(classId: string, accountId?: string): Promise<DailyGradesView> {
      const [cls] = await db
        .select({ code: classes.code, name: classes.name })
        .from(classes)
        .where(eq(classes.id, classId))
        .limit(1);
      if (!cls) throw new AppError('NOT_FOUND');
      const rows = await db
        .select({ q: quizzes, date: classSessions.date })
        .from(quizzes)
        .innerJoin(classSessions, eq(classSessions.id, quizzes.sessionId))
        .where(and(eq(quizzes.classId, classId), eq(quizzes.status, 'closed')));
      const graded: GradedQuiz[] = rows.map(({ q, date }) => ({
        id: q.id,
        date,
        title: titleOf(q),
        pushedAt: q.pushedAt,
        closedAt: q.closedAt ?? q.closesAt,
        totalScore: q.totalScore,
      }));
      const trainees = (await rosterNames(db, classId)).filter(
        (t) => !accountId || t.accountId === accountId,
      );
      const ids = graded.map((q) => q.id);
      const one = accountId ? [eq(quizAnswers.accountId, accountId)] : [];
      const answers = ids.length
        ? await db
            .select()
            .from(quizAnswers)
            .where(and(inArray(quizAnswers.quizId, ids), ...one))
        : [];
      const events = ids.length
        ? await db
            .select({
              sessionId: livePresenceEvents.sessionId,
              accountId: livePresenceEvents.accountId,
              event: livePresenceEvents.event,
              at: livePresenceEvents.at,
            })
            .from(livePresenceEvents)
            .where(
              and(
                eq(livePresenceEvents.classId, classId),
                inArray(livePresenceEvents.sessionId, [...new Set(rows.map((r) => r.q.sessionId))]),
                ...(accountId ? [eq(livePresenceEvents.accountId, accountId)] : []),
              ),
            )
            .orderBy(asc(livePresenceEvents.at))
        : [];
      // A presence still open counts up to now, or at least to the last close (clocks of nodes differ).
      const now = new Date(Math.max(clock.now().getTime(), ...graded.map((q) => q.closedAt.getTime())));
      const bySession = new Map<string, typeof events>();
      for (const e of events) {
        const k = `${e.accountId}:${e.sessionId}`;
        bySession.set(k, [...(bySession.get(k) ?? []), e]);
      }
      const present = new Map<string, Array<{ from: number; to: number }>>();
      for (const [k, list] of bySession) {
        const acc = k.slice(0, k.indexOf(':'));
        const spans = summarizePresence(list, now).intervals.map((i) => ({
          from: Date.parse(i.from),
          to: Date.parse(i.to),
        }));
        present.set(acc, [...(present.get(acc) ?? []), ...spans]);
      }
      const { dates, grades } = dailyGrades(
        graded,
        trainees,
        new Map(answers.map((a) => [`${a.quizId}:${a.accountId}`, { score: a.score, max: a.max }])),
        present,
      );
      return { classId, classCode: cls.code, className: cls.name, dates, grades };
    },
  };
}
export type QuizService = ReturnType<typeof createQuizService>;

/**
 * JS-14 / JS-15: one trainee's quiz answers in a class, for the evidence timeline ("10:15 随堂测试 3/4 分"):
 * each answered quiz with its score once closed.
 */
export async function quizTimelineFacts(db: DbOrTx, classId: string, accountId: string) {
  return db
    .select({
      sessionId: quizzes.sessionId,
      title: quizzes.title,
      status: quizzes.status,
      totalScore: quizzes.totalScore,
      answeredAt: quizAnswers.answeredAt,
      score: quizAnswers.score,
      max: quizAnswers.max,
    })
    .from(quizAnswers)
    .innerJoin(quizzes, eq(quizzes.id, quizAnswers.quizId))
    .where(and(eq(quizzes.classId, classId), eq(quizAnswers.accountId, accountId)));
}
