import {
  OPTION_KEYS,
  QUESTION_TYPES,
  type LocalizedText,
  type QuestionAnswer,
  type QuestionBody,
  type QuestionOption,
  type QuestionType,
} from '@seafarer/contracts';
import type { Problem } from '../roster/problem';

/**
 * QM-2: the rules of a question in the bank, once, for the API and the XLSX import alike. A question
 * is checked and normalised here before it is stored; what fails comes back as problems naming the
 * field, worded zh-CN first with English beside.
 */

export type QuestionField =
  | 'type'
  | 'stem'
  | 'options'
  | 'answer'
  | 'synonyms'
  | 'chapter'
  | 'knowledgePoint'
  | 'difficulty'
  | 'score'
  | 'explanation';

export interface QuestionProblem extends Problem {
  field: QuestionField;
}

/** A question as stored: only the answer fields of its type, trimmed text, options only for choice types. */
export interface CheckedQuestion {
  type: QuestionType;
  stem: string;
  options: QuestionOption[];
  answer: QuestionAnswer;
  chapter: string;
  knowledgePoint: string;
  difficulty: number;
  score: number;
  explanation: string;
}

export type QuestionCheck = { ok: true; value: CheckedQuestion } | { ok: false; problems: QuestionProblem[] };

export const isChoice = (type: QuestionType) => type === 'single' || type === 'multiple';

const p = (field: QuestionField, code: string, zh: string, en: string): QuestionProblem => ({
  field,
  code,
  zh,
  en,
});

const uniqueTrimmed = (list: readonly string[] | undefined) => [
  ...new Set((list ?? []).map((s) => s.trim()).filter((s) => s !== '')),
];

/** QM-2: checks one question (a create, an edit, a row of an import) and normalises it. */
export function checkQuestion(body: QuestionBody): QuestionCheck {
  const problems: QuestionProblem[] = [];
  const type = body.type;
  if (!QUESTION_TYPES.includes(type))
    return {
      ok: false,
      problems: [
        p(
          'type',
          'QUESTION_TYPE',
          '题型应为单选题、多选题、判断题、填空题或简答题',
          'The type must be single choice, multiple choice, true/false, fill-in or short answer',
        ),
      ],
    };
  const stem = body.stem.trim();
  if (stem === '') problems.push(p('stem', 'REQUIRED', '题干不能为空', 'The stem is required'));
  const chapter = body.chapter.trim();
  if (chapter === '') problems.push(p('chapter', 'REQUIRED', '章节不能为空', 'The chapter is required'));
  if (!Number.isInteger(body.difficulty) || body.difficulty < 1 || body.difficulty > 5)
    problems.push(
      p(
        'difficulty',
        'DIFFICULTY',
        '难度应为 1 到 5 的整数',
        'The difficulty must be a whole number from 1 to 5',
      ),
    );
  if (!Number.isFinite(body.score) || body.score <= 0 || body.score > 1000)
    problems.push(
      p('score', 'SCORE', '分值应大于 0（最多 1000）', 'The score must be above 0 (at most 1000)'),
    );
  else if (Math.round(body.score * 10) !== body.score * 10)
    problems.push(
      p('score', 'SCORE', '分值最多保留一位小数', 'The score may have at most one decimal place'),
    );

  const options: QuestionOption[] = [];
  const given = (body.options ?? []).filter((o) => o.text.trim() !== '');
  const answer: QuestionAnswer = {};
  const a = body.answer;
  if (isChoice(type)) {
    const seen = new Set<string>();
    for (const o of given) {
      const key = o.key.trim().toUpperCase();
      if (!(OPTION_KEYS as readonly string[]).includes(key))
        problems.push(
          p('options', 'OPTION_KEY', `选项标号“${o.key}”应为 A 到 H`, `Option key "${o.key}" must be A to H`),
        );
      else if (seen.has(key))
        problems.push(p('options', 'OPTION_KEY', `选项 ${key} 重复`, `Option ${key} is given twice`));
      seen.add(key);
      options.push({ key, text: o.text.trim() });
    }
    options.sort((x, y) => x.key.localeCompare(y.key));
    if (options.length < 2)
      problems.push(
        p(
          'options',
          'TOO_FEW_OPTIONS',
          '选择题至少要有两个选项',
          'A choice question needs at least two options',
        ),
      );
    const keys = uniqueTrimmed(a.keys).map((k) => k.toUpperCase());
    const unknown = keys.filter((k) => !seen.has(k));
    if (unknown.length > 0)
      problems.push(
        p(
          'answer',
          'ANSWER_NOT_AN_OPTION',
          `答案 ${unknown.join('、')} 不是本题的选项`,
          `Answer ${unknown.join(', ')} is not one of the options`,
        ),
      );
    else if (type === 'single' && keys.length !== 1)
      problems.push(
        p(
          'answer',
          'SINGLE_ONE_KEY',
          '单选题必须恰好有一个正确选项',
          'A single-choice question must have exactly one correct option',
        ),
      );
    else if (type === 'multiple' && keys.length < 1)
      problems.push(
        p(
          'answer',
          'MULTIPLE_NO_KEY',
          '多选题至少要有一个正确选项',
          'A multiple-choice question needs at least one correct option',
        ),
      );
    answer.keys = keys.sort();
  } else {
    if (given.length > 0)
      problems.push(p('options', 'NO_OPTIONS', '只有选择题才有选项', 'Only choice questions have options'));
    if (type === 'true_false') {
      if (typeof a.value !== 'boolean')
        problems.push(
          p(
            'answer',
            'TRUE_FALSE',
            '判断题的答案应为“正确”或“错误”',
            'A true/false answer must be true or false',
          ),
        );
      else answer.value = a.value;
    } else if (type === 'fill_in') {
      const accepted = uniqueTrimmed(a.accepted);
      if (accepted.length === 0)
        problems.push(
          p(
            'answer',
            'FILL_IN_NO_ANSWER',
            '填空题至少要有一个标准答案',
            'A fill-in question needs at least one accepted answer',
          ),
        );
      answer.accepted = accepted;
      answer.synonyms = uniqueTrimmed(a.synonyms).filter((s) => !accepted.includes(s));
    } else {
      answer.reference = (a.reference ?? '').trim();
    }
  }
  const stray = otherAnswerFields(type, a);
  if (stray.length > 0)
    problems.push(
      p(
        stray.includes('synonyms') ? 'synonyms' : 'answer',
        'ANSWER_SHAPE',
        `${QUESTION_TYPE_ZH[type]}不使用 ${stray.join('、')}`,
        `A ${type} question does not use ${stray.join(', ')}`,
      ),
    );
  if (problems.length > 0) return { ok: false, problems };
  return {
    ok: true,
    value: {
      type,
      stem,
      options,
      answer,
      chapter,
      knowledgePoint: (body.knowledgePoint ?? '').trim(),
      difficulty: body.difficulty,
      score: body.score,
      explanation: (body.explanation ?? '').trim(),
    },
  };
}

const QUESTION_TYPE_ZH: Record<QuestionType, string> = {
  single: '单选题',
  multiple: '多选题',
  true_false: '判断题',
  fill_in: '填空题',
  short_answer: '简答题',
};

const FIELDS_OF: Record<QuestionType, readonly (keyof QuestionAnswer)[]> = {
  single: ['keys'],
  multiple: ['keys'],
  true_false: ['value'],
  fill_in: ['accepted', 'synonyms'],
  short_answer: ['reference'],
};

function otherAnswerFields(type: QuestionType, a: QuestionAnswer): string[] {
  return (Object.keys(a) as (keyof QuestionAnswer)[]).filter((k) => {
    if (FIELDS_OF[type].includes(k)) return false;
    const v = a[k];
    return !(v === undefined || (Array.isArray(v) && v.length === 0) || v === '');
  });
}

export const TRUE_LABEL: LocalizedText = { zh: '正确', en: 'True' };
export const FALSE_LABEL: LocalizedText = { zh: '错误', en: 'False' };

/** The answer as a person reads it: "A、C", "正确 True", "锚泊 / 抛锚". */
export function answerText(type: QuestionType, a: QuestionAnswer): string {
  if (isChoice(type)) return (a.keys ?? []).join('、');
  if (type === 'true_false') {
    const l = a.value ? TRUE_LABEL : FALSE_LABEL;
    return `${l.zh} ${l.en}`;
  }
  if (type === 'fill_in') return [...(a.accepted ?? []), ...(a.synonyms ?? [])].join(' / ');
  return a.reference ?? '';
}

/**
 * QM-2: which questions a paper or a quiz may draw: only active ones, at their current version.
 * (Retired questions are never drawn; a paper keeps the version id it drew, so later edits and
 * retirements do not change a paper already assembled.)
 */
export const drawable = (q: { status: string; currentVersionId: string | null }) =>
  q.status === 'active' && q.currentVersionId !== null;
