import { and, eq, gt, isNull, ne, sql } from 'drizzle-orm';
import { accounts, authSessions, jurisdictions, people, refreshTokens, type DbOrTx } from '@seafarer/db';

export const findAccountByUsername = async (db: DbOrTx, username: string) =>
  (await db.select().from(accounts).where(eq(accounts.username, username.toLowerCase())).limit(1))[0];

/** Counts a failure atomically; locks the account when the count reaches `max`. */
export async function recordLoginFailure(db: DbOrTx, accountId: string, max: number, lockUntil: Date) {
  const [row] = await db
    .update(accounts)
    .set({
      failedLoginCount: sql`case when ${accounts.failedLoginCount} + 1 >= ${max} then 0 else ${accounts.failedLoginCount} + 1 end`,
      lockedUntil: sql`case when ${accounts.failedLoginCount} + 1 >= ${max} then ${lockUntil.toISOString()}::timestamptz else ${accounts.lockedUntil} end`,
    })
    .where(eq(accounts.id, accountId))
    .returning({ failedLoginCount: accounts.failedLoginCount, lockedUntil: accounts.lockedUntil });
  return row!;
}

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
export async function loadSessionActor(db: DbOrTx, sessionId: string) {
  const [row] = await db
    .select({
      session: authSessions,
      account: accounts,
      displayName: people.displayName,
      jurisdictionPath: jurisdictions.path,
    })
    .from(authSessions)
    .innerJoin(accounts, eq(accounts.id, authSessions.accountId))
    .innerJoin(people, eq(people.id, accounts.personId))
    .leftJoin(jurisdictions, eq(jurisdictions.id, accounts.jurisdictionId))
    .where(eq(authSessions.id, sessionId))
    .limit(1);
  return row;
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
