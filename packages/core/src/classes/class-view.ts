import type { ClassView, PlanVersionView } from '@seafarer/contracts';
import type { ClassRow, SessionRow, VersionRow } from './classes.repo';

/** The plan as stored in a version's `plan` column. */
export interface StoredPlan {
  managers: Array<{ accountId: string; duties: string }>;
  instructors: string[];
  instructorOverrides: Array<{ accountId: string; reason: string }>;
  sessions: Array<{ date: string; start: string; end: string; topic: string; instructorAccountId: string }>;
}

/** The filing state a person reads, from the current version's status. */
export function filingStateOf(status: string): ClassView['filingState'] {
  if (status === 'filed') return 'pending_review';
  if (status === 'confirmed' || status === 'rejected') return status;
  return 'draft';
}

export function toVersionView(v: VersionRow, sessions: SessionRow[]): PlanVersionView {
  const plan = v.plan as StoredPlan;
  const hhmm = (d: Date) => new Date(d.getTime() + 8 * 3600_000).toISOString().slice(11, 16);
  return {
    id: v.id,
    version: v.version,
    status: v.status as PlanVersionView['status'],
    scale: v.scale,
    totalHours: v.totalHours,
    firstSessionDate: v.firstSessionDate,
    contentNote: v.contentNote,
    sessions: sessions.map((s) => ({
      id: s.id,
      seq: s.seq,
      date: s.date,
      start: hhmm(s.startsAt),
      end: hhmm(s.endsAt),
      startsAt: s.startsAt.toISOString(),
      endsAt: s.endsAt.toISOString(),
      topic: s.topic,
      instructorAccountId: s.instructorAccountId,
    })),
    managers: plan.managers,
    instructors: plan.instructors,
    instructorOverrides: plan.instructorOverrides,
    createdAt: v.createdAt.toISOString(),
    filedAt: v.filedAt?.toISOString() ?? null,
    reviewedAt: v.reviewedAt?.toISOString() ?? null,
    reviewReason: v.reviewReason,
  };
}

export function toClassView(
  c: ClassRow,
  item: { code: string; nameZh: string },
  current: PlanVersionView,
  confirmedVersion: number | null,
  rosterCount: number,
): ClassView {
  const filingState = filingStateOf(current.status);
  return {
    id: c.id,
    institutionId: c.institutionId,
    trainingItemId: c.trainingItemId,
    trainingItemCode: item.code,
    trainingItemNameZh: item.nameZh,
    code: c.code,
    name: c.name,
    filingState,
    canRun: filingState === 'confirmed',
    current,
    confirmedVersion,
    rosterCount,
    rosterFiledAt: c.rosterFiledAt?.toISOString() ?? null,
    createdAt: c.createdAt.toISOString(),
  };
}
