import { Type, type Static } from '@sinclair/typebox';
import { IsoDateTime, RoleSchema, Strict, Text, Uuid } from './common';

export const LoginBody = Strict({
  username: Text({ minLength: 1, maxLength: 100 }),
  password: Text({ minLength: 1, maxLength: 200 }),
});
export type LoginBody = Static<typeof LoginBody>;

export const Actor = Type.Object({
  accountId: Uuid,
  personId: Uuid,
  username: Type.String(),
  displayName: Type.String(),
  roles: Type.Array(RoleSchema),
  institutionId: Type.Union([Uuid, Type.Null()]),
  jurisdictionId: Type.Union([Uuid, Type.Null()]),
  mustChangePassword: Type.Boolean(),
});
export type ActorView = Static<typeof Actor>;

export const TokenPair = Type.Object({
  accessToken: Type.String(),
  accessTokenExpiresAt: IsoDateTime,
  refreshToken: Type.String(),
  refreshTokenExpiresAt: IsoDateTime,
  sessionId: Uuid,
  account: Actor,
});
export type TokenPair = Static<typeof TokenPair>;

export const RefreshBody = Strict({ refreshToken: Text({ minLength: 10, maxLength: 300 }) });
export type RefreshBody = Static<typeof RefreshBody>;

export const ChangePasswordBody = Strict({
  currentPassword: Text({ minLength: 1, maxLength: 200 }),
  newPassword: Text({ minLength: 1, maxLength: 200 }),
});
export type ChangePasswordBody = Static<typeof ChangePasswordBody>;

export const SessionView = Type.Object({
  id: Uuid,
  createdAt: IsoDateTime,
  lastSeenAt: IsoDateTime,
  expiresAt: IsoDateTime,
  userAgent: Type.Union([Type.String(), Type.Null()]),
  ip: Type.Union([Type.String(), Type.Null()]),
  current: Type.Boolean(),
});
export const SessionList = Type.Object({ items: Type.Array(SessionView) });

export const LogoutAllResult = Type.Object({ revokedSessions: Type.Integer() });
