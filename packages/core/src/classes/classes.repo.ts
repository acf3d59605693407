import { and, asc, count, desc, eq, inArray, isNotNull, sql } from 'drizzle-orm';
import {
  accounts,
  classMessages,
  classPlanVersions,
  classSessions,
  classes,
  identityVerifications,
  institutions,
  jurisdictions,
  livePresenceEvents,
  people,
  rosterEntries,
  trainingItems,
  type DbOrTx,
} from '@seafarer/db';

export type ClassRow = typeof classes.$inferSelect;
export type VersionRow = typeof classPlanVersions.$inferSelect;
export type SessionRow = typeof classSessions.$inferSelect;

export const findClass = async (db: DbOrTx, id: string) =>
  (await db.select().from(classes).where(eq(classes.id, id)).limit(1))[0];
export const findClassForUpdate = async (db: DbOrTx, id: string) =>
  (await db.select().from(classes).where(eq(classes.id, id)).for('update').limit(1))[0];
export const findClassByCode = async (db: DbOrTx, institutionId: string, code: string) =>
  (
    await db
      .select({ id: classes.id })
      .from(classes)
      .where(and(eq(classes.institutionId, institutionId), eq(classes.code, code)))
      .limit(1)
  )[0];

export async function insertClass(db: DbOrTx, v: typeof classes.$inferInsert) {
  return (await db.insert(classes).values(v).returning())[0]!;
}
export const updateClass = (db: DbOrTx, id: string, v: Partial<typeof classes.$inferInsert>) =>
  db.update(classes).set(v).where(eq(classes.id, id));

export async function insertVersion(db: DbOrTx, v: typeof classPlanVersions.$inferInsert) {
  return (await db.insert(classPlanVersions).values(v).returning())[0]!;
}
export const updateVersion = (db: DbOrTx, id: string, v: Partial<typeof classPlanVersions.$inferInsert>) =>
  db.update(classPlanVersions).set(v).where(eq(classPlanVersions.id, id));
export const findVersion = async (db: DbOrTx, id: string) =>
  (await db.select().from(classPlanVersions).where(eq(classPlanVersions.id, id)).limit(1))[0];
export const findVersionByNumber = async (db: DbOrTx, classId: string, version: number) =>
  (
    await db
      .select()
      .from(classPlanVersions)
      .where(and(eq(classPlanVersions.classId, classId), eq(classPlanVersions.version, version)))
      .limit(1)
  )[0];
export const listVersions = (db: DbOrTx, classId: string) =>
  db
    .select()
    .from(classPlanVersions)
    .where(eq(classPlanVersions.classId, classId))
    .orderBy(asc(classPlanVersions.version));

export const insertSessions = (db: DbOrTx, rows: Array<typeof classSessions.$inferInsert>) =>
  db.insert(classSessions).values(rows);
export const deleteSessionsOf = (db: DbOrTx, versionId: string) =>
  db.delete(classSessions).where(eq(classSessions.versionId, versionId));
export const listSessions = (db: DbOrTx, versionId: string) =>
  db
    .select()
    .from(classSessions)
    .where(eq(classSessions.versionId, versionId))
    .orderBy(asc(classSessions.seq));
export const findSession = async (db: DbOrTx, id: string) =>
  (await db.select().from(classSessions).where(eq(classSessions.id, id)).limit(1))[0];

export const listClasses = (db: DbOrTx, institutionId: string) =>
  db
    .select({ c: classes, v: classPlanVersions, institutionNameZh: institutions.nameZh })
    .from(classes)
    .innerJoin(classPlanVersions, eq(classPlanVersions.id, classes.currentVersionId))
    .innerJoin(institutions, eq(institutions.id, classes.institutionId))
    .where(eq(classes.institutionId, institutionId))
    .orderBy(desc(classes.createdAt));

export const listClassesOfTrainee = (db: DbOrTx, accountId: string) =>
  db
    .select({ c: classes, v: classPlanVersions, institutionNameZh: institutions.nameZh })
    .from(rosterEntries)
    .innerJoin(classes, eq(classes.id, rosterEntries.classId))
    .innerJoin(classPlanVersions, eq(classPlanVersions.id, classes.currentVersionId))
    .innerJoin(institutions, eq(institutions.id, classes.institutionId))
    .where(eq(rosterEntries.accountId, accountId));

/** The classes whose current plan names the instructor (newest first). */
export const listClassesOfInstructor = (db: DbOrTx, accountId: string) =>
  db
    .select({ c: classes, v: classPlanVersions, institutionNameZh: institutions.nameZh })
    .from(classes)
    .innerJoin(classPlanVersions, eq(classPlanVersions.id, classes.currentVersionId))
    .innerJoin(institutions, eq(institutions.id, classes.institutionId))
    .where(sql`${classPlanVersions.plan}->'instructors' @> ${JSON.stringify([accountId])}::jsonb`)
    .orderBy(desc(classes.createdAt));

export const findItemWithInstitution = async (db: DbOrTx, itemId: string) =>
  (
    await db
      .select({ item: trainingItems, institution: institutions })
      .from(trainingItems)
      .innerJoin(institutions, eq(institutions.id, trainingItems.institutionId))
      .where(eq(trainingItems.id, itemId))
      .limit(1)
  )[0];

/** Accounts by id with their person, for checking instructors and managers of a plan. */
export const findAccounts = (db: DbOrTx, ids: string[]) =>
  ids.length === 0
    ? Promise.resolve([])
    : db
        .select({ account: accounts, person: people })
        .from(accounts)
        .innerJoin(people, eq(people.id, accounts.personId))
        .where(inArray(accounts.id, ids));

export async function rosterCount(db: DbOrTx, classId: string): Promise<number> {
  const [row] = await db.select({ n: count() }).from(rosterEntries).where(eq(rosterEntries.classId, classId));
  return row?.n ?? 0;
}

export const listRoster = (db: DbOrTx, classId: string) =>
  db
    .select({ e: rosterEntries, username: accounts.username })
    .from(rosterEntries)
    .leftJoin(accounts, eq(accounts.id, rosterEntries.accountId))
    .where(eq(rosterEntries.classId, classId))
    .orderBy(asc(rosterEntries.createdAt), asc(rosterEntries.name));

export const insertRosterEntries = (db: DbOrTx, rows: Array<typeof rosterEntries.$inferInsert>) =>
  db.insert(rosterEntries).values(rows);
export const findRosterEntry = async (db: DbOrTx, id: string) =>
  (await db.select().from(rosterEntries).where(eq(rosterEntries.id, id)).limit(1))[0];
export const linkRosterAccount = (db: DbOrTx, entryId: string, accountId: string) =>
  db.update(rosterEntries).set({ accountId }).where(eq(rosterEntries.id, entryId));
export const isOnRoster = async (db: DbOrTx, classId: string, accountId: string) =>
  (
    await db
      .select({ id: rosterEntries.id })
      .from(rosterEntries)
      .where(and(eq(rosterEntries.classId, classId), eq(rosterEntries.accountId, accountId)))
      .limit(1)
  ).length > 0;
export const rosterAccountIds = async (db: DbOrTx, classId: string) =>
  (
    await db
      .select({ id: rosterEntries.accountId })
      .from(rosterEntries)
      .where(and(eq(rosterEntries.classId, classId), isNotNull(rosterEntries.accountId)))
  ).map((r) => r.id!);

export const latestVerificationStatus = async (db: DbOrTx, classId: string) =>
  db
    .select({
      entryId: identityVerifications.rosterEntryId,
      status: identityVerifications.status,
      at: identityVerifications.createdAt,
    })
    .from(identityVerifications)
    .where(eq(identityVerifications.classId, classId))
    .orderBy(asc(identityVerifications.createdAt));

export async function insertMessage(db: DbOrTx, v: typeof classMessages.$inferInsert) {
  return (await db.insert(classMessages).values(v).returning())[0]!;
}
export const listMessages = (db: DbOrTx, classId: string, limit: number) =>
  db
    .select({ m: classMessages, name: people.displayName, roles: accounts.roles })
    .from(classMessages)
    .innerJoin(accounts, eq(accounts.id, classMessages.authorAccountId))
    .innerJoin(people, eq(people.id, accounts.personId))
    .where(eq(classMessages.classId, classId))
    .orderBy(desc(classMessages.createdAt))
    .limit(limit);

/** The jurisdiction path of an institution (for finding the officers who cover it). */
export const institutionJurisdictionPath = async (db: DbOrTx, institutionId: string) =>
  (
    await db
      .select({ path: jurisdictions.path })
      .from(institutions)
      .innerJoin(jurisdictions, eq(jurisdictions.id, institutions.jurisdictionId))
      .where(eq(institutions.id, institutionId))
      .limit(1)
  )[0]?.path;

/** Active maritime-officer accounts with their jurisdiction's path. */
export const activeOfficers = (db: DbOrTx) =>
  db
    .select({ id: accounts.id, path: jurisdictions.path })
    .from(accounts)
    .innerJoin(jurisdictions, eq(jurisdictions.id, accounts.jurisdictionId))
    .where(and(sql`'maritime_officer' = any(${accounts.roles})`, eq(accounts.status, 'active')));

/** One account's presence events in a class, in time order. */
export const presenceEventsOf = (db: DbOrTx, classId: string, accountId: string) =>
  db
    .select({
      sessionId: livePresenceEvents.sessionId,
      event: livePresenceEvents.event,
      at: livePresenceEvents.at,
    })
    .from(livePresenceEvents)
    .where(and(eq(livePresenceEvents.classId, classId), eq(livePresenceEvents.accountId, accountId)))
    .orderBy(asc(livePresenceEvents.at));
