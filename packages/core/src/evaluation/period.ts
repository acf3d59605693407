import type { LocalizedText } from '@seafarer/contracts';
import { isCalendarDate } from '../filing/china-time';
import { calendarDaysBetween, shanghaiDate } from '../shared/clock';
import { AppError } from '../shared/errors';

export interface Period {
  from: string;
  to: string;
  text: LocalizedText;
}

/** Longest period asked for at once (ten years). */
const MAX_DAYS = 3660;

/**
 * QM-3: a reporting period in China dates. Without `from`, 1 January of `to`'s year; without `to`,
 * today (China time). Refused (VALIDATION) when not a calendar date, reversed or longer than ten years.
 */
export function resolvePeriod(q: { from?: string; to?: string }, now: Date): Period {
  const to = q.to ?? shanghaiDate(now);
  const from = q.from ?? `${to.slice(0, 4)}-01-01`;
  for (const d of [from, to])
    if (!isCalendarDate(d))
      throw new AppError('VALIDATION', {
        message: { zh: `日期无效：${d}（应为 YYYY-MM-DD）`, en: `Invalid date: ${d} (expected YYYY-MM-DD)` },
        details: { field: q.from === d ? 'from' : 'to' },
      });
  const days = calendarDaysBetween(from, to);
  if (days < 0)
    throw new AppError('VALIDATION', {
      message: { zh: '起始日期晚于截止日期', en: 'The period starts after it ends' },
      details: { field: 'from' },
    });
  if (days > MAX_DAYS)
    throw new AppError('VALIDATION', {
      message: { zh: '统计期间不能超过十年', en: 'The period cannot be longer than ten years' },
      details: { field: 'from' },
    });
  return {
    from,
    to,
    text: { zh: `${from} 至 ${to}（北京时间）`, en: `${from} to ${to} (China dates)` },
  };
}
