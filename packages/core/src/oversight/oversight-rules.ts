import type { CorrectionDecision, LocalizedText, OversightItemStatus } from '@seafarer/contracts';
import { calendarDaysBetween } from '../shared/clock';

/** Statuses in which the deadline no longer runs (the correction was accepted, or the item closed). */
const SETTLED: ReadonlySet<string> = new Set(['accepted', 'closed']);

/**
 * JS-17: days from today to the deadline (negative once passed) and whether the item is overdue: its
 * deadline (a China date, the whole day included) passed without an accepted correction.
 */
export function deadlineFacts(
  item: { deadline: string | null; status: string },
  today: string,
): { daysLeft: number | null; overdue: boolean } {
  if (!item.deadline) return { daysLeft: null, overdue: false };
  const daysLeft = calendarDaysBetween(today, item.deadline);
  return { daysLeft, overdue: daysLeft < 0 && !SETTLED.has(item.status) };
}

/** Why the institution may not submit a correction now (null: it may). One correction is decided at a time. */
export function itemAcceptsCorrection(status: string): LocalizedText | null {
  if (status === 'open') return null;
  if (status === 'correction_submitted')
    return {
      zh: '已提交的整改尚待审核，请等待审核结论',
      en: 'A submitted correction awaits the decision',
    };
  return { zh: '该事项已整改完毕，无需再提交', en: 'This item is settled; no correction is needed' };
}

/** The item's status after the officer's decision: accepted, or open again for a new correction. */
export const correctionDecisionEffect = (d: CorrectionDecision): OversightItemStatus =>
  d === 'accepted' ? 'accepted' : 'open';
