import type { QuestionBody } from '@seafarer/contracts';
import { answerText, checkQuestion, drawable } from './question-bank';
import { validateQuestionRows } from './question-import';

const base: QuestionBody = {
  type: 'single',
  stem: ' 题干 ',
  options: [
    { key: 'a', text: '甲' },
    { key: 'B', text: '乙' },
  ],
  answer: { keys: ['A'] },
  chapter: '第一章',
  difficulty: 3,
  score: 2,
};
const codes = (b: QuestionBody) => {
  const r = checkQuestion(b);
  return r.ok ? [] : r.problems.map((p) => `${p.field}:${p.code}`);
};

describe('checkQuestion', () => {
  it('[QM-2] normalises a valid single choice (keys upper-cased, text trimmed)', () => {
    const r = checkQuestion(base);
    expect(r).toEqual({
      ok: true,
      value: expect.objectContaining({
        stem: '题干',
        answer: { keys: ['A'] },
        options: [
          { key: 'A', text: '甲' },
          { key: 'B', text: '乙' },
        ],
      }),
    });
  });
  it('[QM-2] a single choice has exactly one correct key among its options', () => {
    expect(codes({ ...base, answer: { keys: ['A', 'B'] } })).toEqual(['answer:SINGLE_ONE_KEY']);
    expect(codes({ ...base, answer: { keys: [] } })).toEqual(['answer:SINGLE_ONE_KEY']);
    expect(codes({ ...base, answer: { keys: ['C'] } })).toEqual(['answer:ANSWER_NOT_AN_OPTION']);
  });
  it('[QM-2] a multiple choice needs two options and one key', () => {
    expect(codes({ ...base, type: 'multiple', options: [{ key: 'A', text: 'x' }] })).toEqual([
      'options:TOO_FEW_OPTIONS',
    ]);
    expect(codes({ ...base, type: 'multiple', answer: { keys: [] } })).toEqual(['answer:MULTIPLE_NO_KEY']);
    expect(codes({ ...base, type: 'multiple', answer: { keys: ['B', 'A'] } })).toEqual([]);
  });
  it('[QM-2] true/false a boolean, fill-in an accepted answer, score above 0, no options outside choice', () => {
    const tf = { ...base, type: 'true_false' as const, options: [], answer: {} };
    expect(codes(tf)).toEqual(['answer:TRUE_FALSE']);
    expect(codes({ ...tf, answer: { value: false } })).toEqual([]);
    expect(codes({ ...tf, answer: { value: true, keys: ['A'] } })).toEqual(['answer:ANSWER_SHAPE']);
    expect(codes({ ...tf, type: 'fill_in', answer: { accepted: [' '] } })).toEqual([
      'answer:FILL_IN_NO_ANSWER',
    ]);
    expect(codes({ ...tf, type: 'fill_in', answer: { accepted: ['锚泊'] }, options: base.options })).toEqual([
      'options:NO_OPTIONS',
    ]);
    expect(codes({ ...base, score: 0 })).toEqual(['score:SCORE']);
    expect(codes({ ...base, difficulty: 6 })).toEqual(['difficulty:DIFFICULTY']);
  });
  it('[QM-2] answers read as a person reads them; only active questions are drawn', () => {
    expect(answerText('multiple', { keys: ['A', 'C'] })).toBe('A、C');
    expect(answerText('true_false', { value: true })).toBe('正确 True');
    expect(answerText('fill_in', { accepted: ['锚泊'], synonyms: ['抛锚'] })).toBe('锚泊 / 抛锚');
    expect(drawable({ status: 'retired', currentVersionId: 'x' })).toBe(false);
    expect(drawable({ status: 'active', currentVersionId: 'x' })).toBe(true);
  });
});

describe('validateQuestionRows', () => {
  it('[QM-2] reads zh type names, letters, 正确/错误 and | lists; names row and column of each error', () => {
    const ok = validateQuestionRows([
      {
        sourceRow: 2,
        type: '多选题',
        chapter: 'c',
        difficulty: '3 中等',
        score: '2',
        stem: 's',
        optionA: 'x',
        optionB: 'y',
        answer: 'A,B',
      },
      { sourceRow: 3, type: '判断', chapter: 'c', difficulty: '1', score: '1', stem: 's', answer: '错误' },
      {
        sourceRow: 4,
        type: 'fill_in',
        chapter: 'c',
        difficulty: '2',
        score: '1.5',
        stem: 's',
        answer: '锚泊|抛锚',
        synonyms: 'anchoring',
      },
    ]);
    expect(ok.ok && ok.questions.map((q) => q.answer)).toEqual([
      { keys: ['A', 'B'] },
      { value: false },
      { accepted: ['锚泊', '抛锚'], synonyms: ['anchoring'] },
    ]);
    const bad = validateQuestionRows([
      { sourceRow: 7, type: '问答', chapter: 'c', difficulty: '1', score: '1', stem: 's', answer: 'x' },
      {
        sourceRow: 8,
        type: '单选题',
        chapter: 'c',
        difficulty: '九',
        score: '1',
        stem: 's',
        optionA: 'x',
        optionB: 'y',
        answer: 'A',
      },
    ]);
    expect(!bad.ok && bad.errors.map((e) => [e.row, e.column, e.columnEn, e.code])).toEqual([
      [7, '题型', 'Type', 'QUESTION_TYPE'],
      [8, '难度', 'Difficulty', 'NOT_A_NUMBER'],
    ]);
  });
});
