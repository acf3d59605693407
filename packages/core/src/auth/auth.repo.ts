import { and, eq, gt, isNull, ne, sql, type Placeholder } from 'drizzle-orm';
import {
  accounts,
  authSessions,
  jurisdictions,
  people,
  refreshTokens,
  type Db,
  type DbOrTx,
  type Tx,
} from '@seafarer/db';

export const findAccountByUsername = async (db: DbOrTx, username: string) =>
  (await db.select().from(accounts).where(eq(accounts.username, username.toLowerCase())).limit(1))[0];

/** The lock columns of an account, row-locked until the transaction ends (failures count one at a time). */
export async function lockStateForUpdate(tx: Tx, accountId: string) {
  const [row] = await tx
    .select({ failedLoginCount: accounts.failedLoginCount, lockedUntil: accounts.lockedUntil })
    .from(accounts)
    .where(eq(accounts.id, accountId))
    .for('update')
    .limit(1);
  return row;
}

export const setLockState = (
  db: DbOrTx,
  accountId: string,
  state: { failedLoginCount: number; lockedUntil: Date | null },
) => db.update(accounts).set(state).where(eq(accounts.id, accountId));

export const clearLoginFailures = (db: DbOrTx, accountId: string) =>
  db.update(accounts).set({ failedLoginCount: 0, lockedUntil: null }).where(eq(accounts.id, accountId));

export async function activeSessionIds(db: DbOrTx, accountId: string, now: Date, exceptId?: string) {
  const conds = [
    eq(authSessions.accountId, accountId),
    isNull(authSessions.revokedAt),
    gt(authSessions.expiresAt, now),
  ];
  if (exceptId) conds.push(ne(authSessions.id, exceptId));
  return (
    await db
      .select({ id: authSessions.id })
      .from(authSessions)
      .where(and(...conds))
  ).map((r) => r.id);
}

export async function revokeSessions(db: DbOrTx, ids: string[], reason: string, now: Date) {
  for (const id of ids) {
    await db
      .update(authSessions)
      .set({ revokedAt: now, revokeReason: reason })
      .where(and(eq(authSessions.id, id), isNull(authSessions.revokedAt)));
  }
}

export async function insertSession(
  db: DbOrTx,
  s: { accountId: string; expiresAt: Date; userAgent: string | null; ip: string | null; now: Date },
) {
  const [row] = await db
    .insert(authSessions)
    .values({
      accountId: s.accountId,
      expiresAt: s.expiresAt,
      userAgent: s.userAgent,
      ip: s.ip,
      createdAt: s.now,
      lastSeenAt: s.now,
    })
    .returning();
  return row!;
}

export const insertRefreshToken = (db: DbOrTx, sessionId: string, tokenHash: string, now: Date) =>
  db.insert(refreshTokens).values({ sessionId, tokenHash, createdAt: now });

export async function lockRefreshToken(db: DbOrTx, tokenHash: string) {
  const [row] = await db
    .select({ token: refreshTokens, session: authSessions })
    .from(refreshTokens)
    .innerJoin(authSessions, eq(authSessions.id, refreshTokens.sessionId))
    .where(eq(refreshTokens.tokenHash, tokenHash))
    .for('update')
    .limit(1);
  return row;
}

export const markRefreshTokenUsed = (db: DbOrTx, id: string, now: Date) =>
  db.update(refreshTokens).set({ usedAt: now }).where(eq(refreshTokens.id, id));

export const touchSession = (db: DbOrTx, id: string, now: Date) =>
  db.update(authSessions).set({ lastSeenAt: now }).where(eq(authSessions.id, id));

/** Everything needed to authorise a request, in one query. */
/** What a request needs of its session, account and person: read on every signed-in request. */
const sessionActorSelection = {
  session: { id: authSessions.id, revokedAt: authSessions.revokedAt, expiresAt: authSessions.expiresAt },
  account: {
    id: accounts.id,
    personId: accounts.personId,
    username: accounts.username,
    roles: accounts.roles,
    institutionId: accounts.institutionId,
    jurisdictionId: accounts.jurisdictionId,
    status: accounts.status,
    mustChangePassword: accounts.mustChangePassword,
  },
  displayName: people.displayName,
  jurisdictionPath: jurisdictions.path,
};

const sessionActorQuery = (db: DbOrTx, sessionId: string | Placeholder<'sessionId'>) =>
  db
    .select(sessionActorSelection)
    .from(authSessions)
    .innerJoin(accounts, eq(accounts.id, authSessions.accountId))
    .innerJoin(people, eq(people.id, accounts.personId))
    .leftJoin(jurisdictions, eq(jurisdictions.id, accounts.jurisdictionId))
    .where(eq(authSessions.id, sessionId))
    .limit(1);

export async function loadSessionActor(db: DbOrTx, sessionId: string) {
  const [row] = await sessionActorQuery(db, sessionId);
  return row;
}

/**
 * PERF: the same read as a prepared statement (built once, planned once per connection), for the
 * authentication of every request; building the query each time was a fifth of a signed-in read's CPU
 * (bench:api).
 */
export function prepareLoadSessionActor(db: Db) {
  const prepared = sessionActorQuery(db, sql.placeholder('sessionId')).prepare('auth_load_session_actor');
  return async (sessionId: string) => (await prepared.execute({ sessionId }))[0];
}

export const listSessionsOf = (db: DbOrTx, accountId: string, now: Date) =>
  db
    .select()
    .from(authSessions)
    .where(
      and(
        eq(authSessions.accountId, accountId),
        isNull(authSessions.revokedAt),
        gt(authSessions.expiresAt, now),
      ),
    );

export const setPassword = (db: DbOrTx, accountId: string, passwordHash: string, now: Date) =>
  db
    .update(accounts)
    .set({ passwordHash, mustChangePassword: false, passwordChangedAt: now })
    .where(eq(accounts.id, accountId));
