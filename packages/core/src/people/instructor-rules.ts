import { completedYears } from '../shared/clock';

/** JS-9: instructors should in principle have at least three years of seafarer-training teaching. */
export const MIN_TEACHING_YEARS = 3;

export function teachingYears(teachingSince: string | null, today: string): number | null {
  if (!teachingSince) return null;
  return Math.max(0, completedYears(teachingSince, today));
}

export const meetsTeachingStandard = (teachingSince: string | null, today: string) =>
  (teachingYears(teachingSince, today) ?? 0) >= MIN_TEACHING_YEARS;
