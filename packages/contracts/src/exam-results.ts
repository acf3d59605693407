// Contracts of marking, release, results, export and statistics (issue 12 §3; owner: marking).
import { Type, type Static } from '@sinclair/typebox';
import { IsoDateTime, Strict, Text, Uuid } from './common';
import type { LocalizedText } from './errors';
import { LocalizedText as LocalizedTextSchema } from './errors';
import { CandidateAnswer, PASS_VERDICTS, QuestionType } from './exams';

const PassVerdict = Type.Union(PASS_VERDICTS.map((v) => Type.Literal(v)));

export const ExamResultsParams = Strict({ classId: Uuid, examId: Uuid });
export type ExamResultsParams = Static<typeof ExamResultsParams>;
export const ExamResultAttemptParams = Strict({ classId: Uuid, examId: Uuid, attemptId: Uuid });
export type ExamResultAttemptParams = Static<typeof ExamResultAttemptParams>;

/** A hand mark of one short answer: 0 … the question's score, at most two decimals. */
export const ManualMarkBody = Strict({
  questionId: Uuid,
  score: Type.Number({ minimum: 0, maximum: 100000 }),
  note: Type.Optional(Text({ maxLength: 1000 })),
});
export type ManualMarkBody = Static<typeof ManualMarkBody>;

/** A candidate's standing in the results table (absent: on the list, never started). */
export const RESULT_STATES = ['absent', 'in_progress', 'submitted', 'marked'] as const;
export type ResultState = (typeof RESULT_STATES)[number];
export const ResultState = Type.Union(RESULT_STATES.map((s) => Type.Literal(s)));
export const RESULT_STATE_LABELS: Readonly<Record<ResultState, LocalizedText>> = {
  absent: { zh: '缺考', en: 'Absent' },
  in_progress: { zh: '答题中', en: 'In progress' },
  submitted: { zh: '已交卷待评分', en: 'Submitted, being marked' },
  marked: { zh: '已评分', en: 'Marked' },
};

/** One row per candidate of the exam. */
export const ExamResultRow = Type.Object({
  no: Type.Integer(),
  accountId: Uuid,
  name: Type.String(),
  /** As elsewhere: the middle of the ID number masked. */
  idNumberMasked: Type.String(),
  attemptId: Type.Union([Uuid, Type.Null()]),
  attemptNo: Type.Union([Type.Integer(), Type.Null()]),
  state: ResultState,
  stateLabel: LocalizedTextSchema,
  startedAt: Type.Union([IsoDateTime, Type.Null()]),
  /** China time, "YYYY-MM-DD HH:mm". */
  startedAtText: Type.Union([Type.String(), Type.Null()]),
  submittedAt: Type.Union([IsoDateTime, Type.Null()]),
  submittedAtText: Type.Union([Type.String(), Type.Null()]),
  score: Type.Union([Type.Number(), Type.Null()]),
  total: Type.Union([Type.Number(), Type.Null()]),
  verdict: Type.Union([PassVerdict, Type.Null()]),
  verdictLabel: Type.Union([LocalizedTextSchema, Type.Null()]),
  /** Short answers still waiting for a hand mark. */
  manualPending: Type.Integer(),
  /** Proctoring flags recorded on the attempt. */
  flags: Type.Integer(),
});
export type ExamResultRow = Static<typeof ExamResultRow>;

/** Why the results cannot be released yet (counts; all 0 when they can). */
export const ReleaseBlockers = Type.Object({
  inProgress: Type.Integer(),
  unmarked: Type.Integer(),
  manualPending: Type.Integer(),
  /** Candidates who have not started while the exam is still open. */
  stillOpen: Type.Integer(),
});
export type ReleaseBlockers = Static<typeof ReleaseBlockers>;

export const ExamResultsView = Type.Object({
  examId: Uuid,
  classId: Uuid,
  title: Type.String(),
  passMarkText: LocalizedTextSchema,
  released: Type.Boolean(),
  releasedAt: Type.Union([IsoDateTime, Type.Null()]),
  releasedAtText: Type.Union([Type.String(), Type.Null()]),
  canRelease: Type.Boolean(),
  blockers: ReleaseBlockers,
  /** The blockers in words (empty when the results can be released). */
  blockersText: Type.Array(LocalizedTextSchema),
  rows: Type.Array(ExamResultRow),
});
export type ExamResultsView = Static<typeof ExamResultsView>;

/** One answered short answer in the marking queue. Candidates are shown by a number, not a name. */
export const MarkingItem = Type.Object({
  attemptId: Uuid,
  /** The candidate's number in this exam (stable, not in roster order). */
  candidateNo: Type.Integer(),
  questionId: Uuid,
  no: Type.Integer(),
  stem: Type.String(),
  reference: Type.String(),
  answer: Type.String(),
  max: Type.Number(),
  /** The hand mark, once given. */
  score: Type.Union([Type.Number(), Type.Null()]),
  note: Type.String(),
  markedAt: Type.Union([IsoDateTime, Type.Null()]),
});
export type MarkingItem = Static<typeof MarkingItem>;

export const MarkingQueueView = Type.Object({
  examId: Uuid,
  released: Type.Boolean(),
  pending: Type.Integer(),
  marked: Type.Integer(),
  items: Type.Array(MarkingItem),
});
export type MarkingQueueView = Static<typeof MarkingQueueView>;

export const ManualMarkResult = Type.Object({
  attemptId: Uuid,
  questionId: Uuid,
  score: Type.Number(),
  attemptScore: Type.Number(),
  total: Type.Number(),
  manualPending: Type.Integer(),
  verdict: PassVerdict,
  verdictLabel: LocalizedTextSchema,
});
export type ManualMarkResult = Static<typeof ManualMarkResult>;

/** What the candidate sees of one question after the release. */
export const ResultQuestionView = Type.Object({
  no: Type.Integer(),
  questionId: Uuid,
  type: QuestionType,
  typeLabel: LocalizedTextSchema,
  stem: Type.String(),
  options: Type.Array(Type.Object({ key: Type.String(), text: Type.String() })),
  /** The candidate's answer, in the keys they were shown, and in words. */
  answer: CandidateAnswer,
  answerText: Type.String(),
  /** The right answer in the keys they were shown (the reference, for a short answer). */
  rightAnswerText: Type.String(),
  explanation: Type.String(),
  score: Type.Number(),
  max: Type.Number(),
  correct: Type.Boolean(),
  /** The marker's note on a short answer. */
  note: Type.String(),
});
export type ResultQuestionView = Static<typeof ResultQuestionView>;

export const AttemptResultView = Type.Object({
  attemptId: Uuid,
  examId: Uuid,
  examTitle: Type.String(),
  score: Type.Number(),
  total: Type.Number(),
  verdict: PassVerdict,
  verdictLabel: LocalizedTextSchema,
  passMarkText: LocalizedTextSchema,
  releasedAt: Type.Union([IsoDateTime, Type.Null()]),
  releasedAtText: Type.Union([Type.String(), Type.Null()]),
  questions: Type.Array(ResultQuestionView),
});
export type AttemptResultView = Static<typeof AttemptResultView>;

export const ReleaseResultView = Type.Object({
  examId: Uuid,
  released: Type.Boolean(),
  releasedAt: IsoDateTime,
  releasedAtText: Type.String(),
  marked: Type.Integer(),
  passed: Type.Integer(),
});
export type ReleaseResultView = Static<typeof ReleaseResultView>;

export const StatisticsBin = Type.Object({
  from: Type.Number(),
  to: Type.Number(),
  label: Type.String(),
  count: Type.Integer(),
});

export const QuestionStatisticsView = Type.Object({
  questionId: Uuid,
  /** The question's number on the paper (on per-candidate papers, its first number seen). */
  no: Type.Integer(),
  type: QuestionType,
  typeLabel: LocalizedTextSchema,
  chapter: Type.String(),
  stem: Type.String(),
  n: Type.Integer(),
  max: Type.Number(),
  meanScore: Type.Number(),
  p: Type.Union([Type.Number(), Type.Null()]),
  discrimination: Type.Union([Type.Number(), Type.Null()]),
  /** Words for p (易 / 中 / 难) and for the discrimination (好 / 尚可 / 差), zh and en. */
  pLabel: Type.Union([LocalizedTextSchema, Type.Null()]),
  discriminationLabel: Type.Union([LocalizedTextSchema, Type.Null()]),
});
export type QuestionStatisticsView = Static<typeof QuestionStatisticsView>;

export const ExamStatisticsView = Type.Object({
  examId: Uuid,
  title: Type.String(),
  candidates: Type.Integer(),
  sat: Type.Integer(),
  marked: Type.Integer(),
  passed: Type.Integer(),
  failed: Type.Integer(),
  pending: Type.Integer(),
  passRate: Type.Union([Type.Number(), Type.Null()]),
  mean: Type.Union([Type.Number(), Type.Null()]),
  median: Type.Union([Type.Number(), Type.Null()]),
  min: Type.Union([Type.Number(), Type.Null()]),
  max: Type.Union([Type.Number(), Type.Null()]),
  sd: Type.Union([Type.Number(), Type.Null()]),
  total: Type.Union([Type.Number(), Type.Null()]),
  distribution: Type.Array(StatisticsBin),
  questions: Type.Array(QuestionStatisticsView),
});
export type ExamStatisticsView = Static<typeof ExamStatisticsView>;

/** The statistics' figure names, zh-CN with English (pages and exports use these). */
export const STATISTICS_LABELS = {
  candidates: { zh: '应考人数', en: 'Candidates' },
  sat: { zh: '实考人数', en: 'Sat' },
  passed: { zh: '合格人数', en: 'Passed' },
  passRate: { zh: '合格率', en: 'Pass rate' },
  mean: { zh: '平均分', en: 'Mean' },
  median: { zh: '中位数', en: 'Median' },
  min: { zh: '最低分', en: 'Lowest' },
  max: { zh: '最高分', en: 'Highest' },
  sd: { zh: '标准差', en: 'Std. deviation' },
  distribution: { zh: '成绩分布（得分率）', en: 'Score distribution (share of total)' },
  p: { zh: '难度系数 P（得分率）', en: 'Difficulty index p (mean score / max)' },
  discrimination: {
    zh: '区分度（点二列相关：本题得分与其余题得分）',
    en: 'Discrimination (point-biserial: item score vs rest-of-test score)',
  },
} as const satisfies Record<string, LocalizedText>;

/** Difficulty in words: p ≥ 0.7 easy, 0.3 … 0.7 moderate, < 0.3 hard. */
export const difficultyLabel = (p: number | null): LocalizedText | null =>
  p === null
    ? null
    : p >= 0.7
      ? { zh: '较易', en: 'Easy' }
      : p >= 0.3
        ? { zh: '适中', en: 'Moderate' }
        : { zh: '较难', en: 'Hard' };

/** Discrimination in words (Ebel): ≥ 0.4 good, 0.2 … 0.4 fair, < 0.2 poor (review the question). */
export const discriminationLabel = (r: number | null): LocalizedText | null =>
  r === null
    ? null
    : r >= 0.4
      ? { zh: '良好', en: 'Good' }
      : r >= 0.2
        ? { zh: '尚可', en: 'Fair' }
        : { zh: '较差，建议复核', en: 'Poor, review the question' };
