import { Type, type Static } from '@sinclair/typebox';
import { IsoDate, IsoDateTime, NonEmpty, Strict, Text, Uuid } from './common';

export const QUALIFICATION_STATUSES = ['qualified', 'rectification', 'suspended', 'revoked', 'none'] as const;
export const QualificationStatus = Type.Union(QUALIFICATION_STATUSES.map((s) => Type.Literal(s)));
export type QualificationStatus = (typeof QUALIFICATION_STATUSES)[number];

export const CreateJurisdictionBody = Strict({
  code: Type.String({ pattern: '^[A-Z0-9-]{2,40}$', description: 'e.g. JS or JS-NJ' }),
  nameZh: NonEmpty(),
  nameEn: NonEmpty(),
  parentId: Type.Optional(Uuid),
});
export const JurisdictionView = Type.Object({
  id: Uuid,
  code: Type.String(),
  nameZh: Type.String(),
  nameEn: Type.String(),
  parentId: Type.Union([Uuid, Type.Null()]),
});
export type JurisdictionView = Static<typeof JurisdictionView>;

export const CreateInstitutionBody = Strict({
  nameZh: NonEmpty(),
  nameEn: NonEmpty(),
  jurisdictionId: Uuid,
  creditCode: Type.String({ pattern: '^[0-9A-Z]{18}$', description: 'Unified social credit code' }),
  onlineQualification: Type.Optional(QualificationStatus),
});
export type CreateInstitutionBody = Static<typeof CreateInstitutionBody>;

export const InstitutionView = Type.Object({
  id: Uuid,
  nameZh: Type.String(),
  nameEn: Type.String(),
  creditCode: Type.String(),
  jurisdictionId: Uuid,
  onlineQualification: QualificationStatus,
  qualificationNote: Type.Union([Type.String(), Type.Null()]),
  qualificationChangedAt: Type.Union([IsoDateTime, Type.Null()]),
  createdAt: IsoDateTime,
});
export type InstitutionView = Static<typeof InstitutionView>;

export const SetQualificationBody = Strict({
  status: QualificationStatus,
  note: Text({ minLength: 1, maxLength: 2000 }),
});

export const CreateLicenceBody = Strict({
  number: NonEmpty(100),
  issuedOn: IsoDate,
  expiresOn: IsoDate,
});
export const UpdateLicenceBody = Strict({
  expiresOn: Type.Optional(IsoDate),
  status: Type.Optional(Type.Union([Type.Literal('active'), Type.Literal('revoked')])),
});
export const LicenceView = Type.Object({
  id: Uuid,
  institutionId: Uuid,
  number: Type.String(),
  issuedOn: IsoDate,
  expiresOn: IsoDate,
  status: Type.Union([Type.Literal('active'), Type.Literal('revoked')]),
});
export type LicenceView = Static<typeof LicenceView>;

export const ItemKind = Type.Union([Type.Literal('theory'), Type.Literal('practical')]);
export type ItemKind = Static<typeof ItemKind>;

export const CreateTrainingItemBody = Strict({
  code: Type.String({ pattern: '^[A-Za-z0-9.\\-_]{1,40}$' }),
  nameZh: NonEmpty(),
  nameEn: NonEmpty(),
  kind: ItemKind,
  licensedScale: Type.Integer({ minimum: 1, maximum: 1000 }),
  syllabusHours: Type.Number({ exclusiveMinimum: 0, maximum: 2000 }),
  syllabusVersion: NonEmpty(50),
});
export type CreateTrainingItemBody = Static<typeof CreateTrainingItemBody>;
export const UpdateTrainingItemBody = Type.Partial(
  Strict({
    nameZh: NonEmpty(),
    nameEn: NonEmpty(),
    licensedScale: Type.Integer({ minimum: 1, maximum: 1000 }),
    syllabusHours: Type.Number({ exclusiveMinimum: 0, maximum: 2000 }),
    syllabusVersion: NonEmpty(50),
  }),
  { additionalProperties: false, minProperties: 1 },
);
export const TrainingItemView = Type.Object({
  id: Uuid,
  institutionId: Uuid,
  licenceId: Uuid,
  code: Type.String(),
  nameZh: Type.String(),
  nameEn: Type.String(),
  kind: ItemKind,
  licensedScale: Type.Integer(),
  syllabusHours: Type.Number(),
  syllabusVersion: Type.String(),
});
export type TrainingItemView = Static<typeof TrainingItemView>;

export const EligibilityReason = Type.Object({
  code: Type.String(),
  message: Type.Object({ zh: Type.String(), en: Type.String() }),
});
export const OnlineEligibility = Type.Object({
  itemId: Uuid,
  eligible: Type.Boolean(),
  reasons: Type.Array(EligibilityReason),
});
export type OnlineEligibility = Static<typeof OnlineEligibility>;
