import { Type, type Static } from '@sinclair/typebox';
import type { LocalizedText } from './errors';

// JS-13.2 / JS-7.2 / JS-16: roll-calls and identity spot checks of live sessions. The API's and the
// live service's views of them are added here (issue 11 §1–2).

/** Who started a roll-call or spot check. Trainees see every one as the class's, never the officer's. */
export const CheckOrigin = Type.Union([
  Type.Literal('instructor'),
  Type.Literal('class_manager'),
  Type.Literal('officer'),
  Type.Literal('scheduled'),
]);
export type CheckOrigin = Static<typeof CheckOrigin>;

export const RollCallStatus = Type.Union([
  Type.Literal('scheduled'),
  Type.Literal('open'),
  Type.Literal('closed'),
  Type.Literal('missed'),
]);
export type RollCallStatus = Static<typeof RollCallStatus>;

/** One trainee's outcome of one roll-call. */
export const RollCallOutcome = Type.Union([
  Type.Literal('present'),
  Type.Literal('late'),
  Type.Literal('absent'),
  Type.Literal('camera_off'),
  Type.Literal('not_in_room'),
]);
export type RollCallOutcome = Static<typeof RollCallOutcome>;

export const SpotCheckVerdict = Type.Union([
  Type.Literal('pending'),
  Type.Literal('match'),
  Type.Literal('mismatch'),
  Type.Literal('no_face'),
  Type.Literal('camera_off'),
  Type.Literal('no_id_photo'),
]);
export type SpotCheckVerdict = Static<typeof SpotCheckVerdict>;

export const CHECK_ORIGIN_LABELS: Readonly<Record<CheckOrigin, LocalizedText>> = {
  instructor: { zh: '教员发起', en: 'Started by the instructor' },
  class_manager: { zh: '班主任发起', en: 'Started by the class manager' },
  officer: { zh: '海事机构发起', en: 'Started by the maritime authority' },
  scheduled: { zh: '系统随机', en: 'Drawn at random by the system' },
};

export const ROLL_CALL_OUTCOME_LABELS: Readonly<Record<RollCallOutcome, LocalizedText>> = {
  present: { zh: '到课', en: 'Present' },
  late: { zh: '迟到应答', en: 'Answered late' },
  absent: { zh: '未应答', en: 'No answer' },
  camera_off: { zh: '未开摄像头', en: 'Camera off' },
  not_in_room: { zh: '不在课堂', en: 'Not in the room' },
};

export const SPOT_CHECK_VERDICT_LABELS: Readonly<Record<SpotCheckVerdict, LocalizedText>> = {
  pending: { zh: '待人工核对', en: 'Awaiting review' },
  match: { zh: '人证一致', en: 'Matches the ID photo' },
  mismatch: { zh: '人证不符', en: 'Does not match the ID photo' },
  no_face: { zh: '未检测到人脸', en: 'No face seen' },
  camera_off: { zh: '未开摄像头', en: 'Camera off' },
  no_id_photo: { zh: '无证件照', en: 'No ID photo on file' },
};

export const ROLL_CALL_STATUS_LABELS: Readonly<Record<RollCallStatus, LocalizedText>> = {
  scheduled: { zh: '待触发', en: 'Scheduled' },
  open: { zh: '进行中', en: 'Open' },
  closed: { zh: '已结束', en: 'Closed' },
  missed: { zh: '未触发（课程未在直播）', en: 'Missed (the session was not live)' },
};

/** A trainee still waiting for the answer window (no outcome yet; becomes absent at the close). */
export const ROLL_CALL_WAITING_LABEL: LocalizedText = { zh: '等待应答', en: 'Waiting for an answer' };

// --- roll-calls in the live room (socket events; see live.ts) ---------------------------------------

/** Outcomes so far, by outcome; `waiting` are those who may still answer. */
export const RollCallCounts = Type.Object({
  present: Type.Integer({ minimum: 0 }),
  late: Type.Integer({ minimum: 0 }),
  absent: Type.Integer({ minimum: 0 }),
  camera_off: Type.Integer({ minimum: 0 }),
  not_in_room: Type.Integer({ minimum: 0 }),
  waiting: Type.Integer({ minimum: 0 }),
});
export type RollCallCounts = Static<typeof RollCallCounts>;

/** One trainee of the roster in a roll-call as the room's staff see it live. */
export const RollCallLiveItem = Type.Object({
  accountId: Type.String(),
  name: Type.String(),
  /** Null while waiting for the answer. */
  outcome: Type.Union([RollCallOutcome, Type.Null()]),
  answeredAt: Type.Union([Type.String(), Type.Null()]),
});
export type RollCallLiveItem = Static<typeof RollCallLiveItem>;

/** The staff's (instructor, class manager, officer) live view of a roll-call. */
export const RollCallLiveView = Type.Object({
  rollCallId: Type.String(),
  origin: CheckOrigin,
  firedAt: Type.String(),
  /** The answer window's end: answers after it are late. */
  closesAt: Type.String(),
  /** Late answers are taken until then; the outcomes are final from then on. */
  lateUntil: Type.String(),
  closed: Type.Boolean(),
  /** Trainees of the roster (with an account). */
  expected: Type.Integer({ minimum: 0 }),
  /** Of them, answered (present or late). */
  answered: Type.Integer({ minimum: 0 }),
  counts: RollCallCounts,
  items: Type.Array(RollCallLiveItem),
  /** SHA-256 of the canonical outcomes, once closed. */
  outcomesSha256: Type.Union([Type.String(), Type.Null()]),
});
export type RollCallLiveView = Static<typeof RollCallLiveView>;

// --- roll-calls read through the API --------------------------------------------------------------

/** One roll-call of a session, as the class's staff and officers list them. */
export const RollCallSummary = Type.Object({
  id: Type.String(),
  origin: CheckOrigin,
  originLabel: Type.Object({ zh: Type.String(), en: Type.String() }),
  status: RollCallStatus,
  statusLabel: Type.Object({ zh: Type.String(), en: Type.String() }),
  windowS: Type.Integer(),
  firedAt: Type.Union([Type.String(), Type.Null()]),
  /** China time, 'YYYY-MM-DD HH:MM:SS'. */
  firedAtText: Type.Union([Type.String(), Type.Null()]),
  closesAt: Type.Union([Type.String(), Type.Null()]),
  closedAt: Type.Union([Type.String(), Type.Null()]),
  closedAtText: Type.Union([Type.String(), Type.Null()]),
  expected: Type.Integer({ minimum: 0 }),
  counts: RollCallCounts,
  outcomesSha256: Type.Union([Type.String(), Type.Null()]),
});
export type RollCallSummary = Static<typeof RollCallSummary>;

/** A trainee's own row of a roll-call that fired (never who started it, never one not yet fired). */
export const OwnRollCall = Type.Object({
  id: Type.String(),
  status: RollCallStatus,
  statusLabel: Type.Object({ zh: Type.String(), en: Type.String() }),
  firedAt: Type.String(),
  firedAtText: Type.String(),
  outcome: Type.Union([RollCallOutcome, Type.Null()]),
  outcomeLabel: Type.Object({ zh: Type.String(), en: Type.String() }),
  answeredAt: Type.Union([Type.String(), Type.Null()]),
  answeredAtText: Type.Union([Type.String(), Type.Null()]),
});
export type OwnRollCall = Static<typeof OwnRollCall>;

/** The roll-calls of a session: the staff's list, or the trainee's own rows. */
export const SessionRollCalls = Type.Object({
  sessionId: Type.String(),
  rollCalls: Type.Optional(Type.Array(RollCallSummary)),
  own: Type.Optional(Type.Array(OwnRollCall)),
});
export type SessionRollCalls = Static<typeof SessionRollCalls>;

export const RollCallResponseView = Type.Object({
  accountId: Type.String(),
  name: Type.String(),
  outcome: Type.Union([RollCallOutcome, Type.Null()]),
  outcomeLabel: Type.Object({ zh: Type.String(), en: Type.String() }),
  answeredAt: Type.Union([Type.String(), Type.Null()]),
  answeredAtText: Type.Union([Type.String(), Type.Null()]),
  /** The server's still of the trainee's camera at the push: GET /classes/:classId/evidence/:evidenceId. */
  stillEvidenceId: Type.Union([Type.String(), Type.Null()]),
  stillAt: Type.Union([Type.String(), Type.Null()]),
  stillAtText: Type.Union([Type.String(), Type.Null()]),
  stillNote: Type.Union([Type.String(), Type.Null()]),
  decidedAt: Type.Union([Type.String(), Type.Null()]),
});
export type RollCallResponseView = Static<typeof RollCallResponseView>;

export const RollCallDetail = Type.Intersect([
  RollCallSummary,
  Type.Object({
    classId: Type.String(),
    sessionId: Type.String(),
    startedBy: Type.Union([Type.Object({ accountId: Type.String(), name: Type.String() }), Type.Null()]),
    lateUntil: Type.Union([Type.String(), Type.Null()]),
    responses: Type.Array(RollCallResponseView),
  }),
]);
export type RollCallDetail = Static<typeof RollCallDetail>;

// --- identity spot checks (JS-7.2, JS-13.1, JS-16) -------------------------------------------------

/** One sampled trainee of a spot check, as the class's staff and officers read it. */
export const SpotCheckItemView = Type.Object({
  accountId: Type.String(),
  name: Type.String(),
  verdict: SpotCheckVerdict,
  verdictLabel: Type.Object({ zh: Type.String(), en: Type.String() }),
  /** The face-match provider's score (0..1), null under manual review. */
  score: Type.Union([Type.Number(), Type.Null()]),
  note: Type.Union([Type.String(), Type.Null()]),
  /** The server's still of the trainee's camera: GET /evidence/:evidenceId. */
  stillEvidenceId: Type.Union([Type.String(), Type.Null()]),
  stillAt: Type.Union([Type.String(), Type.Null()]),
  /** China time, 'YYYY-MM-DD HH:MM:SS'. */
  stillAtText: Type.Union([Type.String(), Type.Null()]),
  /** The identity verification made of the still (decided by the class manager). */
  verificationId: Type.Union([Type.String(), Type.Null()]),
  flaggedAt: Type.Union([Type.String(), Type.Null()]),
  flaggedAtText: Type.Union([Type.String(), Type.Null()]),
});
export type SpotCheckItemView = Static<typeof SpotCheckItemView>;

/** One spot check of a session. */
export const SpotCheckSummary = Type.Object({
  id: Type.String(),
  classId: Type.String(),
  sessionId: Type.String(),
  origin: CheckOrigin,
  originLabel: Type.Object({ zh: Type.String(), en: Type.String() }),
  startedBy: Type.Union([Type.Object({ accountId: Type.String(), name: Type.String() }), Type.Null()]),
  createdAt: Type.String(),
  createdAtText: Type.String(),
  sampleSize: Type.Integer({ minimum: 0 }),
  /** Trainees in the room with a camera when it started (the population drawn from). */
  population: Type.Integer({ minimum: 0 }),
  sampled: Type.Integer({ minimum: 0 }),
  flagged: Type.Integer({ minimum: 0 }),
  pending: Type.Integer({ minimum: 0 }),
});
export type SpotCheckSummary = Static<typeof SpotCheckSummary>;

/** A spot check with its proof (seed and population order: the draw can be re-done) and its items. */
export const SpotCheckDetail = Type.Intersect([
  SpotCheckSummary,
  Type.Object({
    seed: Type.String(),
    populationIds: Type.Array(Type.String()),
    items: Type.Array(SpotCheckItemView),
  }),
]);
export type SpotCheckDetail = Static<typeof SpotCheckDetail>;

/** What the starter's ack carries: the spot check stored, who was drawn (stills follow). */
export const SpotCheckStarted = Type.Object({
  spotCheckId: Type.String(),
  sampled: Type.Array(Type.Object({ accountId: Type.String(), name: Type.String() })),
});
export type SpotCheckStarted = Static<typeof SpotCheckStarted>;

/** To the staff and officers in the room, once every still is grabbed and checked. */
export const SpotCheckDone = Type.Object({
  spotCheckId: Type.String(),
  items: Type.Array(
    Type.Object({
      accountId: Type.String(),
      name: Type.String(),
      verdict: SpotCheckVerdict,
      verdictLabel: Type.Object({ zh: Type.String(), en: Type.String() }),
      flagged: Type.Boolean(),
    }),
  ),
});
export type SpotCheckDone = Static<typeof SpotCheckDone>;
