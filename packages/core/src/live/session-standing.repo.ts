import { and, eq } from 'drizzle-orm';
import { liveRemovals, liveSessionClosures, type DbOrTx } from '@seafarer/db';
import type { SessionStanding } from './room-policy';

/** VC-3 / TM-2: has the session ended for good, and was this person removed from it (PostgreSQL). */
export async function findStanding(
  db: DbOrTx,
  sessionId: string,
  accountId: string,
): Promise<SessionStanding> {
  const [closed] = await db
    .select({ at: liveSessionClosures.endedAt })
    .from(liveSessionClosures)
    .where(eq(liveSessionClosures.sessionId, sessionId));
  const [removed] = await db
    .select({ at: liveRemovals.removedAt })
    .from(liveRemovals)
    .where(and(eq(liveRemovals.sessionId, sessionId), eq(liveRemovals.accountId, accountId)));
  return { ended: !!closed, removed: !!removed };
}

/** Records the end once; false when it was already on record. */
export async function insertClosure(
  db: DbOrTx,
  row: typeof liveSessionClosures.$inferInsert,
): Promise<boolean> {
  const inserted = await db
    .insert(liveSessionClosures)
    .values(row)
    .onConflictDoNothing()
    .returning({ id: liveSessionClosures.sessionId });
  return inserted.length > 0;
}

export async function insertRemoval(db: DbOrTx, row: typeof liveRemovals.$inferInsert): Promise<boolean> {
  const inserted = await db
    .insert(liveRemovals)
    .values(row)
    .onConflictDoNothing()
    .returning({ id: liveRemovals.accountId });
  return inserted.length > 0;
}
