import {
  and,
  arrayOverlaps,
  asc,
  desc,
  eq,
  inArray,
  isNull,
  like,
  lt,
  notInArray,
  or,
  sql,
} from 'drizzle-orm';
import {
  accounts,
  classes,
  evidenceFiles,
  institutions,
  jurisdictions,
  oversightCorrections,
  oversightItems,
  people,
  sanctions,
  type DbOrTx,
} from '@seafarer/db';

export type ItemRow = typeof oversightItems.$inferSelect;
export type CorrectionRow = typeof oversightCorrections.$inferSelect;

export async function insertItem(db: DbOrTx, v: typeof oversightItems.$inferInsert) {
  return (await db.insert(oversightItems).values(v).returning())[0]!;
}

export const findItemForUpdate = async (db: DbOrTx, id: string) =>
  (await db.select().from(oversightItems).where(eq(oversightItems.id, id)).for('update').limit(1))[0];

export const findItem = async (db: DbOrTx, id: string) =>
  (await db.select().from(oversightItems).where(eq(oversightItems.id, id)).limit(1))[0];

export const updateItem = (db: DbOrTx, id: string, v: Partial<typeof oversightItems.$inferInsert>) =>
  db.update(oversightItems).set(v).where(eq(oversightItems.id, id));

export const findClassOf = async (db: DbOrTx, classId: string) =>
  (
    await db
      .select({ id: classes.id, institutionId: classes.institutionId })
      .from(classes)
      .where(eq(classes.id, classId))
      .limit(1)
  )[0];

/** Items with their institution's names and the recording officer's name, newest first. */
export function listItems(
  db: DbOrTx,
  f: { institutionId?: string; jurisdictionPath?: string; status?: string; ids?: string[] },
) {
  const conds = [
    f.institutionId ? eq(oversightItems.institutionId, f.institutionId) : undefined,
    f.jurisdictionPath
      ? or(eq(jurisdictions.path, f.jurisdictionPath), like(jurisdictions.path, `${f.jurisdictionPath}.%`))
      : undefined,
    f.status ? eq(oversightItems.status, f.status) : undefined,
    f.ids ? inArray(oversightItems.id, f.ids) : undefined,
  ].filter((c) => c !== undefined);
  return db
    .select({
      item: oversightItems,
      institutionNameZh: institutions.nameZh,
      institutionNameEn: institutions.nameEn,
    })
    .from(oversightItems)
    .innerJoin(institutions, eq(institutions.id, oversightItems.institutionId))
    .innerJoin(jurisdictions, eq(jurisdictions.id, institutions.jurisdictionId))
    .where(and(...conds))
    .orderBy(desc(oversightItems.occurredOn), desc(oversightItems.createdAt));
}

export function listCorrections(db: DbOrTx, itemIds: string[]) {
  if (itemIds.length === 0) return Promise.resolve([]);
  return db
    .select()
    .from(oversightCorrections)
    .where(inArray(oversightCorrections.itemId, itemIds))
    .orderBy(asc(oversightCorrections.submittedAt));
}

/** People's display names by account id. */
export async function namesOf(db: DbOrTx, accountIds: Array<string | null>): Promise<Map<string, string>> {
  const ids = [...new Set(accountIds.filter((x): x is string => !!x))];
  if (ids.length === 0) return new Map();
  const rows = await db
    .select({ id: accounts.id, name: people.displayName })
    .from(accounts)
    .innerJoin(people, eq(people.id, accounts.personId))
    .where(inArray(accounts.id, ids));
  return new Map(rows.map((r) => [r.id, r.name]));
}

export const findCorrectionForUpdate = async (db: DbOrTx, id: string) =>
  (
    await db.select().from(oversightCorrections).where(eq(oversightCorrections.id, id)).for('update').limit(1)
  )[0];

export async function insertCorrection(db: DbOrTx, v: typeof oversightCorrections.$inferInsert) {
  return (await db.insert(oversightCorrections).values(v).returning())[0]!;
}

export const updateCorrection = (
  db: DbOrTx,
  id: string,
  v: Partial<typeof oversightCorrections.$inferInsert>,
) => db.update(oversightCorrections).set(v).where(eq(oversightCorrections.id, id));

export async function insertEvidence(db: DbOrTx, v: typeof evidenceFiles.$inferInsert) {
  return (await db.insert(evidenceFiles).values(v).returning())[0]!;
}

export const findEvidence = (db: DbOrTx, ids: string[]) =>
  ids.length === 0
    ? Promise.resolve([])
    : db.select().from(evidenceFiles).where(inArray(evidenceFiles.id, ids));

/** Items whose deadline (a China date) is before `today`, not yet flagged, without an accepted correction. */
export const overdueCandidates = (db: DbOrTx, today: string) =>
  db
    .select()
    .from(oversightItems)
    .where(
      and(
        lt(oversightItems.deadline, today),
        isNull(oversightItems.overdueAt),
        notInArray(oversightItems.status, ['accepted', 'closed']),
      ),
    )
    .orderBy(asc(oversightItems.deadline))
    .for('update', { skipLocked: true });

/** Active accounts of the institution with any of `roles`. */
export const institutionAccounts = async (db: DbOrTx, institutionId: string, roles: string[]) =>
  (
    await db
      .select({ id: accounts.id })
      .from(accounts)
      .where(
        and(
          eq(accounts.institutionId, institutionId),
          eq(accounts.status, 'active'),
          arrayOverlaps(accounts.roles, roles),
        ),
      )
  ).map((r) => r.id);

export function listSanctions(db: DbOrTx, institutionId: string) {
  return db
    .select()
    .from(sanctions)
    .where(eq(sanctions.institutionId, institutionId))
    .orderBy(desc(sanctions.issuedAt));
}

/** Every item of one institution since `from` (China date), for the scoring. */
export const itemsSince = (db: DbOrTx, institutionId: string, from: string) =>
  db
    .select({
      kind: oversightItems.kind,
      occurredOn: oversightItems.occurredOn,
      status: oversightItems.status,
      classId: oversightItems.classId,
    })
    .from(oversightItems)
    .where(
      and(eq(oversightItems.institutionId, institutionId), sql`${oversightItems.occurredOn} >= ${from}`),
    );

/** When suspensions and revocations were issued to the institution (instants). */
export const stoppagesOf = (db: DbOrTx, institutionId: string) =>
  db
    .select({ issuedAt: sanctions.issuedAt })
    .from(sanctions)
    .where(and(eq(sanctions.institutionId, institutionId), inArray(sanctions.kind, ['suspend', 'revoke'])));
