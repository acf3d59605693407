import {
  QUESTION_TYPES,
  QUESTION_TYPE_LABELS,
  type Blueprint,
  type BlueprintCell,
  type CandidatePaper,
  type LocalizedText,
  type Paper,
  type PaperQuestion,
  type PoolQuestion,
  type QuestionType,
} from '@seafarer/contracts';
import { AppError } from '../shared/errors';
import { candidatePaperSeed, createPrng, drawDistinct, shuffled, type Prng } from './prng';
import { blanksOf, toCenti } from './marking';

/**
 * JS-7.3 系统组卷: a paper drawn from the bank by a blueprint, reproducibly from a stored seed.
 *
 * - Each cell (chapter × type × difficulty) draws `count` distinct questions from the pool's questions
 *   of that cell, uniformly. The caller passes the active questions at their current versions
 *   (retired questions are never drawn); the pool is put in a canonical order (question id, version id)
 *   first, so the same seed, pool and blueprint give the same paper whatever order the database
 *   returned the rows in.
 * - Order on the paper: by type (single, multiple, true/false, fill-in, short answer, as printed
 *   papers run), then at random within a type; numbered from 1.
 * - Choice questions have their options shuffled and relettered A, B, … as shown; `optionMap` (shown
 *   key → original key) is stored in the paper and marking maps the candidate's keys back through it.
 * - One fixed paper for all: `assemblePaper(blueprint, pool, examSeed)`. A paper per candidate:
 *   `assembleCandidatePaper(…, examSeed, candidateId)`, whose seed is derived from both.
 *   `preparePool(pool)` sorts and groups the pool once for drawing many papers from it.
 * - A cell the pool cannot fill fails the whole assembly with VALIDATION naming the cell (chapter,
 *   type, difficulty, needed, available); `details.short` lists every short cell.
 */

/** The order of types on a paper. */
export const PAPER_TYPE_ORDER: readonly QuestionType[] = QUESTION_TYPES;

const CHOICE_TYPES: ReadonlySet<QuestionType> = new Set(['single', 'multiple']);
const SHOWN_KEYS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';

export interface ShortCell {
  chapter: string;
  type: QuestionType;
  difficulty: number;
  needed: number;
  available: number;
}

const cellKey = (c: { chapter: string; type: string; difficulty: number }) =>
  `${c.chapter}\u0000${c.type}\u0000${c.difficulty}`;

const describeCell = (c: ShortCell): LocalizedText => ({
  zh: `章节“${c.chapter}”、${QUESTION_TYPE_LABELS[c.type].zh}、难度 ${c.difficulty}：需要 ${c.needed} 题，题库中可用 ${c.available} 题`,
  en: `chapter "${c.chapter}", ${QUESTION_TYPE_LABELS[c.type].en.toLowerCase()}, difficulty ${c.difficulty}: needs ${c.needed}, the bank has ${c.available}`,
});

function blueprintError(message: LocalizedText, details: unknown): AppError {
  return new AppError('VALIDATION', { message, details });
}

/** Refuses a blueprint that names a cell twice (its counts would be ambiguous). */
export function checkBlueprint(blueprint: Blueprint): void {
  if (blueprint.cells.length === 0)
    throw blueprintError(
      { zh: '组卷规则中没有任何题目', en: 'The blueprint asks for no questions' },
      { in: 'blueprint' },
    );
  const seen = new Set<string>();
  for (const c of blueprint.cells) {
    if (!Number.isInteger(c.count) || c.count < 1)
      throw blueprintError(
        {
          zh: `题数须为正整数（章节“${c.chapter}”）`,
          en: `A count must be a positive integer (chapter "${c.chapter}")`,
        },
        { in: 'blueprint', cell: c },
      );
    const k = cellKey(c);
    if (seen.has(k))
      throw blueprintError(
        {
          zh: `组卷规则重复列出了章节“${c.chapter}”、${QUESTION_TYPE_LABELS[c.type].zh}、难度 ${c.difficulty}`,
          en: `The blueprint lists chapter "${c.chapter}", ${QUESTION_TYPE_LABELS[c.type].en.toLowerCase()}, difficulty ${c.difficulty} twice`,
        },
        { in: 'blueprint', cell: c },
      );
    seen.add(k);
  }
}

/** The cells the pool cannot fill, in blueprint order (empty: the blueprint can be met). */
export function shortCells(blueprint: Blueprint, pool: readonly PoolQuestion[]): ShortCell[] {
  const available = new Map<string, Set<string>>();
  for (const q of pool) {
    const k = cellKey(q);
    let s = available.get(k);
    if (!s) available.set(k, (s = new Set()));
    s.add(q.questionId);
  }
  const short: ShortCell[] = [];
  for (const c of blueprint.cells) {
    const n = available.get(cellKey(c))?.size ?? 0;
    if (n < c.count)
      short.push({
        chapter: c.chapter,
        type: c.type,
        difficulty: c.difficulty,
        needed: c.count,
        available: n,
      });
  }
  return short;
}

/** A question the paper cannot be made with: two versions of one question, or an answer unfit for its type. */
function checkPoolQuestion(q: PoolQuestion): void {
  const bad = (why: LocalizedText) =>
    blueprintError(
      {
        zh: `题目 ${q.questionId} 不能组卷：${why.zh}`,
        en: `Question ${q.questionId} cannot be drawn: ${why.en}`,
      },
      { in: 'pool', questionId: q.questionId, versionId: q.versionId },
    );
  if (CHOICE_TYPES.has(q.type)) {
    const keys = new Set((q.options ?? []).map((o) => o.key));
    const answer = q.answer.keys ?? [];
    if (keys.size < 2 || keys.size !== (q.options ?? []).length || keys.size > SHOWN_KEYS.length)
      throw bad({ zh: '选项缺失或重复', en: 'its options are missing or repeated' });
    if (
      answer.length === 0 ||
      answer.some((k) => !keys.has(k)) ||
      (q.type === 'single' && answer.length !== 1)
    )
      throw bad({ zh: '正确选项不在选项中', en: 'its correct keys do not fit its options' });
  } else if (q.type === 'true_false') {
    if (typeof q.answer.value !== 'boolean')
      throw bad({ zh: '缺少判断答案', en: 'it has no true/false answer' });
  } else if (q.type === 'fill_in') {
    if (blanksOf(q.answer).length === 0) throw bad({ zh: '缺少填空答案', en: 'it has no accepted answer' });
  }
  if (!(q.score > 0)) throw bad({ zh: '分值须大于 0', en: 'its score must be above 0' });
}

function paperQuestion(q: PoolQuestion, cell: BlueprintCell, rng: Prng): Omit<PaperQuestion, 'no'> {
  const score = toCenti(cell.scorePerQuestion ?? q.score) / 100;
  const base = {
    questionId: q.questionId,
    versionId: q.versionId,
    type: q.type,
    chapter: q.chapter,
    difficulty: q.difficulty,
    score,
    ...(q.stem === undefined ? {} : { stem: q.stem }),
    answer: q.answer,
  };
  if (!CHOICE_TYPES.has(q.type)) return base;
  const order = shuffled(q.options ?? [], rng);
  const optionMap: Record<string, string> = {};
  const options = order.map((o, i) => {
    const shown = SHOWN_KEYS[i]!;
    optionMap[shown] = o.key;
    return { key: shown, text: o.text };
  });
  return { ...base, options, optionMap };
}

/**
 * A pool sorted and grouped by cell once, for drawing many papers from it (a paper per candidate):
 * `assemblePaper` takes it in place of the array. Refuses two versions of one question.
 */
export interface PreparedPool {
  readonly kind: 'prepared_pool';
  readonly byCell: ReadonlyMap<string, readonly PoolQuestion[]>;
  /** Cells whose questions were checked already (a memo; the questions are never changed). */
  readonly checkedCells: Set<string>;
}

export function preparePool(pool: readonly PoolQuestion[]): PreparedPool {
  const seen = new Set<string>();
  for (const q of pool) {
    if (seen.has(q.questionId))
      throw blueprintError(
        {
          zh: `题目 ${q.questionId} 在题库中出现了两个版本，只能取当前版本`,
          en: `Question ${q.questionId} is in the pool twice; pass its current version only`,
        },
        { in: 'pool', questionId: q.questionId },
      );
    seen.add(q.questionId);
  }
  // Canonical order (question ids are distinct): the paper does not depend on the query's row order.
  const canonical = [...pool].sort((a, b) =>
    a.questionId < b.questionId ? -1 : a.questionId > b.questionId ? 1 : 0,
  );
  const byCell = new Map<string, PoolQuestion[]>();
  for (const q of canonical) {
    const k = cellKey(q);
    let list = byCell.get(k);
    if (!list) byCell.set(k, (list = []));
    list.push(q);
  }
  return { kind: 'prepared_pool', byCell, checkedCells: new Set() };
}

const EMPTY: readonly PoolQuestion[] = [];

/**
 * Draws a paper by `blueprint` from `pool` with the PRNG seeded by `seed`. Throws VALIDATION naming
 * the short cell when the pool cannot fill one; nothing is drawn then.
 */
export function assemblePaper(
  blueprint: Blueprint,
  pool: readonly PoolQuestion[] | PreparedPool,
  seed: string,
): Paper {
  if (typeof seed !== 'string' || seed.length === 0)
    throw blueprintError({ zh: '缺少组卷种子', en: 'The paper seed is missing' }, { in: 'seed' });
  checkBlueprint(blueprint);
  const prepared = 'kind' in pool ? pool : preparePool(pool);
  const short: ShortCell[] = [];
  for (const c of blueprint.cells) {
    const available = prepared.byCell.get(cellKey(c))?.length ?? 0;
    if (available < c.count)
      short.push({ chapter: c.chapter, type: c.type, difficulty: c.difficulty, needed: c.count, available });
  }
  if (short.length > 0) {
    const first = describeCell(short[0]!);
    const more = short.length - 1;
    throw blueprintError(
      {
        zh: `题库无法满足组卷规则：${first.zh}${more > 0 ? `；另有 ${more} 项不足` : ''}`,
        en: `The bank cannot meet the blueprint: ${first.en}${more > 0 ? `; ${more} more cell${more > 1 ? 's' : ''} short` : ''}`,
      },
      { in: 'blueprint', short },
    );
  }

  // Every question a cell may draw is checked, not only those drawn, so whether a paper can be made
  // does not depend on the seed; questions of cells the blueprint does not use are not its concern.
  for (const cell of blueprint.cells) {
    const k = cellKey(cell);
    if (prepared.checkedCells.has(k)) continue;
    for (const q of prepared.byCell.get(k) ?? EMPTY) checkPoolQuestion(q);
    prepared.checkedCells.add(k);
  }

  const rng = createPrng(seed);
  const byType = new Map<QuestionType, Omit<PaperQuestion, 'no'>[]>();
  for (const cell of blueprint.cells) {
    for (const q of drawDistinct(prepared.byCell.get(cellKey(cell))!, cell.count, rng)) {
      let list = byType.get(q.type);
      if (!list) byType.set(q.type, (list = []));
      list.push(paperQuestion(q, cell, rng));
    }
  }
  const questions: PaperQuestion[] = [];
  for (const type of PAPER_TYPE_ORDER) {
    for (const q of shuffled(byType.get(type) ?? [], rng)) questions.push({ no: questions.length + 1, ...q });
  }
  const totalCenti = questions.reduce((sum, q) => sum + toCenti(q.score), 0);
  return { seed, questions, totalScore: totalCenti / 100 };
}

/** A paper of its own for one candidate (and attempt: a retake draws afresh), from the exam's seed. */
export function assembleCandidatePaper(
  blueprint: Blueprint,
  pool: readonly PoolQuestion[] | PreparedPool,
  examSeed: string,
  candidateId: string,
  attempt = 1,
): Paper {
  return assemblePaper(blueprint, pool, candidatePaperSeed(examSeed, candidateId, attempt));
}

/** The paper as the candidate's page shows it: no answers, no option mapping; fill-in says how many blanks. */
export function candidatePaper(paper: Paper): CandidatePaper {
  return {
    totalScore: paper.totalScore,
    questions: paper.questions.map(({ answer, optionMap: _optionMap, ...q }) =>
      q.type === 'fill_in' ? { ...q, blanks: blanksOf(answer).length } : q,
    ),
  };
}

/** What a blueprint asks for in all: questions and points (a cell without its own score counts as null). */
export function blueprintTotals(blueprint: Blueprint): { questions: number; score: number | null } {
  let questions = 0;
  let centi = 0;
  let known = true;
  for (const c of blueprint.cells) {
    questions += c.count;
    if (c.scorePerQuestion === undefined) known = false;
    else centi += c.count * toCenti(c.scorePerQuestion);
  }
  return { questions, score: known ? centi / 100 : null };
}
