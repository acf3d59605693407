// Contracts of candidates' attempts: start, answers, submit (issue 12 §3, REL-2; owner: sitting).
import { Type, type Static } from '@sinclair/typebox';
import { INT4_MAX, IsoDateTime, NonEmpty, Strict, Uuid } from './common';
import type { LocalizedText } from './errors';
import { LocalizedText as LocalizedTextSchema } from './errors';
import { Proctoring } from './exam-setup';
import { CandidateAnswer, QuestionType } from './exams';

export const ATTEMPT_STATUSES = ['in_progress', 'submitted', 'marked'] as const;
export type AttemptStatus = (typeof ATTEMPT_STATUSES)[number];
export const AttemptStatus = Type.Union(ATTEMPT_STATUSES.map((s) => Type.Literal(s)));
export const ATTEMPT_STATUS_LABELS: Readonly<Record<AttemptStatus, LocalizedText>> = {
  in_progress: { zh: '答题中', en: 'In progress' },
  submitted: { zh: '已交卷', en: 'Submitted' },
  marked: { zh: '已阅卷', en: 'Marked' },
};

export const SUBMIT_REASONS = ['candidate', 'time_up', 'invigilator'] as const;
export type SubmitReason = (typeof SUBMIT_REASONS)[number];
export const SubmitReason = Type.Union(SUBMIT_REASONS.map((s) => Type.Literal(s)));
export const SUBMIT_REASON_LABELS: Readonly<Record<SubmitReason, LocalizedText>> = {
  candidate: { zh: '考生交卷', en: 'Submitted by the candidate' },
  time_up: { zh: '时间到自动交卷', en: 'Submitted automatically at the end of time' },
  invigilator: { zh: '监考收卷', en: 'Collected by the invigilator' },
};

/** A question as the candidate's page shows it (no answer, no option mapping). */
export const CandidateQuestionView = Type.Object({
  no: Type.Integer(),
  questionId: Uuid,
  type: QuestionType,
  typeLabel: LocalizedTextSchema,
  score: Type.Number(),
  stem: Type.String(),
  /** Choice types: the options in the shown order, lettered A, B, … as shown. */
  options: Type.Array(Type.Object({ key: Type.String(), text: Type.String() })),
  /** Fill-in: how many blanks (answered as an array of that many strings, or one string). */
  blanks: Type.Optional(Type.Integer()),
});
export type CandidateQuestionView = Static<typeof CandidateQuestionView>;

/** One saved answer as the server holds it (acknowledged = stored). */
export const SavedAnswerView = Type.Object({
  questionId: Uuid,
  answer: CandidateAnswer,
  seq: Type.Integer(),
  deviceId: Type.Union([Type.String(), Type.Null()]),
  savedAt: IsoDateTime,
});
export type SavedAnswerView = Static<typeof SavedAnswerView>;

export const AttemptView = Type.Object({
  id: Uuid,
  examId: Uuid,
  classId: Uuid,
  accountId: Uuid,
  examTitle: Type.String(),
  /** The live session the exam is invigilated in (null: none), and its proctoring settings. */
  examSessionId: Type.Union([Uuid, Type.Null()]),
  proctoring: Proctoring,
  attemptNo: Type.Integer(),
  status: AttemptStatus,
  statusLabel: LocalizedTextSchema,
  startedAt: IsoDateTime,
  /** The server's deadline: start + duration + the candidate's extra time, never past the exam's close. */
  deadlineAt: IsoDateTime,
  /** The server's time when this view was made (the page counts down from deadlineAt − serverNow). */
  serverNow: IsoDateTime,
  durationMinutes: Type.Integer(),
  extraMinutes: Type.Integer(),
  submittedAt: Type.Union([IsoDateTime, Type.Null()]),
  submitReason: Type.Union([SubmitReason, Type.Null()]),
  submitReasonLabel: Type.Union([LocalizedTextSchema, Type.Null()]),
  /** SHA-256 of the canonical answers at submission (audited). */
  answersSha256: Type.Union([Type.String(), Type.Null()]),
  totalScore: Type.Number(),
  questions: Type.Array(CandidateQuestionView),
  answers: Type.Array(SavedAnswerView),
});
export type AttemptView = Static<typeof AttemptView>;

export const StartAttemptBody = Strict({
  /** The browser's device id (kept with each answer; a second device is recorded). */
  deviceId: Type.Optional(NonEmpty(100)),
});
export type StartAttemptBody = Static<typeof StartAttemptBody>;

export const SaveAnswerBody = Strict({
  questionId: Uuid,
  answer: CandidateAnswer,
  /** The client's counter for this question: a save with a lower seq than the stored one changes nothing. */
  seq: Type.Integer({ minimum: 1, maximum: INT4_MAX }),
  deviceId: NonEmpty(100),
});
export type SaveAnswerBody = Static<typeof SaveAnswerBody>;

/** The acknowledgement of a save: sent only once the answer (or a newer one) is committed. */
export const SaveAnswerAck = Type.Object({
  questionId: Uuid,
  /** The seq stored now (higher than the one sent when a newer save came first). */
  seq: Type.Integer(),
  /** false: a newer answer (higher seq) was stored already and is kept. */
  stored: Type.Boolean(),
  savedAt: IsoDateTime,
  deadlineAt: IsoDateTime,
  serverNow: IsoDateTime,
});
export type SaveAnswerAck = Static<typeof SaveAnswerAck>;

export const ExamAttemptParams = Strict({ classId: Uuid, examId: Uuid });
export const AttemptParams = Strict({ classId: Uuid, examId: Uuid, attemptId: Uuid });
