import { and, asc, eq, like, or } from 'drizzle-orm';
import { institutions, jurisdictions, licences, trainingItems, type DbOrTx } from '@seafarer/db';

export const findJurisdiction = async (db: DbOrTx, id: string) =>
  (await db.select().from(jurisdictions).where(eq(jurisdictions.id, id)).limit(1))[0];

export const findJurisdictionByCode = async (db: DbOrTx, code: string) =>
  (await db.select().from(jurisdictions).where(eq(jurisdictions.code, code)).limit(1))[0];

export const listJurisdictions = (db: DbOrTx) =>
  db.select().from(jurisdictions).orderBy(asc(jurisdictions.path));

export async function insertJurisdiction(db: DbOrTx, v: typeof jurisdictions.$inferInsert) {
  return (await db.insert(jurisdictions).values(v).returning())[0]!;
}

export const findInstitution = async (db: DbOrTx, id: string) =>
  (await db.select().from(institutions).where(eq(institutions.id, id)).limit(1))[0];

/** The institution's row, locked until the transaction ends (qualification changes are serialised). */
export const findInstitutionForUpdate = async (db: DbOrTx, id: string) =>
  (await db.select().from(institutions).where(eq(institutions.id, id)).for('update').limit(1))[0];

export const findInstitutionByCreditCode = async (db: DbOrTx, code: string) =>
  (await db.select().from(institutions).where(eq(institutions.creditCode, code)).limit(1))[0];

export async function insertInstitution(db: DbOrTx, v: typeof institutions.$inferInsert) {
  return (await db.insert(institutions).values(v).returning())[0]!;
}

export async function updateInstitution(
  db: DbOrTx,
  id: string,
  v: Partial<typeof institutions.$inferInsert>,
) {
  return (await db.update(institutions).set(v).where(eq(institutions.id, id)).returning())[0]!;
}

/** Institutions visible to a viewer: all, those under a jurisdiction path, or one. */
export function listInstitutions(
  db: DbOrTx,
  filter: { all: true } | { jurisdictionPath: string } | { institutionId: string },
) {
  const q = db
    .select({ i: institutions })
    .from(institutions)
    .innerJoin(jurisdictions, eq(jurisdictions.id, institutions.jurisdictionId));
  if ('institutionId' in filter) return q.where(eq(institutions.id, filter.institutionId));
  if ('jurisdictionPath' in filter)
    return q.where(
      or(
        eq(jurisdictions.path, filter.jurisdictionPath),
        like(jurisdictions.path, `${filter.jurisdictionPath}.%`),
      ),
    );
  return q.orderBy(asc(institutions.createdAt));
}

export async function insertLicence(db: DbOrTx, v: typeof licences.$inferInsert) {
  return (await db.insert(licences).values(v).returning())[0]!;
}
export const findLicence = async (db: DbOrTx, id: string) =>
  (await db.select().from(licences).where(eq(licences.id, id)).limit(1))[0];
export const findLicenceByNumber = async (db: DbOrTx, institutionId: string, number: string) =>
  (
    await db
      .select()
      .from(licences)
      .where(and(eq(licences.institutionId, institutionId), eq(licences.number, number)))
      .limit(1)
  )[0];
export const listLicences = (db: DbOrTx, institutionId: string) =>
  db.select().from(licences).where(eq(licences.institutionId, institutionId)).orderBy(asc(licences.issuedOn));
export async function updateLicence(db: DbOrTx, id: string, v: Partial<typeof licences.$inferInsert>) {
  return (await db.update(licences).set(v).where(eq(licences.id, id)).returning())[0]!;
}

export async function insertTrainingItem(db: DbOrTx, v: typeof trainingItems.$inferInsert) {
  return (await db.insert(trainingItems).values(v).returning())[0]!;
}
export const findTrainingItem = async (db: DbOrTx, id: string) =>
  (await db.select().from(trainingItems).where(eq(trainingItems.id, id)).limit(1))[0];
export const findTrainingItemByCode = async (db: DbOrTx, licenceId: string, code: string) =>
  (
    await db
      .select()
      .from(trainingItems)
      .where(and(eq(trainingItems.licenceId, licenceId), eq(trainingItems.code, code)))
      .limit(1)
  )[0];
export const listTrainingItems = (db: DbOrTx, institutionId: string) =>
  db
    .select()
    .from(trainingItems)
    .where(eq(trainingItems.institutionId, institutionId))
    .orderBy(asc(trainingItems.code));
export async function updateTrainingItem(
  db: DbOrTx,
  id: string,
  v: Partial<typeof trainingItems.$inferInsert>,
) {
  return (await db.update(trainingItems).set(v).where(eq(trainingItems.id, id)).returning())[0]!;
}
