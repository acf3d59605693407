import type {
  AnswerSheet,
  AttemptMarks,
  CandidateAnswer,
  FillInBlank,
  MarkingPolicy,
  Paper,
  PaperAnswerKey,
  PaperQuestion,
  PassMark,
  PassVerdict,
  QuestionMark,
} from '@seafarer/contracts';
import { AppError } from '../shared/errors';

/**
 * JS-7.3 自动评卷: the marks of one attempt on its paper. Pure and total: any answer (missing, of the
 * wrong shape, naming keys the question does not have) gets a mark, never an exception; the routes
 * validate the shape before anything is stored.
 *
 * - single: the shown key, mapped back through the paper's `optionMap`, must be the correct key.
 * - multiple, by `policy.multiple` (k correct keys; each correct key chosen is worth score/k):
 *   'all_or_nothing': exactly the correct keys; 'partial': the correct keys chosen earn their share,
 *   and any wrong key chosen makes the question 0; 'partial_with_penalty': each correct key chosen
 *   earns its share and each wrong key chosen takes one share off, never below 0.
 * - true_false: the boolean.
 * - fill_in: each blank, in order, matches one of its accepted answers or synonyms after
 *   `normalizeFillIn` (NFKC: full-width → half-width; lower case; surrounding and repeated spaces).
 *   `policy.fillIn`: 'per_blank' (each right blank earns its share) or 'all_or_nothing'.
 * - short_answer: answered → needsManual, 0 until marked by hand (`applyManualMarks`); unanswered → 0.
 * - Unanswered (null, missing, '', [] or only blanks left empty) → 0, `answered: false`.
 *
 * Scores are kept in hundredths of a point (integers), so totals are exact and shares round once,
 * per question, half up (3 keys of a 2-point question: 0.67, 1.33, 2).
 */

export const DEFAULT_MARKING_POLICY: MarkingPolicy = { multiple: 'partial', fillIn: 'per_blank' };

/** Points → integer hundredths (the unit every sum is made in). */
export function toCenti(points: number): number {
  const x = points * 100;
  const r = Math.round(x);
  if (Math.abs(x - r) < 1e-7) return r; // the usual case, without the string round trip below
  // toPrecision(12) first: 1.005 * 100 is 100.49999999999999 in binary, and means 100.5.
  return Math.round(Number(x.toPrecision(12)));
}

const INVISIBLE = /[\u200B-\u200D\u2060\uFEFF]/g;

/** The form a fill-in answer is compared in: NFKC, lower case, spaces trimmed and collapsed, no zero-width characters. */
export function normalizeFillIn(s: string): string {
  return s.normalize('NFKC').replace(INVISIBLE, '').toLowerCase().replace(/\s+/gu, ' ').trim();
}

/** A fill-in question's blanks: `blanks`, or the one blank of `accepted` + `synonyms`. */
export function blanksOf(answer: PaperAnswerKey): FillInBlank[] {
  if (answer.blanks && answer.blanks.length > 0) return answer.blanks;
  if (answer.accepted && answer.accepted.length > 0)
    return [{ accepted: answer.accepted, ...(answer.synonyms ? { synonyms: answer.synonyms } : {}) }];
  return [];
}

/** Each blank's accepted answers and synonyms, normalised once per answer key (a paper is marked many times). */
const ACCEPTED_FORMS = new WeakMap<PaperAnswerKey, ReadonlySet<string>[]>();
function acceptedForms(answer: PaperAnswerKey): ReadonlySet<string>[] {
  let forms = ACCEPTED_FORMS.get(answer);
  if (!forms) {
    forms = blanksOf(answer).map((b) => new Set([...b.accepted, ...(b.synonyms ?? [])].map(normalizeFillIn)));
    ACCEPTED_FORMS.set(answer, forms);
  }
  return forms;
}

const isBlank = (a: CandidateAnswer | undefined): boolean =>
  a === undefined ||
  a === null ||
  (typeof a === 'string' && a.trim() === '') ||
  (Array.isArray(a) && a.every((x) => typeof x !== 'string' || x.trim() === ''));

/** Keys chosen, de-duplicated: an array of keys, or one key as a string. */
function chosenKeys(a: CandidateAnswer): string[] {
  const list = typeof a === 'string' ? [a] : Array.isArray(a) ? a : [];
  return [
    ...new Set(list.filter((k): k is string => typeof k === 'string').map((k) => k.trim().toUpperCase())),
  ];
}

/** Shown key → original key; a key the paper never showed maps to nothing (a wrong key). */
function toOriginal(q: PaperQuestion, shown: string): string | undefined {
  if (!q.optionMap) return shown;
  return Object.hasOwn(q.optionMap, shown) ? q.optionMap[shown] : undefined;
}

/** The hundredths one question earns (of `max`), and whether that is the full score. */
function markObjective(
  q: PaperQuestion,
  a: CandidateAnswer,
  policy: MarkingPolicy,
  max: number,
): { centi: number; correct: boolean } {
  const none = { centi: 0, correct: false };
  switch (q.type) {
    case 'single': {
      const keys = chosenKeys(a);
      if (keys.length !== 1) return none;
      const ok = toOriginal(q, keys[0]!) === q.answer.keys?.[0];
      return ok ? { centi: max, correct: true } : none;
    }
    case 'multiple': {
      const correctKeys = new Set(q.answer.keys ?? []);
      if (correctKeys.size === 0) return none;
      let right = 0;
      let wrong = 0;
      for (const shown of chosenKeys(a)) {
        const original = toOriginal(q, shown);
        if (original !== undefined && correctKeys.has(original)) right++;
        else wrong++;
      }
      if (right === correctKeys.size && wrong === 0) return { centi: max, correct: true };
      const share = (n: number) => Math.round((max * n) / correctKeys.size);
      switch (policy.multiple) {
        case 'all_or_nothing':
          return none;
        case 'partial':
          return { centi: wrong > 0 ? 0 : share(right), correct: false };
        case 'partial_with_penalty':
          return { centi: Math.max(0, share(right - wrong)), correct: false };
      }
      return none;
    }
    case 'true_false':
      return typeof a === 'boolean' && a === q.answer.value ? { centi: max, correct: true } : none;
    case 'fill_in': {
      const blanks = acceptedForms(q.answer);
      if (blanks.length === 0) return none;
      const given = typeof a === 'string' ? [a] : Array.isArray(a) ? a : [];
      let right = 0;
      for (let i = 0; i < blanks.length; i++) {
        const g = given[i];
        if (typeof g !== 'string') continue;
        const n = normalizeFillIn(g);
        if (n !== '' && blanks[i]!.has(n)) right++;
      }
      if (right === blanks.length) return { centi: max, correct: true };
      if (policy.fillIn === 'all_or_nothing') return none;
      return { centi: Math.round((max * right) / blanks.length), correct: false };
    }
    default:
      return none;
  }
}

function totals(questions: QuestionMark[]): AttemptMarks {
  let score = 0;
  let max = 0;
  let manualPending = 0;
  let manualPendingMax = 0;
  for (const m of questions) {
    score += toCenti(m.score);
    max += toCenti(m.max);
    if (m.needsManual) {
      manualPending++;
      manualPendingMax += toCenti(m.max);
    }
  }
  return {
    questions,
    score: score / 100,
    max: max / 100,
    manualPending,
    manualPendingMax: manualPendingMax / 100,
    complete: manualPending === 0,
  };
}

/** Marks an attempt: every question of the paper, in paper order; answers to questions not on it are ignored. */
export function markAttempt(
  paper: Paper,
  answers: AnswerSheet | Readonly<Record<string, CandidateAnswer | undefined>>,
  policy: MarkingPolicy = DEFAULT_MARKING_POLICY,
): AttemptMarks {
  const marks: QuestionMark[] = new Array<QuestionMark>(paper.questions.length);
  for (let i = 0; i < paper.questions.length; i++) {
    const q = paper.questions[i]!;
    const a = Object.hasOwn(answers, q.questionId) ? answers[q.questionId] : undefined;
    const max = toCenti(q.score);
    let centi = 0;
    let correct = false;
    let answered = false;
    let needsManual = false;
    if (!isBlank(a)) {
      answered = true;
      if (q.type === 'short_answer') needsManual = true;
      else ({ centi, correct } = markObjective(q, a!, policy, max));
    }
    marks[i] = {
      no: q.no,
      questionId: q.questionId,
      type: q.type,
      score: centi / 100,
      max: max / 100,
      answered,
      correct,
      needsManual,
    };
  }
  return totals(marks);
}

/**
 * Adds the marker's scores for short answers. Each must be a question waiting for a hand mark, and a
 * score from 0 to its max in steps of 0.01; anything else is refused (VALIDATION, nothing applied).
 * A question already hand-marked may be marked again only through a fresh `markAttempt`.
 */
export function applyManualMarks(
  marks: AttemptMarks,
  manual: Readonly<Record<string, number>>,
): AttemptMarks {
  const byId = new Map(marks.questions.map((m) => [m.questionId, m]));
  for (const [questionId, score] of Object.entries(manual)) {
    const m = byId.get(questionId);
    if (!m || !m.needsManual)
      throw new AppError('VALIDATION', {
        message: {
          zh: `第 ${m?.no ?? '?'} 题不需要人工评分`,
          en: `Question ${m?.no ?? questionId} does not wait for a hand mark`,
        },
        details: { questionId },
      });
    if (
      !Number.isFinite(score) ||
      score < 0 ||
      toCenti(score) > toCenti(m.max) ||
      Math.abs(score * 100 - toCenti(score)) > 1e-6
    )
      throw new AppError('VALIDATION', {
        message: {
          zh: `第 ${m.no} 题的得分须在 0 到 ${m.max} 分之间（最多两位小数）`,
          en: `Question ${m.no} takes a score from 0 to ${m.max} (at most two decimals)`,
        },
        details: { questionId, score, max: m.max },
      });
  }
  return totals(
    marks.questions.map((m) =>
      Object.hasOwn(manual, m.questionId)
        ? {
            ...m,
            score: toCenti(manual[m.questionId]!) / 100,
            needsManual: false,
            correct: toCenti(manual[m.questionId]!) === toCenti(m.max),
          }
        : m,
    ),
  );
}

/** The pass mark in hundredths of a point, for a paper of `max` points. */
function passCenti(passMark: PassMark, max: number): { num: number; den: number } {
  // Compared as fractions of integers so 60 % of 150 is exactly 90, with no float in between.
  return passMark.kind === 'points'
    ? { num: toCenti(passMark.value), den: 1 }
    : { num: toCenti(passMark.value) * toCenti(max), den: 10000 };
}

/** True when `score` (of a paper of `max` points) reaches the pass mark (a score equal to it passes). */
export function meetsPassMark(score: number, max: number, passMark: PassMark): boolean {
  const { num, den } = passCenti(passMark, max);
  return toCenti(score) * den >= num;
}

/**
 * pass / fail / pending for an attempt's marks: while hand marks are pending, 'pass' if the score
 * already reaches the pass mark, 'fail' if even full marks on the pending questions could not, else
 * 'pending'.
 */
export function passVerdict(marks: AttemptMarks, passMark: PassMark): PassVerdict {
  if (meetsPassMark(marks.score, marks.max, passMark)) return 'pass';
  if (marks.complete) return 'fail';
  const best = (toCenti(marks.score) + toCenti(marks.manualPendingMax)) / 100;
  return meetsPassMark(best, marks.max, passMark) ? 'pending' : 'fail';
}
