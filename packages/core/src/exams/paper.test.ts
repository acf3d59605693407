import type { Blueprint, Paper, PoolQuestion, QuestionType } from '@seafarer/contracts';
import { AppError } from '../shared/errors';
import { markAttempt } from './marking';
import {
  assembleCandidatePaper,
  assemblePaper,
  blueprintTotals,
  candidatePaper,
  preparePool,
  shortCells,
} from './paper';
import { candidatePaperSeed, newPaperSeed } from './prng';

const uuid = (n: number) => `00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;
const CHAPTERS = ['船舶结构', '消防', '救生'];
const TYPES: QuestionType[] = ['single', 'multiple', 'true_false', 'fill_in', 'short_answer'];

function question(n: number, chapter: string, type: QuestionType, difficulty: number): PoolQuestion {
  const base = { questionId: uuid(n), versionId: uuid(1_000_000 + n), chapter, type, difficulty, score: 2 };
  const options = ['A', 'B', 'C', 'D'].map((key) => ({ key, text: `q${n} option ${key}` }));
  switch (type) {
    case 'single':
      return { ...base, options, answer: { keys: ['B'] } };
    case 'multiple':
      return { ...base, options, answer: { keys: ['A', 'C'] } };
    case 'true_false':
      return { ...base, answer: { value: n % 2 === 0 } };
    case 'fill_in':
      return { ...base, answer: { accepted: ['水手'], synonyms: ['海员'] } };
    default:
      return { ...base, answer: { reference: '参考答案' } };
  }
}

/** `perCell` questions in every chapter × type × difficulty 1–3. */
function makePool(perCell: number): PoolQuestion[] {
  const pool: PoolQuestion[] = [];
  let n = 1;
  for (const chapter of CHAPTERS)
    for (const type of TYPES)
      for (const difficulty of [1, 2, 3])
        for (let i = 0; i < perCell; i++) pool.push(question(n++, chapter, type, difficulty));
  return pool;
}

const BLUEPRINT: Blueprint = {
  cells: [
    { chapter: '船舶结构', type: 'single', difficulty: 1, count: 4, scorePerQuestion: 1 },
    { chapter: '船舶结构', type: 'multiple', difficulty: 2, count: 3, scorePerQuestion: 2 },
    { chapter: '消防', type: 'single', difficulty: 2, count: 5 },
    { chapter: '消防', type: 'true_false', difficulty: 1, count: 6, scorePerQuestion: 0.5 },
    { chapter: '救生', type: 'fill_in', difficulty: 3, count: 2, scorePerQuestion: 3 },
    { chapter: '救生', type: 'short_answer', difficulty: 3, count: 1, scorePerQuestion: 10 },
  ],
};

const cellOf = (q: { chapter: string; type: string; difficulty: number }) =>
  `${q.chapter}/${q.type}/${q.difficulty}`;
const fingerprint = (p: Paper) =>
  p.questions.map((q) => `${q.versionId}:${(q.options ?? []).map((o) => o.text).join('|')}`).join(',');

function thrown(fn: () => unknown): AppError {
  try {
    fn();
  } catch (e) {
    if (e instanceof AppError) return e;
    throw e;
  }
  throw new Error('expected an AppError');
}

describe('paper assembly by blueprint', () => {
  it('[JS-7.3] a blueprint draws the right counts per cell', () => {
    const pool = makePool(8);
    const byId = new Map(pool.map((q) => [q.questionId, q]));
    for (let i = 0; i < 40; i++) {
      const paper = assemblePaper(BLUEPRINT, pool, `seed-${i}`);
      expect(paper.questions).toHaveLength(21);
      // Every cell gets exactly its count, of distinct questions of that very cell, from the pool.
      const counts = new Map<string, number>();
      for (const q of paper.questions) {
        const source = byId.get(q.questionId)!;
        expect(source).toBeDefined();
        expect(q.versionId).toBe(source.versionId);
        expect(cellOf(q)).toBe(cellOf(source));
        counts.set(cellOf(q), (counts.get(cellOf(q)) ?? 0) + 1);
      }
      expect(Object.fromEntries(counts)).toEqual(
        Object.fromEntries(BLUEPRINT.cells.map((c) => [cellOf(c), c.count])),
      );
      expect(new Set(paper.questions.map((q) => q.questionId)).size).toBe(21);
      // Scores: the cell's score per question, else the question's own (2).
      expect(
        paper.questions
          .filter((q) => q.chapter === '消防' && q.type === 'single')
          .every((q) => q.score === 2),
      ).toBe(true);
      expect(paper.totalScore).toBe(4 * 1 + 3 * 2 + 5 * 2 + 6 * 0.5 + 2 * 3 + 10);
      // Numbered from 1, grouped by type in the paper order.
      expect(paper.questions.map((q) => q.no)).toEqual(Array.from({ length: 21 }, (_, k) => k + 1));
      const typeRank = paper.questions.map((q) => TYPES.indexOf(q.type));
      expect(typeRank).toEqual([...typeRank].sort((a, b) => a - b));
    }
    expect(blueprintTotals(BLUEPRINT)).toEqual({ questions: 21, score: null });
    expect(blueprintTotals({ cells: [BLUEPRINT.cells[0]!, BLUEPRINT.cells[5]!] })).toEqual({
      questions: 5,
      score: 14,
    });
    // A cell asking for all its questions takes all of them.
    const exact = assemblePaper(
      { cells: [{ chapter: '消防', type: 'multiple', difficulty: 3, count: 8 }] },
      pool,
      'x',
    );
    expect(new Set(exact.questions.map((q) => q.questionId))).toEqual(
      new Set(pool.filter((q) => cellOf(q) === '消防/multiple/3').map((q) => q.questionId)),
    );
  });

  it('[JS-7.3] the same seed gives the same paper; another seed another', () => {
    const pool = makePool(8);
    const seed = newPaperSeed();
    expect(seed).toMatch(/^[0-9a-f]{32}$/);
    const first = assemblePaper(BLUEPRINT, pool, seed);
    // Same seed, same pool: the same paper, also when the database returns the rows in another order.
    expect(assemblePaper(BLUEPRINT, pool, seed)).toEqual(first);
    expect(assemblePaper(BLUEPRINT, [...pool].reverse(), seed)).toEqual(first);
    const shuffledPool = [...pool].sort((a, b) => (a.versionId.slice(-3) < b.versionId.slice(-3) ? -1 : 1));
    expect(assemblePaper(BLUEPRINT, shuffledPool, seed)).toEqual(first);
    // A pool prepared once for many candidates draws the same papers as the array.
    const prepared = preparePool(shuffledPool);
    expect(assemblePaper(BLUEPRINT, prepared, seed)).toEqual(first);
    expect(assemblePaper(BLUEPRINT, prepared, seed)).toEqual(first);
    expect(assembleCandidatePaper(BLUEPRINT, prepared, seed, uuid(5))).toEqual(
      assembleCandidatePaper(BLUEPRINT, pool, seed, uuid(5)),
    );
    expect(first.seed).toBe(seed);
    // A stored paper re-made from its seed years later is the same: pinned to the first draw here.
    const pinned = assemblePaper(
      { cells: [{ chapter: '消防', type: 'single', difficulty: 2, count: 3 }] },
      pool,
      'pinned-seed',
    );
    expect(
      pinned.questions.map((q) => [q.questionId.slice(-3), q.options!.map((o) => o.text.slice(-1)).join('')]),
    ).toEqual([
      ['081', 'CDAB'],
      ['084', 'DCBA'],
      ['083', 'CBDA'],
    ]);
    // Other seeds: other papers (pool of 360 for a paper of 21).
    const papers = new Set(
      Array.from({ length: 30 }, (_, i) => fingerprint(assemblePaper(BLUEPRINT, pool, `other-${i}`))),
    );
    expect(papers.size).toBe(30);
    // A paper per candidate: stable per candidate, different between candidates, a retake drawn afresh.
    const a1 = assembleCandidatePaper(BLUEPRINT, pool, seed, uuid(77));
    expect(assembleCandidatePaper(BLUEPRINT, pool, seed, uuid(77))).toEqual(a1);
    expect(a1.seed).toBe(candidatePaperSeed(seed, uuid(77)));
    expect(fingerprint(assembleCandidatePaper(BLUEPRINT, pool, seed, uuid(78)))).not.toBe(fingerprint(a1));
    expect(fingerprint(assembleCandidatePaper(BLUEPRINT, pool, seed, uuid(77), 2))).not.toBe(fingerprint(a1));
    expect(fingerprint(assembleCandidatePaper(BLUEPRINT, pool, newPaperSeed(), uuid(77)))).not.toBe(
      fingerprint(a1),
    );
  });

  it('[JS-7.3] papers per candidate draw every question of a cell about equally often', () => {
    const pool = makePool(8);
    const prepared = preparePool(pool);
    const blueprint: Blueprint = { cells: [{ chapter: '消防', type: 'single', difficulty: 2, count: 2 }] };
    const drawn = new Map<string, number>();
    const papers = new Set<string>();
    for (let c = 0; c < 2000; c++) {
      const paper = assembleCandidatePaper(blueprint, prepared, 'f'.repeat(32), uuid(50_000 + c));
      papers.add(
        paper.questions
          .map((q) => q.questionId)
          .sort()
          .join(),
      );
      for (const q of paper.questions) drawn.set(q.questionId, (drawn.get(q.questionId) ?? 0) + 1);
    }
    // 8 questions, 2 drawn each time: 500 draws each expected; all 28 pairs occur.
    expect(drawn.size).toBe(8);
    for (const n of drawn.values()) expect(Math.abs(n - 500)).toBeLessThan(110);
    expect(papers.size).toBe(28);
  });

  it('[JS-7.3] an impossible blueprint names the short cell', () => {
    const pool = makePool(2);
    const blueprint: Blueprint = {
      cells: [
        { chapter: '消防', type: 'single', difficulty: 1, count: 2 },
        { chapter: '消防', type: 'multiple', difficulty: 3, count: 5 },
      ],
    };
    const e = thrown(() => assemblePaper(blueprint, pool, 's'));
    expect(e.code).toBe('VALIDATION');
    expect(e.localized.zh).toBe(
      '题库无法满足组卷规则：章节“消防”、多选题、难度 3：需要 5 题，题库中可用 2 题',
    );
    expect(e.localized.en).toBe(
      'The bank cannot meet the blueprint: chapter "消防", multiple choice, difficulty 3: needs 5, the bank has 2',
    );
    expect(e.details).toEqual({
      in: 'blueprint',
      short: [{ chapter: '消防', type: 'multiple', difficulty: 3, needed: 5, available: 2 }],
    });
    // A chapter or difficulty the bank does not have at all: available 0; several short cells are all listed.
    const worse = thrown(() =>
      assemblePaper(
        {
          cells: [
            ...blueprint.cells,
            { chapter: '航海英语', type: 'single', difficulty: 1, count: 1 },
            { chapter: '救生', type: 'fill_in', difficulty: 5, count: 1 },
          ],
        },
        pool,
        's',
      ),
    );
    expect(worse.localized.zh).toContain('另有 2 项不足');
    expect(worse.localized.en).toContain('; 2 more cells short');
    expect((worse.details as { short: unknown[] }).short).toEqual([
      { chapter: '消防', type: 'multiple', difficulty: 3, needed: 5, available: 2 },
      { chapter: '航海英语', type: 'single', difficulty: 1, needed: 1, available: 0 },
      { chapter: '救生', type: 'fill_in', difficulty: 5, needed: 1, available: 0 },
    ]);
    // Two versions of one question count once (and are refused as a pool: the caller passes current versions).
    const twice = [...pool, { ...pool[0]!, versionId: uuid(9_999_999) }];
    expect(shortCells({ cells: [{ ...cellOfFirst(pool), count: 3 }] }, twice)[0]).toMatchObject({
      available: 2,
    });
    expect(thrown(() => assemblePaper(blueprint, twice, 's')).localized.en).toContain('is in the pool twice');
    // A cell listed twice is refused, naming it.
    expect(
      thrown(() =>
        assemblePaper({ cells: [blueprint.cells[0]!, { ...blueprint.cells[0]!, count: 1 }] }, pool, 's'),
      ).localized.zh,
    ).toBe('组卷规则重复列出了章节“消防”、单选题、难度 1');
    // A question whose answer does not fit its options cannot be drawn.
    const broken = pool.map((q, i) => (i === 0 ? { ...q, answer: { keys: ['Z'] } } : q));
    const itsCell: Blueprint = { cells: [{ chapter: '船舶结构', type: 'single', difficulty: 1, count: 1 }] };
    const refusal = thrown(() => assemblePaper(itsCell, broken, 's'));
    expect(refusal.details).toEqual({
      in: 'pool',
      questionId: pool[0]!.questionId,
      versionId: pool[0]!.versionId,
    });
    expect(refusal.localized.zh).toBe(`题目 ${pool[0]!.questionId} 不能组卷：正确选项不在选项中`);
    // Whatever the seed (it is checked before drawing), and not when its cell is not asked for.
    for (let i = 0; i < 10; i++) expect(() => assemblePaper(itsCell, broken, `s${i}`)).toThrow(AppError);
    expect(assemblePaper({ cells: [blueprint.cells[0]!] }, broken, 's').questions).toHaveLength(2);
    expect(thrown(() => assemblePaper({ cells: [] }, pool, 's')).code).toBe('VALIDATION');
    expect(thrown(() => assemblePaper(blueprint, pool, '')).code).toBe('VALIDATION');
  });

  it('[JS-7.3] options are shuffled and marked back through the stored mapping', () => {
    const pool = makePool(8);
    const byId = new Map(pool.map((q) => [q.questionId, q]));
    const orders = new Set<string>();
    let literalWrong = 0;
    for (let i = 0; i < 20; i++) {
      const paper = assemblePaper(BLUEPRINT, pool, `options-${i}`);
      const answers: Record<string, string | string[] | boolean> = {};
      const literal: Record<string, string | string[]> = {};
      for (const q of paper.questions) {
        const source = byId.get(q.questionId)!;
        if (q.type !== 'single' && q.type !== 'multiple') {
          expect(q.options).toBeUndefined();
          continue;
        }
        // Shown A, B, C, D in order; the mapping is a bijection onto the bank's keys, each text kept with its key.
        expect(q.options!.map((o) => o.key)).toEqual(['A', 'B', 'C', 'D']);
        expect(Object.keys(q.optionMap!).sort()).toEqual(['A', 'B', 'C', 'D']);
        expect(Object.values(q.optionMap!).sort()).toEqual(['A', 'B', 'C', 'D']);
        for (const o of q.options!) {
          expect(o.text).toBe(source.options!.find((x) => x.key === q.optionMap![o.key])!.text);
        }
        orders.add(Object.values(q.optionMap!).join(''));
        // The candidate answers the shown keys of the correct texts.
        const shownOf = (original: string) =>
          Object.keys(q.optionMap!).find((k) => q.optionMap![k] === original)!;
        const shown = source.answer.keys!.map(shownOf);
        answers[q.questionId] = q.type === 'single' ? shown[0]! : shown;
        literal[q.questionId] = q.type === 'single' ? source.answer.keys![0]! : source.answer.keys!;
      }
      const marks = markAttempt(paper, answers, { multiple: 'all_or_nothing', fillIn: 'per_blank' });
      // The paper as stored (jsonb) and loaded again marks the same.
      expect(
        markAttempt(JSON.parse(JSON.stringify(paper)) as Paper, answers, {
          multiple: 'all_or_nothing',
          fillIn: 'per_blank',
        }),
      ).toEqual(marks);
      const choice = marks.questions.filter((m) => m.type === 'single' || m.type === 'multiple');
      expect(choice).toHaveLength(12);
      expect(choice.every((m) => m.correct && m.score === m.max)).toBe(true);
      // The bank's own letters are wrong wherever the shuffle moved the correct options.
      const literalMarks = markAttempt(paper, literal, { multiple: 'all_or_nothing', fillIn: 'per_blank' });
      for (const m of literalMarks.questions.filter((x) => x.type === 'single' || x.type === 'multiple')) {
        const q = paper.questions.find((x) => x.questionId === m.questionId)!;
        const keys = byId.get(q.questionId)!.answer.keys!;
        const readAs = new Set(keys.map((k) => q.optionMap![k]));
        const same = readAs.size === keys.length && keys.every((k) => readAs.has(k));
        expect(m.correct).toBe(same);
        if (!same) literalWrong++;
      }
    }
    // Shuffled indeed: many of the 24 orders of four options occur over 240 choice questions.
    expect(orders.size).toBeGreaterThan(15);
    expect(literalWrong).toBeGreaterThan(150);
    // The candidate's view carries neither the answers nor the mapping.
    const paper = assemblePaper(BLUEPRINT, pool, 'view');
    const view = candidatePaper(paper);
    const text = JSON.stringify(view);
    expect(text).not.toContain('optionMap');
    expect(text).not.toContain('"answer"');
    expect(text).not.toContain('参考答案');
    expect(text).not.toContain('水手');
    expect(view.questions.find((q) => q.type === 'fill_in')!.blanks).toBe(1);
    expect(view.questions.map((q) => q.questionId)).toEqual(paper.questions.map((q) => q.questionId));
  });
});

function cellOfFirst(pool: PoolQuestion[]) {
  const q = pool[0]!;
  return { chapter: q.chapter, type: q.type, difficulty: q.difficulty };
}
