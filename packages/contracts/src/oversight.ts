// JS-17 / QM-4 / JS-16 / TM-6: findings, complaints, exam-discipline violations, corrections, sanctions,
// the scoring indicators, the officer's dashboard and the supervision view (issue 11 §5–6): their API
// views are added here.
import { Type, type Static } from '@sinclair/typebox';
import { IdParams, IsoDate, IsoDateTime, NonEmpty, Strict, Text, Uuid } from './common';
import type { LocalizedText } from './errors';
import { LocalizedText as LocalizedTextSchema } from './errors';
import { QualificationStatus } from './institution';

// ---- Findings, complaints, exam-discipline violations (JS-17, QM-4) ----

export const OVERSIGHT_ITEM_KINDS = ['finding', 'complaint', 'exam_violation'] as const;
export type OversightItemKind = (typeof OVERSIGHT_ITEM_KINDS)[number];
export const OversightItemKind = Type.Union(OVERSIGHT_ITEM_KINDS.map((k) => Type.Literal(k)));
export const OVERSIGHT_ITEM_KIND_LABELS: Readonly<Record<OversightItemKind, LocalizedText>> = {
  finding: { zh: '检查发现缺陷', en: 'Inspection finding (defect)' },
  complaint: { zh: '培训质量投诉或举报', en: 'Training-quality complaint' },
  exam_violation: { zh: '适任考试违纪', en: 'Exam-discipline violation' },
};

export const OVERSIGHT_ITEM_STATUSES = ['open', 'correction_submitted', 'accepted', 'closed'] as const;
export type OversightItemStatus = (typeof OVERSIGHT_ITEM_STATUSES)[number];
export const OversightItemStatus = Type.Union(OVERSIGHT_ITEM_STATUSES.map((s) => Type.Literal(s)));
export const OVERSIGHT_ITEM_STATUS_LABELS: Readonly<Record<OversightItemStatus, LocalizedText>> = {
  open: { zh: '待整改', en: 'Open' },
  correction_submitted: { zh: '整改待审核', en: 'Correction submitted' },
  accepted: { zh: '整改已通过', en: 'Correction accepted' },
  closed: { zh: '已关闭', en: 'Closed' },
};

export const CORRECTION_DECISIONS = ['accepted', 'rejected'] as const;
export type CorrectionDecision = (typeof CORRECTION_DECISIONS)[number];
export const CorrectionDecision = Type.Union(CORRECTION_DECISIONS.map((d) => Type.Literal(d)));
export const CORRECTION_DECISION_LABELS: Readonly<Record<CorrectionDecision | 'pending', LocalizedText>> = {
  pending: { zh: '待审核', en: 'Awaiting decision' },
  accepted: { zh: '通过', en: 'Accepted' },
  rejected: { zh: '不通过', en: 'Rejected' },
};

export const CreateOversightItemBody = Strict({
  kind: OversightItemKind,
  title: NonEmpty(200),
  detail: Text({ minLength: 1, maxLength: 5000 }),
  /** The China date it happened or was found (the scoring's 3-year window counts it). */
  occurredOn: IsoDate,
  classId: Type.Optional(Uuid),
  /** The rectification deadline (China date), on or after occurredOn. */
  deadline: Type.Optional(IsoDate),
});
export type CreateOversightItemBody = Static<typeof CreateOversightItemBody>;

export const OversightEvidenceView = Type.Object({
  id: Uuid,
  sha256: Type.String(),
  sizeBytes: Type.Integer(),
  mimeType: Type.String(),
  createdAt: IsoDateTime,
});
export type OversightEvidenceView = Static<typeof OversightEvidenceView>;

export const CorrectionView = Type.Object({
  id: Uuid,
  itemId: Uuid,
  text: Type.String(),
  evidence: Type.Array(OversightEvidenceView),
  submittedBy: Uuid,
  submittedByName: Type.String(),
  submittedAt: IsoDateTime,
  decision: Type.Union([CorrectionDecision, Type.Null()]),
  decisionNote: Type.Union([Type.String(), Type.Null()]),
  decidedByName: Type.Union([Type.String(), Type.Null()]),
  decidedAt: Type.Union([IsoDateTime, Type.Null()]),
});
export type CorrectionView = Static<typeof CorrectionView>;

export const OversightItemView = Type.Object({
  id: Uuid,
  institutionId: Uuid,
  institutionNameZh: Type.String(),
  institutionNameEn: Type.String(),
  classId: Type.Union([Uuid, Type.Null()]),
  kind: OversightItemKind,
  title: Type.String(),
  detail: Type.String(),
  occurredOn: IsoDate,
  deadline: Type.Union([IsoDate, Type.Null()]),
  status: OversightItemStatus,
  /** Days from today (China date) to the deadline: negative once it passed; null without a deadline. */
  daysLeft: Type.Union([Type.Integer(), Type.Null()]),
  /** The deadline passed without an accepted correction (computed from today, China date). */
  overdue: Type.Boolean(),
  /** When the overdue job flagged it (once). */
  overdueAt: Type.Union([IsoDateTime, Type.Null()]),
  recordedByName: Type.String(),
  createdAt: IsoDateTime,
  corrections: Type.Array(CorrectionView),
});
export type OversightItemView = Static<typeof OversightItemView>;

export const OversightListQuery = Strict({
  status: Type.Optional(OversightItemStatus),
  overdue: Type.Optional(Type.Union([Type.Literal('true'), Type.Literal('false')])),
});

export const SubmitCorrectionBody = Strict({
  text: Text({ minLength: 1, maxLength: 5000 }),
  /** Files uploaded first to …/oversight-items/:oversightItemId/evidence (content-addressed). */
  evidenceIds: Type.Array(Uuid, { maxItems: 20, uniqueItems: true }),
});
export type SubmitCorrectionBody = Static<typeof SubmitCorrectionBody>;

export const DecideCorrectionBody = Strict({
  decision: CorrectionDecision,
  note: Text({ minLength: 1, maxLength: 2000 }),
});
export type DecideCorrectionBody = Static<typeof DecideCorrectionBody>;

export const OversightItemParams = IdParams('institutionId', 'oversightItemId');
export const CorrectionParams = IdParams('institutionId', 'oversightItemId', 'correctionId');

// ---- Sanctions (JS-17, JS-3) ----

export const SANCTION_KINDS = ['order_correction', 'suspend', 'revoke', 'restore'] as const;
export type SanctionKind = (typeof SANCTION_KINDS)[number];
export const SanctionKind = Type.Union(SANCTION_KINDS.map((k) => Type.Literal(k)));
export const SANCTION_KIND_LABELS: Readonly<Record<SanctionKind, LocalizedText>> = {
  order_correction: { zh: '责令限期整改', en: 'Order correction by a deadline' },
  suspend: { zh: '暂停线上培训资格', en: 'Suspend online-training qualification' },
  revoke: { zh: '取消线上培训资格', en: 'Revoke online-training qualification' },
  restore: { zh: '恢复线上培训资格', en: 'Restore online-training qualification' },
};

export const IssueSanctionBody = Strict({
  kind: SanctionKind,
  reason: Text({ minLength: 1, maxLength: 2000 }),
  /** Required for order_correction (China date, after today). */
  deadline: Type.Optional(IsoDate),
  /** The finding, complaint or violation it answers, of this institution. */
  itemId: Type.Optional(Uuid),
});
export type IssueSanctionBody = Static<typeof IssueSanctionBody>;

export const SanctionView = Type.Object({
  id: Uuid,
  institutionId: Uuid,
  kind: SanctionKind,
  reason: Type.String(),
  deadline: Type.Union([IsoDate, Type.Null()]),
  itemId: Type.Union([Uuid, Type.Null()]),
  issuedByName: Type.String(),
  issuedAt: IsoDateTime,
  qualificationFrom: Type.Union([QualificationStatus, Type.Null()]),
  qualificationTo: Type.Union([QualificationStatus, Type.Null()]),
});
export type SanctionView = Static<typeof SanctionView>;

// ---- Scoring (QM-4, seed 004 items 3.1–3.3) ----

export const SCORING_INDICATORS = ['3.1', '3.2', '3.3'] as const;
export type ScoringIndicatorId = (typeof SCORING_INDICATORS)[number];

export const ScoringIndicatorView = Type.Object({
  id: Type.Union(SCORING_INDICATORS.map((i) => Type.Literal(i))),
  name: LocalizedTextSchema,
  /** The items counted (findings, complaints, violation person-times). */
  count: Type.Integer(),
  windowFrom: IsoDate,
  windowTo: IsoDate,
  points: Type.Number(),
  maxPoints: Type.Number(),
  /** The seed's rule, as it is applied. */
  rule: LocalizedTextSchema,
  /** Why these points (the case of the rule that applied). */
  because: LocalizedTextSchema,
});
export type ScoringIndicatorView = Static<typeof ScoringIndicatorView>;

export const ScoringView = Type.Object({
  institutionId: Uuid,
  asOf: IsoDate,
  indicators: Type.Array(ScoringIndicatorView),
  points: Type.Number(),
  maxPoints: Type.Number(),
});
export type ScoringView = Static<typeof ScoringView>;

// ---------- JS-16 / TM-6: the officer's dashboard, the monitoring wall, the supervision view ----------
// (Aliased imports: this file is shared with the findings views above, whose imports stay untouched.)
import { Type as SvType, type Static as SvStatic } from '@sinclair/typebox';
import {
  IsoDate as SvIsoDate,
  IsoDateTime as SvIsoDateTime,
  Strict as SvStrict,
  Text as SvText,
  Uuid as SvUuid,
} from './common';
import { LocalizedText as SvLocalizedText } from './errors';

const SvNullable = <T extends Parameters<typeof SvType.Union>[0][number]>(t: T) =>
  SvType.Union([t, SvType.Null()]);

/** What the dashboard flags in the last 7 days (the rules are core's supervision/anomalies.ts). */
export const ANOMALY_KINDS = [
  'camera_off_long',
  'roll_call_missed',
  'repeated_absence',
  'spot_check_failed',
] as const;
export const AnomalyKind = SvType.Union(ANOMALY_KINDS.map((k) => SvType.Literal(k)));
export type AnomalyKind = (typeof ANOMALY_KINDS)[number];
export const ANOMALY_KIND_LABELS: Readonly<Record<AnomalyKind, SvLocalizedText>> = {
  camera_off_long: { zh: '长时间未开摄像头', en: 'Camera off for long' },
  roll_call_missed: { zh: '点名未到', en: 'Missed roll-call' },
  repeated_absence: { zh: '多次缺课', en: 'Repeated absence' },
  spot_check_failed: { zh: '身份抽查未通过', en: 'Failed identity spot check' },
};

/** One attendance anomaly, with what it links to (class, session, the trainee's timeline). */
export const AnomalyView = SvType.Object({
  kind: AnomalyKind,
  classId: SvUuid,
  classCode: SvType.String(),
  className: SvType.String(),
  institutionNameZh: SvType.String(),
  sessionId: SvNullable(SvUuid),
  sessionSeq: SvNullable(SvType.Integer()),
  accountId: SvNullable(SvUuid),
  traineeName: SvNullable(SvType.String()),
  /** When it happened (the start of the stretch, the roll-call, the check, the latest absence). */
  at: SvIsoDateTime,
  /** What happened, in words (China time). */
  detail: SvLocalizedText,
});
export type AnomalyView = SvStatic<typeof AnomalyView>;

/** A class live now: its session, the instructor, who is here, and the session's anomalies so far. */
export const LiveClassView = SvType.Object({
  classId: SvUuid,
  classCode: SvType.String(),
  className: SvType.String(),
  institutionId: SvUuid,
  institutionNameZh: SvType.String(),
  sessionId: SvUuid,
  sessionSeq: SvType.Integer(),
  topic: SvType.String(),
  startsAt: SvIsoDateTime,
  endsAt: SvIsoDateTime,
  instructorAccountId: SvUuid,
  instructorName: SvType.String(),
  /** Someone is connected to the room (the presence log): a live node hosts it now. */
  roomOpen: SvType.Boolean(),
  instructorPresent: SvType.Boolean(),
  /** Trainees present now (connected with camera and microphone) / on the roster. */
  traineesPresent: SvType.Integer({ minimum: 0 }),
  rosterCount: SvType.Integer({ minimum: 0 }),
  anomalies: SvType.Array(AnomalyView),
});
export type LiveClassView = SvStatic<typeof LiveClassView>;

/** A filed plan version waiting for the officer's confirmation. */
export const WaitingFilingView = SvType.Object({
  classId: SvUuid,
  classCode: SvType.String(),
  className: SvType.String(),
  institutionNameZh: SvType.String(),
  version: SvType.Integer(),
  filedAt: SvNullable(SvIsoDateTime),
  firstSessionDate: SvIsoDate,
});
export type WaitingFilingView = SvStatic<typeof WaitingFilingView>;

/** A finding whose rectification deadline passed without an accepted correction. */
export const OverdueRectificationView = SvType.Object({
  itemId: SvUuid,
  institutionId: SvUuid,
  institutionNameZh: SvType.String(),
  classId: SvNullable(SvUuid),
  title: SvType.String(),
  deadline: SvNullable(SvIsoDate),
  overdueAt: SvIsoDateTime,
  status: SvType.String(),
});
export type OverdueRectificationView = SvStatic<typeof OverdueRectificationView>;

/** JS-16: GET /officer/dashboard — the officer's jurisdiction and every jurisdiction below it. */
export const OfficerDashboardView = SvType.Object({
  generatedAt: SvIsoDateTime,
  /** Anomalies are those since this instant (7 days back). */
  since: SvIsoDateTime,
  live: SvType.Array(LiveClassView),
  filings: SvType.Array(WaitingFilingView),
  anomalies: SvType.Array(AnomalyView),
  overdue: SvType.Array(OverdueRectificationView),
});
export type OfficerDashboardView = SvStatic<typeof OfficerDashboardView>;

/** JS-16: GET /officer/wall — every class live now in the jurisdiction. */
export const MonitoringWallView = SvType.Object({
  generatedAt: SvIsoDateTime,
  items: SvType.Array(LiveClassView),
});
export type MonitoringWallView = SvStatic<typeof MonitoringWallView>;

export const RECORDING_STATUS_LABELS: Readonly<Record<string, SvLocalizedText>> = {
  none: { zh: '无录像', en: 'Not recorded' },
  recording: { zh: '录制中', en: 'Recording' },
  processing: { zh: '生成回放中', en: 'Building the replay' },
  ready: { zh: '回放可看', en: 'Replay ready' },
  failed: { zh: '回放生成失败', en: 'Replay failed' },
};

/** A stretch of the session that is not in the recording, and why (zh / en). */
export const RecordingGapView = SvType.Object({
  from: SvIsoDateTime,
  to: SvNullable(SvIsoDateTime),
  seconds: SvNullable(SvType.Number()),
  reason: SvType.String(),
  reasonLabel: SvLocalizedText,
});

/** TM-6: one entry of the review log: who watched which recording, when, which stretch, what they noted. */
export const RecordingReviewView = SvType.Object({
  id: SvUuid,
  classId: SvUuid,
  sessionId: SvUuid,
  reviewerId: SvUuid,
  reviewerName: SvType.String(),
  fromS: SvNullable(SvType.Number()),
  toS: SvNullable(SvType.Number()),
  /** Null when logged by opening the replay (no note written). */
  note: SvNullable(SvType.String()),
  reviewedAt: SvIsoDateTime,
});
export type RecordingReviewView = SvStatic<typeof RecordingReviewView>;

/** TM-6: a session of the jurisdiction with its recording, the gaps with their reasons, and its reviews. */
export const SupervisionSessionView = SvType.Object({
  classId: SvUuid,
  classCode: SvType.String(),
  className: SvType.String(),
  institutionNameZh: SvType.String(),
  sessionId: SvUuid,
  sessionSeq: SvType.Integer(),
  date: SvIsoDate,
  startsAt: SvIsoDateTime,
  endsAt: SvIsoDateTime,
  topic: SvType.String(),
  recording: SvType.Object({
    status: SvType.String(),
    statusLabel: SvLocalizedText,
    durationS: SvNullable(SvType.Number()),
    segments: SvType.Integer({ minimum: 0 }),
    gaps: SvType.Array(RecordingGapView),
    error: SvNullable(SvType.String()),
  }),
  reviewed: SvType.Boolean(),
  reviews: SvType.Array(RecordingReviewView),
});
export type SupervisionSessionView = SvStatic<typeof SupervisionSessionView>;

/** GET /officer/sessions?from=&to= (China dates, both within; default the last 7 days; at most 92 days). */
export const SupervisionQuery = SvStrict({
  from: SvType.Optional(SvIsoDate),
  to: SvType.Optional(SvIsoDate),
});
export type SupervisionQuery = SvStatic<typeof SupervisionQuery>;

/** POST …/recording-reviews: the stretch watched (seconds into the replay) and the note. */
export const RecordingReviewBody = SvStrict({
  fromS: SvType.Optional(SvType.Number({ minimum: 0, maximum: 86_400 })),
  toS: SvType.Optional(SvType.Number({ minimum: 0, maximum: 86_400 })),
  note: SvText({ minLength: 1, maxLength: 2000 }),
});
export type RecordingReviewBody = SvStatic<typeof RecordingReviewBody>;
