import { calendarDaysBetween, shanghaiDate } from '../shared/clock';
import { AppError } from '../shared/errors';
import {
  addCalendarDays,
  assertValidInstant,
  chinaTimeToInstant,
  formatShanghaiDateTime,
  isCalendarDate,
} from './china-time';
import type { Problem } from './problem';

/** JS-11.1: the class plan is filed at least this many China calendar days before the first session. */
export const PLAN_FILING_MIN_DAYS = 3;

export type PlanFilingCheck =
  | { ok: true; daysAhead: number }
  | {
      ok: false;
      daysAhead: number;
      /** The last China date on which filing is still accepted. */
      latestFilingDate: string;
      problem: Problem<'DEADLINE_PASSED'>;
    };

export type RosterFilingCheck =
  | { ok: true }
  | {
      ok: false;
      /** The first session's start in China time ('YYYY-MM-DD HH:MM:SS'); the roster had to arrive before it. */
      firstSessionStart: string;
      problem: Problem<'DEADLINE_PASSED'>;
    };

/**
 * The UTC instant of a session's China-time date and 'HH:MM' start or end.
 * Throws VALIDATION on a malformed date or time: callers validate the timetable first.
 */
export const sessionInstant = (date: string, hhmm: string): Date => chinaTimeToInstant(date, hhmm);

/** The last China date on which a plan for a class starting on `firstSessionDate` is accepted (JS-11.1). */
export function latestPlanFilingDate(firstSessionDate: string): string {
  assertCalendarDate(firstSessionDate);
  return addCalendarDays(firstSessionDate, -PLAN_FILING_MIN_DAYS);
}

/**
 * JS-11.1: "at least 3 days before the class starts" is counted in whole China calendar days, not in
 * 72-hour spans: the filing's Shanghai date must be 3 or more days before the first session's date. The
 * time of day of either does not matter, so for a class on 03-10 all of 03-07 (China time) is accepted.
 */
export function checkPlanFilingDeadline(filedAt: Date, firstSessionDate: string): PlanFilingCheck {
  assertValidInstant(filedAt, { zh: '报备时间', en: 'The filing time' });
  const latestFilingDate = latestPlanFilingDate(firstSessionDate);
  const filedOn = shanghaiDate(filedAt);
  const daysAhead = calendarDaysBetween(filedOn, firstSessionDate);
  if (daysAhead >= PLAN_FILING_MIN_DAYS) return { ok: true, daysAhead };
  return {
    ok: false,
    daysAhead,
    latestFilingDate,
    problem: {
      code: 'DEADLINE_PASSED',
      zh:
        `开班计划须在开班前至少 ${PLAN_FILING_MIN_DAYS} 日报备：首次课次日期为 ${firstSessionDate}，` +
        `最迟报备日期为 ${latestFilingDate}（北京时间），本次报备日期为 ${filedOn}`,
      en:
        `The class plan must be filed at least ${PLAN_FILING_MIN_DAYS} calendar days before the class starts: ` +
        `the first session is on ${firstSessionDate}, so the last accepted filing date is ${latestFilingDate} ` +
        `(China time); this filing is dated ${filedOn}`,
    },
  };
}

/**
 * JS-11.2: the roster is filed before the class starts, i.e. strictly before the first session's start
 * instant. A roster filed at the very minute the class starts is already late.
 */
export function checkRosterFilingDeadline(filedAt: Date, firstSessionStart: Date): RosterFilingCheck {
  assertValidInstant(filedAt, { zh: '报备时间', en: 'The filing time' });
  assertValidInstant(firstSessionStart, { zh: '首次课次开始时间', en: 'The first session start' });
  if (filedAt.getTime() < firstSessionStart.getTime()) return { ok: true };
  const start = formatShanghaiDateTime(firstSessionStart);
  const filed = formatShanghaiDateTime(filedAt);
  return {
    ok: false,
    firstSessionStart: start,
    problem: {
      code: 'DEADLINE_PASSED',
      zh: `学员名册须在开班前报备：首次课次开始时间为 ${start}（北京时间），本次报备时间为 ${filed}`,
      en: `The roster must be filed before the class starts: the first session starts at ${start} (China time); this filing was made at ${filed}`,
    },
  };
}

function assertCalendarDate(date: string): void {
  if (!isCalendarDate(date)) {
    throw new AppError('VALIDATION', {
      message: {
        zh: `首次课次日期无效：${String(date)}（应为 YYYY-MM-DD）`,
        en: `Invalid first session date: ${String(date)} (expected YYYY-MM-DD)`,
      },
    });
  }
}

/** What the pages show of the plan-filing deadline (JS-11.1), as of `now`. */
export interface PlanFilingDeadlineView {
  firstSessionDate: string;
  lastFilingDate: string;
  /** China calendar days from today to the last filing date: 0 on the last day, negative once passed. */
  daysLeft: number;
  /** Whether the deadline still concerns the plan: only a draft (or a rejected plan, to amend) is yet to file. */
  applies: boolean;
}

export function planFilingDeadlineView(
  firstSessionDate: string,
  now: Date,
  status: string,
): PlanFilingDeadlineView {
  const lastFilingDate = latestPlanFilingDate(firstSessionDate);
  return {
    firstSessionDate,
    lastFilingDate,
    daysLeft: calendarDaysBetween(shanghaiDate(now), lastFilingDate),
    applies: status === 'draft' || status === 'rejected',
  };
}
