import type { ClassView, PlanVersionView } from '@seafarer/contracts';
import { chinaHhMm, planFilingDeadlineView, planFilingProblems, planHours } from '../filing';
import { joinWindow } from '../live/live-access.service';
import type { ClassRow, SessionRow, VersionRow } from './classes.repo';

/** What a version's view is computed against: the item's syllabus and licence today, and now. */
export interface VersionFacts {
  syllabusHours: number;
  licensedScale: number;
  now: Date;
}

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

export function toVersionView(v: VersionRow, sessions: SessionRow[], facts: VersionFacts): PlanVersionView {
  const plan = v.plan as StoredPlan;
  const hhmm = chinaHhMm;
  // JS-10 / JS-11.1 / JS-6: a draft shows what its filing would be refused with, by the filing's own check.
  const problems =
    v.status === 'draft'
      ? planFilingProblems(
          {
            sessions: plan.sessions,
            firstSessionDate: v.firstSessionDate,
            scale: v.scale,
            syllabusHours: facts.syllabusHours,
            licensedScale: facts.licensedScale,
          },
          facts.now,
        ).map(({ code, zh, en }) => ({ code, zh, en }))
      : [];
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
      ...windowOf(s),
    })),
    managers: plan.managers,
    instructors: plan.instructors,
    instructorOverrides: plan.instructorOverrides,
    createdAt: v.createdAt.toISOString(),
    filedAt: v.filedAt?.toISOString() ?? null,
    reviewedAt: v.reviewedAt?.toISOString() ?? null,
    reviewReason: v.reviewReason,
    hours: planHours(plan.sessions, facts.syllabusHours),
    problems,
  };
}

/** VC-3: the session's join window, by the join grant's own function. */
function windowOf(s: SessionRow) {
  const w = joinWindow(s);
  return { joinOpensAt: w.opensAt.toISOString(), joinClosesAt: w.closesAt.toISOString() };
}

export function toClassView(
  c: ClassRow,
  item: { code: string; nameZh: string },
  institution: { nameZh: string },
  current: PlanVersionView,
  confirmedVersion: number | null,
  rosterCount: number,
  now: Date,
): ClassView {
  const filingState = filingStateOf(current.status);
  return {
    id: c.id,
    institutionId: c.institutionId,
    institutionNameZh: institution.nameZh,
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
    filingDeadline: planFilingDeadlineView(current.firstSessionDate, now, current.status),
  };
}
