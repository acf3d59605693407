import { checkPlanFilingDeadline } from './filing-deadline';
import type { Problem } from './problem';
import { DEFAULT_MINUTES_PER_PERIOD, checkHoursCoverSyllabus, scheduledMinutes } from './timetable';

/** A rule that a plan must meet when it is filed, with the details its refusal carries. */
export interface FilingProblem extends Problem {
  details: Record<string, unknown>;
}

export interface PlanFacts {
  sessions: ReadonlyArray<{
    date: string;
    start: string;
    end: string;
    topic: string;
    instructorAccountId: string;
  }>;
  firstSessionDate: string;
  scale: number;
  syllabusHours: number;
  /** Today's licensed scale of the training item. */
  licensedScale: number;
}

/** JS-10: scheduled minutes against the syllabus, the figures the filing check compares. */
export function planHours(
  sessions: PlanFacts['sessions'],
  syllabusHours: number,
): { scheduledMinutes: number; syllabusMinutes: number; shortfallMinutes: number } {
  const coverage = checkHoursCoverSyllabus(sessions, syllabusHours);
  return {
    scheduledMinutes: scheduledMinutes(sessions),
    syllabusMinutes: Math.ceil(syllabusHours * DEFAULT_MINUTES_PER_PERIOD),
    shortfallMinutes: coverage.ok ? 0 : coverage.shortByMinutes,
  };
}

/**
 * Everything that would refuse the filing of a draft at `now`, in the order the filing reports them:
 * JS-11.1 (3 China calendar days ahead), JS-5 / JS-10 (the hours cover the syllabus), JS-6 (scale within
 * today's licensed scale). A draft may be saved with any of these; the filing refuses with the first.
 */
export function planFilingProblems(plan: PlanFacts, now: Date): FilingProblem[] {
  const problems: FilingProblem[] = [];
  const deadline = checkPlanFilingDeadline(now, plan.firstSessionDate);
  if (!deadline.ok)
    problems.push({
      ...deadline.problem,
      details: { daysAhead: deadline.daysAhead, latestFilingDate: deadline.latestFilingDate },
    });
  const coverage = checkHoursCoverSyllabus(plan.sessions, plan.syllabusHours);
  if (!coverage.ok)
    problems.push({
      ...coverage.problem,
      details: {
        plannedHours: coverage.plannedHours,
        syllabusHours: coverage.syllabusHours,
        shortByMinutes: coverage.shortByMinutes,
      },
    });
  if (plan.scale > plan.licensedScale)
    problems.push({
      code: 'CAPACITY_EXCEEDED',
      zh: `班级规模 ${plan.scale} 超过核定开班规模 ${plan.licensedScale}`,
      en: `Class size ${plan.scale} exceeds the licensed scale ${plan.licensedScale}`,
      details: { scale: plan.scale, licensedScale: plan.licensedScale },
    });
  return problems;
}
