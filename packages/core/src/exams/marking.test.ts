import type { CandidateAnswer, MarkingPolicy, Paper, PaperQuestion } from '@seafarer/contracts';
import { AppError } from '../shared/errors';
import {
  applyManualMarks,
  markAttempt,
  meetsPassMark,
  normalizeFillIn,
  passVerdict,
  toCenti,
} from './marking';

const uuid = (n: number) => `00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;
const opts = (...keys: string[]) => keys.map((key) => ({ key, text: `option ${key}` }));

/** A hand-made paper: shown keys → bank keys as a shuffle would leave them. */
function q(
  no: number,
  type: PaperQuestion['type'],
  score: number,
  rest: Partial<PaperQuestion>,
): PaperQuestion {
  return {
    no,
    questionId: uuid(no),
    versionId: uuid(100 + no),
    type,
    chapter: '消防',
    difficulty: 2,
    score,
    answer: {},
    ...rest,
  };
}
const SINGLE = q(1, 'single', 2, {
  options: opts('A', 'B', 'C', 'D'),
  optionMap: { A: 'C', B: 'A', C: 'D', D: 'B' }, // the bank's B (correct) is shown as D
  answer: { keys: ['B'] },
});
const MULTIPLE = q(2, 'multiple', 3, {
  options: opts('A', 'B', 'C', 'D', 'E'),
  optionMap: { A: 'E', B: 'A', C: 'B', D: 'C', E: 'D' }, // bank A, C, D correct → shown B, D, E
  answer: { keys: ['A', 'C', 'D'] },
});
const TRUE_FALSE = q(3, 'true_false', 1, { answer: { value: false } });
const FILL_ONE = q(4, 'fill_in', 2, {
  answer: { accepted: ['水手', 'ABC'], synonyms: ['海员', 'able seaman'] },
});
const FILL_THREE = q(5, 'fill_in', 3, {
  answer: {
    blanks: [
      { accepted: ['左舷'], synonyms: ['port'] },
      { accepted: ['右舷'], synonyms: ['starboard'] },
      { accepted: ['船尾'] },
    ],
  },
});
const SHORT = q(6, 'short_answer', 10, { answer: { reference: '先报警，再灭火' } });
const PAPER: Paper = {
  seed: 'hand-made',
  questions: [SINGLE, MULTIPLE, TRUE_FALSE, FILL_ONE, FILL_THREE, SHORT],
  totalScore: 21,
};

const ALL_OR_NOTHING: MarkingPolicy = { multiple: 'all_or_nothing', fillIn: 'all_or_nothing' };
const PARTIAL: MarkingPolicy = { multiple: 'partial', fillIn: 'per_blank' };
const PENALTY: MarkingPolicy = { multiple: 'partial_with_penalty', fillIn: 'per_blank' };

const markOne = (question: PaperQuestion, a: CandidateAnswer | undefined, policy = PARTIAL) =>
  markAttempt(
    { seed: 's', questions: [question], totalScore: question.score },
    a === undefined ? {} : { [question.questionId]: a },
    policy,
  ).questions[0]!;

describe('automatic marking', () => {
  it('[JS-7.3] marking gives the expected score for every type, with partial credit and fill-in normalisation', () => {
    const cases: Array<[PaperQuestion, CandidateAnswer | undefined, MarkingPolicy, number, string]> = [
      // single: the shown key of the correct option, through the mapping
      [SINGLE, 'D', PARTIAL, 2, 'shown D is the bank’s B'],
      [SINGLE, 'd', PARTIAL, 2, 'lower case key'],
      [SINGLE, ['D'], PARTIAL, 2, 'one key in an array'],
      [SINGLE, 'B', PARTIAL, 0, 'the bank’s letter, not the shown one'],
      [SINGLE, ['D', 'A'], PARTIAL, 0, 'two keys for a single choice'],
      [SINGLE, 'Z', PARTIAL, 0, 'a key never shown'],
      [SINGLE, true, PARTIAL, 0, 'wrong shape'],
      // multiple: correct shown B, D, E; each worth 1 of 3
      [MULTIPLE, ['B', 'D', 'E'], ALL_OR_NOTHING, 3, 'exactly the correct keys'],
      [MULTIPLE, ['E', 'B', 'D', 'D'], ALL_OR_NOTHING, 3, 'order and repeats do not matter'],
      [MULTIPLE, ['B', 'D'], ALL_OR_NOTHING, 0, 'all or nothing: one missing'],
      [MULTIPLE, ['B', 'D'], PARTIAL, 2, 'partial: two of three'],
      [MULTIPLE, ['B'], PARTIAL, 1, 'partial: one of three'],
      [MULTIPLE, ['B', 'D', 'A'], PARTIAL, 0, 'partial: a wrong key makes it 0'],
      [MULTIPLE, ['B', 'D', 'E', 'A'], PARTIAL, 0, 'partial: all correct plus a wrong one'],
      [MULTIPLE, ['B', 'D', 'A'], PENALTY, 1, 'penalty: two right, one wrong'],
      [MULTIPLE, ['B', 'A', 'C'], PENALTY, 0, 'penalty: never below 0'],
      [MULTIPLE, ['B', 'D', 'E', 'A'], PENALTY, 2, 'penalty: three right, one wrong'],
      [MULTIPLE, ['B', 'D', 'E'], PENALTY, 3, 'penalty: exactly right'],
      [MULTIPLE, 'B', PARTIAL, 1, 'one key as a string'],
      [MULTIPLE, ['B', 'Q'], PARTIAL, 0, 'a key never shown counts as wrong'],
      // true / false
      [TRUE_FALSE, false, PARTIAL, 1, 'false is right'],
      [TRUE_FALSE, true, PARTIAL, 0, 'true is wrong'],
      [TRUE_FALSE, 'false', PARTIAL, 0, 'a string is not a boolean'],
      // fill-in, one blank: NFKC (full width), case, spaces, synonyms
      [FILL_ONE, '水手', PARTIAL, 2, 'exact'],
      [FILL_ONE, '  水手 ', PARTIAL, 2, 'surrounding spaces'],
      [FILL_ONE, '\u3000水手\u3000', PARTIAL, 2, 'ideographic spaces'],
      [FILL_ONE, '水\u200B手', PARTIAL, 2, 'a zero-width space inside'],
      [FILL_ONE, 'ＡＢＣ', PARTIAL, 2, 'full-width ＡＢＣ is abc'],
      [FILL_ONE, 'abc', PARTIAL, 2, 'case'],
      [FILL_ONE, '海员', PARTIAL, 2, 'a synonym'],
      [FILL_ONE, 'Able   Seaman', PARTIAL, 2, 'repeated spaces and case in a synonym'],
      [FILL_ONE, 'ａｂｌｅ　ｓｅａｍａｎ', PARTIAL, 2, 'full-width letters and space'],
      [FILL_ONE, ['水手'], PARTIAL, 2, 'one blank as an array'],
      [FILL_ONE, '水 手', PARTIAL, 0, 'a space inside a word is kept'],
      [FILL_ONE, '船员', PARTIAL, 0, 'not listed'],
      [FILL_ONE, 'ableseaman', PARTIAL, 0, 'spaces between words matter'],
      // fill-in, three blanks in order
      [FILL_THREE, ['左舷', '右舷', '船尾'], PARTIAL, 3, 'all three'],
      [FILL_THREE, ['PORT', ' Starboard ', '船尾'], PARTIAL, 3, 'synonyms, case, spaces'],
      [FILL_THREE, ['左舷', '右舷', ''], PARTIAL, 2, 'per blank: two of three'],
      [FILL_THREE, ['右舷', '左舷', '船尾'], PARTIAL, 1, 'in order: swapped blanks are wrong'],
      [FILL_THREE, ['左舷', '右舷'], PARTIAL, 2, 'a blank left out'],
      [FILL_THREE, ['左舷', '右舷', ''], ALL_OR_NOTHING, 0, 'all or nothing'],
      [FILL_THREE, '左舷', PARTIAL, 1, 'a string fills the first blank'],
      // unanswered
      [SINGLE, undefined, PARTIAL, 0, 'missing'],
      [MULTIPLE, [], PARTIAL, 0, 'no keys'],
      [TRUE_FALSE, null, PARTIAL, 0, 'null'],
      [FILL_THREE, ['', ' ', ''], PARTIAL, 0, 'all blanks empty'],
    ];
    for (const [question, answer, policy, expected, why] of cases) {
      const m = markOne(question, answer, policy);
      expect({ why, score: m.score }).toEqual({ why, score: expected });
      expect({ why, correct: m.correct }).toEqual({ why, correct: expected === question.score });
      expect(m.max).toBe(question.score);
      expect(m.needsManual).toBe(false);
    }
    for (const [a, answered] of [
      [undefined, false],
      [null, false],
      ['', false],
      ['   ', false],
      [[], false],
      ['D', true],
    ] as const)
      expect(markOne(SINGLE, a as CandidateAnswer | undefined).answered).toBe(answered);

    // Shares round once per question, to hundredths: 2 points over 3 keys.
    const twoPoints = { ...MULTIPLE, score: 2 };
    expect(markOne(twoPoints, ['B']).score).toBe(0.67);
    expect(markOne(twoPoints, ['B', 'D']).score).toBe(1.33);
    expect(markOne({ ...FILL_THREE, score: 1 }, ['左舷', '', '']).score).toBe(0.33);
    // Hundredths from binary fractions: what the number means, half up.
    expect([1.005, 0.285, 0.1 + 0.2, 2, 1 / 3, 2 / 3].map(toCenti)).toEqual([101, 29, 30, 200, 33, 67]);

    // Short answer: waits for a hand mark with its max; empty is 0 and waits for nothing.
    expect(markOne(SHORT, '先报警')).toMatchObject({ score: 0, max: 10, answered: true, needsManual: true });
    expect(markOne(SHORT, '  ')).toMatchObject({ score: 0, max: 10, answered: false, needsManual: false });

    // A whole attempt: totals, pending hand marks.
    const marks = markAttempt(
      PAPER,
      {
        [SINGLE.questionId]: 'D',
        [MULTIPLE.questionId]: ['B', 'D'],
        [TRUE_FALSE.questionId]: true,
        [FILL_ONE.questionId]: 'ＡＢＣ',
        [FILL_THREE.questionId]: ['左舷', 'starboard', '船头'],
        [SHORT.questionId]: '先报警，再用灭火器',
        [uuid(999)]: 'A', // not on the paper: ignored
      },
      PARTIAL,
    );
    expect(marks.questions.map((m) => m.score)).toEqual([2, 2, 0, 2, 2, 0]);
    expect(marks).toMatchObject({
      score: 8,
      max: 21,
      manualPending: 1,
      manualPendingMax: 10,
      complete: false,
    });
    expect(marks.questions.map((m) => m.no)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(markAttempt(PAPER, {}, PARTIAL)).toMatchObject({
      score: 0,
      max: 21,
      manualPending: 0,
      complete: true,
    });
    // A sheet parsed from JSON may carry '__proto__' or 'constructor': they are just keys nobody asked for.
    expect(markAttempt(PAPER, JSON.parse('{"__proto__": "A", "constructor": "B"}'), PARTIAL).score).toBe(0);
  });

  it('[JS-7.3] property: any answers give 0 ≤ score ≤ max per question and the totals are the sums', () => {
    let seed = 12345;
    const rand = (n: number) => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed % n;
    };
    const pick = <T>(xs: readonly T[]) => xs[rand(xs.length)]!;
    const pieces = ['A', 'B', 'C', 'D', 'E', 'Z', 'a', '', ' ', '左舷', 'PORT', '水手', 'ＡＢＣ', '船尾'];
    const randomAnswer = (): CandidateAnswer | undefined =>
      pick([
        () => undefined,
        () => null,
        () => rand(2) === 0,
        () => pick(pieces),
        () => Array.from({ length: rand(6) }, () => pick(pieces)),
      ])();
    for (let i = 0; i < 2000; i++) {
      const policy = {
        multiple: pick(['all_or_nothing', 'partial', 'partial_with_penalty'] as const),
        fillIn: pick(['per_blank', 'all_or_nothing'] as const),
      };
      const sheet: Record<string, CandidateAnswer> = {};
      for (const question of PAPER.questions) {
        const a = randomAnswer();
        if (a !== undefined) sheet[question.questionId] = a;
      }
      const marks = markAttempt(PAPER, sheet, policy);
      let total = 0;
      for (const m of marks.questions) {
        expect(m.score).toBeGreaterThanOrEqual(0);
        expect(m.score).toBeLessThanOrEqual(m.max);
        expect(Math.round(m.score * 100)).toBeCloseTo(m.score * 100, 6);
        expect(m.correct).toBe(m.score === m.max && !m.needsManual && m.answered);
        total += Math.round(m.score * 100);
      }
      expect(marks.score).toBe(total / 100);
      expect(marks.max).toBe(21);
      // all or nothing never gives more than partial, partial never more than with penalty... per question:
      const strict = markAttempt(PAPER, sheet, ALL_OR_NOTHING);
      const partial = markAttempt(PAPER, sheet, PARTIAL);
      strict.questions.forEach((m, k) => expect(m.score).toBeLessThanOrEqual(partial.questions[k]!.score));
    }
  });

  it('[JS-7.3] hand marks for short answers complete the attempt; the pass mark is compared exactly', () => {
    const marks = markAttempt(PAPER, { [SINGLE.questionId]: 'D', [SHORT.questionId]: '先报警' }, PARTIAL);
    expect(marks).toMatchObject({ score: 2, complete: false });
    const done = applyManualMarks(marks, { [SHORT.questionId]: 7.5 });
    expect(done).toMatchObject({ score: 9.5, max: 21, manualPending: 0, complete: true });
    expect(done.questions[5]).toMatchObject({ score: 7.5, needsManual: false, correct: false });
    expect(applyManualMarks(marks, { [SHORT.questionId]: 10 }).questions[5]!.correct).toBe(true);
    const refused = (manual: Record<string, number>) => {
      try {
        applyManualMarks(marks, manual);
      } catch (e) {
        return e instanceof AppError ? e.code : 'other';
      }
      return 'applied';
    };
    expect(refused({ [SHORT.questionId]: 10.01 })).toBe('VALIDATION');
    expect(refused({ [SHORT.questionId]: -1 })).toBe('VALIDATION');
    expect(refused({ [SHORT.questionId]: 1.234 })).toBe('VALIDATION');
    expect(refused({ [SHORT.questionId]: Number.NaN })).toBe('VALIDATION');
    expect(refused({ [SINGLE.questionId]: 1 })).toBe('VALIDATION'); // marked automatically
    expect(refused({ [uuid(999)]: 1 })).toBe('VALIDATION'); // not on the paper

    // Points or percent; equal to the mark passes; 60 % of 150 is exactly 90.
    expect(meetsPassMark(90, 150, { kind: 'percent', value: 60 })).toBe(true);
    expect(meetsPassMark(89.99, 150, { kind: 'percent', value: 60 })).toBe(false);
    expect(meetsPassMark(60, 100, { kind: 'points', value: 60 })).toBe(true);
    expect(meetsPassMark(59.99, 100, { kind: 'points', value: 60 })).toBe(false);
    expect(meetsPassMark(0.1 + 0.2, 1, { kind: 'points', value: 0.3 })).toBe(true);
    expect(meetsPassMark(2.1, 3, { kind: 'percent', value: 70 })).toBe(true);
    // While a hand mark is pending: pass if already enough, fail if even full marks could not, else pending.
    const pass = { kind: 'points', value: 9 } as const;
    expect(passVerdict(marks, { kind: 'points', value: 2 })).toBe('pass');
    expect(passVerdict(marks, pass)).toBe('pending');
    expect(passVerdict(marks, { kind: 'points', value: 12.01 })).toBe('fail');
    expect(passVerdict(done, pass)).toBe('pass');
    expect(passVerdict(done, { kind: 'points', value: 9.51 })).toBe('fail');
  });

  it('[JS-7.3] fill-in normalisation: NFKC, case, spaces', () => {
    expect(normalizeFillIn('ＡＢＣ')).toBe('abc');
    expect(normalizeFillIn('  水手 ')).toBe('水手');
    expect(normalizeFillIn('Ｍ／Ｖ　 Ｐｅａｃｅ')).toBe('m/v peace');
    expect(normalizeFillIn('１２３')).toBe('123');
    expect(normalizeFillIn('\t a \n b ')).toBe('a b');
    expect(normalizeFillIn('\uFEFF船尾')).toBe('船尾');
  });
});
