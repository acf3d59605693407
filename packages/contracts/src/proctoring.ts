// Contracts of proctoring flags, stills, verdicts and reviews (issue 12 §3, JS-7.3, QM-4; owner: proctor).
import { Type, type Static } from '@sinclair/typebox';
import { IsoDateTime, NonEmpty, Strict, Text, Uuid } from './common';
import type { LocalizedText } from './errors';
import { LocalizedText as LocalizedTextSchema } from './errors';

/** What the candidate's exam page reports (the browser sees it; the server stamps the time). */
export const CLIENT_FLAG_KINDS = ['tab_hidden', 'window_blur', 'fullscreen_exit', 'paste'] as const;
export type ClientFlagKind = (typeof CLIENT_FLAG_KINDS)[number];

/**
 * Every kind of flag on an attempt: the client's events, an answer saved from a second device, the
 * server's (camera off while the exam requires it, a still that could not be taken) and the face-match
 * provider's verdicts on a still.
 */
export const FLAG_KINDS = [
  ...CLIENT_FLAG_KINDS,
  'second_device',
  'camera_off',
  'still_failed',
  'no_face',
  'multiple_faces',
  'identity_mismatch',
] as const;
export type FlagKind = (typeof FLAG_KINDS)[number];
export const FlagKind = Type.Union(FLAG_KINDS.map((k) => Type.Literal(k)));

export const FLAG_KIND_LABELS: Readonly<Record<FlagKind, LocalizedText>> = {
  tab_hidden: { zh: '切换离开考试页面', en: 'Exam page hidden (tab switched)' },
  window_blur: { zh: '考试窗口失去焦点', en: 'Left the exam window' },
  fullscreen_exit: { zh: '退出全屏', en: 'Left full screen' },
  paste: { zh: '粘贴内容', en: 'Pasted text' },
  second_device: { zh: '另一设备提交答案', en: 'Answer saved from another device' },
  camera_off: { zh: '摄像头未开启', en: 'Camera off' },
  still_failed: { zh: '抓拍未成功', en: 'Still could not be taken' },
  no_face: { zh: '抓拍未见人脸', en: 'No face in the still' },
  multiple_faces: { zh: '抓拍出现多人', en: 'More than one face in the still' },
  identity_mismatch: { zh: '人证不符', en: 'Not the candidate on the ID photo' },
};

export const FLAG_SOURCES = ['client', 'server', 'provider'] as const;
export type FlagSource = (typeof FLAG_SOURCES)[number];
export const FLAG_SOURCE_LABELS: Readonly<Record<FlagSource, LocalizedText>> = {
  client: { zh: '考生端', en: "Candidate's device" },
  server: { zh: '服务器', en: 'Server' },
  provider: { zh: '人脸比对', en: 'Face-match provider' },
};

/** A still's verdict: pending until a person or the provider answers. */
export const STILL_VERDICTS = [
  'pending',
  'ok',
  'no_face',
  'multiple_faces',
  'identity_mismatch',
  'unavailable',
] as const;
export type StillVerdict = (typeof STILL_VERDICTS)[number];
export const StillVerdict = Type.Union(STILL_VERDICTS.map((v) => Type.Literal(v)));
export const STILL_VERDICT_LABELS: Readonly<Record<StillVerdict, LocalizedText>> = {
  pending: { zh: '待核对', en: 'Awaiting a verdict' },
  ok: { zh: '正常', en: 'OK' },
  no_face: { zh: '未见人脸', en: 'No face' },
  multiple_faces: { zh: '出现多人', en: 'More than one face' },
  identity_mismatch: { zh: '人证不符', en: 'Not the candidate' },
  unavailable: { zh: '未能抓拍', en: 'Not taken' },
};
/** What a provider may answer for a still (its callback). */
export const PROVIDER_VERDICTS = ['ok', 'no_face', 'multiple_faces', 'identity_mismatch'] as const;
export type ProviderVerdict = (typeof PROVIDER_VERDICTS)[number];

export const REVIEW_STATES = ['none', 'flagged', 'cleared', 'violation'] as const;
export type ReviewState = (typeof REVIEW_STATES)[number];
export const ReviewState = Type.Union(REVIEW_STATES.map((s) => Type.Literal(s)));
export const REVIEW_STATE_LABELS: Readonly<Record<ReviewState, LocalizedText>> = {
  none: { zh: '无异常', en: 'Nothing flagged' },
  flagged: { zh: '待复核', en: 'Flagged, awaiting review' },
  cleared: { zh: '已排除', en: 'Cleared' },
  violation: { zh: '认定违纪', en: 'Violation' },
};

export const REVIEW_DECISIONS = ['cleared', 'violation'] as const;
export type ReviewDecision = (typeof REVIEW_DECISIONS)[number];
export const ReviewDecision = Type.Union(REVIEW_DECISIONS.map((d) => Type.Literal(d)));

export const ProctoringExamParams = Strict({ classId: Uuid, examId: Uuid });
export type ProctoringExamParams = Static<typeof ProctoringExamParams>;
export const ProctoringAttemptParams = Strict({ classId: Uuid, examId: Uuid, attemptId: Uuid });
export type ProctoringAttemptParams = Static<typeof ProctoringAttemptParams>;
export const ProctoringStillParams = Strict({ classId: Uuid, examId: Uuid, attemptId: Uuid, stillId: Uuid });
export type ProctoringStillParams = Static<typeof ProctoringStillParams>;

/** A few plain values the page may add (which field was pasted into, how long hidden). */
export const FlagDetail = Type.Record(
  Type.String({ maxLength: 40 }),
  Type.Union([Text({ maxLength: 200 }), Type.Number(), Type.Boolean()]),
  { maxProperties: 8 },
);

/** POST …/attempts/:attemptId/flags: one event of the candidate's exam page. */
export const ClientFlagBody = Strict({
  kind: Type.Union(CLIENT_FLAG_KINDS.map((k) => Type.Literal(k))),
  /** The page's clock (kept in the detail; the server's time is the flag's). */
  at: Type.Optional(IsoDateTime),
  detail: Type.Optional(FlagDetail),
});
export type ClientFlagBody = Static<typeof ClientFlagBody>;

/** The stored flag: a new row, or the same kind a moment ago counted once more (a flood is coalesced). */
export const ClientFlagResult = Type.Object({
  flagId: Uuid,
  coalesced: Type.Boolean(),
  /** How many events this row stands for. */
  count: Type.Integer({ minimum: 1 }),
  at: IsoDateTime,
});
export type ClientFlagResult = Static<typeof ClientFlagResult>;

export const ProctoringFlagView = Type.Object({
  id: Uuid,
  kind: FlagKind,
  kindLabel: LocalizedTextSchema,
  source: Type.Union(FLAG_SOURCES.map((s) => Type.Literal(s))),
  sourceLabel: LocalizedTextSchema,
  at: IsoDateTime,
  /** China time, 'YYYY-MM-DD HH:MM:SS'. */
  atText: Type.String(),
  /** Events coalesced into this row (1 for most). */
  count: Type.Integer({ minimum: 1 }),
  lastAtText: Type.Union([Type.String(), Type.Null()]),
  detail: Type.Record(Type.String(), Type.Unknown()),
  stillId: Type.Union([Uuid, Type.Null()]),
});
export type ProctoringFlagView = Static<typeof ProctoringFlagView>;

export const ProctoringStillView = Type.Object({
  id: Uuid,
  takenAt: IsoDateTime,
  takenAtText: Type.String(),
  verdict: StillVerdict,
  verdictLabel: LocalizedTextSchema,
  /** The JPEG: GET /api/v1/evidence/:evidenceId (null when it could not be taken). */
  evidenceId: Type.Union([Uuid, Type.Null()]),
  provider: Type.Union([Type.String(), Type.Null()]),
  note: Type.Union([Type.String(), Type.Null()]),
  verdictAtText: Type.Union([Type.String(), Type.Null()]),
});
export type ProctoringStillView = Static<typeof ProctoringStillView>;

export const ProctoringReviewView = Type.Object({
  decision: ReviewDecision,
  decisionLabel: LocalizedTextSchema,
  note: Type.String(),
  reviewedByName: Type.String(),
  reviewedAt: IsoDateTime,
  reviewedAtText: Type.String(),
  /** QM-4: the exam_violation oversight item a violation opened. */
  oversightItemId: Type.Union([Uuid, Type.Null()]),
});
export type ProctoringReviewView = Static<typeof ProctoringReviewView>;

export const ProctoredAttemptView = Type.Object({
  attemptId: Uuid,
  accountId: Uuid,
  candidateName: Type.String(),
  attemptNo: Type.Integer(),
  status: Type.String(),
  statusLabel: LocalizedTextSchema,
  startedAtText: Type.String(),
  submittedAtText: Type.Union([Type.String(), Type.Null()]),
  reviewState: ReviewState,
  reviewStateLabel: LocalizedTextSchema,
  /** Events in all (coalesced rows counted by their count). */
  flagCount: Type.Integer({ minimum: 0 }),
  /** Oldest first: the attempt's timeline. */
  flags: Type.Array(ProctoringFlagView),
  stills: Type.Array(ProctoringStillView),
  review: Type.Union([ProctoringReviewView, Type.Null()]),
});
export type ProctoredAttemptView = Static<typeof ProctoredAttemptView>;

/** GET /classes/:classId/exams/:examId/proctoring: the attempts with flags or stills, flagged first. */
export const ProctoringListView = Type.Object({
  examId: Uuid,
  title: Type.String(),
  sessionId: Type.Union([Uuid, Type.Null()]),
  camera: Type.Boolean(),
  stillsPerAttempt: Type.Integer({ minimum: 0 }),
  /** Whether the caller may decide (the class's manager or instructor). */
  canReview: Type.Boolean(),
  counts: Type.Object({
    attempts: Type.Integer({ minimum: 0 }),
    flagged: Type.Integer({ minimum: 0 }),
    violations: Type.Integer({ minimum: 0 }),
  }),
  items: Type.Array(ProctoredAttemptView),
});
export type ProctoringListView = Static<typeof ProctoringListView>;

/** POST …/attempts/:attemptId/review: the reviewer's decision (once per attempt; audited). */
export const ProctoringReviewBody = Strict({
  decision: ReviewDecision,
  note: NonEmpty(2000),
});
export type ProctoringReviewBody = Static<typeof ProctoringReviewBody>;

/**
 * POST /proctoring/callback: the face-match provider's later verdict on a still, signed like our
 * requests to it (header x-seafarer-signature: t=<unix s>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">).
 */
export const ProctoringCallbackBody = Strict({
  /** The requestId we sent with the still. */
  providerRef: NonEmpty(200),
  verdict: Type.Union(PROVIDER_VERDICTS.map((v) => Type.Literal(v))),
  score: Type.Optional(Type.Union([Type.Number({ minimum: 0, maximum: 1 }), Type.Null()])),
  note: Type.Optional(Text({ maxLength: 500 })),
});
export type ProctoringCallbackBody = Static<typeof ProctoringCallbackBody>;

export const ProctoringCallbackResult = Type.Object({
  ok: Type.Literal(true),
  /** false: this providerRef had its verdict already (a replay changes nothing). */
  applied: Type.Boolean(),
  verdict: StillVerdict,
});
export type ProctoringCallbackResult = Static<typeof ProctoringCallbackResult>;
