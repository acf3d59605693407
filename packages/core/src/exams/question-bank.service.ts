import { and, asc, desc, eq, inArray, sql } from 'drizzle-orm';
import {
  QUESTION_DIFFICULTY_LABELS,
  QUESTION_STATUS_LABELS,
  QUESTION_TYPE_LABELS,
  type QuestionBody,
  type QuestionDetailView,
  type QuestionDifficulty,
  type QuestionListQuery,
  type QuestionListView,
  type QuestionOption,
  type QuestionAnswer,
  type QuestionStatus,
  type QuestionType,
  type QuestionVersionView,
  type QuestionView,
} from '@seafarer/contracts';
import {
  accounts,
  people,
  questions,
  questionVersions,
  trainingItems,
  type Db,
  type DbOrTx,
} from '@seafarer/db';
import { formatChinaMinute } from '../filing/china-time';
import { tooComplex } from '../roster/roster-file';
import type { Clock } from '../shared/clock';
import type { Actor, Ctx } from '../shared/context';
import { AppError } from '../shared/errors';
import { createParsePool, type ParsePool } from '../shared/parse-pool';
import { auditedWrite } from '../shared/tx';
import { answerText, checkQuestion, type CheckedQuestion } from './question-bank';
import {
  buildQuestionExport,
  buildQuestionTemplate,
  validateQuestionRows,
  type QuestionFileResult,
  type QuestionRowError,
} from './question-import';

type AuthedCtx = Ctx & { actor: Actor };
type VersionRow = typeof questionVersions.$inferSelect;
type QuestionRow = typeof questions.$inferSelect;

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

const invalidQuestion = (problems: { field: string; code: string; zh: string; en: string }[]) =>
  new AppError('VALIDATION', {
    message: {
      zh: `题目有 ${problems.length} 处不符合要求，未保存`,
      en: `The question has ${problems.length} problem(s); nothing was saved`,
    },
    details: { problems },
  });

/**
 * QM-2: the question bank of a training item. Every write is audited; an edit inserts a new immutable
 * version and moves the question's current version; retiring keeps every version (papers keep the
 * version they drew) and only stops the question from being drawn.
 */
export function createQuestionBankService(deps: { db: Db; clock: Clock; parsePool?: ParsePool }) {
  const { db, clock } = deps;
  const parsePool = deps.parsePool ?? createParsePool();

  async function item(tx: DbOrTx, itemId: string) {
    const [r] = await tx
      .select({ id: trainingItems.id, institutionId: trainingItems.institutionId, code: trainingItems.code })
      .from(trainingItems)
      .where(eq(trainingItems.id, itemId))
      .limit(1);
    if (!r) throw new AppError('NOT_FOUND');
    return r;
  }

  async function names(tx: DbOrTx, ids: string[]) {
    const unique = [...new Set(ids)];
    if (unique.length === 0) return new Map<string, string>();
    const rows = await tx
      .select({ id: accounts.id, name: people.displayName })
      .from(accounts)
      .innerJoin(people, eq(people.id, accounts.personId))
      .where(inArray(accounts.id, unique));
    return new Map(rows.map((r) => [r.id, r.name]));
  }

  const versionView = (v: VersionRow, who: Map<string, string>): QuestionVersionView => {
    const type = v.type as QuestionType;
    const answer = v.answer as QuestionAnswer;
    return {
      id: v.id,
      version: v.version,
      type,
      typeLabel: QUESTION_TYPE_LABELS[type],
      stem: v.stem,
      options: v.options as QuestionOption[],
      answer,
      answerText: answerText(type, answer),
      chapter: v.chapter,
      knowledgePoint: v.knowledgePoint,
      difficulty: v.difficulty,
      difficultyLabel: QUESTION_DIFFICULTY_LABELS[v.difficulty as QuestionDifficulty],
      score: v.score,
      explanation: v.explanation,
      createdByName: who.get(v.createdBy) ?? '',
      createdAt: v.createdAt.toISOString(),
      createdAtText: formatChinaMinute(v.createdAt),
    };
  };

  async function viewsOf(tx: DbOrTx, rows: { q: QuestionRow; v: VersionRow; count: number }[]) {
    const who = await names(
      tx,
      rows.map((r) => r.v.createdBy),
    );
    return rows.map((r): QuestionView => ({
      id: r.q.id,
      trainingItemId: r.q.trainingItemId,
      status: r.q.status as QuestionStatus,
      statusLabel: QUESTION_STATUS_LABELS[r.q.status as QuestionStatus],
      versionCount: r.count,
      current: versionView(r.v, who),
    }));
  }

  const versionCount = sql<number>`(select count(*)::int from ${questionVersions} qv where qv.question_id = ${questions.id})`;

  async function listRows(tx: DbOrTx, itemId: string, f: QuestionListQuery = {}) {
    const where = [eq(questions.trainingItemId, itemId)];
    if (f.status) where.push(eq(questions.status, f.status));
    if (f.type) where.push(eq(questionVersions.type, f.type));
    if (f.chapter) where.push(eq(questionVersions.chapter, f.chapter));
    if (f.difficulty) where.push(eq(questionVersions.difficulty, f.difficulty));
    return tx
      .select({ q: questions, v: questionVersions, count: versionCount })
      .from(questions)
      .innerJoin(questionVersions, eq(questionVersions.id, questions.currentVersionId))
      .where(and(...where))
      .orderBy(asc(questionVersions.chapter), asc(questions.createdAt), asc(questions.id));
  }

  async function questionOf(tx: DbOrTx, itemId: string, questionId: string, lock = false) {
    const q = tx
      .select()
      .from(questions)
      .where(and(eq(questions.id, questionId), eq(questions.trainingItemId, itemId)))
      .limit(1);
    const [r] = lock ? await q.for('update') : await q;
    if (!r) throw new AppError('NOT_FOUND');
    return r;
  }

  async function insertVersion(
    tx: DbOrTx,
    questionId: string,
    version: number,
    c: CheckedQuestion,
    by: string,
  ) {
    const [v] = await tx
      .insert(questionVersions)
      .values({ questionId, version, ...c, createdBy: by, createdAt: clock.now() })
      .returning();
    return v!;
  }

  async function insertQuestion(
    tx: DbOrTx,
    it: { id: string; institutionId: string },
    c: CheckedQuestion,
    by: string,
  ) {
    const now = clock.now();
    const [q] = await tx
      .insert(questions)
      .values({
        institutionId: it.institutionId,
        trainingItemId: it.id,
        createdBy: by,
        createdAt: now,
        updatedAt: now,
      })
      .returning();
    const v = await insertVersion(tx, q!.id, 1, c, by);
    await tx.update(questions).set({ currentVersionId: v.id }).where(eq(questions.id, q!.id));
    return { q: q!, v };
  }

  const checked = (body: QuestionBody) => {
    const r = checkQuestion(body);
    if (!r.ok) throw invalidQuestion(r.problems);
    return r.value;
  };

  async function readQuestionFile(data: Uint8Array) {
    const outcome = await parsePool.run('questions', data);
    let file: QuestionFileResult;
    if (outcome.ok) file = outcome.value;
    else if (outcome.limit === 'crashed')
      file = {
        ok: false,
        problem: {
          code: 'SPREADSHEET_INVALID',
          reason: 'NOT_A_SPREADSHEET',
          zh: '无法读取该表格文件，请用题库模板填写后另存为 .xlsx',
          en: 'The spreadsheet cannot be read; fill in the question template and save it as .xlsx',
        },
      };
    else file = { ok: false, problem: tooComplex(outcome.limit, parsePool.settings.timeoutMs / 1000) };
    if (!file.ok) {
      const { code, zh, en, reason } = file.problem;
      const errors: QuestionRowError[] = [{ row: 0, field: '', column: '', columnEn: '', code, zh, en }];
      throw new AppError('SPREADSHEET_INVALID', {
        message: { zh, en },
        details: { errors, errorCount: 1, reason },
      });
    }
    return file.rows;
  }

  async function get(itemId: string, questionId: string): Promise<QuestionDetailView> {
    const q = await questionOf(db, itemId, questionId);
    const versions = await db
      .select()
      .from(questionVersions)
      .where(eq(questionVersions.questionId, q.id))
      .orderBy(desc(questionVersions.version));
    const who = await names(
      db,
      versions.map((v) => v.createdBy),
    );
    const current = versions.find((v) => v.id === q.currentVersionId)!;
    const [view] = await viewsOf(db, [{ q, v: current, count: versions.length }]);
    return { ...view!, versions: versions.map((v) => versionView(v, who)) };
  }

  return {
    /** QM-2: the item's questions at their current version, filtered; the chapters for the filter. */
    async list(itemId: string, filters: QuestionListQuery = {}): Promise<QuestionListView> {
      const rows = await listRows(db, itemId, filters);
      const chapters = await db
        .selectDistinct({ chapter: questionVersions.chapter })
        .from(questions)
        .innerJoin(questionVersions, eq(questionVersions.id, questions.currentVersionId))
        .where(eq(questions.trainingItemId, itemId))
        .orderBy(asc(questionVersions.chapter));
      return { items: await viewsOf(db, rows), chapters: chapters.map((c) => c.chapter) };
    },

    get,

    async create(ctx: AuthedCtx, itemId: string, body: QuestionBody): Promise<QuestionDetailView> {
      const c = checked(body);
      const id = await auditedWrite(db, clock, ctx, async (tx) => {
        const it = await item(tx, itemId);
        const { q, v } = await insertQuestion(tx, it, c, ctx.actor.accountId);
        return {
          result: q.id,
          audit: {
            action: 'question.created',
            targetType: 'question',
            targetId: q.id,
            institutionId: it.institutionId,
            data: { trainingItemId: itemId, versionId: v.id, type: c.type, chapter: c.chapter },
          },
        };
      });
      return get(itemId, id);
    },

    /** QM-2: an edit is a new version; the old one is kept as it was. */
    async edit(
      ctx: AuthedCtx,
      itemId: string,
      questionId: string,
      body: QuestionBody,
    ): Promise<QuestionDetailView> {
      const c = checked(body);
      await auditedWrite(db, clock, ctx, async (tx) => {
        const q = await questionOf(tx, itemId, questionId, true);
        const [last] = await tx
          .select({ n: sql<number>`max(${questionVersions.version})::int` })
          .from(questionVersions)
          .where(eq(questionVersions.questionId, q.id));
        const v = await insertVersion(tx, q.id, (last?.n ?? 0) + 1, c, ctx.actor.accountId);
        await tx
          .update(questions)
          .set({ currentVersionId: v.id, updatedAt: clock.now() })
          .where(eq(questions.id, q.id));
        return {
          result: null,
          audit: {
            action: 'question.edited',
            targetType: 'question',
            targetId: q.id,
            institutionId: q.institutionId,
            data: {
              trainingItemId: itemId,
              versionId: v.id,
              version: v.version,
              previousVersionId: q.currentVersionId,
            },
          },
        };
      });
      return get(itemId, questionId);
    },

    /** QM-2: retired questions are never drawn into a paper or quiz; reactivating lets them be drawn again. */
    async setRetired(
      ctx: AuthedCtx,
      itemId: string,
      questionId: string,
      retired: boolean,
    ): Promise<QuestionDetailView> {
      await auditedWrite(db, clock, ctx, async (tx) => {
        const q = await questionOf(tx, itemId, questionId, true);
        const status = retired ? 'retired' : 'active';
        await tx.update(questions).set({ status, updatedAt: clock.now() }).where(eq(questions.id, q.id));
        return {
          result: null,
          audit: {
            action: retired ? 'question.retired' : 'question.reactivated',
            targetType: 'question',
            targetId: q.id,
            institutionId: q.institutionId,
            data: { trainingItemId: itemId, from: q.status, to: status },
          },
        };
      });
      return get(itemId, questionId);
    },

    /** QM-2 / SEC-2: an XLSX of questions, every row checked; all are imported or none. */
    async importFile(ctx: AuthedCtx, itemId: string, data: Uint8Array): Promise<{ imported: number }> {
      const rows = await readQuestionFile(data);
      const result = validateQuestionRows(rows);
      if (!result.ok)
        throw new AppError('VALIDATION', {
          message: {
            zh: `题库文件有 ${result.errors.length} 处错误，未导入任何题目，请按逐行错误修改后重新导入`,
            en: `The question file has ${result.errors.length} error(s); nothing was imported. Fix the rows listed and import again`,
          },
          details: { errors: result.errors, errorCount: result.errors.length },
        });
      return auditedWrite(db, clock, ctx, async (tx) => {
        const it = await item(tx, itemId);
        const ids: string[] = [];
        for (const c of result.questions)
          ids.push((await insertQuestion(tx, it, c, ctx.actor.accountId)).q.id);
        return {
          result: { imported: ids.length },
          audit: {
            action: 'question.imported',
            targetType: 'training_item',
            targetId: itemId,
            institutionId: it.institutionId,
            data: { count: ids.length, questionIds: ids },
          },
        };
      });
    },

    async template(itemId: string) {
      const it = await item(db, itemId);
      return {
        filename: `question-template-${it.code}.xlsx`,
        contentType: XLSX,
        body: await buildQuestionTemplate(),
      };
    },

    /** QM-2: the item's active questions at their current version, in the template's columns. */
    async exportFile(itemId: string) {
      const it = await item(db, itemId);
      const rows = await listRows(db, itemId, { status: 'active' });
      const body = await buildQuestionExport(
        rows.map(({ v }) => ({
          type: v.type as QuestionType,
          stem: v.stem,
          options: v.options as QuestionOption[],
          answer: v.answer as QuestionAnswer,
          chapter: v.chapter,
          knowledgePoint: v.knowledgePoint,
          difficulty: v.difficulty,
          score: v.score,
          explanation: v.explanation,
        })),
      );
      return { filename: `question-bank-${it.code}.xlsx`, contentType: XLSX, body };
    },
  };
}

export type QuestionBankService = ReturnType<typeof createQuestionBankService>;
