import type { Db, Tx } from '@seafarer/db';
import type { ActorView, Role, TokenPair } from '@seafarer/contracts';
import { appendAudit } from '../audit/audit.repo';
import type { Clock } from '../shared/clock';
import type { Actor, Ctx } from '../shared/context';
import { AppError } from '../shared/errors';
import { withTransaction } from '../shared/tx';
import * as repo from './auth.repo';
import { assertStrongPassword, burnPasswordCheck, hashPassword, verifyPassword } from './passwords';
import { createAccessTokens, hashToken, newRefreshToken } from './tokens';

export interface AuthSettings {
  /** The master secret (JWT_SECRET); access tokens are signed with the key derived from it (SEC-3). */
  jwtSecret: string;
  accessTtlSeconds: number;
  refreshTtlSeconds: number;
  maxFailures: number;
  lockMinutes: number;
}

/** TM-3: a trainee account may hold one session at a time; a new login ends the others. */
const isSingleSessionAccount = (roles: readonly string[]) => roles.includes('trainee');

type SessionActorRow = NonNullable<Awaited<ReturnType<typeof repo.loadSessionActor>>>;

function actorFromRow(row: SessionActorRow): Actor {
  return {
    accountId: row.account.id,
    personId: row.account.personId,
    username: row.account.username,
    displayName: row.displayName,
    roles: row.account.roles as Role[],
    institutionId: row.account.institutionId,
    jurisdictionId: row.account.jurisdictionId,
    jurisdictionPath: row.jurisdictionPath,
    sessionId: row.session.id,
    mustChangePassword: row.account.mustChangePassword,
  };
}

async function loadActor(db: Parameters<typeof repo.loadSessionActor>[0], sessionId: string): Promise<Actor> {
  const row = await repo.loadSessionActor(db, sessionId);
  if (!row) throw new AppError('TOKEN_INVALID');
  return actorFromRow(row);
}

export function createAuthService(deps: {
  db: Db;
  clock: Clock;
  settings: AuthSettings;
  accessTokenKey: Buffer;
}) {
  const { db, clock, settings } = deps;
  const tokens = createAccessTokens(deps.accessTokenKey, settings.accessTtlSeconds, clock);

  function toActorView(a: Actor): ActorView {
    return {
      accountId: a.accountId,
      personId: a.personId,
      username: a.username,
      displayName: a.displayName,
      roles: a.roles,
      institutionId: a.institutionId,
      jurisdictionId: a.jurisdictionId,
      mustChangePassword: a.mustChangePassword,
    };
  }

  async function issuePair(tx: Tx, actor: Actor, sessionExpiresAt: Date): Promise<TokenPair> {
    const now = clock.now();
    const refreshToken = newRefreshToken();
    await repo.insertRefreshToken(tx, actor.sessionId, hashToken(refreshToken), now);
    const access = tokens.sign({ sub: actor.accountId, sid: actor.sessionId });
    return {
      accessToken: access.token,
      accessTokenExpiresAt: access.expiresAt.toISOString(),
      refreshToken,
      refreshTokenExpiresAt: sessionExpiresAt.toISOString(),
      sessionId: actor.sessionId,
      account: toActorView(actor),
    };
  }

  async function actorForSession(sessionId: string): Promise<Actor> {
    const row = await repo.loadSessionActor(db, sessionId);
    if (!row) throw new AppError('TOKEN_INVALID');
    if (row.session.revokedAt || row.session.expiresAt <= clock.now()) throw new AppError('SESSION_ENDED');
    if (row.account.status !== 'active') throw new AppError('ACCOUNT_DISABLED');
    return actorFromRow(row);
  }

  return {
    async login(ctx: Ctx, input: { username: string; password: string }): Promise<TokenPair> {
      const now = clock.now();
      const account = await repo.findAccountByUsername(db, input.username);
      if (!account) {
        await burnPasswordCheck(input.password);
        throw new AppError('INVALID_CREDENTIALS');
      }
      const auditBase = {
        targetType: 'account',
        targetId: account.id,
        institutionId: account.institutionId,
        jurisdictionId: account.jurisdictionId,
      };
      const anonymous = { actor: null, requestId: ctx.requestId };
      if (account.lockedUntil && account.lockedUntil > now) {
        throw new AppError('ACCOUNT_LOCKED', { details: { lockedUntil: account.lockedUntil.toISOString() } });
      }
      if (account.status !== 'active') throw new AppError('ACCOUNT_DISABLED');
      if (!(await verifyPassword(account.passwordHash, input.password))) {
        const lockUntil = new Date(now.getTime() + settings.lockMinutes * 60_000);
        const locked = await withTransaction(db, async (tx) => {
          const after = await repo.recordLoginFailure(tx, account.id, settings.maxFailures, lockUntil);
          const nowLocked = !!after.lockedUntil && after.lockedUntil > now;
          await appendAudit(
            tx,
            anonymous,
            {
              ...auditBase,
              action: nowLocked ? 'auth.account_locked' : 'auth.login_failed',
              data: { ip: ctx.ip ?? null },
            },
            now,
          );
          return nowLocked ? after.lockedUntil : null;
        });
        if (locked) throw new AppError('ACCOUNT_LOCKED', { details: { lockedUntil: locked.toISOString() } });
        throw new AppError('INVALID_CREDENTIALS');
      }
      return withTransaction(db, async (tx) => {
        await repo.clearLoginFailures(tx, account.id);
        const expiresAt = new Date(now.getTime() + settings.refreshTtlSeconds * 1000);
        const session = await repo.insertSession(tx, {
          accountId: account.id,
          expiresAt,
          userAgent: ctx.userAgent ?? null,
          ip: ctx.ip ?? null,
          now,
        });
        const actorCtx = {
          actor: { accountId: account.id, roles: account.roles } as Actor,
          requestId: ctx.requestId,
        };
        if (isSingleSessionAccount(account.roles)) {
          const others = await repo.activeSessionIds(tx, account.id, now, session.id);
          if (others.length > 0) {
            await repo.revokeSessions(tx, others, 'superseded', now);
            await appendAudit(
              tx,
              actorCtx,
              {
                ...auditBase,
                action: 'auth.session_superseded',
                data: { endedSessionIds: others, newSessionId: session.id },
              },
              now,
            );
          }
        }
        await appendAudit(
          tx,
          actorCtx,
          { ...auditBase, action: 'auth.login', data: { sessionId: session.id, ip: ctx.ip ?? null } },
          now,
        );
        const actor = await loadActor(tx, session.id);
        return issuePair(tx, actor, expiresAt);
      });
    },

    /** Rotates the refresh token. A spent token presented again ends the whole session (theft signal). */
    async refresh(ctx: Ctx, refreshToken: string): Promise<TokenPair> {
      const now = clock.now();
      const outcome = await withTransaction(db, async (tx) => {
        const found = await repo.lockRefreshToken(tx, hashToken(refreshToken));
        if (!found) return { error: 'TOKEN_INVALID' as const };
        const { token, session } = found;
        if (session.revokedAt || session.expiresAt <= now) return { error: 'SESSION_ENDED' as const };
        if (token.usedAt) {
          await repo.revokeSessions(tx, [session.id], 'refresh_reuse', now);
          await appendAudit(
            tx,
            { actor: null, requestId: ctx.requestId },
            {
              action: 'auth.refresh_reuse',
              targetType: 'account',
              targetId: session.accountId,
              data: { sessionId: session.id },
            },
            now,
          );
          return { error: 'REFRESH_TOKEN_REUSED' as const };
        }
        await repo.markRefreshTokenUsed(tx, token.id, now);
        await repo.touchSession(tx, session.id, now);
        const actor = await loadActor(tx, session.id);
        await appendAudit(
          tx,
          { actor, requestId: ctx.requestId },
          {
            action: 'auth.refresh',
            targetType: 'session',
            targetId: session.id,
            institutionId: actor.institutionId,
          },
          now,
        );
        return { pair: await issuePair(tx, actor, session.expiresAt) };
      });
      if (outcome.error) throw new AppError(outcome.error);
      return outcome.pair!;
    },

    /** Verifies an access token and loads the live actor (roles as they are now, session not revoked). */
    async authenticate(accessToken: string): Promise<Actor> {
      const claims = tokens.verify(accessToken);
      const actor = await actorForSession(claims.sid);
      if (actor.accountId !== claims.sub) throw new AppError('TOKEN_INVALID');
      return actor;
    },

    async logout(ctx: Ctx & { actor: Actor }): Promise<void> {
      const now = clock.now();
      await withTransaction(db, async (tx) => {
        await repo.revokeSessions(tx, [ctx.actor.sessionId], 'logout', now);
        await appendAudit(
          tx,
          ctx,
          {
            action: 'auth.logout',
            targetType: 'session',
            targetId: ctx.actor.sessionId,
            institutionId: ctx.actor.institutionId,
          },
          now,
        );
      });
    },

    /** TM-3: logout everywhere, this session included. */
    async logoutAll(
      ctx: Ctx & { actor: Actor },
      accountId = ctx.actor.accountId,
      reason = 'logout_all',
    ): Promise<number> {
      const now = clock.now();
      return withTransaction(db, async (tx) => {
        const ids = await repo.activeSessionIds(tx, accountId, now);
        await repo.revokeSessions(tx, ids, reason, now);
        await appendAudit(
          tx,
          ctx,
          {
            action: 'auth.logout_all',
            targetType: 'account',
            targetId: accountId,
            institutionId: ctx.actor.institutionId,
            data: { revokedSessionIds: ids, reason },
          },
          now,
        );
        return ids.length;
      });
    },

    async changePassword(
      ctx: Ctx & { actor: Actor },
      input: { currentPassword: string; newPassword: string },
    ): Promise<void> {
      const now = clock.now();
      const account = await repo.findAccountByUsername(db, ctx.actor.username);
      if (!account || !(await verifyPassword(account.passwordHash, input.currentPassword)))
        throw new AppError('INVALID_CREDENTIALS');
      if (input.newPassword === input.currentPassword)
        throw new AppError('WEAK_PASSWORD', {
          message: { zh: '新密码不得与旧密码相同', en: 'The new password must differ from the old one' },
        });
      assertStrongPassword(input.newPassword, account.username);
      const passwordHash = await hashPassword(input.newPassword);
      await withTransaction(db, async (tx) => {
        await repo.setPassword(tx, account.id, passwordHash, now);
        const others = await repo.activeSessionIds(tx, account.id, now, ctx.actor.sessionId);
        await repo.revokeSessions(tx, others, 'password_changed', now);
        await appendAudit(
          tx,
          ctx,
          {
            action: 'auth.password_changed',
            targetType: 'account',
            targetId: account.id,
            institutionId: account.institutionId,
            data: { endedSessionIds: others },
          },
          now,
        );
      });
    },

    async listSessions(ctx: Ctx & { actor: Actor }) {
      const rows = await repo.listSessionsOf(db, ctx.actor.accountId, clock.now());
      return rows.map((s) => ({
        id: s.id,
        createdAt: s.createdAt.toISOString(),
        lastSeenAt: s.lastSeenAt.toISOString(),
        expiresAt: s.expiresAt.toISOString(),
        userAgent: s.userAgent,
        ip: s.ip,
        current: s.id === ctx.actor.sessionId,
      }));
    },

    toActorView,
  };
}
export type AuthService = ReturnType<typeof createAuthService>;
