import { Type, type Static } from '@sinclair/typebox';
import { IsoDate, IsoDateTime, NonEmpty, Strict, Text, Uuid } from './common';

export const STAFF_ROLES = ['institution_admin', 'class_manager', 'instructor'] as const;
export const StaffRole = Type.Union(STAFF_ROLES.map((r) => Type.Literal(r)));
export type StaffRole = (typeof STAFF_ROLES)[number];

export const Certificate = Strict({
  name: NonEmpty(),
  number: NonEmpty(100),
  issuedOn: IsoDate,
  expiresOn: Type.Optional(IsoDate),
});
export type Certificate = Static<typeof Certificate>;

export const CreateStaffBody = Strict({
  username: Type.String({ pattern: '^[a-zA-Z0-9._-]{3,50}$' }),
  displayName: NonEmpty(100),
  roles: Type.Array(StaffRole, { minItems: 1, uniqueItems: true }),
  phone: Type.Optional(Type.String({ pattern: '^1[3-9][0-9]{9}$' })),
  email: Type.Optional(Type.String({ format: 'email', maxLength: 200 })),
  initialPassword: Text({ minLength: 1, maxLength: 200 }),
  teachingSince: Type.Optional(IsoDate),
  certificates: Type.Optional(Type.Array(Certificate, { maxItems: 50 })),
});
export type CreateStaffBody = Static<typeof CreateStaffBody>;

export const UpdateStaffBody = Type.Partial(
  Strict({
    displayName: NonEmpty(100),
    roles: Type.Array(StaffRole, { minItems: 1, uniqueItems: true }),
    status: Type.Union([Type.Literal('active'), Type.Literal('disabled')]),
  }),
  { additionalProperties: false, minProperties: 1 },
);

export const SetQualificationRecordBody = Strict({
  teachingSince: IsoDate,
  certificates: Type.Array(Certificate, { maxItems: 50 }),
});

export const StaffView = Type.Object({
  accountId: Uuid,
  personId: Uuid,
  username: Type.String(),
  displayName: Type.String(),
  roles: Type.Array(StaffRole),
  status: Type.Union([Type.Literal('active'), Type.Literal('disabled')]),
  phoneMasked: Type.Union([Type.String(), Type.Null()]),
  teachingSince: Type.Union([IsoDate, Type.Null()]),
  teachingYears: Type.Union([Type.Number(), Type.Null()]),
  meetsTeachingStandard: Type.Boolean(),
  certificates: Type.Array(Certificate),
  lockedUntil: Type.Union([IsoDateTime, Type.Null()]),
});
export type StaffView = Static<typeof StaffView>;

export const AssignInstructorBody = Strict({
  accountId: Uuid,
  override: Type.Optional(Strict({ reason: Text({ minLength: 10, maxLength: 2000 }) })),
});
export type AssignInstructorBody = Static<typeof AssignInstructorBody>;

export const ItemInstructorView = Type.Object({
  itemId: Uuid,
  accountId: Uuid,
  displayName: Type.String(),
  teachingSince: Type.Union([IsoDate, Type.Null()]),
  overridden: Type.Boolean(),
  overrideReason: Type.Union([Type.String(), Type.Null()]),
  assignedAt: IsoDateTime,
});
export type ItemInstructorView = Static<typeof ItemInstructorView>;

export const CreateOfficerBody = Strict({
  username: Type.String({ pattern: '^[a-zA-Z0-9._-]{3,50}$' }),
  displayName: NonEmpty(100),
  jurisdictionId: Uuid,
  initialPassword: Text({ minLength: 1, maxLength: 200 }),
});
export const OfficerView = Type.Object({
  accountId: Uuid,
  username: Type.String(),
  displayName: Type.String(),
  jurisdictionId: Uuid,
});

/** An officer in the platform admin's list: with the account's state. */
export const OfficerListItem = Type.Composite([
  OfficerView,
  Type.Object({
    status: Type.Union([Type.Literal('active'), Type.Literal('disabled')]),
  }),
]);

export const CreateTraineeAccountBody = Strict({
  username: Type.String({ pattern: '^[a-zA-Z0-9._-]{3,50}$' }),
  displayName: NonEmpty(100),
  initialPassword: Text({ minLength: 1, maxLength: 200 }),
});
export const TraineeAccountView = Type.Object({
  accountId: Uuid,
  personId: Uuid,
  username: Type.String(),
  displayName: Type.String(),
});
