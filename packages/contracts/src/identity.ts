import { Type, type Static } from '@sinclair/typebox';
import { IsoDateTime, Strict, Text, Uuid } from './common';

export const VERIFICATION_STATUSES = ['pending', 'verified', 'rejected'] as const;
export const VerificationStatus = Type.Union(VERIFICATION_STATUSES.map((s) => Type.Literal(s)));

export const VerificationView = Type.Object({
  id: Uuid,
  classId: Uuid,
  rosterEntryId: Uuid,
  traineeName: Type.String(),
  idNumberMasked: Type.String(),
  status: VerificationStatus,
  source: Type.String(),
  provider: Type.String(),
  preScore: Type.Union([Type.Number(), Type.Null()]),
  providerNote: Type.Union([Type.String(), Type.Null()]),
  stillEvidenceId: Uuid,
  idPhotoEvidenceId: Type.Union([Uuid, Type.Null()]),
  reviewerAccountId: Type.Union([Uuid, Type.Null()]),
  note: Type.Union([Type.String(), Type.Null()]),
  reviewedAt: Type.Union([IsoDateTime, Type.Null()]),
  createdAt: IsoDateTime,
});
export type VerificationView = Static<typeof VerificationView>;

export const DecideVerificationBody = Strict({
  status: Type.Union([Type.Literal('verified'), Type.Literal('rejected')]),
  note: Text({ minLength: 1, maxLength: 2000 }),
});

export const EvidenceView = Type.Object({
  id: Uuid,
  kind: Type.String(),
  sha256: Type.String(),
  sizeBytes: Type.Integer(),
  mimeType: Type.String(),
  createdAt: IsoDateTime,
});
