import { eq } from 'drizzle-orm';
import {
  accounts,
  classes,
  evidenceFiles,
  identityVerifications,
  institutions,
  jurisdictions,
  licences,
  rosterEntries,
  trainingItems,
  type DbOrTx,
} from '@seafarer/db';
import { and } from 'drizzle-orm';
import type { PgColumn, PgTable } from 'drizzle-orm/pg-core';
import type { Role } from '@seafarer/contracts';
import type { Actor } from '../shared/context';
import { AppError } from '../shared/errors';

/**
 * SEC-1: every route declares which roles may call it and which kind of resource its path names.
 * The resource is resolved to its owning institution (and that institution's jurisdiction), and the
 * actor must cover it. This file is the only place those decisions are made.
 */
export const SCOPE_KINDS = [
  'institution',
  'licence',
  'trainingItem',
  'staffAccount',
  'class',
  'rosterEntry',
  'verification',
  'evidence',
] as const;
export type ScopeKind = (typeof SCOPE_KINDS)[number];

export interface ScopeTarget {
  institutionId: string;
  jurisdictionId: string;
  jurisdictionPath: string;
  /** The class the resource belongs to, when it belongs to one (trainees must be on its roster). */
  classId?: string | null;
  /** The trainee account a roster entry belongs to (a trainee may touch only their own). */
  ownerAccountId?: string | null;
}

export interface AccessRule {
  roles: readonly Role[];
  /** The path parameter naming the resource and what kind it is; absent for routes the use-case filters itself. */
  scope?: { kind: ScopeKind; param: string };
  /** Allowed while the account still has to change its first password (TM-1). */
  allowPendingPasswordChange?: boolean;
}

const cols = {
  institutionId: institutions.id,
  jurisdictionId: institutions.jurisdictionId,
  jurisdictionPath: jurisdictions.path,
};
const base = (db: DbOrTx) =>
  db
    .select(cols)
    .from(institutions)
    .innerJoin(jurisdictions, eq(jurisdictions.id, institutions.jurisdictionId));

/** `table` joined to its institution and that institution's jurisdiction, selecting the scope columns plus `extra`. */
function withInstitution<E extends Record<string, PgColumn>>(
  db: DbOrTx,
  extra: E,
  table: PgTable,
  institutionColumn: PgColumn,
) {
  return db
    .select({ ...cols, ...extra })
    .from(table)
    .innerJoin(institutions, eq(institutions.id, institutionColumn))
    .innerJoin(jurisdictions, eq(jurisdictions.id, institutions.jurisdictionId));
}

const resolvers: Record<ScopeKind, (db: DbOrTx, id: string) => Promise<ScopeTarget | undefined>> = {
  institution: async (db, id) => (await base(db).where(eq(institutions.id, id)).limit(1))[0],
  licence: async (db, id) =>
    (
      await base(db)
        .innerJoin(licences, eq(licences.institutionId, institutions.id))
        .where(eq(licences.id, id))
        .limit(1)
    )[0],
  trainingItem: async (db, id) =>
    (
      await base(db)
        .innerJoin(trainingItems, eq(trainingItems.institutionId, institutions.id))
        .where(eq(trainingItems.id, id))
        .limit(1)
    )[0],
  staffAccount: async (db, id) =>
    (
      await base(db)
        .innerJoin(accounts, eq(accounts.institutionId, institutions.id))
        .where(eq(accounts.id, id))
        .limit(1)
    )[0],
  class: async (db, id) =>
    (
      await withInstitution(db, { classId: classes.id }, classes, classes.institutionId)
        .where(eq(classes.id, id))
        .limit(1)
    )[0],
  rosterEntry: async (db, id) =>
    (
      await withInstitution(
        db,
        { classId: rosterEntries.classId, ownerAccountId: rosterEntries.accountId },
        rosterEntries,
        rosterEntries.institutionId,
      )
        .where(eq(rosterEntries.id, id))
        .limit(1)
    )[0],
  verification: async (db, id) =>
    (
      await withInstitution(
        db,
        { classId: identityVerifications.classId, ownerAccountId: rosterEntries.accountId },
        rosterEntries,
        rosterEntries.institutionId,
      )
        .innerJoin(identityVerifications, eq(identityVerifications.rosterEntryId, rosterEntries.id))
        .where(eq(identityVerifications.id, id))
        .limit(1)
    )[0],
  evidence: async (db, id) =>
    (
      await withInstitution(
        db,
        { classId: evidenceFiles.classId },
        evidenceFiles,
        evidenceFiles.institutionId,
      )
        .where(eq(evidenceFiles.id, id))
        .limit(1)
    )[0],
};

const STAFF_OR_AUTHORITY: readonly Role[] = [
  'platform_admin',
  'maritime_officer',
  'institution_admin',
  'class_manager',
  'instructor',
];

/** SEC-1: a trainee sees only their own class (on its roster) and only their own roster entry. */
async function traineeMayReach(db: DbOrTx, actor: Actor, target: ScopeTarget): Promise<boolean> {
  if (actor.roles.some((r) => STAFF_OR_AUTHORITY.includes(r))) return true;
  if (target.ownerAccountId !== undefined) return target.ownerAccountId === actor.accountId;
  if (target.classId) {
    const rows = await db
      .select({ id: rosterEntries.id })
      .from(rosterEntries)
      .where(and(eq(rosterEntries.classId, target.classId), eq(rosterEntries.accountId, actor.accountId)))
      .limit(1);
    return rows.length > 0;
  }
  return true;
}

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export async function resolveScope(db: DbOrTx, kind: ScopeKind, id: string): Promise<ScopeTarget | null> {
  if (!UUID_RE.test(id)) return null;
  return (await resolvers[kind](db, id)) ?? null;
}

/** A maritime officer covers their jurisdiction and every jurisdiction below it. */
export const jurisdictionCovers = (officerPath: string, targetPath: string) =>
  targetPath === officerPath || targetPath.startsWith(`${officerPath}.`);

export function actorCovers(actor: Actor, target: ScopeTarget): boolean {
  if (actor.roles.includes('platform_admin')) return true;
  if (
    actor.roles.includes('maritime_officer') &&
    actor.jurisdictionPath &&
    jurisdictionCovers(actor.jurisdictionPath, target.jurisdictionPath)
  )
    return true;
  return actor.institutionId !== null && actor.institutionId === target.institutionId;
}

/**
 * Decides one request. Wrong role -> FORBIDDEN; a resource outside the actor's tenant answers
 * NOT_FOUND, exactly like one that does not exist, so ids of other tenants cannot be probed.
 */
export async function authorize(
  db: DbOrTx,
  actor: Actor,
  rule: AccessRule,
  params: Record<string, string | undefined>,
): Promise<ScopeTarget | null> {
  if (actor.mustChangePassword && !rule.allowPendingPasswordChange)
    throw new AppError('PASSWORD_CHANGE_REQUIRED');
  if (!actor.roles.some((r) => rule.roles.includes(r))) throw new AppError('FORBIDDEN');
  if (!rule.scope) return null;
  const id = params[rule.scope.param];
  const target = id ? await resolveScope(db, rule.scope.kind, id) : null;
  if (!target || !actorCovers(actor, target) || !(await traineeMayReach(db, actor, target)))
    throw new AppError('NOT_FOUND');
  return target;
}
