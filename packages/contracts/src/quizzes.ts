// Contracts of in-class quizzes (随堂测试) and daily grades (平时成绩) (JS-7.1, JS-14; owner: quiz).
import { Type, type Static } from '@sinclair/typebox';
import { IsoDate, IsoDateTime, NonEmpty, Strict, Text, Uuid } from './common';
import type { LocalizedText } from './errors';
import { CandidateAnswer, PaperAnswerKey, QuestionAnswer, QuestionOption } from './exams';

/** A UUID without `format` (the live service's socket validators run without a format registry). */
const LiveUuid = Type.String({
  pattern: '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$',
});

/** The types a quiz may ask (a short answer needs a hand mark: not in a quiz). */
export const QUIZ_QUESTION_TYPES = ['single', 'multiple', 'true_false', 'fill_in'] as const;
export type QuizQuestionType = (typeof QUIZ_QUESTION_TYPES)[number];
export const QuizQuestionType = Type.Union(QUIZ_QUESTION_TYPES.map((t) => Type.Literal(t)));

/** A question typed on the spot by the instructor (checked by the question bank's rules). */
export const QuizTypedQuestion = Strict({
  type: QuizQuestionType,
  stem: NonEmpty(2000),
  options: Type.Optional(Type.Array(QuestionOption, { maxItems: 8 })),
  answer: QuestionAnswer,
  score: Type.Number({ exclusiveMinimum: 0, maximum: 100 }),
});
export type QuizTypedQuestion = Static<typeof QuizTypedQuestion>;

export const QUIZ_MIN_TIME_S = 10;
export const QUIZ_MAX_TIME_S = 1800;

/**
 * `quiz.push`: from the bank (`questionIds` of the class's training item, drawn at their current
 * versions, active only) or typed on the spot (`questions`): one of the two, 1–20 questions.
 */
export const QuizPushBody = Strict({
  title: Type.Optional(Text({ maxLength: 100 })),
  timeLimitS: Type.Integer({ minimum: QUIZ_MIN_TIME_S, maximum: QUIZ_MAX_TIME_S }),
  questionIds: Type.Optional(Type.Array(LiveUuid, { minItems: 1, maxItems: 20 })),
  questions: Type.Optional(Type.Array(QuizTypedQuestion, { minItems: 1, maxItems: 20 })),
});
export type QuizPushBody = Static<typeof QuizPushBody>;

/** `quiz.answer`: a trainee's answers to the whole quiz, once (question id → answer in the shown keys). */
export const QuizAnswerBody = Strict({
  quizId: LiveUuid,
  answers: Type.Record(LiveUuid, CandidateAnswer, { maxProperties: 20, additionalProperties: false }),
});
export type QuizAnswerBody = Static<typeof QuizAnswerBody>;

/** One question as a trainee sees it before the close: no answer. */
export const QuizPromptQuestion = Type.Object({
  no: Type.Integer(),
  questionId: Type.String(),
  type: QuizQuestionType,
  stem: Type.String(),
  score: Type.Number(),
  options: Type.Optional(Type.Array(Type.Object({ key: Type.String(), text: Type.String() }))),
  /** Fill-in: how many blanks. */
  blanks: Type.Optional(Type.Integer()),
});
export type QuizPromptQuestion = Static<typeof QuizPromptQuestion>;

/** To each trainee in the room at the push (and a trainee joining while it is open): answer by `closesAt`. */
export const QuizPrompt = Type.Object({
  quizId: Type.String(),
  title: Type.String(),
  questions: Type.Array(QuizPromptQuestion),
  totalScore: Type.Number(),
  timeLimitS: Type.Integer(),
  closesAt: Type.String(),
  /** Set for a trainee who has answered already (a rejoin). */
  answeredAt: Type.Optional(Type.String()),
});
export type QuizPrompt = Static<typeof QuizPrompt>;

/** The distribution of one question's answers (to the staff only, before the close). */
export const QuizQuestionStats = Type.Object({
  no: Type.Integer(),
  questionId: Type.String(),
  type: QuizQuestionType,
  stem: Type.String(),
  score: Type.Number(),
  options: Type.Array(Type.Object({ key: Type.String(), text: Type.String() })),
  /** The right answer as a person reads it ("A、C", "正确 True", "锚泊 / 抛锚"). */
  answerText: Type.String(),
  /** The keys of `counts` that are right (the correct options; 'true' or 'false'). */
  rightKeys: Type.Array(Type.String()),
  /** Choice and true/false: how many chose each key ('true'/'false' for true/false). */
  counts: Type.Record(Type.String(), Type.Integer()),
  right: Type.Integer(),
  /** Scored something but not the full score (multiple choice, fill-in blanks). */
  partial: Type.Integer(),
  wrong: Type.Integer(),
  blank: Type.Integer(),
});
export type QuizQuestionStats = Static<typeof QuizQuestionStats>;

export const QUIZ_STATUSES = ['open', 'closed'] as const;
export type QuizStatus = (typeof QUIZ_STATUSES)[number];
export const QUIZ_STATUS_LABELS: Readonly<Record<QuizStatus, LocalizedText>> = {
  open: { zh: '答题中', en: 'Open' },
  closed: { zh: '已结束', en: 'Closed' },
};

/** The instructor's console: the quiz, answered n of m, the distribution; after the close each score. */
export const QuizConsoleView = Type.Object({
  quizId: Type.String(),
  title: Type.String(),
  status: Type.Union(QUIZ_STATUSES.map((s) => Type.Literal(s))),
  statusLabel: Type.Object({ zh: Type.String(), en: Type.String() }),
  pushedAt: Type.String(),
  closesAt: Type.String(),
  closedAt: Type.Union([Type.String(), Type.Null()]),
  totalScore: Type.Number(),
  answered: Type.Integer(),
  /** Trainees in the room at the push, plus any who answered. */
  expected: Type.Integer(),
  questions: Type.Array(QuizQuestionStats),
  /** After the close: each trainee who answered, with their score. */
  scores: Type.Optional(
    Type.Array(
      Type.Object({
        accountId: Type.String(),
        name: Type.String(),
        score: Type.Number(),
        max: Type.Number(),
      }),
    ),
  ),
  resultsSha256: Type.Union([Type.String(), Type.Null()]),
});
export type QuizConsoleView = Static<typeof QuizConsoleView>;

/** One question of a trainee's result (after the close): their answer, the right one, the mark. */
export const QuizResultQuestion = Type.Object({
  no: Type.Integer(),
  questionId: Type.String(),
  type: QuizQuestionType,
  stem: Type.String(),
  options: Type.Array(Type.Object({ key: Type.String(), text: Type.String() })),
  yourAnswer: CandidateAnswer,
  /** The right answer in the keys shown (choice), the value (true/false) or the accepted words. */
  rightAnswer: PaperAnswerKey,
  answerText: Type.String(),
  score: Type.Number(),
  max: Type.Number(),
  correct: Type.Boolean(),
});
export type QuizResultQuestion = Static<typeof QuizResultQuestion>;

/** To each trainee after the close: their score and the right answers. */
export const QuizResult = Type.Object({
  quizId: Type.String(),
  title: Type.String(),
  answered: Type.Boolean(),
  score: Type.Number(),
  max: Type.Number(),
  questions: Type.Array(QuizResultQuestion),
});
export type QuizResult = Static<typeof QuizResult>;

export const QuizIdBody = Strict({ quizId: LiveUuid });

// ---- HTTP reads ----

/** A quiz of the class with its results (staff). */
export const QuizListItem = Type.Object({
  id: Uuid,
  sessionId: Uuid,
  sessionSeq: Type.Union([Type.Integer(), Type.Null()]),
  title: Type.String(),
  origin: Type.Union([Type.Literal('bank'), Type.Literal('typed')]),
  originLabel: Type.Object({ zh: Type.String(), en: Type.String() }),
  status: Type.Union(QUIZ_STATUSES.map((s) => Type.Literal(s))),
  statusLabel: Type.Object({ zh: Type.String(), en: Type.String() }),
  pushedAt: IsoDateTime,
  /** China time 'YYYY-MM-DD HH:MM'. */
  pushedAtText: Type.String(),
  pushedByName: Type.String(),
  timeLimitS: Type.Integer(),
  questionCount: Type.Integer(),
  totalScore: Type.Number(),
  answered: Type.Integer(),
  averagePercent: Type.Union([Type.Number(), Type.Null()]),
  resultsSha256: Type.Union([Type.String(), Type.Null()]),
  results: Type.Array(
    Type.Object({
      accountId: Uuid,
      name: Type.String(),
      answeredAt: IsoDateTime,
      score: Type.Union([Type.Number(), Type.Null()]),
      max: Type.Union([Type.Number(), Type.Null()]),
    }),
  ),
});
export type QuizListItem = Static<typeof QuizListItem>;
export const QuizListView = Type.Object({ classId: Uuid, items: Type.Array(QuizListItem) });
export type QuizListView = Static<typeof QuizListView>;

export const QUIZ_ORIGIN_LABELS: Readonly<Record<'bank' | 'typed', LocalizedText>> = {
  bank: { zh: '题库出题', en: 'From the bank' },
  typed: { zh: '现场出题', en: 'Typed on the spot' },
};

/** One quiz in a trainee's day: answered (score), or in the room and not answered (0). */
export const DailyGradeQuiz = Type.Object({
  quizId: Uuid,
  title: Type.String(),
  /** China time 'HH:MM'. */
  time: Type.String(),
  answered: Type.Boolean(),
  score: Type.Number(),
  max: Type.Number(),
});
export type DailyGradeQuiz = Static<typeof DailyGradeQuiz>;

/** JS-14: one trainee's daily grade (平时成绩) of one class day: the quizzes' sum over their max. */
export const DailyGrade = Type.Object({
  accountId: Uuid,
  name: Type.String(),
  /** The class day, China calendar date. */
  date: IsoDate,
  score: Type.Number(),
  max: Type.Number(),
  /** 0–100, one decimal; null when max is 0. */
  percent: Type.Union([Type.Number(), Type.Null()]),
  quizzes: Type.Array(DailyGradeQuiz),
});
export type DailyGrade = Static<typeof DailyGrade>;

export const DailyGradesView = Type.Object({
  classId: Uuid,
  classCode: Type.String(),
  className: Type.String(),
  /** Class days with a closed quiz, in order. */
  dates: Type.Array(IsoDate),
  grades: Type.Array(DailyGrade),
});
export type DailyGradesView = Static<typeof DailyGradesView>;
