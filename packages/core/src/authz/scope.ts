import { and, eq } from 'drizzle-orm';
import {
  accounts,
  attendanceReviews,
  classes,
  classPlanVersions,
  classSessions,
  evaluationSurveys,
  evidenceFiles,
  examAttempts,
  examStills,
  examStandards,
  exams,
  identityVerifications,
  institutions,
  jurisdictions,
  licences,
  oversightCorrections,
  oversightItems,
  questions,
  quizzes,
  rollCalls,
  rosterEntries,
  spotChecks,
  trainingItems,
  type DbOrTx,
} from '@seafarer/db';
import type { PgColumn, PgTable } from 'drizzle-orm/pg-core';
import type { Role } from '@seafarer/contracts';
import type { Actor } from '../shared/context';
import { AppError } from '../shared/errors';

/**
 * SEC-1: every route declares which roles may call it and, for every one of its path parameters, the
 * kind of resource it names. Each is resolved to its owning institution (and that institution's
 * jurisdiction) and must be within the actor's scope; each must also belong to the resource named
 * before it in the path (a session to its class, an entry to its class, …). This file is the only
 * place those decisions are made.
 */
export const SCOPE_KINDS = [
  'institution',
  'licence',
  'trainingItem',
  'staffAccount',
  'class',
  'planVersion',
  'session',
  'rosterEntry',
  'verification',
  'evidence',
  'spotCheck',
  'rollCall',
  'classTrainee',
  'attendanceReview',
  'oversightItem',
  'oversightCorrection',
  'question',
  'examStandard',
  'exam',
  'examAttempt',
  'examStill',
  'quiz',
  'survey',
] as const;
export type ScopeKind = (typeof SCOPE_KINDS)[number];

/**
 * What each kind belongs to, as read from the database: a resource may follow any of these in a path.
 * (A session belongs to its class and to the plan version it is a row of; a verification to its entry
 * and class; …)
 */
export const PARENT_KINDS: Readonly<Record<ScopeKind, readonly ScopeKind[]>> = {
  institution: [],
  licence: ['institution'],
  trainingItem: ['licence', 'institution'],
  staffAccount: ['institution'],
  class: ['trainingItem', 'institution'],
  planVersion: ['class', 'institution'],
  session: ['class', 'planVersion', 'institution'],
  rosterEntry: ['class', 'institution'],
  verification: ['rosterEntry', 'class', 'institution'],
  evidence: ['class', 'institution'],
  // JS-7.2: a spot check belongs to its session and its class.
  spotCheck: ['class', 'session', 'institution'],
  // JS-13.2: a roll-call belongs to its session and its class.
  rollCall: ['class', 'session', 'institution'],
  // JS-15 / JS-16: a trainee account named within a class (on its roster), and an appeal/decision of one.
  classTrainee: ['class'],
  attendanceReview: ['class'],
  oversightItem: ['institution'],
  oversightCorrection: ['oversightItem', 'institution'],
  // QM-2: a question of a training item's bank.
  question: ['trainingItem', 'institution'],
  // JS-7.3: an exam standard of a training item; an exam of a class; an attempt of an exam (its candidate's).
  examStandard: ['trainingItem', 'institution'],
  exam: ['class', 'institution'],
  examAttempt: ['exam', 'class', 'institution'],
  // A still the live node grabbed of an attempt (proctoring).
  examStill: ['examAttempt', 'exam', 'class', 'institution'],
  // JS-7.1 / JS-14: an in-class quiz of a session; a course evaluation survey of a class.
  quiz: ['class', 'session', 'institution'],
  survey: ['class', 'institution'],
};

/** Kinds whose path value is a number within their parent (a plan's version 1, 2, …), not an id. */
const NUMBERED_WITHIN: Partial<Record<ScopeKind, ScopeKind>> = { planVersion: 'class' };
/** Kinds named only within their parent (an account is a class's trainee only on that class's roster). */
const NAMED_WITHIN: Partial<Record<ScopeKind, ScopeKind>> = { classTrainee: 'class' };

export interface ScopeTarget {
  kind: ScopeKind;
  /** The resource's own id (for a numbered kind, the id of the row the number names). */
  id: string;
  institutionId: string;
  jurisdictionId: string;
  jurisdictionPath: string;
  /** The resource's parents by kind (the ids it belongs to). */
  parents: Partial<Record<ScopeKind, string | null>>;
  /** The class the resource belongs to, when it belongs to one (trainees must be on its roster). */
  classId?: string | null;
  /** The trainee account a roster entry belongs to (a trainee may touch only their own). */
  ownerAccountId?: string | null;
}

export interface AccessRule {
  roles: readonly Role[];
  /**
   * Every path parameter and the kind of resource it names. The route table refuses a route with a
   * path parameter left out; absent only for routes without path ids (the use-case filters by actor).
   */
  scope?: Readonly<Record<string, ScopeKind>>;
  /** Allowed while the account still has to change its first password (TM-1). */
  allowPendingPasswordChange?: boolean;
}

/** One path parameter to resolve, in path order. */
export interface ScopeStep {
  param: string;
  kind: ScopeKind;
}

/** An access rule checked against its route's path once, at start-up: what `authorize` walks per request. */
export interface CompiledAccessRule {
  roles: readonly Role[];
  steps: readonly ScopeStep[];
  allowPendingPasswordChange: boolean;
}

/** The names of a route path's parameters, in order (`/classes/:classId/sessions/:sessionId`). */
export const pathParams = (url: string): string[] => [...url.matchAll(/:([A-Za-z0-9_]+)/g)].map((m) => m[1]!);

/**
 * Checks a route's rule against its path: every path parameter declared, nothing declared that is not
 * in the path, and each resource one that can belong to the one before it. Throws with the reason (the
 * API refuses to start), so a route can neither forget a path id nor pair two unrelated ones.
 */
export function compileAccessRule(url: string, rule: AccessRule): CompiledAccessRule {
  const params = pathParams(url);
  const declared = rule.scope ?? {};
  const where = `Route ${url}`;
  for (const p of params)
    if (!declared[p]) throw new Error(`${where}: path parameter :${p} has no scope kind in its access rule`);
  for (const [p, kind] of Object.entries(declared)) {
    if (!params.includes(p)) throw new Error(`${where}: access rule names :${p}, which is not in the path`);
    if (!SCOPE_KINDS.includes(kind)) throw new Error(`${where}: unknown scope kind '${String(kind)}'`);
  }
  const steps = params.map((param) => ({ param, kind: declared[param]! }));
  steps.forEach((step, i) => {
    const parent = steps[i - 1];
    if (parent && !PARENT_KINDS[step.kind].includes(parent.kind))
      throw new Error(
        `${where}: a ${step.kind} (:${step.param}) cannot belong to a ${parent.kind} (:${parent.param})`,
      );
    const within = NUMBERED_WITHIN[step.kind] ?? NAMED_WITHIN[step.kind];
    if (within && parent?.kind !== within)
      throw new Error(
        `${where}: :${step.param} numbers a ${step.kind} within a ${within}; name the ${within} first`,
      );
  });
  return { roles: rule.roles, steps, allowPendingPasswordChange: rule.allowPendingPasswordChange ?? false };
}

/** Whether `child` is one of `parent`'s (its parent of that kind is that very resource). */
export const belongsTo = (child: Pick<ScopeTarget, 'parents'>, parent: Pick<ScopeTarget, 'kind' | 'id'>) =>
  child.parents[parent.kind] === parent.id;

const scopeCols = {
  institutionId: institutions.id,
  jurisdictionId: institutions.jurisdictionId,
  jurisdictionPath: jurisdictions.path,
};

/** `table` joined to its institution and that institution's jurisdiction, selecting the scope columns plus `extra`. */
function withInstitution<E extends Record<string, PgColumn>>(
  db: DbOrTx,
  extra: E,
  table: PgTable,
  institutionColumn: PgColumn,
) {
  return db
    .select({ ...scopeCols, ...extra })
    .from(table)
    .innerJoin(institutions, eq(institutions.id, institutionColumn))
    .innerJoin(jurisdictions, eq(jurisdictions.id, institutions.jurisdictionId));
}

type Row = { institutionId: string; jurisdictionId: string; jurisdictionPath: string };
const target = (
  kind: ScopeKind,
  id: string,
  row: Row | undefined,
  parents: Partial<Record<ScopeKind, string | null>>,
  extra: Pick<ScopeTarget, 'classId' | 'ownerAccountId'> = {},
): ScopeTarget | undefined =>
  row && {
    kind,
    id,
    institutionId: row.institutionId,
    jurisdictionId: row.jurisdictionId,
    jurisdictionPath: row.jurisdictionPath,
    parents: { institution: row.institutionId, ...parents },
    ...extra,
  };

type Resolver = (db: DbOrTx, value: string, parent: ScopeTarget | null) => Promise<ScopeTarget | undefined>;

const resolvers: Record<ScopeKind, Resolver> = {
  institution: async (db, id) => {
    const [r] = await db
      .select(scopeCols)
      .from(institutions)
      .innerJoin(jurisdictions, eq(jurisdictions.id, institutions.jurisdictionId))
      .where(eq(institutions.id, id))
      .limit(1);
    return target('institution', id, r, {});
  },
  licence: async (db, id) => {
    const [r] = await withInstitution(db, {}, licences, licences.institutionId)
      .where(eq(licences.id, id))
      .limit(1);
    return target('licence', id, r, {});
  },
  trainingItem: async (db, id) => {
    const [r] = await withInstitution(
      db,
      { licenceId: trainingItems.licenceId },
      trainingItems,
      trainingItems.institutionId,
    )
      .where(eq(trainingItems.id, id))
      .limit(1);
    return target('trainingItem', id, r, { licence: r?.licenceId });
  },
  staffAccount: async (db, id) => {
    const [r] = await withInstitution(db, {}, accounts, accounts.institutionId)
      .where(eq(accounts.id, id))
      .limit(1);
    return target('staffAccount', id, r, {});
  },
  class: async (db, id) => {
    const [r] = await withInstitution(db, { itemId: classes.trainingItemId }, classes, classes.institutionId)
      .where(eq(classes.id, id))
      .limit(1);
    return target('class', id, r, { trainingItem: r?.itemId }, { classId: id });
  },
  // A version is named by its number within the class before it, so it belongs to that class by construction.
  planVersion: async (db, n, parent) => {
    if (!parent || parent.kind !== 'class' || !/^[1-9][0-9]{0,8}$/.test(n)) return undefined;
    const [r] = await db
      .select({ ...scopeCols, id: classPlanVersions.id })
      .from(classPlanVersions)
      .innerJoin(classes, eq(classes.id, classPlanVersions.classId))
      .innerJoin(institutions, eq(institutions.id, classes.institutionId))
      .innerJoin(jurisdictions, eq(jurisdictions.id, institutions.jurisdictionId))
      .where(and(eq(classPlanVersions.classId, parent.id), eq(classPlanVersions.version, Number(n))))
      .limit(1);
    return r && target('planVersion', r.id, r, { class: parent.id }, { classId: parent.id });
  },
  session: async (db, id) => {
    const [r] = await db
      .select({ ...scopeCols, classId: classSessions.classId, versionId: classSessions.versionId })
      .from(classSessions)
      .innerJoin(classes, eq(classes.id, classSessions.classId))
      .innerJoin(institutions, eq(institutions.id, classes.institutionId))
      .innerJoin(jurisdictions, eq(jurisdictions.id, institutions.jurisdictionId))
      .where(eq(classSessions.id, id))
      .limit(1);
    return target(
      'session',
      id,
      r,
      { class: r?.classId, planVersion: r?.versionId },
      { classId: r?.classId },
    );
  },
  rosterEntry: async (db, id) => {
    const [r] = await withInstitution(
      db,
      { classId: rosterEntries.classId, ownerAccountId: rosterEntries.accountId },
      rosterEntries,
      rosterEntries.institutionId,
    )
      .where(eq(rosterEntries.id, id))
      .limit(1);
    return target(
      'rosterEntry',
      id,
      r,
      { class: r?.classId },
      { classId: r?.classId, ownerAccountId: r?.ownerAccountId },
    );
  },
  verification: async (db, id) => {
    const [r] = await withInstitution(
      db,
      {
        classId: identityVerifications.classId,
        entryId: identityVerifications.rosterEntryId,
        ownerAccountId: rosterEntries.accountId,
      },
      rosterEntries,
      rosterEntries.institutionId,
    )
      .innerJoin(identityVerifications, eq(identityVerifications.rosterEntryId, rosterEntries.id))
      .where(eq(identityVerifications.id, id))
      .limit(1);
    return target(
      'verification',
      id,
      r,
      { class: r?.classId, rosterEntry: r?.entryId },
      { classId: r?.classId, ownerAccountId: r?.ownerAccountId },
    );
  },
  evidence: async (db, id) => {
    const [r] = await withInstitution(
      db,
      { classId: evidenceFiles.classId },
      evidenceFiles,
      evidenceFiles.institutionId,
    )
      .where(eq(evidenceFiles.id, id))
      .limit(1);
    return target('evidence', id, r, { class: r?.classId }, { classId: r?.classId });
  },
  spotCheck: async (db, id) => {
    const [r] = await withInstitution(
      db,
      { classId: spotChecks.classId, sessionId: spotChecks.sessionId },
      spotChecks,
      spotChecks.institutionId,
    )
      .where(eq(spotChecks.id, id))
      .limit(1);
    return target('spotCheck', id, r, { class: r?.classId, session: r?.sessionId }, { classId: r?.classId });
  },
  rollCall: async (db, id) => {
    const [r] = await withInstitution(
      db,
      { classId: rollCalls.classId, sessionId: rollCalls.sessionId },
      rollCalls,
      rollCalls.institutionId,
    )
      .where(eq(rollCalls.id, id))
      .limit(1);
    return target('rollCall', id, r, { class: r?.classId, session: r?.sessionId }, { classId: r?.classId });
  },
  classTrainee: async (db, id, parent) => {
    if (!parent || parent.kind !== 'class') return undefined;
    const [r] = await withInstitution(db, {}, rosterEntries, rosterEntries.institutionId)
      .where(and(eq(rosterEntries.classId, parent.id), eq(rosterEntries.accountId, id)))
      .limit(1);
    return target('classTrainee', id, r, { class: parent.id }, { classId: parent.id, ownerAccountId: id });
  },
  attendanceReview: async (db, id) => {
    const [r] = await withInstitution(
      db,
      { classId: attendanceReviews.classId, ownerAccountId: attendanceReviews.accountId },
      classes,
      classes.institutionId,
    )
      .innerJoin(attendanceReviews, eq(attendanceReviews.classId, classes.id))
      .where(eq(attendanceReviews.id, id))
      .limit(1);
    return target(
      'attendanceReview',
      id,
      r,
      { class: r?.classId },
      { classId: r?.classId, ownerAccountId: r?.ownerAccountId },
    );
  },
  // JS-17: an officer's finding, complaint or violation belongs to its institution; a correction to its item.
  oversightItem: async (db, id) => {
    const [r] = await withInstitution(db, {}, oversightItems, oversightItems.institutionId)
      .where(eq(oversightItems.id, id))
      .limit(1);
    return target('oversightItem', id, r, {});
  },
  oversightCorrection: async (db, id) => {
    const [r] = await withInstitution(
      db,
      { itemId: oversightItems.id },
      oversightItems,
      oversightItems.institutionId,
    )
      .innerJoin(oversightCorrections, eq(oversightCorrections.itemId, oversightItems.id))
      .where(eq(oversightCorrections.id, id))
      .limit(1);
    return target('oversightCorrection', id, r, { oversightItem: r?.itemId });
  },
  question: async (db, id) => {
    const [r] = await withInstitution(
      db,
      { itemId: questions.trainingItemId },
      questions,
      questions.institutionId,
    )
      .where(eq(questions.id, id))
      .limit(1);
    return target('question', id, r, { trainingItem: r?.itemId });
  },
  examStandard: async (db, id) => {
    const [r] = await withInstitution(
      db,
      { itemId: examStandards.trainingItemId },
      examStandards,
      examStandards.institutionId,
    )
      .where(eq(examStandards.id, id))
      .limit(1);
    return target('examStandard', id, r, { trainingItem: r?.itemId });
  },
  exam: async (db, id) => {
    const [r] = await withInstitution(db, { classId: exams.classId }, exams, exams.institutionId)
      .where(eq(exams.id, id))
      .limit(1);
    return target('exam', id, r, { class: r?.classId }, { classId: r?.classId });
  },
  // A trainee reaches only their own attempt.
  examAttempt: async (db, id) => {
    const [r] = await withInstitution(
      db,
      { examId: exams.id, classId: exams.classId, ownerAccountId: examAttempts.accountId },
      exams,
      exams.institutionId,
    )
      .innerJoin(examAttempts, eq(examAttempts.examId, exams.id))
      .where(eq(examAttempts.id, id))
      .limit(1);
    return target(
      'examAttempt',
      id,
      r,
      { exam: r?.examId, class: r?.classId },
      { classId: r?.classId, ownerAccountId: r?.ownerAccountId },
    );
  },
  examStill: async (db, id) => {
    const [r] = await withInstitution(
      db,
      { attemptId: examAttempts.id, examId: exams.id, classId: exams.classId },
      exams,
      exams.institutionId,
    )
      .innerJoin(examAttempts, eq(examAttempts.examId, exams.id))
      .innerJoin(examStills, eq(examStills.attemptId, examAttempts.id))
      .where(eq(examStills.id, id))
      .limit(1);
    return target(
      'examStill',
      id,
      r,
      { examAttempt: r?.attemptId, exam: r?.examId, class: r?.classId },
      { classId: r?.classId },
    );
  },
  quiz: async (db, id) => {
    const [r] = await withInstitution(
      db,
      { classId: quizzes.classId, sessionId: quizzes.sessionId },
      quizzes,
      quizzes.institutionId,
    )
      .where(eq(quizzes.id, id))
      .limit(1);
    return target('quiz', id, r, { class: r?.classId, session: r?.sessionId }, { classId: r?.classId });
  },
  survey: async (db, id) => {
    const [r] = await withInstitution(
      db,
      { classId: evaluationSurveys.classId },
      evaluationSurveys,
      evaluationSurveys.institutionId,
    )
      .where(eq(evaluationSurveys.id, id))
      .limit(1);
    return target('survey', id, r, { class: r?.classId }, { classId: r?.classId });
  },
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

/** The resource a path value names, resolved within `parent` for a numbered kind; null when there is none. */
export async function resolveScope(
  db: DbOrTx,
  kind: ScopeKind,
  value: string,
  parent: ScopeTarget | null = null,
): Promise<ScopeTarget | null> {
  if (!NUMBERED_WITHIN[kind] && !UUID_RE.test(value)) return null;
  return (await resolvers[kind](db, value, parent)) ?? null;
}

/** A maritime officer covers their jurisdiction and every jurisdiction below it. */
export const jurisdictionCovers = (officerPath: string, targetPath: string) =>
  targetPath === officerPath || targetPath.startsWith(`${officerPath}.`);

export function actorCovers(
  actor: Actor,
  target: Pick<ScopeTarget, 'institutionId' | 'jurisdictionPath'>,
): boolean {
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
 * Decides one request. Wrong role -> FORBIDDEN. Then every path parameter in path order: it must name
 * an existing resource, of the one named before it, within the actor's scope; otherwise NOT_FOUND,
 * exactly like a resource that does not exist, so ids of other tenants cannot be probed. Returns the
 * resolved resources by parameter name.
 */
export async function authorize(
  db: DbOrTx,
  actor: Actor,
  rule: CompiledAccessRule,
  params: Record<string, string | undefined>,
): Promise<Record<string, ScopeTarget>> {
  if (actor.mustChangePassword && !rule.allowPendingPasswordChange)
    throw new AppError('PASSWORD_CHANGE_REQUIRED');
  if (!actor.roles.some((r) => rule.roles.includes(r))) throw new AppError('FORBIDDEN');
  const resolved: Record<string, ScopeTarget> = {};
  let parent: ScopeTarget | null = null;
  for (const step of rule.steps) {
    const value = params[step.param];
    const t: ScopeTarget | null = value ? await resolveScope(db, step.kind, value, parent) : null;
    if (
      !t ||
      (parent && !belongsTo(t, parent)) ||
      !actorCovers(actor, t) ||
      !(await traineeMayReach(db, actor, t))
    )
      throw new AppError('NOT_FOUND');
    resolved[step.param] = t;
    parent = t;
  }
  return resolved;
}
