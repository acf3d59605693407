import { Type } from '@sinclair/typebox';

export const Health = Type.Object({ status: Type.Literal('ok'), service: Type.String() });
export const Readiness = Type.Object({
  status: Type.Union([Type.Literal('ok'), Type.Literal('degraded')]),
  checks: Type.Record(
    Type.String(),
    Type.Object({ ok: Type.Boolean(), ms: Type.Number(), error: Type.Optional(Type.String()) }),
  ),
});
