import { and, asc, arrayOverlaps, eq } from 'drizzle-orm';
import { accounts, instructorQualifications, itemInstructors, people, type DbOrTx } from '@seafarer/db';

export async function insertPerson(db: DbOrTx, v: typeof people.$inferInsert) {
  return (await db.insert(people).values(v).returning())[0]!;
}
export async function insertAccount(db: DbOrTx, v: typeof accounts.$inferInsert) {
  return (
    await db
      .insert(accounts)
      .values({ ...v, username: v.username.toLowerCase() })
      .returning()
  )[0]!;
}
export const findAccountIdByUsername = async (db: DbOrTx, username: string) =>
  (
    await db
      .select({ id: accounts.id })
      .from(accounts)
      .where(eq(accounts.username, username.toLowerCase()))
      .limit(1)
  )[0]?.id;
export const usernameTaken = async (db: DbOrTx, username: string) =>
  (await findAccountIdByUsername(db, username)) !== undefined;

const staffSelect = (db: DbOrTx) =>
  db
    .select({ account: accounts, person: people, qualification: instructorQualifications })
    .from(accounts)
    .innerJoin(people, eq(people.id, accounts.personId))
    .leftJoin(instructorQualifications, eq(instructorQualifications.accountId, accounts.id));

export const STAFF_ROLE_LIST = ['institution_admin', 'class_manager', 'instructor'];

export const listStaff = (db: DbOrTx, institutionId: string) =>
  staffSelect(db)
    .where(and(eq(accounts.institutionId, institutionId), arrayOverlaps(accounts.roles, STAFF_ROLE_LIST)))
    .orderBy(asc(accounts.username));

/** Maritime officers (no institution), by username. */
export const listOfficers = (db: DbOrTx) =>
  db
    .select({ account: accounts, person: people })
    .from(accounts)
    .innerJoin(people, eq(people.id, accounts.personId))
    .where(arrayOverlaps(accounts.roles, ['maritime_officer']))
    .orderBy(asc(accounts.username));

export const findStaff = async (db: DbOrTx, accountId: string) =>
  (await staffSelect(db).where(eq(accounts.id, accountId)).limit(1))[0];
export type StaffRow = NonNullable<Awaited<ReturnType<typeof findStaff>>>;

export async function updateAccount(db: DbOrTx, id: string, v: Partial<typeof accounts.$inferInsert>) {
  return (await db.update(accounts).set(v).where(eq(accounts.id, id)).returning())[0]!;
}
export const updatePersonName = (db: DbOrTx, id: string, displayName: string) =>
  db.update(people).set({ displayName }).where(eq(people.id, id));

export const upsertQualification = (
  db: DbOrTx,
  accountId: string,
  teachingSince: string,
  certificates: unknown[],
  now: Date,
) =>
  db
    .insert(instructorQualifications)
    .values({ accountId, teachingSince, certificates, updatedAt: now })
    .onConflictDoUpdate({
      target: instructorQualifications.accountId,
      set: { teachingSince, certificates, updatedAt: now },
    });

export const findAssignment = async (db: DbOrTx, itemId: string, accountId: string) =>
  (
    await db
      .select()
      .from(itemInstructors)
      .where(and(eq(itemInstructors.itemId, itemId), eq(itemInstructors.accountId, accountId)))
      .limit(1)
  )[0];

export async function insertAssignment(db: DbOrTx, v: typeof itemInstructors.$inferInsert) {
  return (await db.insert(itemInstructors).values(v).returning())[0]!;
}

export const listAssignments = (db: DbOrTx, itemId: string) =>
  db
    .select({
      a: itemInstructors,
      displayName: people.displayName,
      teachingSince: instructorQualifications.teachingSince,
    })
    .from(itemInstructors)
    .innerJoin(accounts, eq(accounts.id, itemInstructors.accountId))
    .innerJoin(people, eq(people.id, accounts.personId))
    .leftJoin(instructorQualifications, eq(instructorQualifications.accountId, accounts.id))
    .where(eq(itemInstructors.itemId, itemId))
    .orderBy(asc(itemInstructors.assignedAt));

export const instructorQualificationOf = async (db: DbOrTx, accountId: string) =>
  (
    await db
      .select({ since: instructorQualifications.teachingSince })
      .from(instructorQualifications)
      .where(eq(instructorQualifications.accountId, accountId))
      .limit(1)
  )[0]?.since;
