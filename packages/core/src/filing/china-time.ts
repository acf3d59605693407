import type { LocalizedText } from '@seafarer/contracts';
import { AppError } from '../shared/errors';

// Class dates and times are written in China time; China has no daylight saving, so UTC+8 all year.
const SHANGHAI_OFFSET_MS = 8 * 3600 * 1000;
const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
const TIME_RE = /^([01]\d|2[0-3]):([0-5]\d)$/;

/** True for a real calendar date written YYYY-MM-DD ('2026-02-30' and '2026-2-3' are not). */
export function isCalendarDate(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  const m = DATE_RE.exec(value);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  // Round-trip through UTC: an impossible day (Feb 30) rolls over into the next month and no longer matches.
  const at = new Date(Date.UTC(y, mo - 1, d));
  return at.getUTCFullYear() === y && at.getUTCMonth() === mo - 1 && at.getUTCDate() === d;
}

/** Minutes after midnight of an 'HH:MM' time between 00:00 and 23:59, or null when it is not one. */
export function minutesOfDay(value: unknown): number | null {
  if (typeof value !== 'string') return null;
  const m = TIME_RE.exec(value);
  return m ? Number(m[1]) * 60 + Number(m[2]) : null;
}

/** The calendar date `days` days after `date` (negative goes back); crosses month and year ends. */
export function addCalendarDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

/** 'YYYY-MM-DD HH:MM:SS' in China time, for messages an officer reads. */
export function formatShanghaiDateTime(at: Date): string {
  return new Date(at.getTime() + SHANGHAI_OFFSET_MS).toISOString().slice(0, 19).replace('T', ' ');
}

/** The UTC instant of a China-time date and 'HH:MM' time. Throws VALIDATION on a malformed date or time. */
export function chinaTimeToInstant(date: string, hhmm: string): Date {
  const minutes = minutesOfDay(hhmm);
  if (!isCalendarDate(date) || minutes === null) {
    throw new AppError('VALIDATION', {
      message: {
        zh: `日期或时间格式无效：${String(date)} ${String(hhmm)}（应为 YYYY-MM-DD 与 HH:MM）`,
        en: `Invalid date or time: ${String(date)} ${String(hhmm)} (expected YYYY-MM-DD and HH:MM)`,
      },
    });
  }
  return new Date(Date.parse(`${date}T00:00:00Z`) + minutes * 60_000 - SHANGHAI_OFFSET_MS);
}

/** Throws VALIDATION unless `at` is a real instant; a NaN date would otherwise pass every comparison as false. */
export function assertValidInstant(at: Date, what: LocalizedText): void {
  if (!(at instanceof Date) || Number.isNaN(at.getTime())) {
    throw new AppError('VALIDATION', {
      message: { zh: `${what.zh}不是有效的时间`, en: `${what.en} is not a valid instant` },
    });
  }
}

/** 'YYYY-MM-DD HH:MM' in China time: how papers for the authority write an instant ("2026-12-07 08:30"). */
export function formatChinaMinute(at: Date): string {
  return formatShanghaiDateTime(at).slice(0, 16);
}

/** 'HH:MM' in China time. */
export const chinaHhMm = (at: Date): string => formatShanghaiDateTime(at).slice(11, 16);
