// QM-2 / JS-7.1 / JS-7.3 (issue 12): the question bank, papers, marking. The bank's views and bodies
// are in the first part; paper and marking types follow.
import { Type, type Static } from '@sinclair/typebox';
import { IsoDateTime, NonEmpty, Strict, Text, Uuid } from './common';
import type { LocalizedText } from './errors';
import { LocalizedText as LocalizedTextSchema } from './errors';

// ---- Question bank (QM-2) ----

export const QUESTION_TYPES = ['single', 'multiple', 'true_false', 'fill_in', 'short_answer'] as const;
export type QuestionType = (typeof QUESTION_TYPES)[number];
export const QuestionType = Type.Union(QUESTION_TYPES.map((t) => Type.Literal(t)));
export const QUESTION_TYPE_LABELS: Readonly<Record<QuestionType, LocalizedText>> = {
  single: { zh: '单选题', en: 'Single choice' },
  multiple: { zh: '多选题', en: 'Multiple choice' },
  true_false: { zh: '判断题', en: 'True / false' },
  fill_in: { zh: '填空题', en: 'Fill in the blank' },
  short_answer: { zh: '简答题', en: 'Short answer' },
};

export const QUESTION_STATUSES = ['active', 'retired'] as const;
export type QuestionStatus = (typeof QUESTION_STATUSES)[number];
export const QuestionStatus = Type.Union(QUESTION_STATUSES.map((s) => Type.Literal(s)));
export const QUESTION_STATUS_LABELS: Readonly<Record<QuestionStatus, LocalizedText>> = {
  active: { zh: '在用', en: 'Active' },
  retired: { zh: '已停用', en: 'Retired' },
};

/** Difficulty is 1 (easiest) … 5 (hardest); blueprints count questions per difficulty level. */
export const QUESTION_DIFFICULTIES = [1, 2, 3, 4, 5] as const;
export type QuestionDifficulty = (typeof QUESTION_DIFFICULTIES)[number];
export const QUESTION_DIFFICULTY_LABELS: Readonly<Record<QuestionDifficulty, LocalizedText>> = {
  1: { zh: '1 很容易', en: '1 very easy' },
  2: { zh: '2 容易', en: '2 easy' },
  3: { zh: '3 中等', en: '3 medium' },
  4: { zh: '4 较难', en: '4 hard' },
  5: { zh: '5 很难', en: '5 very hard' },
};

/** Option keys of the choice types, in order. */
export const OPTION_KEYS = ['A', 'B', 'C', 'D', 'E', 'F', 'G', 'H'] as const;

export const QuestionOption = Strict({
  /** A–H (checked by the bank's rules). */
  key: NonEmpty(1),
  text: NonEmpty(1000),
});
export type QuestionOption = Static<typeof QuestionOption>;

/**
 * The answer, by type: `keys` for single/multiple choice (the correct option keys), `value` for
 * true/false, `accepted` (+ `synonyms`, matched the same way) for fill-in, `reference` for a short
 * answer (a reference for the marker; short answers are marked by hand). Only the field of the type is
 * kept; the others are refused by the bank's rules.
 */
export const QuestionAnswer = Strict({
  keys: Type.Optional(Type.Array(NonEmpty(1), { maxItems: 8 })),
  value: Type.Optional(Type.Boolean()),
  accepted: Type.Optional(Type.Array(NonEmpty(200), { maxItems: 20 })),
  synonyms: Type.Optional(Type.Array(NonEmpty(200), { maxItems: 20 })),
  reference: Type.Optional(Text({ maxLength: 5000 })),
});
export type QuestionAnswer = Static<typeof QuestionAnswer>;

export const QuestionBody = Strict({
  type: QuestionType,
  stem: NonEmpty(5000),
  options: Type.Optional(Type.Array(QuestionOption, { maxItems: 8 })),
  answer: QuestionAnswer,
  chapter: NonEmpty(100),
  knowledgePoint: Type.Optional(Text({ maxLength: 200 })),
  difficulty: Type.Integer({ minimum: 1, maximum: 5 }),
  score: Type.Number({ exclusiveMinimum: 0, maximum: 1000 }),
  explanation: Type.Optional(Text({ maxLength: 5000 })),
});
export type QuestionBody = Static<typeof QuestionBody>;

export const QuestionVersionView = Type.Object({
  id: Uuid,
  version: Type.Integer(),
  type: QuestionType,
  typeLabel: LocalizedTextSchema,
  stem: Type.String(),
  options: Type.Array(Type.Object({ key: Type.String(), text: Type.String() })),
  answer: Type.Object({
    keys: Type.Optional(Type.Array(Type.String())),
    value: Type.Optional(Type.Boolean()),
    accepted: Type.Optional(Type.Array(Type.String())),
    synonyms: Type.Optional(Type.Array(Type.String())),
    reference: Type.Optional(Type.String()),
  }),
  /** The answer as a person reads it ("A、C", "正确 True", "锚泊 / 抛锚"). */
  answerText: Type.String(),
  chapter: Type.String(),
  knowledgePoint: Type.String(),
  difficulty: Type.Integer(),
  difficultyLabel: LocalizedTextSchema,
  score: Type.Number(),
  explanation: Type.String(),
  createdByName: Type.String(),
  createdAt: IsoDateTime,
  /** China time, "2026-12-03 18:48". */
  createdAtText: Type.String(),
});
export type QuestionVersionView = Static<typeof QuestionVersionView>;

export const QuestionView = Type.Object({
  id: Uuid,
  trainingItemId: Uuid,
  status: QuestionStatus,
  statusLabel: LocalizedTextSchema,
  versionCount: Type.Integer(),
  current: QuestionVersionView,
});
export type QuestionView = Static<typeof QuestionView>;

/** One question with every version, newest first. */
export const QuestionDetailView = Type.Intersect([
  QuestionView,
  Type.Object({ versions: Type.Array(QuestionVersionView) }),
]);
export type QuestionDetailView = Static<typeof QuestionDetailView>;

export const QuestionListQuery = Type.Object(
  {
    chapter: Type.Optional(NonEmpty(100)),
    type: Type.Optional(QuestionType),
    difficulty: Type.Optional(Type.Integer({ minimum: 1, maximum: 5 })),
    status: Type.Optional(QuestionStatus),
  },
  { additionalProperties: false },
);
export type QuestionListQuery = Static<typeof QuestionListQuery>;

export const QuestionListView = Type.Object({
  items: Type.Array(QuestionView),
  /** The item's chapters (for the filter), in first-seen order. */
  chapters: Type.Array(Type.String()),
});
export type QuestionListView = Static<typeof QuestionListView>;

export const RetireQuestionBody = Strict({ retired: Type.Boolean() });
export type RetireQuestionBody = Static<typeof RetireQuestionBody>;

export const QuestionImportResult = Type.Object({ imported: Type.Integer() });
export type QuestionImportResult = Static<typeof QuestionImportResult>;

export const ItemQuestionParams = Strict({ itemId: Uuid, questionId: Uuid });
export const QuestionItemParams = Strict({ itemId: Uuid });

// ---- Papers and marking (JS-7.3; pure functions in packages/core/src/exams/paper.ts, marking.ts) ----

/** One blank of a fill-in question: the accepted answers and their synonyms (matched the same way). */
export const FillInBlank = Strict({
  accepted: Type.Array(NonEmpty(200), { minItems: 1, maxItems: 20 }),
  synonyms: Type.Optional(Type.Array(NonEmpty(200), { maxItems: 20 })),
});
export type FillInBlank = Static<typeof FillInBlank>;

/**
 * A question's answer as papers and marking take it: the bank's QuestionAnswer (one fill-in blank as
 * `accepted` + `synonyms`), or `blanks` for a fill-in question of several blanks, marked in order.
 */
export const PaperAnswerKey = Strict({
  keys: Type.Optional(Type.Array(NonEmpty(1), { maxItems: 8 })),
  value: Type.Optional(Type.Boolean()),
  accepted: Type.Optional(Type.Array(NonEmpty(200), { maxItems: 20 })),
  synonyms: Type.Optional(Type.Array(NonEmpty(200), { maxItems: 20 })),
  blanks: Type.Optional(Type.Array(FillInBlank, { minItems: 1, maxItems: 20 })),
  reference: Type.Optional(Text({ maxLength: 5000 })),
});
export type PaperAnswerKey = Static<typeof PaperAnswerKey>;

/**
 * A question as paper assembly sees it: one version of a bank question. The caller passes active
 * questions only, each at its current version (retired questions are never drawn).
 */
export const PoolQuestion = Type.Object({
  questionId: Uuid,
  versionId: Uuid,
  type: QuestionType,
  chapter: Type.String(),
  difficulty: Type.Integer({ minimum: 1, maximum: 5 }),
  score: Type.Number({ exclusiveMinimum: 0 }),
  /** Carried into the paper when given (a version never changes, so the copy cannot go stale). */
  stem: Type.Optional(Type.String()),
  options: Type.Optional(Type.Array(Type.Object({ key: Type.String(), text: Type.String() }))),
  answer: PaperAnswerKey,
});
export type PoolQuestion = Static<typeof PoolQuestion>;

/** One cell of a blueprint: how many questions of this chapter × type × difficulty, at what score each. */
export const BlueprintCell = Strict({
  chapter: NonEmpty(100),
  type: QuestionType,
  difficulty: Type.Integer({ minimum: 1, maximum: 5 }),
  count: Type.Integer({ minimum: 1, maximum: 500 }),
  /** Overrides each drawn question's own score when given. */
  scorePerQuestion: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 1000 })),
});
export type BlueprintCell = Static<typeof BlueprintCell>;

/** 组卷规则: the cells of a paper (each chapter × type × difficulty at most once). */
export const Blueprint = Strict({ cells: Type.Array(BlueprintCell, { minItems: 1, maxItems: 500 }) });
export type Blueprint = Static<typeof Blueprint>;

/** One question of an assembled paper, in the order it is shown (`no` from 1). */
export const PaperQuestion = Type.Object({
  no: Type.Integer({ minimum: 1 }),
  questionId: Uuid,
  versionId: Uuid,
  type: QuestionType,
  chapter: Type.String(),
  difficulty: Type.Integer(),
  /** The most this question gives on this paper (the cell's score per question, else the question's). */
  score: Type.Number(),
  stem: Type.Optional(Type.String()),
  /** Choice types: the options in the shown order, relettered A, B, … as shown. */
  options: Type.Optional(Type.Array(Type.Object({ key: Type.String(), text: Type.String() }))),
  /** Choice types: shown key → the bank's original key (marking maps the candidate's keys back). */
  optionMap: Type.Optional(Type.Record(Type.String(), Type.String())),
  /** In the bank's original keys. Never sent to a candidate (see `candidatePaper`). */
  answer: PaperAnswerKey,
});
export type PaperQuestion = Static<typeof PaperQuestion>;

/** An assembled paper, stored with the attempt (or the exam, for one fixed paper for all). */
export const Paper = Type.Object({
  seed: Type.String(),
  questions: Type.Array(PaperQuestion),
  totalScore: Type.Number(),
});
export type Paper = Static<typeof Paper>;

/** What a candidate is shown: the paper without answers or the option mapping. */
export type CandidatePaperQuestion = Omit<PaperQuestion, 'answer' | 'optionMap'> & { blanks?: number };
export interface CandidatePaper {
  questions: CandidatePaperQuestion[];
  totalScore: number;
}

/**
 * A candidate's answer to one question, in the keys shown: a key (single), keys (multiple), a boolean
 * (true/false), the blanks in order or one string (fill-in), text (short answer); null = unanswered.
 */
export const CandidateAnswer = Type.Union([
  Type.Null(),
  Type.Boolean(),
  Text({ maxLength: 5000 }),
  Type.Array(Text({ maxLength: 500 }), { maxItems: 20 }),
]);
export type CandidateAnswer = Static<typeof CandidateAnswer>;

/** A candidate's answers by question id. */
export const AnswerSheet = Type.Record(Uuid, CandidateAnswer);
export type AnswerSheet = Static<typeof AnswerSheet>;

export const MULTIPLE_CHOICE_POLICIES = ['all_or_nothing', 'partial', 'partial_with_penalty'] as const;
export type MultipleChoicePolicy = (typeof MULTIPLE_CHOICE_POLICIES)[number];
export const MultipleChoicePolicy = Type.Union(MULTIPLE_CHOICE_POLICIES.map((p) => Type.Literal(p)));
export const MULTIPLE_CHOICE_POLICY_LABELS: Readonly<Record<MultipleChoicePolicy, LocalizedText>> = {
  all_or_nothing: {
    zh: '全部选对才得分',
    en: 'Full score only when exactly the correct options are chosen',
  },
  partial: {
    zh: '少选按选对的比例得分，选错不得分',
    en: 'Each correct option chosen earns its share; any wrong option chosen scores 0',
  },
  partial_with_penalty: {
    zh: '每选对一项得相应分，每选错一项扣相同分，最低 0 分',
    en: 'Each correct option chosen earns its share, each wrong one takes a share off, never below 0',
  },
};

export const FILL_IN_POLICIES = ['per_blank', 'all_or_nothing'] as const;
export type FillInPolicy = (typeof FILL_IN_POLICIES)[number];
export const FillInPolicy = Type.Union(FILL_IN_POLICIES.map((p) => Type.Literal(p)));
export const FILL_IN_POLICY_LABELS: Readonly<Record<FillInPolicy, LocalizedText>> = {
  per_blank: { zh: '按填对的空数得分', en: 'Each correct blank earns its share' },
  all_or_nothing: { zh: '各空全部填对才得分', en: 'Full score only when every blank is right' },
};

/** How objective questions are marked (per exam). */
export const MarkingPolicy = Strict({ multiple: MultipleChoicePolicy, fillIn: FillInPolicy });
export type MarkingPolicy = Static<typeof MarkingPolicy>;

/** The pass mark of an exam: points, or a percentage of the paper's total. */
export const PassMark = Type.Union([
  Strict({ kind: Type.Literal('points'), value: Type.Number({ minimum: 0, maximum: 100000 }) }),
  Strict({ kind: Type.Literal('percent'), value: Type.Number({ minimum: 0, maximum: 100 }) }),
]);
export type PassMark = Static<typeof PassMark>;

/** One question's mark. `correct`: full score. `needsManual`: an answered short answer, marked by hand. */
export const QuestionMark = Type.Object({
  no: Type.Integer(),
  questionId: Uuid,
  type: QuestionType,
  score: Type.Number(),
  max: Type.Number(),
  answered: Type.Boolean(),
  correct: Type.Boolean(),
  needsManual: Type.Boolean(),
});
export type QuestionMark = Static<typeof QuestionMark>;

/** An attempt's marks: `score` so far; `complete` once nothing waits for a hand mark. */
export const AttemptMarks = Type.Object({
  questions: Type.Array(QuestionMark),
  score: Type.Number(),
  max: Type.Number(),
  /** Questions still waiting for a hand mark, and the most they can add. */
  manualPending: Type.Integer(),
  manualPendingMax: Type.Number(),
  complete: Type.Boolean(),
});
export type AttemptMarks = Static<typeof AttemptMarks>;

export const PASS_VERDICTS = ['pass', 'fail', 'pending'] as const;
export type PassVerdict = (typeof PASS_VERDICTS)[number];
export const PASS_VERDICT_LABELS: Readonly<Record<PassVerdict, LocalizedText>> = {
  pass: { zh: '合格', en: 'Pass' },
  fail: { zh: '不合格', en: 'Fail' },
  pending: { zh: '待阅卷', en: 'Awaiting marking' },
};
