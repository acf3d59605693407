import type { LocalizedText } from '@seafarer/contracts';
import { sortSessions, type PlanSession } from './timetable';

/** The content of one version of a class plan, as filed with the authority. */
export interface PlanVersionContent {
  scale: number;
  trainingItemId: string;
  instructors: string[];
  managers: string[];
  sessions: PlanSession[];
  contentNote?: string;
}

export type PlanFieldChange =
  | { field: 'scale'; from: number; to: number }
  | { field: 'trainingItemId'; from: string; to: string }
  /** null when there is no note (absent or blank). */
  | { field: 'contentNote'; from: string | null; to: string | null };

export interface SessionFieldChange {
  field: 'end' | 'topic' | 'instructorAccountId';
  from: string;
  to: string;
}

/** A session present in both versions (same date and start) whose other fields differ. */
export interface SessionChange {
  date: string;
  start: string;
  changes: SessionFieldChange[];
}

export interface PlanDiff {
  unchanged: boolean;
  fields: PlanFieldChange[];
  instructors: { added: string[]; removed: string[] };
  managers: { added: string[]; removed: string[] };
  sessions: { added: PlanSession[]; removed: PlanSession[]; changed: SessionChange[] };
  summary: LocalizedText;
}

const SESSION_FIELDS = ['end', 'topic', 'instructorAccountId'] as const;

/**
 * QM-2: what changed between two versions of a plan, for the officer reviewing the re-filing. Sessions are
 * matched by date + start (a moved session shows as one removed and one added); lists come out sorted
 * (ids by code unit, sessions chronologically) so the same two versions always give the same diff.
 */
export function diffPlanVersions(from: PlanVersionContent, to: PlanVersionContent): PlanDiff {
  const fields: PlanFieldChange[] = [];
  if (from.scale !== to.scale) fields.push({ field: 'scale', from: from.scale, to: to.scale });
  if (from.trainingItemId !== to.trainingItemId)
    fields.push({ field: 'trainingItemId', from: from.trainingItemId, to: to.trainingItemId });
  const noteFrom = normalizeNote(from.contentNote);
  const noteTo = normalizeNote(to.contentNote);
  if (noteFrom !== noteTo) fields.push({ field: 'contentNote', from: noteFrom, to: noteTo });

  const instructors = diffIds(from.instructors, to.instructors);
  const managers = diffIds(from.managers, to.managers);
  const sessions = diffSessions(from.sessions, to.sessions);
  const unchanged =
    fields.length === 0 &&
    instructors.added.length + instructors.removed.length === 0 &&
    managers.added.length + managers.removed.length === 0 &&
    sessions.added.length + sessions.removed.length + sessions.changed.length === 0;

  return {
    unchanged,
    fields,
    instructors,
    managers,
    sessions,
    summary: summarize(unchanged, fields, instructors, managers, sessions),
  };
}

function diffSessions(before: readonly PlanSession[], after: readonly PlanSession[]): PlanDiff['sessions'] {
  const added: PlanSession[] = [];
  const removed: PlanSession[] = [];
  const changed: SessionChange[] = [];
  // A valid timetable has one session per date + start; should a version hold duplicates anyway, they
  // are paired in chronological order rather than dropped.
  const byKey = new Map<string, PlanSession[]>();
  for (const s of sortSessions(before)) {
    const list = byKey.get(key(s)) ?? [];
    list.push(s);
    byKey.set(key(s), list);
  }
  for (const s of sortSessions(after)) {
    const old = byKey.get(key(s))?.shift();
    if (!old) {
      added.push(copySession(s));
      continue;
    }
    const changes: SessionFieldChange[] = [];
    for (const field of SESSION_FIELDS) {
      if (old[field] !== s[field]) changes.push({ field, from: old[field], to: s[field] });
    }
    if (changes.length > 0) changed.push({ date: s.date, start: s.start, changes });
  }
  for (const rest of byKey.values()) removed.push(...rest.map(copySession));
  return { added, removed: sortSessions(removed), changed };
}

function diffIds(
  before: readonly string[],
  after: readonly string[],
): { added: string[]; removed: string[] } {
  const a = new Set(before);
  const b = new Set(after);
  return {
    added: [...b].filter((id) => !a.has(id)).sort(byCodeUnit),
    removed: [...a].filter((id) => !b.has(id)).sort(byCodeUnit),
  };
}

function summarize(
  unchanged: boolean,
  fields: readonly PlanFieldChange[],
  instructors: PlanDiff['instructors'],
  managers: PlanDiff['managers'],
  sessions: PlanDiff['sessions'],
): LocalizedText {
  if (unchanged) return { zh: '与上一版本相比无变化', en: 'No changes from the previous version' };
  const zh = [
    `新增 ${sessions.added.length} 个课次，修改 ${sessions.changed.length} 个课次，删除 ${sessions.removed.length} 个课次`,
  ];
  const en = [
    `sessions: ${sessions.added.length} added, ${sessions.changed.length} changed, ${sessions.removed.length} removed`,
  ];
  for (const f of fields) {
    if (f.field === 'scale') {
      zh.push(`规模 ${f.from}→${f.to}`);
      en.push(`scale ${f.from}→${f.to}`);
    } else if (f.field === 'trainingItemId') {
      zh.push(`培训项目 ${f.from}→${f.to}`);
      en.push(`training item ${f.from}→${f.to}`);
    } else {
      zh.push('教学内容说明已修改');
      en.push('content note changed');
    }
  }
  for (const [group, zhName, enName] of [
    [instructors, '教员', 'instructors'],
    [managers, '管理人员', 'managers'],
  ] as const) {
    if (group.added.length + group.removed.length === 0) continue;
    zh.push(`${zhName}新增 ${group.added.length} 名、移除 ${group.removed.length} 名`);
    en.push(`${enName}: ${group.added.length} added, ${group.removed.length} removed`);
  }
  const enLine = en.join('; ');
  return { zh: zh.join('；'), en: enLine.charAt(0).toUpperCase() + enLine.slice(1) };
}

const key = (s: PlanSession) => `${s.date} ${s.start}`;

// Only the plan's own fields, so extra properties on the input never leak into what the officer sees.
const copySession = (s: PlanSession): PlanSession => ({
  date: s.date,
  start: s.start,
  end: s.end,
  topic: s.topic,
  instructorAccountId: s.instructorAccountId,
});

const normalizeNote = (note: string | undefined): string | null => (note?.trim() ? note : null);

// Not localeCompare: the order must not depend on the server's locale.
const byCodeUnit = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
