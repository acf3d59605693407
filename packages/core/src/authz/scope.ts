import { eq } from 'drizzle-orm';
import { accounts, institutions, jurisdictions, licences, trainingItems, type DbOrTx } from '@seafarer/db';
import type { Role } from '@seafarer/contracts';
import type { Actor } from '../shared/context';
import { AppError } from '../shared/errors';

/**
 * SEC-1: every route declares which roles may call it and which kind of resource its path names.
 * The resource is resolved to its owning institution (and that institution's jurisdiction), and the
 * actor must cover it. This file is the only place those decisions are made.
 */
export const SCOPE_KINDS = ['institution', 'licence', 'trainingItem', 'staffAccount'] as const;
export type ScopeKind = (typeof SCOPE_KINDS)[number];

export interface ScopeTarget {
  institutionId: string;
  jurisdictionId: string;
  jurisdictionPath: string;
}

export interface AccessRule {
  roles: readonly Role[];
  /** The path parameter naming the resource and what kind it is; absent for routes the use-case filters itself. */
  scope?: { kind: ScopeKind; param: string };
  /** Allowed while the account still has to change its first password (TM-1). */
  allowPendingPasswordChange?: boolean;
}

const base = (db: DbOrTx) =>
  db
    .select({
      institutionId: institutions.id,
      jurisdictionId: institutions.jurisdictionId,
      jurisdictionPath: jurisdictions.path,
    })
    .from(institutions)
    .innerJoin(jurisdictions, eq(jurisdictions.id, institutions.jurisdictionId));

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
};

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
  if (!target || !actorCovers(actor, target)) throw new AppError('NOT_FOUND');
  return target;
}
