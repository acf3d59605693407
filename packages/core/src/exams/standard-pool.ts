import { and, asc, eq, sql } from 'drizzle-orm';
import {
  QUESTION_TYPE_LABELS,
  type BankCellsView,
  type PaperAnswerKey,
  type PoolQuestion,
  type QuestionType,
} from '@seafarer/contracts';
import { questions, questionVersions, type DbOrTx } from '@seafarer/db';

/**
 * JS-7.3: what a paper may be drawn from — the item's active questions at their current versions
 * (retired questions are never drawn). Order does not matter (paper.ts puts the pool in canonical order).
 */
export async function loadPool(tx: DbOrTx, itemId: string): Promise<PoolQuestion[]> {
  const rows = await tx
    .select({ q: questions, v: questionVersions })
    .from(questions)
    .innerJoin(questionVersions, eq(questionVersions.id, questions.currentVersionId))
    .where(and(eq(questions.trainingItemId, itemId), eq(questions.status, 'active')));
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

/** The item's active questions counted per cell (chapter × type × difficulty), for the blueprint editor. */
export async function bankCells(tx: DbOrTx, itemId: string): Promise<BankCellsView> {
  const rows = await tx
    .select({
      chapter: questionVersions.chapter,
      type: questionVersions.type,
      difficulty: questionVersions.difficulty,
      available: sql<number>`count(*)::int`,
    })
    .from(questions)
    .innerJoin(questionVersions, eq(questionVersions.id, questions.currentVersionId))
    .where(and(eq(questions.trainingItemId, itemId), eq(questions.status, 'active')))
    .groupBy(questionVersions.chapter, questionVersions.type, questionVersions.difficulty)
    .orderBy(asc(questionVersions.chapter), asc(questionVersions.type), asc(questionVersions.difficulty));
  return {
    chapters: [...new Set(rows.map((r) => r.chapter))],
    cells: rows.map((r) => ({
      chapter: r.chapter,
      type: r.type as QuestionType,
      typeLabel: QUESTION_TYPE_LABELS[r.type as QuestionType],
      difficulty: r.difficulty,
      available: r.available,
    })),
  };
}
