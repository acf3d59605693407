import type { ErrorCode } from '@seafarer/contracts';
import { AppError } from '../shared/errors';
import { isCalendarDate, minutesOfDay } from './china-time';
import type { Problem } from './problem';

/** One live teaching session of a class plan. Date and times are China time (Asia/Shanghai). */
export interface PlanSession {
  /** YYYY-MM-DD */
  date: string;
  /** 'HH:MM', 00:00–23:59 */
  start: string;
  /** 'HH:MM', 00:00–23:59, after `start` on the same day */
  end: string;
  topic: string;
  instructorAccountId: string;
}

/** A problem with one session (`index` into the submitted array, 0-based) or with the whole timetable (null). */
export interface TimetableProblem extends Problem {
  index: number | null;
  /** For an overlap: the other session it overlaps. */
  relatedIndex?: number;
}

export type TimetableCheck =
  { ok: true; sessions: PlanSession[] } | { ok: false; problems: TimetableProblem[] };

export type SyllabusCoverageCheck =
  | { ok: true; plannedHours: number; syllabusHours: number }
  | {
      ok: false;
      plannedHours: number;
      syllabusHours: number;
      shortByMinutes: number;
      problem: Problem<'PRECONDITION_FAILED'>;
    };

// Bounds keep a hostile or mistaken upload from costing more than a quadratic check over a few hundred rows.
export const MAX_SESSIONS = 500;
/** No single live session runs longer than this; beyond it the entry is almost surely a typo. */
export const MAX_SESSION_MINUTES = 12 * 60;
export const MAX_TOPIC_LENGTH = 200;
/**
 * JS-10: one 学时 (teaching period) here is 60 minutes of scheduled live teaching, counted as real clock
 * time from start to end. Institutions that count 45-minute periods pass 45 wherever minutesPerPeriod is taken.
 */
export const DEFAULT_MINUTES_PER_PERIOD = 60;

/**
 * SEC-2 / JS-10: checks a submitted timetable and returns it sorted chronologically, or every problem found
 * (not only the first) so the form can mark each bad row. Sessions on the same day must not overlap;
 * back-to-back sessions (one ends 10:00, the next starts 10:00) do not overlap.
 */
export function validateTimetable(sessions: readonly PlanSession[]): TimetableCheck {
  if (!Array.isArray(sessions) || sessions.length === 0) {
    return fail([
      problem(
        null,
        'VALIDATION',
        '课表不能为空，至少需要 1 个课次',
        'The timetable is empty; at least one session is required',
      ),
    ]);
  }
  if (sessions.length > MAX_SESSIONS) {
    // Not looking further: the rows of an oversized upload are not worth checking one by one.
    return fail([
      problem(
        null,
        'VALIDATION',
        `课表最多 ${MAX_SESSIONS} 个课次，收到 ${sessions.length} 个`,
        `A timetable has at most ${MAX_SESSIONS} sessions; got ${sessions.length}`,
      ),
    ]);
  }

  const problems: TimetableProblem[] = [];
  const wellFormed: Array<{ index: number; session: PlanSession; from: number; to: number }> = [];
  sessions.forEach((session: unknown, index) => {
    const found = sessionProblems(session, index);
    problems.push(...found);
    if (found.length === 0) {
      const s = session as PlanSession;
      wellFormed.push({ index, session: s, from: minutesOfDay(s.start) ?? 0, to: minutesOfDay(s.end) ?? 0 });
    }
  });

  // Overlaps only among well-formed sessions: a row with a bad time has already been reported. Each
  // session is reported once, against the earliest session it overlaps, so 500 identical rows give 499
  // problems rather than 124,750.
  wellFormed.sort((a, b) => compareSessions(a.session, b.session));
  for (let i = 0; i < wellFormed.length; i++) {
    const later = wellFormed[i]!;
    for (let j = 0; j < i; j++) {
      const earlier = wellFormed[j]!;
      if (earlier.session.date === later.session.date && later.from < earlier.to) {
        problems.push({
          ...problem(
            later.index,
            'VALIDATION',
            `第 ${later.index + 1} 个课次（${label(later.session)}）与第 ${earlier.index + 1} 个课次（${label(earlier.session)}）时间重叠`,
            `Session ${later.index + 1} (${label(later.session)}) overlaps session ${earlier.index + 1} (${label(earlier.session)})`,
          ),
          relatedIndex: earlier.index,
        });
        break;
      }
    }
  }

  if (problems.length > 0) {
    // Whole-timetable problems first, then by row, so the list reads top to bottom like the form.
    problems.sort((a, b) => (a.index ?? -1) - (b.index ?? -1));
    return fail(problems);
  }
  return { ok: true, sessions: sortSessions(sessions) };
}

/** A chronologically sorted copy (date, then start, then end); sessions that tie keep their order. */
export function sortSessions<S extends PlanSession>(sessions: readonly S[]): S[] {
  return [...sessions].sort(compareSessions);
}

/** JS-10: total scheduled teaching minutes. Throws VALIDATION on a malformed time: validate the timetable first. */
export function scheduledMinutes(sessions: readonly PlanSession[]): number {
  return sessions.reduce((sum, s) => sum + sessionMinutes(s), 0);
}

/**
 * JS-10: scheduled teaching in 学时 (periods of `minutesPerPeriod` minutes), counted from real clock time.
 * May be fractional: 90 minutes are 1.5 periods of 60 minutes.
 */
export function totalHours(
  sessions: readonly PlanSession[],
  minutesPerPeriod: number = DEFAULT_MINUTES_PER_PERIOD,
): number {
  assertMinutesPerPeriod(minutesPerPeriod);
  return scheduledMinutes(sessions) / minutesPerPeriod;
}

/**
 * JS-10: the scheduled hours must cover the training item's syllabus hours. Compared in whole minutes, so
 * being short by a single minute is refused and float rounding never lets a short plan through.
 */
export function checkHoursCoverSyllabus(
  sessions: readonly PlanSession[],
  syllabusHours: number,
  minutesPerPeriod: number = DEFAULT_MINUTES_PER_PERIOD,
): SyllabusCoverageCheck {
  assertMinutesPerPeriod(minutesPerPeriod);
  if (!Number.isFinite(syllabusHours) || syllabusHours < 0) {
    throw new AppError('VALIDATION', {
      message: { zh: `大纲学时无效：${syllabusHours}`, en: `Invalid syllabus hours: ${syllabusHours}` },
    });
  }
  const planned = scheduledMinutes(sessions);
  const required = syllabusHours * minutesPerPeriod;
  const plannedHours = planned / minutesPerPeriod;
  if (planned >= required) return { ok: true, plannedHours, syllabusHours };
  const shortByMinutes = Math.ceil(required - planned);
  // Rounded down, so a plan a minute short never reads as "40 少于 40".
  const shown = String(Math.floor((planned * 100) / minutesPerPeriod) / 100);
  return {
    ok: false,
    plannedHours,
    syllabusHours,
    shortByMinutes,
    problem: {
      code: 'PRECONDITION_FAILED',
      zh: `计划学时 ${shown} 少于大纲要求 ${syllabusHours} 学时（尚差 ${shortByMinutes} 分钟）`,
      en: `The scheduled ${shown} teaching hours are fewer than the ${syllabusHours} hours the syllabus requires (${shortByMinutes} minutes short)`,
    },
  };
}

function sessionProblems(session: unknown, index: number): TimetableProblem[] {
  const n = index + 1;
  if (typeof session !== 'object' || session === null) {
    return [problem(index, 'VALIDATION', `第 ${n} 个课次不是有效的课次`, `Session ${n} is not a session`)];
  }
  const s = session as Partial<Record<keyof PlanSession, unknown>>;
  const found: TimetableProblem[] = [];
  if (!isCalendarDate(s.date)) {
    found.push(
      problem(
        index,
        'VALIDATION',
        `第 ${n} 个课次的日期无效：${show(s.date)}（应为真实存在的日期 YYYY-MM-DD）`,
        `Session ${n} has an invalid date: ${show(s.date)} (expected a real date, YYYY-MM-DD)`,
      ),
    );
  }
  const from = minutesOfDay(s.start);
  const to = minutesOfDay(s.end);
  for (const [which, value, minutes] of [
    ['开始', s.start, from],
    ['结束', s.end, to],
  ] as const) {
    if (minutes === null) {
      const en = which === '开始' ? 'start' : 'end';
      found.push(
        problem(
          index,
          'VALIDATION',
          `第 ${n} 个课次的${which}时间无效：${show(value)}（应为 00:00–23:59 的 HH:MM）`,
          `Session ${n} has an invalid ${en} time: ${show(value)} (expected HH:MM, 00:00–23:59)`,
        ),
      );
    }
  }
  if (from !== null && to !== null) {
    if (to <= from) {
      found.push(
        problem(
          index,
          'VALIDATION',
          `第 ${n} 个课次的结束时间 ${String(s.end)} 不晚于开始时间 ${String(s.start)}`,
          `Session ${n} ends at ${String(s.end)}, not after its start ${String(s.start)}`,
        ),
      );
    } else if (to - from > MAX_SESSION_MINUTES) {
      found.push(
        problem(
          index,
          'VALIDATION',
          `第 ${n} 个课次时长超过 ${MAX_SESSION_MINUTES / 60} 小时`,
          `Session ${n} is longer than ${MAX_SESSION_MINUTES / 60} hours`,
        ),
      );
    }
  }
  if (typeof s.topic !== 'string' || s.topic.trim() === '' || s.topic.length > MAX_TOPIC_LENGTH) {
    found.push(
      problem(
        index,
        'VALIDATION',
        `第 ${n} 个课次须填写教学内容（不超过 ${MAX_TOPIC_LENGTH} 字）`,
        `Session ${n} needs a topic (at most ${MAX_TOPIC_LENGTH} characters)`,
      ),
    );
  }
  if (typeof s.instructorAccountId !== 'string' || s.instructorAccountId.trim() === '') {
    found.push(
      problem(index, 'VALIDATION', `第 ${n} 个课次须指定授课教员`, `Session ${n} needs an instructor`),
    );
  }
  return found;
}

function sessionMinutes(s: PlanSession): number {
  const from = minutesOfDay(s.start);
  const to = minutesOfDay(s.end);
  if (from === null || to === null || to <= from) {
    throw new AppError('VALIDATION', {
      message: {
        zh: `课次时间无效：${s.date} ${show(s.start)}–${show(s.end)}`,
        en: `Invalid session times: ${s.date} ${show(s.start)}–${show(s.end)}`,
      },
    });
  }
  return to - from;
}

function assertMinutesPerPeriod(minutesPerPeriod: number): void {
  if (!Number.isInteger(minutesPerPeriod) || minutesPerPeriod <= 0) {
    throw new AppError('VALIDATION', {
      message: {
        zh: `每学时分钟数无效：${minutesPerPeriod}`,
        en: `Invalid minutes per teaching period: ${minutesPerPeriod}`,
      },
    });
  }
}

// Fixed-width YYYY-MM-DD and HH:MM compare correctly as strings.
function compareSessions(a: PlanSession, b: PlanSession): number {
  return cmp(a.date, b.date) || cmp(a.start, b.start) || cmp(a.end, b.end);
}
const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

const label = (s: PlanSession) => `${s.date} ${s.start}–${s.end}`;

// Echo bad input back, but bounded: the value came from the client.
const show = (v: unknown) =>
  typeof v === 'string' ? JSON.stringify(v.slice(0, 40)) : String(v).slice(0, 40);

const problem = (index: number | null, code: ErrorCode, zh: string, en: string): TimetableProblem => ({
  index,
  code,
  zh,
  en,
});

const fail = (problems: TimetableProblem[]): TimetableCheck => ({ ok: false, problems });
