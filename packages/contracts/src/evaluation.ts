// Contracts of course evaluation surveys and the quality objectives (JS-7.1, JS-14, QM-3; owner: evaluation).
// The questionnaire itself (questions, scale, the satisfaction rule) is defined once in core
// (packages/core/src/evaluation/questionnaire.ts) and travels in these views, zh and en.
import { Type, type Static } from '@sinclair/typebox';
import { IsoDate, Strict, Text, Uuid } from './common';
import { LocalizedText } from './errors';

export const SurveyKind = Type.Union([Type.Literal('trainee'), Type.Literal('sponsor')]);
export type SurveyKind = Static<typeof SurveyKind>;

/** One rating on the 1–5 scale. */
export const EvaluationRating = Type.Integer({ minimum: 1, maximum: 5 });
/** EvaluationRatings by question key (core checks the keys against its questionnaire). */
export const EvaluationRatings = Type.Record(Type.String({ pattern: '^[a-z_]{1,32}$' }), EvaluationRating, {
  maxProperties: 16,
});
export type EvaluationRatings = Static<typeof EvaluationRatings>;

export const EvaluationQuestion = Type.Object({ key: Type.String(), zh: Type.String(), en: Type.String() });
export type EvaluationQuestion = Static<typeof EvaluationQuestion>;
export const EvaluationScalePoint = Type.Object({
  value: Type.Integer(),
  zh: Type.String(),
  en: Type.String(),
});
export type EvaluationScalePoint = Static<typeof EvaluationScalePoint>;

/** not_open: no survey yet; open; closed (past its end or closed by the manager); answered (by this caller). */
export const EvaluationFormState = Type.Union([
  Type.Literal('not_open'),
  Type.Literal('open'),
  Type.Literal('closed'),
  Type.Literal('answered'),
]);
export type EvaluationFormState = Static<typeof EvaluationFormState>;

/** What a trainee (signed in) or a sponsor (through its link) is asked. */
export const EvaluationFormView = Type.Object({
  kind: SurveyKind,
  classId: Uuid,
  classCode: Type.String(),
  className: Type.String(),
  institutionName: Type.String(),
  sponsorName: Type.Union([Type.String(), Type.Null()]),
  state: EvaluationFormState,
  stateLabel: LocalizedText,
  closesAt: Type.Union([Type.String(), Type.Null()]),
  /** China time 'YYYY-MM-DD HH:MM'. */
  closesAtText: Type.Union([Type.String(), Type.Null()]),
  scale: Type.Array(EvaluationScalePoint),
  questions: Type.Array(EvaluationQuestion),
  /** Trainee survey: the class's instructors, each rated on `instructorQuestions`. */
  instructors: Type.Array(Type.Object({ accountId: Uuid, name: Type.String() })),
  instructorQuestions: Type.Array(EvaluationQuestion),
  commentMaxLength: Type.Integer(),
  /** How the answer is kept (anonymous to the instructor, once). */
  notice: LocalizedText,
});
export type EvaluationFormView = Static<typeof EvaluationFormView>;

export const TraineeAnswerBody = Strict({
  ratings: EvaluationRatings,
  instructors: Type.Array(Strict({ instructorId: Uuid, ratings: EvaluationRatings }), { maxItems: 30 }),
  comment: Type.Optional(Text({ maxLength: 1000 })),
});
export type TraineeAnswerBody = Static<typeof TraineeAnswerBody>;

/** The invitation token: 43 base64url characters (32 random bytes). */
export const SponsorToken = Type.String({ pattern: '^[A-Za-z0-9_-]{20,100}$' });
export const SponsorTokenQuery = Strict({ token: SponsorToken });
export type SponsorTokenQuery = Static<typeof SponsorTokenQuery>;
export const SponsorAnswerBody = Strict({
  token: SponsorToken,
  ratings: EvaluationRatings,
  comment: Type.Optional(Text({ maxLength: 1000 })),
});
export type SponsorAnswerBody = Static<typeof SponsorAnswerBody>;

export const EvaluationAnswerResult = Type.Object({
  ok: Type.Literal(true),
  state: Type.Literal('answered'),
  /** The China date stored with the answer (the day only, never the time). */
  answeredOn: Type.String(),
});
export type EvaluationAnswerResult = Static<typeof EvaluationAnswerResult>;

/** A trainee's open (or answered) course evaluations, for the home page. */
export const MyEvaluationsView = Type.Object({
  items: Type.Array(
    Type.Object({
      classId: Uuid,
      classCode: Type.String(),
      className: Type.String(),
      state: EvaluationFormState,
      stateLabel: LocalizedText,
      closesAtText: Type.String(),
    }),
  ),
});
export type MyEvaluationsView = Static<typeof MyEvaluationsView>;

export const OpenSurveyBody = Strict({
  /** Days the survey stays open (default 14). */
  days: Type.Optional(Type.Integer({ minimum: 1, maximum: 60 })),
});
export type OpenSurveyBody = Static<typeof OpenSurveyBody>;
export const SurveyParams = Strict({ classId: Uuid, surveyId: Uuid });

export const SponsorInvitationBody = Strict({
  sponsorName: Text({ minLength: 2, maxLength: 100 }),
  days: Type.Optional(Type.Integer({ minimum: 1, maximum: 90 })),
});
export type SponsorInvitationBody = Static<typeof SponsorInvitationBody>;
/** The raw token is shown once, here; only its SHA-256 is stored. */
export const SponsorInvitationCreated = Type.Object({
  id: Uuid,
  sponsorName: Type.String(),
  token: Type.String(),
  /** Relative link of the answer page: `evaluate.html?token=…`. */
  link: Type.String(),
  closesAtText: Type.String(),
});
export type SponsorInvitationCreated = Static<typeof SponsorInvitationCreated>;

export const EvaluationQuestionResult = Type.Object({
  key: Type.String(),
  zh: Type.String(),
  en: Type.String(),
  /** Mean of the ratings, 2 decimals; null without answers. */
  mean: Type.Union([Type.Number(), Type.Null()]),
  count: Type.Integer(),
});
export type EvaluationQuestionResult = Static<typeof EvaluationQuestionResult>;

export const EvaluationInstructorResult = Type.Object({
  accountId: Uuid,
  name: Type.String(),
  responses: Type.Integer(),
  /** False below the small-n threshold: no figures are given. */
  shown: Type.Boolean(),
  questions: Type.Array(EvaluationQuestionResult),
  satisfactionPct: Type.Union([Type.Number(), Type.Null()]),
  notice: Type.Union([LocalizedText, Type.Null()]),
});
export type EvaluationInstructorResult = Static<typeof EvaluationInstructorResult>;

export const SurveyResultsView = Type.Object({
  surveyId: Uuid,
  kind: SurveyKind,
  kindLabel: LocalizedText,
  status: Type.Union([Type.Literal('open'), Type.Literal('closed')]),
  statusLabel: LocalizedText,
  opensAtText: Type.String(),
  closesAtText: Type.String(),
  /** Trainees on the roster with an account, or invitations sent. */
  invited: Type.Integer(),
  responses: Type.Integer(),
  questions: Type.Array(EvaluationQuestionResult),
  /** Share of responses whose overall rating is ≥ 4, in %, 1 decimal; null without responses. */
  satisfactionPct: Type.Union([Type.Number(), Type.Null()]),
  satisfiedCount: Type.Integer(),
  instructors: Type.Array(EvaluationInstructorResult),
  /** Free comments without author, in no particular order (sorted by text). */
  comments: Type.Array(Type.String()),
});
export type SurveyResultsView = Static<typeof SurveyResultsView>;

export const SponsorInvitationView = Type.Object({
  id: Uuid,
  sponsorName: Type.String(),
  answered: Type.Boolean(),
  stateLabel: LocalizedText,
  createdAtText: Type.String(),
});
export type SponsorInvitationView = Static<typeof SponsorInvitationView>;

export const ClassEvaluationView = Type.Object({
  classId: Uuid,
  classCode: Type.String(),
  className: Type.String(),
  /** China time of the end of the last session of the confirmed plan; null when none. */
  endsAtText: Type.Union([Type.String(), Type.Null()]),
  ended: Type.Boolean(),
  /** Whether the manager may open the trainee survey now (the class has ended, none is open). */
  canOpen: Type.Boolean(),
  canOpenReason: Type.Union([LocalizedText, Type.Null()]),
  trainee: Type.Union([SurveyResultsView, Type.Null()]),
  sponsor: Type.Union([SurveyResultsView, Type.Null()]),
  invitations: Type.Array(SponsorInvitationView),
  /** The definitions the figures follow (satisfaction %, small-n rule, anonymity). */
  definitions: Type.Array(LocalizedText),
});
export type ClassEvaluationView = Static<typeof ClassEvaluationView>;

/** A period in China dates; both optional (default: 1 January of this year to today, China time). */
export const QualityPeriodQuery = Type.Object(
  { from: Type.Optional(IsoDate), to: Type.Optional(IsoDate) },
  { additionalProperties: false },
);
export type QualityPeriodQuery = Static<typeof QualityPeriodQuery>;

export const QualityPeriodView = Type.Object({
  from: Type.String(),
  to: Type.String(),
  /** "2026-01-01 至 2026-12-03（北京时间）· China dates". */
  text: LocalizedText,
});

export const InstitutionEvaluationView = Type.Object({
  institutionId: Uuid,
  period: QualityPeriodView,
  classes: Type.Array(
    Type.Object({
      classId: Uuid,
      classCode: Type.String(),
      className: Type.String(),
      endDate: Type.String(),
      traineeResponses: Type.Integer(),
      traineeSatisfactionPct: Type.Union([Type.Number(), Type.Null()]),
      sponsorResponses: Type.Integer(),
      sponsorSatisfactionPct: Type.Union([Type.Number(), Type.Null()]),
    }),
  ),
  instructors: Type.Array(EvaluationInstructorResult),
  definitions: Type.Array(LocalizedText),
});
export type InstitutionEvaluationView = Static<typeof InstitutionEvaluationView>;

export const ObjectiveKey = Type.Union([
  Type.Literal('trainee_satisfaction'),
  Type.Literal('exam_pass_rate'),
  Type.Literal('sponsor_satisfaction'),
]);
export type ObjectiveKey = Static<typeof ObjectiveKey>;
export const ObjectiveStatus = Type.Union([
  Type.Literal('met'),
  Type.Literal('not_met'),
  Type.Literal('no_data'),
]);
export type ObjectiveStatus = Static<typeof ObjectiveStatus>;

/** One quality objective against its data: actual %, the gap to the target in percentage points. */
export const ObjectiveView = Type.Object({
  key: ObjectiveKey,
  label: LocalizedText,
  targetPct: Type.Number(),
  actualPct: Type.Union([Type.Number(), Type.Null()]),
  /** Satisfied answers, or passed first attempts. */
  numerator: Type.Integer(),
  /** Answers, or marked first attempts. */
  denominator: Type.Integer(),
  /** actual − target in percentage points (1 decimal); null without data. */
  gapPts: Type.Union([Type.Number(), Type.Null()]),
  met: Type.Union([Type.Boolean(), Type.Null()]),
  status: ObjectiveStatus,
  statusLabel: LocalizedText,
});
export type ObjectiveView = Static<typeof ObjectiveView>;

export const QualityRow = Type.Object({
  id: Uuid,
  code: Type.String(),
  name: Type.String(),
  /** Class rows: the China date of the last session; item rows: the item's classes in the period. */
  note: Type.String(),
  objectives: Type.Array(ObjectiveView),
});
export type QualityRow = Static<typeof QualityRow>;

export const QualityView = Type.Object({
  institutionId: Uuid,
  institutionName: Type.String(),
  period: QualityPeriodView,
  objectives: Type.Array(ObjectiveView),
  classes: Type.Array(QualityRow),
  items: Type.Array(QualityRow),
  definitions: Type.Array(LocalizedText),
});
export type QualityView = Static<typeof QualityView>;

export const OfficerQualityView = Type.Object({
  period: QualityPeriodView,
  objectives: Type.Array(ObjectiveView),
  institutions: Type.Array(QualityRow),
  definitions: Type.Array(LocalizedText),
});
export type OfficerQualityView = Static<typeof OfficerQualityView>;
