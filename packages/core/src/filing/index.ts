export type { Problem } from './problem';
export { chinaHhMm, formatChinaMinute, isCalendarDate } from './china-time';
export {
  PLAN_FILING_MIN_DAYS,
  checkPlanFilingDeadline,
  checkRosterFilingDeadline,
  latestPlanFilingDate,
  planFilingDeadlineView,
  type PlanFilingDeadlineView,
  sessionInstant,
  type PlanFilingCheck,
  type RosterFilingCheck,
} from './filing-deadline';
export {
  DEFAULT_MINUTES_PER_PERIOD,
  MAX_SESSIONS,
  MAX_SESSION_MINUTES,
  MAX_TOPIC_LENGTH,
  checkHoursCoverSyllabus,
  scheduledMinutes,
  sortSessions,
  totalHours,
  validateTimetable,
  type PlanSession,
  type SyllabusCoverageCheck,
  type TimetableCheck,
  type TimetableProblem,
} from './timetable';
export {
  diffPlanVersions,
  type PlanDiff,
  type PlanFieldChange,
  type PlanVersionContent,
  type SessionChange,
  type SessionFieldChange,
} from './plan-diff';
export {
  FILING_EVENTS,
  FILING_EVENT_LABELS,
  FILING_STATES,
  FILING_STATE_LABELS,
  FILING_TRANSITIONS,
  canOpenLiveRoom,
  transition,
  type FilingEvent,
  type FilingState,
  type FilingTransition,
  type FilingTransitionResult,
} from './filing-state';
export { planFilingProblems, planHours, type FilingProblem, type PlanFacts } from './plan-readiness';
