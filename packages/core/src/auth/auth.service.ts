import type { Db, Tx } from '@seafarer/db';
import type { ActorView, Role, TokenPair } from '@seafarer/contracts';
import { appendAudit } from '../audit/audit.repo';
import type { Clock } from '../shared/clock';
import type { Actor, Ctx } from '../shared/context';
import { AppError } from '../shared/errors';
import { withTransaction } from '../shared/tx';
import * as repo from './auth.repo';
import { assertStrongPassword, burnPasswordCheck, hashPassword, verifyPassword } from './passwords';
import { afterFailure, isLocked, mayCheckPassword } from './lockout';
import { createAccessTokens, hashToken, newRefreshToken, type AccessClaims } from './tokens';

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

  const loadSessionActor = repo.prepareLoadSessionActor(db);
  async function actorForSession(sessionId: string): Promise<Actor> {
    const row = await loadSessionActor(sessionId);
    if (!row) throw new AppError('TOKEN_INVALID');
    if (row.session.revokedAt || row.session.expiresAt <= clock.now()) throw new AppError('SESSION_ENDED');
    if (row.account.status !== 'active') throw new AppError('ACCOUNT_DISABLED');
    return actorFromRow(row);
  }

  const lockPolicy = { maxFailures: settings.maxFailures, lockMinutes: settings.lockMinutes };
  type AccountRow = NonNullable<Awaited<ReturnType<typeof repo.findAccountByUsername>>>;
  const lockedError = (until: Date | null) =>
    new AppError('ACCOUNT_LOCKED', { details: { lockedUntil: until?.toISOString() ?? null } });

  /**
   * TM-3: one failed password check (sign-in or a password change's current password) on the shared
   * counter, audited in the same transaction. The failure that locks a password change also ends the
   * session that made it: that many wrong current passwords in a row say the session is not in its
   * owner's hands. Other sessions stay (they were opened with the password; ending them would let anyone
   * holding one session sign the owner out everywhere); the lock refuses new sign-ins and password changes.
   */
  async function recordFailure(
    ctx: Ctx,
    account: AccountRow,
    via: 'login' | 'password_change',
    checked: boolean,
  ): Promise<{ lockedNow: boolean; lockedUntil: Date | null }> {
    const now = clock.now();
    return withTransaction(db, async (tx) => {
      const current = await repo.lockStateForUpdate(tx, account.id);
      if (!current) return { lockedNow: false, lockedUntil: null };
      const { state, lockedNow } = afterFailure(current, now, lockPolicy);
      await repo.setLockState(tx, account.id, state);
      const endedSessionIds =
        lockedNow && via === 'password_change' && ctx.actor ? [ctx.actor.sessionId] : [];
      await repo.revokeSessions(tx, endedSessionIds, 'password_guessing', now);
      await appendAudit(
        tx,
        via === 'login' ? { actor: null, requestId: ctx.requestId } : ctx,
        {
          action: lockedNow
            ? 'auth.account_locked'
            : via === 'login'
              ? 'auth.login_failed'
              : 'auth.password_change_failed',
          targetType: 'account',
          targetId: account.id,
          institutionId: account.institutionId,
          jurisdictionId: account.jurisdictionId,
          data: {
            via,
            ip: ctx.ip ?? null,
            failures: state.failedLoginCount,
            ...(!checked && { checked }),
            ...(lockedNow && { lockedUntil: state.lockedUntil!.toISOString(), endedSessionIds }),
          },
        },
        now,
      );
      return { lockedNow, lockedUntil: state.lockedUntil };
    });
  }

  return {
    /**
     * SEC-1: every failed sign-in — unknown name, wrong password, locked or disabled account — gets the
     * same answer (INVALID_CREDENTIALS) after the same work (one argon2 check, against a dummy hash when
     * there is no account). Only the right password learns that the account is locked or disabled.
     */
    async login(ctx: Ctx, input: { username: string; password: string }): Promise<TokenPair> {
      const now = clock.now();
      const account = await repo.findAccountByUsername(db, input.username);
      if (!account) {
        await burnPasswordCheck(input.password);
        throw new AppError('INVALID_CREDENTIALS');
      }
      // A lock's budget of checks spent: nothing is tested until it ends (see lockout.ts).
      const checked = mayCheckPassword(account, now, lockPolicy);
      const right = checked
        ? await verifyPassword(account.passwordHash, input.password)
        : await burnPasswordCheck(input.password).then(() => false);
      if (!right) {
        await recordFailure(ctx, account, 'login', checked);
        throw new AppError('INVALID_CREDENTIALS');
      }
      const auditBase = {
        targetType: 'account',
        targetId: account.id,
        institutionId: account.institutionId,
        jurisdictionId: account.jurisdictionId,
      };
      return withTransaction(db, async (tx) => {
        // Read again under the row lock: a failure counted meanwhile may have locked the account.
        const lock = await repo.lockStateForUpdate(tx, account.id);
        if (lock && isLocked(lock, now)) throw lockedError(lock.lockedUntil);
        if (account.status !== 'active') throw new AppError('ACCOUNT_DISABLED');
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

    /**
     * Signature and expiry only, no database: who a request claims to be, for keying its rate limit.
     * Never enough to authorise anything (the session may have ended); `authenticate` does that.
     */
    verifyAccessToken(accessToken: string): AccessClaims {
      return tokens.verify(accessToken);
    },

    /** Verifies an access token and loads the live actor (roles as they are now, session not revoked). */
    async authenticate(accessToken: string | AccessClaims): Promise<Actor> {
      // Claims this request's token already verified (the rate limiter's key) are not verified twice.
      const claims = typeof accessToken === 'string' ? tokens.verify(accessToken) : accessToken;
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

    /**
     * TM-3: the current password is checked like a sign-in, on the same counter and lock. The caller is
     * signed in as the account, so it may be told about the lock; while locked nothing checks the password.
     */
    async changePassword(
      ctx: Ctx & { actor: Actor },
      input: { currentPassword: string; newPassword: string },
    ): Promise<void> {
      const now = clock.now();
      const account = await repo.findAccountByUsername(db, ctx.actor.username);
      if (!account) throw new AppError('TOKEN_INVALID');
      if (isLocked(account, now)) throw lockedError(account.lockedUntil);
      if (!(await verifyPassword(account.passwordHash, input.currentPassword))) {
        const { lockedNow, lockedUntil } = await recordFailure(ctx, account, 'password_change', true);
        if (lockedNow) throw lockedError(lockedUntil);
        throw new AppError('INVALID_CREDENTIALS');
      }
      if (input.newPassword === input.currentPassword)
        throw new AppError('WEAK_PASSWORD', {
          message: { zh: '新密码不得与旧密码相同', en: 'The new password must differ from the old one' },
        });
      assertStrongPassword(input.newPassword, account.username);
      const passwordHash = await hashPassword(input.newPassword);
      await withTransaction(db, async (tx) => {
        const lock = await repo.lockStateForUpdate(tx, account.id);
        if (lock && isLocked(lock, now)) throw lockedError(lock.lockedUntil);
        await repo.setPassword(tx, account.id, passwordHash, now);
        await repo.clearLoginFailures(tx, account.id);
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
