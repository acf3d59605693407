import type { CandidateAnswer, PaperQuestion } from '@seafarer/contracts';
import { blanksOf } from './marking';
import { FALSE_LABEL, TRUE_LABEL } from './question-bank';

/**
 * JS-7.3: answers in people's words for results, the marking queue and the exports. The paper keeps
 * the right answer in the bank's original keys; a candidate saw (and answered in) shown keys, so the
 * right answer is turned back to the keys they saw before it is shown to them or exported.
 */

/** Original key → shown key, from the paper's shown → original mapping. */
function shownKeyOf(q: PaperQuestion, original: string): string {
  if (!q.optionMap) return original;
  for (const [shown, orig] of Object.entries(q.optionMap)) if (orig === original) return shown;
  return original;
}

const both = (l: { zh: string; en: string }) => `${l.zh} ${l.en}`;

/** The right answer as the candidate's paper showed the options ("A、C", "正确 True", "二氧化碳 / CO2"). */
export function rightAnswerText(q: PaperQuestion): string {
  switch (q.type) {
    case 'single':
    case 'multiple':
      return (q.answer.keys ?? [])
        .map((k) => shownKeyOf(q, k))
        .sort()
        .join('、');
    case 'true_false':
      return q.answer.value === undefined ? '' : both(q.answer.value ? TRUE_LABEL : FALSE_LABEL);
    case 'fill_in':
      return blanksOf(q.answer)
        .map((b) => [...b.accepted, ...(b.synonyms ?? [])].join(' / '))
        .join('；');
    default:
      return q.answer.reference ?? '';
  }
}

/** What the candidate answered, in words ("—" for nothing). */
export function candidateAnswerText(q: PaperQuestion, a: CandidateAnswer | undefined): string {
  if (a === undefined || a === null) return '—';
  if (typeof a === 'boolean') return both(a ? TRUE_LABEL : FALSE_LABEL);
  if (q.type === 'single' || q.type === 'multiple') {
    const keys = (Array.isArray(a) ? a : [a]).map((k) => k.trim().toUpperCase()).filter(Boolean);
    return keys.length ? [...new Set(keys)].sort().join('、') : '—';
  }
  if (Array.isArray(a)) return a.some((s) => s.trim()) ? a.map((s) => s.trim() || '—').join('；') : '—';
  return a.trim() === '' ? '—' : a;
}
