import { Type, type Static } from '@sinclair/typebox';
import { INT4_MAX, IsoDate, IsoDateTime, NonEmpty, Strict, Text, Uuid } from './common';
import { LocalizedText } from './errors';
import { LiveRole } from './live';

export const HhMm = Type.String({
  pattern: '^([01][0-9]|2[0-3]):[0-5][0-9]$',
  description: 'China time HH:MM',
});

export const PlanSession = Strict({
  date: IsoDate,
  start: HhMm,
  end: HhMm,
  topic: NonEmpty(200),
  instructorAccountId: Uuid,
});
export type PlanSession = Static<typeof PlanSession>;

export const ManagerDuty = Strict({ accountId: Uuid, duties: NonEmpty(500) });

export const InstructorOverride = Strict({
  accountId: Uuid,
  reason: Text({ minLength: 10, maxLength: 2000 }),
});

export const PlanBody = Strict({
  scale: Type.Integer({ minimum: 1, maximum: 1000 }),
  sessions: Type.Array(PlanSession, { minItems: 1, maxItems: 500 }),
  managers: Type.Array(ManagerDuty, { minItems: 1, maxItems: 20 }),
  contentNote: Type.Optional(Text({ maxLength: 5000 })),
  /** JS-9: explicit, audited overrides for instructors with under three years of teaching. */
  instructorOverrides: Type.Optional(Type.Array(InstructorOverride, { maxItems: 50 })),
});
export type PlanBody = Static<typeof PlanBody>;

export const CreateClassBody = Strict({
  trainingItemId: Uuid,
  code: Type.String({ pattern: '^[A-Za-z0-9._-]{1,40}$' }),
  name: NonEmpty(200),
  plan: PlanBody,
});
export type CreateClassBody = Static<typeof CreateClassBody>;

export const PLAN_STATUSES = ['draft', 'filed', 'confirmed', 'rejected', 'superseded'] as const;
export const PlanStatus = Type.Union(PLAN_STATUSES.map((s) => Type.Literal(s)));
export type PlanStatus = (typeof PLAN_STATUSES)[number];
/** How each plan version's status is named to people (the one table: core's filing rules use it too). */
export const PLAN_STATUS_LABELS: Readonly<Record<PlanStatus, LocalizedText>> = {
  draft: { zh: '草稿（未报备）', en: 'draft (not filed)' },
  filed: { zh: '已报备，待海事管理机构审核', en: 'filed, pending review by the authority' },
  confirmed: { zh: '已确认', en: 'confirmed' },
  rejected: { zh: '已退回', en: 'rejected' },
  superseded: { zh: '已被新版本取代', en: 'superseded by a newer version' },
};

/** A rule the plan does not yet meet, worded as the filing refusal would word it. */
export const PlanProblem = Type.Object({ code: Type.String(), zh: Type.String(), en: Type.String() });
export type PlanProblem = Static<typeof PlanProblem>;

/** JS-10: scheduled teaching against the syllabus, in whole minutes (the figures the filing check uses). */
export const PlanHours = Type.Object({
  scheduledMinutes: Type.Integer(),
  syllabusMinutes: Type.Integer(),
  /** 0 when the timetable covers the syllabus. */
  shortfallMinutes: Type.Integer(),
});
export type PlanHours = Static<typeof PlanHours>;

export const PlanVersionView = Type.Object({
  id: Uuid,
  version: Type.Integer(),
  status: PlanStatus,
  scale: Type.Integer(),
  totalHours: Type.Number(),
  firstSessionDate: IsoDate,
  contentNote: Type.Union([Type.String(), Type.Null()]),
  sessions: Type.Array(
    Type.Object({
      id: Uuid,
      seq: Type.Integer(),
      date: IsoDate,
      start: HhMm,
      end: HhMm,
      startsAt: IsoDateTime,
      endsAt: IsoDateTime,
      topic: Type.String(),
      instructorAccountId: Uuid,
      /** The live room admits from this instant to `joinClosesAt` (the join-grant check's own window). */
      joinOpensAt: IsoDateTime,
      joinClosesAt: IsoDateTime,
    }),
  ),
  managers: Type.Array(Type.Object({ accountId: Uuid, duties: Type.String() })),
  instructors: Type.Array(Uuid),
  instructorOverrides: Type.Array(Type.Object({ accountId: Uuid, reason: Type.String() })),
  createdAt: IsoDateTime,
  filedAt: Type.Union([IsoDateTime, Type.Null()]),
  reviewedAt: Type.Union([IsoDateTime, Type.Null()]),
  reviewReason: Type.Union([Type.String(), Type.Null()]),
  hours: PlanHours,
  /** What filing this version would be refused with now (empty when it could be filed, or is not a draft). */
  problems: Type.Array(PlanProblem),
});
export type PlanVersionView = Static<typeof PlanVersionView>;

export const FILING_STATES = ['draft', 'pending_review', 'confirmed', 'rejected'] as const;
export type ClassFilingState = (typeof FILING_STATES)[number];
export const CLASS_FILING_STATE_LABELS: Readonly<Record<ClassFilingState, LocalizedText>> = {
  draft: { zh: '草稿（未报备）', en: 'draft (not filed)' },
  pending_review: { zh: '已报备，待审核', en: 'filed, pending review' },
  confirmed: { zh: '已确认开班', en: 'confirmed' },
  rejected: { zh: '已退回', en: 'rejected' },
};

/** JS-11.1: the plan-filing deadline as the API computes it (China dates). */
export const FilingDeadline = Type.Object({
  firstSessionDate: IsoDate,
  /** The last China date on which the plan may be filed (3 calendar days before the first session). */
  lastFilingDate: IsoDate,
  /** China calendar days from today to lastFilingDate: 0 on the last day, negative once it has passed. */
  daysLeft: Type.Integer(),
  /** False once the current version is filed or confirmed: the deadline no longer concerns anyone. */
  applies: Type.Boolean(),
});
export type FilingDeadline = Static<typeof FilingDeadline>;
export const ClassView = Type.Object({
  id: Uuid,
  institutionId: Uuid,
  institutionNameZh: Type.String(),
  trainingItemId: Uuid,
  trainingItemCode: Type.String(),
  trainingItemNameZh: Type.String(),
  code: Type.String(),
  name: Type.String(),
  /** draft: not filed; pending_review: filed, awaiting the officer; confirmed: may run; rejected. */
  filingState: Type.Union(FILING_STATES.map((s) => Type.Literal(s))),
  canRun: Type.Boolean(),
  current: PlanVersionView,
  confirmedVersion: Type.Union([Type.Integer(), Type.Null()]),
  rosterCount: Type.Integer(),
  rosterFiledAt: Type.Union([IsoDateTime, Type.Null()]),
  createdAt: IsoDateTime,
  filingDeadline: FilingDeadline,
});
export type ClassView = Static<typeof ClassView>;

export const ClassSummary = Type.Object({
  id: Uuid,
  code: Type.String(),
  name: Type.String(),
  institutionId: Uuid,
  institutionNameZh: Type.String(),
  filingState: Type.String(),
  currentVersion: Type.Integer(),
  firstSessionDate: IsoDate,
  rosterCount: Type.Integer(),
  rosterFiledAt: Type.Union([IsoDateTime, Type.Null()]),
  filingDeadline: FilingDeadline,
});
export type ClassSummary = Static<typeof ClassSummary>;

export const ReviewBody = Strict({
  decision: Type.Union([Type.Literal('confirm'), Type.Literal('reject')]),
  reason: Type.Optional(Text({ minLength: 1, maxLength: 2000 })),
});

export const PlanDiffView = Type.Object({
  fromVersion: Type.Union([Type.Integer(), Type.Null()]),
  toVersion: Type.Integer(),
  diff: Type.Unknown(),
});

export const ClassParams = Strict({ classId: Uuid });
export const VersionParams = Strict({
  classId: Uuid,
  version: Type.Integer({ minimum: 1, maximum: INT4_MAX }),
});

export const JoinGrantView = Type.Object({
  grant: Type.String({ description: 'Signed, short-lived admission for the live service' }),
  expiresAt: IsoDateTime,
  liveRole: LiveRole,
  hidden: Type.Boolean(),
  classId: Uuid,
  sessionId: Uuid,
  /** Where the live service's signaling listens. */
  liveUrl: Type.String(),
});
export type JoinGrantView = Static<typeof JoinGrantView>;
export const SessionParams = Strict({ classId: Uuid, sessionId: Uuid });
