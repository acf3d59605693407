// JS-13.2 / JS-15 / JS-16: attendance, credited hours, the attendance sheet, appeals and decisions, and the
// evidence timeline (issue 11 §3–4). Every coded value travels with its zh/en label; times are China time.
import { Type, type Static } from '@sinclair/typebox';
import { IsoDate, IsoDateTime, NonEmpty, Strict, Uuid } from './common';
import { LocalizedText } from './errors';

export const AttendanceSubjectKind = Type.Union([Type.Literal('roll_call'), Type.Literal('spot_check')]);
export type AttendanceSubjectKind = Static<typeof AttendanceSubjectKind>;
export const AttendanceDecision = Type.Union([Type.Literal('credit'), Type.Literal('withhold')]);
export type AttendanceDecision = Static<typeof AttendanceDecision>;

/** What a check does to a trainee's minutes: nothing, withheld until decided, given back, withheld for good. */
export const CheckState = Type.Union([
  Type.Literal('none'),
  Type.Literal('pending'),
  Type.Literal('credited'),
  Type.Literal('withheld'),
]);
export type CheckState = Static<typeof CheckState>;

export const CHECK_STATE_LABELS: Readonly<Record<CheckState, LocalizedText>> = {
  none: { zh: '不影响学时', en: 'No effect on hours' },
  pending: { zh: '学时暂扣，待判定', en: 'Minutes withheld, awaiting decision' },
  credited: { zh: '已判定认定学时', en: 'Decided: minutes credited' },
  withheld: { zh: '已判定不予认定', en: 'Decided: minutes withheld' },
};

export const SUBJECT_KIND_LABELS: Readonly<Record<AttendanceSubjectKind, LocalizedText>> = {
  roll_call: { zh: '点名', en: 'Roll-call' },
  spot_check: { zh: '身份抽查', en: 'Identity spot check' },
};

export const ATTENDANCE_DECISION_LABELS: Readonly<Record<AttendanceDecision, LocalizedText>> = {
  credit: { zh: '认定学时', en: 'Credit the minutes' },
  withhold: { zh: '不予认定', en: 'Withhold the minutes' },
};

/** The appeal and decision on one withheld item. */
export const AttendanceReviewView = Type.Object({
  id: Uuid,
  appealText: Type.Union([Type.String(), Type.Null()]),
  appealedAt: Type.Union([Type.String(), Type.Null()]),
  decision: Type.Union([AttendanceDecision, Type.Null()]),
  decisionLabel: Type.Union([LocalizedText, Type.Null()]),
  decisionNote: Type.Union([Type.String(), Type.Null()]),
  decidedAt: Type.Union([Type.String(), Type.Null()]),
});
export type AttendanceReviewView = Static<typeof AttendanceReviewView>;

/** One roll-call or spot check of one trainee in one session, and what it did to the minutes. */
export const AttendanceCheckView = Type.Object({
  kind: AttendanceSubjectKind,
  kindLabel: LocalizedText,
  /** The roll-call's or the spot check's id (the subject of an appeal). */
  subjectId: Uuid,
  at: IsoDateTime,
  /** China time 'HH:MM'. */
  time: Type.String(),
  result: Type.Union([Type.String(), Type.Null()]),
  resultLabel: LocalizedText,
  state: CheckState,
  stateLabel: LocalizedText,
  /** Present minutes within ±15 min of the check (what it alone holds back). */
  withheldMinutes: Type.Number(),
  stillEvidenceId: Type.Union([Uuid, Type.Null()]),
  review: Type.Union([AttendanceReviewView, Type.Null()]),
});
export type AttendanceCheckView = Static<typeof AttendanceCheckView>;

export const SessionAttendanceView = Type.Object({
  sessionId: Uuid,
  seq: Type.Integer(),
  date: Type.String(),
  /** China time 'HH:MM'. */
  start: Type.String(),
  end: Type.String(),
  plannedMinutes: Type.Integer(),
  /** Scheduled minutes up to now (all of them once the session has ended). */
  heldMinutes: Type.Number(),
  presentMinutes: Type.Number(),
  /** China time 'HH:MM' of the first and last present moment inside the schedule. */
  firstPresent: Type.Union([Type.String(), Type.Null()]),
  lastPresent: Type.Union([Type.String(), Type.Null()]),
  lateMinutes: Type.Union([Type.Integer(), Type.Null()]),
  leftEarlyMinutes: Type.Union([Type.Integer(), Type.Null()]),
  absent: Type.Boolean(),
  /** The attendance in people's words: 到课 Present, 缺勤 Absent, 迟到 12 分钟 late 12 min, … */
  status: LocalizedText,
  withheldMinutes: Type.Number(),
  pendingMinutes: Type.Number(),
  creditedMinutes: Type.Number(),
  creditedHours: Type.Number(),
  checks: Type.Array(AttendanceCheckView),
});
export type SessionAttendanceView = Static<typeof SessionAttendanceView>;

export const AttendanceTotals = Type.Object({
  plannedMinutes: Type.Number(),
  plannedHours: Type.Number(),
  heldMinutes: Type.Number(),
  presentMinutes: Type.Number(),
  withheldMinutes: Type.Number(),
  creditedMinutes: Type.Number(),
  creditedHours: Type.Number(),
  /** Credited over held so far (0..1); null before the first session. */
  ratio: Type.Union([Type.Number(), Type.Null()]),
  flagged: Type.Boolean(),
});
export type AttendanceTotals = Static<typeof AttendanceTotals>;

export const TraineeAttendanceRow = Type.Object({
  accountId: Type.Union([Uuid, Type.Null()]),
  rosterEntryId: Uuid,
  name: Type.String(),
  sessions: Type.Array(SessionAttendanceView),
  totals: AttendanceTotals,
});
export type TraineeAttendanceRow = Static<typeof TraineeAttendanceRow>;

/** GET /classes/:classId/attendance: the class's attendance, per trainee and session, by the one rule. */
export const ClassAttendanceView = Type.Object({
  classId: Uuid,
  classCode: Type.String(),
  className: Type.String(),
  institutionName: Type.String(),
  /** The day asked for (the sessions of that day only; totals are the class's), or null for all. */
  date: Type.Union([Type.String(), Type.Null()]),
  requiredRatio: Type.Number(),
  /** The rule in words (zh, en). */
  rule: LocalizedText,
  sessions: Type.Array(
    Type.Object({
      sessionId: Uuid,
      seq: Type.Integer(),
      date: Type.String(),
      start: Type.String(),
      end: Type.String(),
    }),
  ),
  trainees: Type.Array(TraineeAttendanceRow),
});
export type ClassAttendanceView = Static<typeof ClassAttendanceView>;

export const AttendanceQuery = Type.Object({ date: Type.Optional(IsoDate) }, { additionalProperties: false });
export type AttendanceQuery = Static<typeof AttendanceQuery>;

/** The trainee's own withheld item, with its appeal state (on GET /me/classes/:classId/attendance). */
export const OwnWithheldItem = Type.Composite([
  AttendanceCheckView,
  Type.Object({ sessionId: Uuid, seq: Type.Integer(), date: Type.String(), mayAppeal: Type.Boolean() }),
]);
export type OwnWithheldItem = Static<typeof OwnWithheldItem>;

export const AppealBody = Strict({
  subjectKind: AttendanceSubjectKind,
  subjectId: Uuid,
  text: NonEmpty(1000),
});
export type AppealBody = Static<typeof AppealBody>;

export const DecisionBody = Strict({ decision: AttendanceDecision, note: NonEmpty(500) });
export type DecisionBody = Static<typeof DecisionBody>;

export const DirectDecisionBody = Strict({
  subjectKind: AttendanceSubjectKind,
  subjectId: Uuid,
  accountId: Uuid,
  decision: AttendanceDecision,
  note: NonEmpty(500),
});
export type DirectDecisionBody = Static<typeof DirectDecisionBody>;

export const ReviewParams = Strict({ classId: Uuid, reviewId: Uuid });
/** A trainee of a class, by account id (on the class's roster: scope kind classTrainee). */
export const TraineeParams = Strict({ classId: Uuid, traineeId: Uuid });

/** An appeal or a decision as stored. */
export const AttendanceReviewResult = Type.Composite([
  AttendanceReviewView,
  Type.Object({ subjectKind: AttendanceSubjectKind, subjectId: Uuid, accountId: Uuid, sessionId: Uuid }),
]);
export type AttendanceReviewResult = Static<typeof AttendanceReviewResult>;

export const TimelineKind = Type.Union([
  Type.Literal('presence'),
  Type.Literal('roll_call'),
  Type.Literal('spot_check'),
  Type.Literal('identity'),
  Type.Literal('appeal'),
  Type.Literal('decision'),
  Type.Literal('interaction'),
  /** JS-14: an in-class quiz answered (随堂测试 3/4 分). */
  Type.Literal('quiz'),
]);
export type TimelineKind = Static<typeof TimelineKind>;

/** One moment of a trainee's evidence timeline, with the replay at that moment when there is one. */
export const TimelineEntry = Type.Object({
  at: IsoDateTime,
  /** China time 'YYYY-MM-DD HH:MM:SS'. */
  time: Type.String(),
  sessionId: Type.Union([Uuid, Type.Null()]),
  sessionSeq: Type.Union([Type.Integer(), Type.Null()]),
  kind: TimelineKind,
  /** The event's code (join, camera.off, absent, mismatch, chat, …) for programs; people read `label`. */
  event: Type.String(),
  label: LocalizedText,
  detail: Type.Union([Type.String(), Type.Null()]),
  evidenceId: Type.Union([Uuid, Type.Null()]),
  /** Seconds into the session's replay; null when that moment was not recorded. */
  replayOffsetS: Type.Union([Type.Number(), Type.Null()]),
  /** The replay page opened at that moment (needs sign-in; the page issues its own signed URL). */
  replayLink: Type.Union([Type.String(), Type.Null()]),
});
export type TimelineEntry = Static<typeof TimelineEntry>;

export const TimelineView = Type.Object({
  classId: Uuid,
  classCode: Type.String(),
  className: Type.String(),
  accountId: Uuid,
  name: Type.String(),
  entries: Type.Array(TimelineEntry),
});
export type TimelineView = Static<typeof TimelineView>;

export const TIMELINE_EVENT_LABELS: Readonly<Record<string, LocalizedText>> = {
  join: { zh: '进入课堂', en: 'Joined' },
  leave: { zh: '离开课堂', en: 'Left' },
  'camera.on': { zh: '打开摄像头', en: 'Camera on' },
  'camera.off': { zh: '关闭摄像头', en: 'Camera off' },
  'mic.on': { zh: '打开麦克风', en: 'Microphone on' },
  'mic.off': { zh: '关闭麦克风', en: 'Microphone off' },
  'screen.on': { zh: '开始共享屏幕', en: 'Screen share on' },
  'screen.off': { zh: '停止共享屏幕', en: 'Screen share off' },
  'network.drop': { zh: '网络中断', en: 'Network dropped' },
  removed: { zh: '被移出课堂', en: 'Removed from the room' },
  'session.ended': { zh: '课次结束', en: 'Session ended' },
  chat: { zh: '发言（文字）', en: 'Chat message' },
  question: { zh: '提问', en: 'Question' },
  hand: { zh: '举手', en: 'Raised hand' },
  appeal: { zh: '提出申诉', en: 'Appealed' },
};
