import { createHash } from 'node:crypto';
import type { CandidateAnswer, LocalizedText, Paper, PaperQuestion } from '@seafarer/contracts';
import { AppError } from '../shared/errors';
import { blanksOf } from './marking';

/**
 * JS-7.3 / REL-2: the pure rules of a candidate's answers (no database, no clock): whether an answer's
 * shape fits its question, and the canonical form of an attempt's answers that the submission hashes.
 */

const refuse = (q: PaperQuestion, why: LocalizedText) =>
  new AppError('VALIDATION', {
    message: { zh: `第 ${q.no} 题的答案格式不对：${why.zh}`, en: `The answer to question ${q.no} ${why.en}` },
    details: { in: 'answer', questionId: q.questionId, type: q.type },
  });

/**
 * Throws VALIDATION (zh/en) when `answer` cannot be an answer to `q` as the candidate was shown it:
 * single — one shown key; multiple — distinct shown keys; true/false — a boolean; fill-in — one string
 * or at most as many strings as blanks; short answer — text. `null` (cleared) fits every type.
 */
export function checkAnswerShape(q: PaperQuestion, answer: CandidateAnswer): void {
  if (answer === null) return;
  const keys = new Set((q.options ?? []).map((o) => o.key));
  switch (q.type) {
    case 'single':
      if (typeof answer !== 'string' || !keys.has(answer))
        throw refuse(q, { zh: '单选题须为一个选项字母', en: 'must be one of its option letters' });
      return;
    case 'multiple': {
      if (
        !Array.isArray(answer) ||
        answer.some((k) => !keys.has(k)) ||
        new Set(answer).size !== answer.length
      )
        throw refuse(q, {
          zh: '多选题须为不重复的选项字母列表',
          en: 'must be a list of distinct option letters',
        });
      return;
    }
    case 'true_false':
      if (typeof answer !== 'boolean')
        throw refuse(q, { zh: '判断题须为“正确”或“错误”', en: 'must be true or false' });
      return;
    case 'fill_in': {
      const blanks = Math.max(1, blanksOf(q.answer).length);
      if (typeof answer === 'string') {
        if (answer.length > 500)
          throw refuse(q, { zh: '每空不超过 500 字', en: 'must be at most 500 characters a blank' });
        return;
      }
      if (!Array.isArray(answer) || answer.length > blanks)
        throw refuse(q, {
          zh: `填空题须为不超过 ${blanks} 个空的文字`,
          en: `must be text for at most ${blanks} blank(s)`,
        });
      return;
    }
    case 'short_answer':
      if (typeof answer !== 'string') throw refuse(q, { zh: '简答题须为文字', en: 'must be text' });
      return;
  }
}

/** One stored answer as the hash takes it. */
export interface StoredAnswer {
  questionId: string;
  answer: CandidateAnswer | undefined;
}

/**
 * The canonical answers of an attempt: every question of the paper in its order, with the stored
 * answer or null (unanswered), as `[[questionId, answer], …]`. Answers are JSON scalars or arrays of
 * strings, so JSON.stringify of this is canonical (no object keys to order).
 */
export function canonicalAnswers(paper: Paper, stored: readonly StoredAnswer[]): [string, CandidateAnswer][] {
  const by = new Map(stored.map((s) => [s.questionId, s.answer ?? null]));
  return paper.questions.map((q) => [q.questionId, by.get(q.questionId) ?? null]);
}

/** REL-2 / QM-1: SHA-256 (hex) of the canonical answers, recorded and audited at submission. */
export function answersSha256(paper: Paper, stored: readonly StoredAnswer[]): string {
  return createHash('sha256')
    .update(JSON.stringify(canonicalAnswers(paper, stored)))
    .digest('hex');
}

/** The deadline of an attempt started at `startedAt`: start + duration + extra, never after the close. */
export function attemptDeadline(
  startedAt: Date,
  durationMinutes: number,
  extraMinutes: number,
  closesAt: Date,
): Date {
  const end = startedAt.getTime() + (durationMinutes + extraMinutes) * 60_000;
  return new Date(Math.min(end, closesAt.getTime()));
}
