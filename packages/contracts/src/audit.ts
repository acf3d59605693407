import { Type, type Static } from '@sinclair/typebox';
import { IsoDateTime, Text, Uuid } from './common';

export const AuditEventView = Type.Object({
  seq: Type.Integer(),
  id: Uuid,
  at: IsoDateTime,
  actorAccountId: Type.Union([Uuid, Type.Null()]),
  action: Type.String(),
  targetType: Type.String(),
  targetId: Type.Union([Type.String(), Type.Null()]),
  institutionId: Type.Union([Uuid, Type.Null()]),
  requestId: Type.Union([Type.String(), Type.Null()]),
  data: Type.Unknown(),
  hash: Type.String(),
});
export type AuditEventView = Static<typeof AuditEventView>;

export const AuditQuery = Type.Object(
  {
    action: Type.Optional(Text({ maxLength: 100 })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 100 })),
    /** audit_events.seq is a bigserial read as a JS number. */
    beforeSeq: Type.Optional(Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER })),
  },
  { additionalProperties: false },
);
export type AuditQuery = Static<typeof AuditQuery>;

export const AuditVerifyResult = Type.Object({
  ok: Type.Boolean(),
  checked: Type.Integer(),
  firstBrokenSeq: Type.Union([Type.Integer(), Type.Null()]),
  reason: Type.Union([Type.String(), Type.Null()]),
});
export type AuditVerifyResult = Static<typeof AuditVerifyResult>;
