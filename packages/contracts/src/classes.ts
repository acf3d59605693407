import { Type, type Static } from '@sinclair/typebox';
import { IsoDate, IsoDateTime, NonEmpty, Strict, Uuid } from './common';
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
  reason: Type.String({ minLength: 10, maxLength: 2000 }),
});

export const PlanBody = Strict({
  scale: Type.Integer({ minimum: 1, maximum: 1000 }),
  sessions: Type.Array(PlanSession, { minItems: 1, maxItems: 500 }),
  managers: Type.Array(ManagerDuty, { minItems: 1, maxItems: 20 }),
  contentNote: Type.Optional(Type.String({ maxLength: 5000 })),
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
    }),
  ),
  managers: Type.Array(Type.Object({ accountId: Uuid, duties: Type.String() })),
  instructors: Type.Array(Uuid),
  instructorOverrides: Type.Array(Type.Object({ accountId: Uuid, reason: Type.String() })),
  createdAt: IsoDateTime,
  filedAt: Type.Union([IsoDateTime, Type.Null()]),
  reviewedAt: Type.Union([IsoDateTime, Type.Null()]),
  reviewReason: Type.Union([Type.String(), Type.Null()]),
});
export type PlanVersionView = Static<typeof PlanVersionView>;

export const FILING_STATES = ['draft', 'pending_review', 'confirmed', 'rejected'] as const;
export const ClassView = Type.Object({
  id: Uuid,
  institutionId: Uuid,
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
});
export type ClassView = Static<typeof ClassView>;

export const ClassSummary = Type.Object({
  id: Uuid,
  code: Type.String(),
  name: Type.String(),
  institutionId: Uuid,
  filingState: Type.String(),
  currentVersion: Type.Integer(),
  firstSessionDate: IsoDate,
  rosterCount: Type.Integer(),
});

export const ReviewBody = Strict({
  decision: Type.Union([Type.Literal('confirm'), Type.Literal('reject')]),
  reason: Type.Optional(Type.String({ minLength: 1, maxLength: 2000 })),
});

export const PlanDiffView = Type.Object({
  fromVersion: Type.Union([Type.Integer(), Type.Null()]),
  toVersion: Type.Integer(),
  diff: Type.Unknown(),
});

export const ClassParams = Strict({ classId: Uuid });
export const VersionParams = Strict({ classId: Uuid, version: Type.Integer({ minimum: 1 }) });

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
