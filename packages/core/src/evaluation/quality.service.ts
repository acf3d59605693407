import { and, eq, inArray, isNull, like, or, sql } from 'drizzle-orm';
import type { OfficerQualityView, QualityPeriodQuery, QualityRow, QualityView } from '@seafarer/contracts';
import {
  evaluationResponses,
  evaluationSurveys,
  examAttempts,
  exams,
  institutions,
  jurisdictions,
  trainingItems,
  type Db,
} from '@seafarer/db';
import type { Clock } from '../shared/clock';
import type { Actor, Ctx } from '../shared/context';
import { AppError } from '../shared/errors';
import { classesEndingIn, type PeriodClass } from './evaluation.repo';
import { resolvePeriod } from './period';
import {
  addCounts,
  emptyCounts,
  objectivesOf,
  QUALITY_DEFINITIONS,
  SATISFIED_FROM,
  type ObjectiveCounts,
} from './questionnaire';

/**
 * QM-3: the quality objectives of the quality manual (seed 000) against the data: trainee satisfaction
 * (the course evaluations), the exam pass rate (first attempts of released exams, as marked) and sponsor
 * satisfaction (送培单位 surveys), per class, per training item and over a period, with the gap to the
 * target. Definitions in questionnaire.ts (QUALITY_DEFINITIONS), shown with the figures.
 */
export function createQualityService(deps: { db: Db; clock: Clock }) {
  const { db, clock } = deps;

  /** Counts per class of the three objectives. */
  async function countsByClass(list: PeriodClass[]): Promise<Map<string, ObjectiveCounts>> {
    const out = new Map(list.map((c) => [c.id, emptyCounts()]));
    if (list.length === 0) return out;
    const ids = list.map((c) => c.id);
    const answers = await db
      .select({
        classId: evaluationSurveys.classId,
        kind: evaluationSurveys.kind,
        satisfied: sql<number>`count(*) filter (where (${evaluationResponses.ratings}->>'overall')::int >= ${SATISFIED_FROM})::int`,
        total: sql<number>`count(*)::int`,
      })
      .from(evaluationResponses)
      .innerJoin(evaluationSurveys, eq(evaluationSurveys.id, evaluationResponses.surveyId))
      .where(and(inArray(evaluationSurveys.classId, ids), isNull(evaluationResponses.instructorId)))
      .groupBy(evaluationSurveys.classId, evaluationSurveys.kind);
    for (const a of answers) {
      const c = out.get(a.classId)!;
      if (a.kind === 'trainee') {
        c.traineeSatisfied += a.satisfied;
        c.traineeAnswers += a.total;
      } else if (a.kind === 'sponsor') {
        c.sponsorSatisfied += a.satisfied;
        c.sponsorAnswers += a.total;
      }
    }
    // First attempts (attempt 1 of a regular exam, not a retake) of exams whose results are released.
    const attempts = await db
      .select({
        classId: exams.classId,
        passed: sql<number>`count(*) filter (where ${examAttempts.verdict} = 'pass')::int`,
        marked: sql<number>`count(*) filter (where ${examAttempts.verdict} in ('pass', 'fail'))::int`,
      })
      .from(examAttempts)
      .innerJoin(exams, eq(exams.id, examAttempts.examId))
      .where(
        and(
          inArray(exams.classId, ids),
          eq(exams.status, 'released'),
          eq(exams.kind, 'exam'),
          eq(examAttempts.attemptNo, 1),
        ),
      )
      .groupBy(exams.classId);
    for (const a of attempts) {
      const c = out.get(a.classId)!;
      c.passed += a.passed;
      c.marked += a.marked;
    }
    return out;
  }

  const total = (counts: Iterable<ObjectiveCounts>) => [...counts].reduce(addCounts, emptyCounts());

  /** One institution's objectives, per class and per training item. */
  async function institution(institutionId: string, q: QualityPeriodQuery): Promise<QualityView> {
    const period = resolvePeriod(q, clock.now());
    const [inst] = await db
      .select({ nameZh: institutions.nameZh, nameEn: institutions.nameEn })
      .from(institutions)
      .where(eq(institutions.id, institutionId))
      .limit(1);
    if (!inst) throw new AppError('NOT_FOUND');
    const list = await classesEndingIn(db, [institutionId], period.from, period.to);
    const counts = await countsByClass(list);
    const items = await db
      .select({ id: trainingItems.id, code: trainingItems.code, nameZh: trainingItems.nameZh })
      .from(trainingItems)
      .where(eq(trainingItems.institutionId, institutionId));
    const itemRows: QualityRow[] = items
      .map((it) => {
        const of = list.filter((c) => c.trainingItemId === it.id);
        return {
          id: it.id,
          code: it.code,
          name: it.nameZh,
          note: `${of.length} 个班级 classes`,
          objectives: objectivesOf(total(of.map((c) => counts.get(c.id)!))),
          n: of.length,
        };
      })
      .filter((r) => r.n > 0)
      .map(({ n: _n, ...r }) => r);
    return {
      institutionId,
      institutionName: `${inst.nameZh} ${inst.nameEn}`,
      period,
      objectives: objectivesOf(total(counts.values())),
      classes: list.map((c) => ({
        id: c.id,
        code: c.code,
        name: c.name,
        note: c.endDate,
        objectives: objectivesOf(counts.get(c.id)!),
      })),
      items: itemRows,
      definitions: [...QUALITY_DEFINITIONS],
    };
  }

  /** The officer's overview: every institution of the jurisdiction (and those below it). */
  async function officer(ctx: Ctx & { actor: Actor }, q: QualityPeriodQuery): Promise<OfficerQualityView> {
    const period = resolvePeriod(q, clock.now());
    const a = ctx.actor;
    const all = a.roles.includes('platform_admin');
    if (!all && !a.jurisdictionPath) throw new AppError('FORBIDDEN');
    const insts = await db
      .select({ id: institutions.id, nameZh: institutions.nameZh, code: institutions.creditCode })
      .from(institutions)
      .innerJoin(jurisdictions, eq(jurisdictions.id, institutions.jurisdictionId))
      .where(
        all
          ? undefined
          : or(
              eq(jurisdictions.path, a.jurisdictionPath!),
              like(jurisdictions.path, `${a.jurisdictionPath!.replace(/[\\%_]/g, '\\$&')}.%`),
            ),
      )
      .orderBy(institutions.nameZh);
    const list = await classesEndingIn(
      db,
      insts.map((i) => i.id),
      period.from,
      period.to,
    );
    const counts = await countsByClass(list);
    const rows = insts.map((i) => {
      const of = list.filter((c) => c.institutionId === i.id);
      return {
        id: i.id,
        code: i.code,
        name: i.nameZh,
        note: `${of.length} 个班级 classes`,
        objectives: objectivesOf(total(of.map((c) => counts.get(c.id)!))),
      };
    });
    return {
      period,
      objectives: objectivesOf(total(counts.values())),
      institutions: rows,
      definitions: [...QUALITY_DEFINITIONS],
    };
  }

  return { institution, officer };
}
export type QualityService = ReturnType<typeof createQualityService>;
