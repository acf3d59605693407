import { desc, eq } from 'drizzle-orm';
import { evidenceFiles, identityVerifications, rosterEntries, type DbOrTx } from '@seafarer/db';

export async function insertEvidence(db: DbOrTx, v: typeof evidenceFiles.$inferInsert) {
  return (await db.insert(evidenceFiles).values(v).returning())[0]!;
}
export const findEvidence = async (db: DbOrTx, id: string) =>
  (await db.select().from(evidenceFiles).where(eq(evidenceFiles.id, id)).limit(1))[0];
export const setIdPhoto = (db: DbOrTx, entryId: string, evidenceId: string) =>
  db.update(rosterEntries).set({ idPhotoEvidenceId: evidenceId }).where(eq(rosterEntries.id, entryId));

export async function insertVerification(db: DbOrTx, v: typeof identityVerifications.$inferInsert) {
  return (await db.insert(identityVerifications).values(v).returning())[0]!;
}
export const findVerification = async (db: DbOrTx, id: string) =>
  (
    await db
      .select()
      .from(identityVerifications)
      .where(eq(identityVerifications.id, id))
      .for('update')
      .limit(1)
  )[0];
export const updateVerification = (
  db: DbOrTx,
  id: string,
  v: Partial<typeof identityVerifications.$inferInsert>,
) => db.update(identityVerifications).set(v).where(eq(identityVerifications.id, id));

const verificationView = (db: DbOrTx) =>
  db
    .select({
      v: identityVerifications,
      name: rosterEntries.name,
      idNumberMasked: rosterEntries.idNumberMasked,
    })
    .from(identityVerifications)
    .innerJoin(rosterEntries, eq(rosterEntries.id, identityVerifications.rosterEntryId));

export const listVerifications = (db: DbOrTx, classId: string) =>
  verificationView(db)
    .where(eq(identityVerifications.classId, classId))
    .orderBy(desc(identityVerifications.createdAt));
export const findVerificationView = async (db: DbOrTx, id: string) =>
  (await verificationView(db).where(eq(identityVerifications.id, id)).limit(1))[0];
