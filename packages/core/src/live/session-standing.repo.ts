import { and, eq, sql } from 'drizzle-orm';
import type { QualificationStatus } from '@seafarer/contracts';
import {
  classes,
  classSessions,
  institutions,
  liveRemovals,
  liveSessionClosures,
  type DbOrTx,
} from '@seafarer/db';
import type { SessionStanding } from './room-policy';

/**
 * VC-3 / TM-2 / REL-1, in one read: the session itself (does it exist, whose class is it, is it of the
 * class's confirmed timetable), has it ended for good, and was this person removed from it; and (JS-3 /
 * JS-17) does its institution still hold online-training qualification.
 */
export async function findStanding(
  db: DbOrTx,
  sessionId: string,
  accountId: string,
): Promise<SessionStanding> {
  const [row] = await db
    .select({
      classId: classSessions.classId,
      versionId: classSessions.versionId,
      confirmedVersionId: classes.confirmedVersionId,
      institutionId: classes.institutionId,
      qualification: institutions.onlineQualification,
      ended: sql<boolean>`exists (select 1 from ${liveSessionClosures} where ${liveSessionClosures.sessionId} = ${classSessions.id})`,
      removed: sql<boolean>`exists (select 1 from ${liveRemovals} where ${and(
        eq(liveRemovals.sessionId, classSessions.id),
        eq(liveRemovals.accountId, accountId),
      )})`,
    })
    .from(classSessions)
    .innerJoin(classes, eq(classes.id, classSessions.classId))
    .innerJoin(institutions, eq(institutions.id, classes.institutionId))
    .where(eq(classSessions.id, sessionId));
  if (!row) return { ended: false, removed: false, session: null };
  return {
    ended: row.ended,
    removed: row.removed,
    session: {
      classId: row.classId,
      institutionId: row.institutionId,
      scheduled: row.confirmedVersionId !== null && row.versionId === row.confirmedVersionId,
      qualification: row.qualification as QualificationStatus,
    },
  };
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
