import { and, asc, eq, inArray, isNotNull, isNull, sql } from 'drizzle-orm';
import {
  accounts,
  classes,
  classSessions,
  evaluationParticipation,
  evaluationResponses,
  evaluationSurveys,
  institutions,
  people,
  rosterEntries,
  type DbOrTx,
} from '@seafarer/db';
import { AppError } from '../shared/errors';

/** Reads shared by the evaluation and quality services (JS-7.1, JS-14, QM-3). */

export interface ClassFacts {
  id: string;
  code: string;
  name: string;
  institutionId: string;
  institutionName: string;
  trainingItemId: string;
  confirmedVersionId: string | null;
  /** End of the last session of the confirmed plan; null without a confirmed plan. */
  endsAt: Date | null;
}

export async function classFacts(db: DbOrTx, classId: string): Promise<ClassFacts> {
  const [c] = await db
    .select({
      id: classes.id,
      code: classes.code,
      name: classes.name,
      institutionId: classes.institutionId,
      institutionName: institutions.nameZh,
      trainingItemId: classes.trainingItemId,
      confirmedVersionId: classes.confirmedVersionId,
    })
    .from(classes)
    .innerJoin(institutions, eq(institutions.id, classes.institutionId))
    .where(eq(classes.id, classId))
    .limit(1);
  if (!c) throw new AppError('NOT_FOUND');
  let endsAt: Date | null = null;
  if (c.confirmedVersionId) {
    const [e] = await db
      .select({ endsAt: sql<Date | null>`max(${classSessions.endsAt})` })
      .from(classSessions)
      .where(eq(classSessions.versionId, c.confirmedVersionId));
    endsAt = e?.endsAt ? new Date(e.endsAt) : null;
  }
  return { ...c, endsAt };
}

/** The instructors of the confirmed plan's sessions, by name. */
export async function classInstructors(
  db: DbOrTx,
  versionId: string | null,
): Promise<Array<{ accountId: string; name: string }>> {
  if (!versionId) return [];
  const rows = await db
    .selectDistinct({ accountId: classSessions.instructorAccountId, name: people.displayName })
    .from(classSessions)
    .innerJoin(accounts, eq(accounts.id, classSessions.instructorAccountId))
    .innerJoin(people, eq(people.id, accounts.personId))
    .where(eq(classSessions.versionId, versionId))
    .orderBy(asc(people.displayName));
  return rows;
}

export type SurveyRow = typeof evaluationSurveys.$inferSelect;

export async function surveyOf(db: DbOrTx, classId: string, kind: 'trainee' | 'sponsor') {
  const [s] = await db
    .select()
    .from(evaluationSurveys)
    .where(and(eq(evaluationSurveys.classId, classId), eq(evaluationSurveys.kind, kind)))
    .limit(1);
  return s ?? null;
}

export interface ResponseRow {
  surveyId: string;
  instructorId: string | null;
  ratings: Record<string, number>;
  comment: string;
}

export async function responsesOf(db: DbOrTx, surveyIds: string[]): Promise<ResponseRow[]> {
  if (surveyIds.length === 0) return [];
  const rows = await db
    .select({
      surveyId: evaluationResponses.surveyId,
      instructorId: evaluationResponses.instructorId,
      ratings: evaluationResponses.ratings,
      comment: evaluationResponses.comment,
    })
    .from(evaluationResponses)
    .where(inArray(evaluationResponses.surveyId, surveyIds));
  return rows.map((r) => ({ ...r, ratings: r.ratings as Record<string, number> }));
}

/** Trainees on the roster with an account (who may answer the trainee survey). */
export async function rosterAccounts(db: DbOrTx, classId: string): Promise<number> {
  const [r] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(rosterEntries)
    .where(and(eq(rosterEntries.classId, classId), isNotNull(rosterEntries.accountId)));
  return r?.n ?? 0;
}

export async function invitationsOf(db: DbOrTx, surveyId: string) {
  return db
    .select({
      id: evaluationParticipation.id,
      sponsorName: evaluationParticipation.sponsorName,
      answeredAt: evaluationParticipation.answeredAt,
      createdAt: evaluationParticipation.createdAt,
    })
    .from(evaluationParticipation)
    .where(and(eq(evaluationParticipation.surveyId, surveyId), isNull(evaluationParticipation.accountId)))
    .orderBy(asc(evaluationParticipation.createdAt));
}

export interface PeriodClass {
  id: string;
  code: string;
  name: string;
  institutionId: string;
  trainingItemId: string;
  /** China date of the last session of the confirmed plan. */
  endDate: string;
}

/** The confirmed classes of `institutionIds` whose last session falls within [from, to] (China dates). */
export async function classesEndingIn(
  db: DbOrTx,
  institutionIds: string[],
  from: string,
  to: string,
): Promise<PeriodClass[]> {
  if (institutionIds.length === 0) return [];
  const endDate = sql<string>`to_char(max(${classSessions.endsAt}) at time zone 'Asia/Shanghai', 'YYYY-MM-DD')`;
  return db
    .select({
      id: classes.id,
      code: classes.code,
      name: classes.name,
      institutionId: classes.institutionId,
      trainingItemId: classes.trainingItemId,
      endDate,
    })
    .from(classes)
    .innerJoin(classSessions, eq(classSessions.versionId, classes.confirmedVersionId))
    .where(inArray(classes.institutionId, institutionIds))
    .groupBy(classes.id)
    .having(sql`${endDate} between ${from} and ${to}`)
    .orderBy(sql`${endDate}`, asc(classes.code));
}
