import { Type, type Static, type TProperties, type TSchema } from '@sinclair/typebox';
import { Text } from './common';
import { RollCallLiveView, RollCallOutcome, SpotCheckDone, SpotCheckStarted } from './rollcall';
import { QuizAnswerBody, QuizConsoleView, QuizIdBody, QuizPrompt, QuizPushBody, QuizResult } from './quizzes';

/**
 * The live classroom's signaling (socket.io). Requests are `socket.emit(name, data, ack)`; every ack is
 * `{ ok: true, data } | { ok: false, error: { code, message: { zh, en } } }`. Each request's data is
 * validated against its schema here before a handler runs.
 */
const Id = Text({ minLength: 1, maxLength: 100 });
const Json = Type.Unknown();
/** Requests carry exactly their fields: anything else is refused (VALIDATION), nothing done. */
const Req = <P extends TProperties>(props: P) => Type.Object(props, { additionalProperties: false });
export const MediaSource = Type.Union([Type.Literal('camera'), Type.Literal('mic'), Type.Literal('screen')]);
export type MediaSource = Static<typeof MediaSource>;

export const LiveRequests = {
  'room.capabilities': Req({}),
  'room.join': Req({
    rtpCapabilities: Json,
    device: Req({ camera: Type.Boolean(), mic: Type.Boolean() }),
  }),
  'transport.create': Req({
    direction: Type.Union([Type.Literal('send'), Type.Literal('recv')]),
    forceTcp: Type.Optional(Type.Boolean()),
  }),
  'transport.connect': Req({ transportId: Id, dtlsParameters: Json }),
  'transport.restartIce': Req({ transportId: Id }),
  produce: Req({
    transportId: Id,
    kind: Type.Union([Type.Literal('audio'), Type.Literal('video')]),
    rtpParameters: Json,
    source: MediaSource,
  }),
  'producer.pause': Req({ producerId: Id }),
  'producer.resume': Req({ producerId: Id }),
  'producer.close': Req({ producerId: Id }),
  consume: Req({ producerId: Id }),
  'consumer.resume': Req({ consumerId: Id }),
  'consumer.setLayers': Req({
    consumerId: Id,
    spatialLayer: Type.Integer({ minimum: 0, maximum: 2 }),
  }),
  /** VC-1: the instructor picks what everyone sees. */
  'main.set': Req({
    source: Type.Union([Type.Literal('camera'), Type.Literal('screen'), Type.Literal('trainee')]),
    peerId: Type.Optional(Id),
  }),
  'peer.mute': Req({ peerId: Id }),
  'peer.allowMic': Req({ peerId: Id, allowed: Type.Boolean() }),
  'peer.remove': Req({ peerId: Id }),
  /** VC-3: the instructor ends the session for everyone. */
  'session.end': Req({}),
  'hand.raise': Req({ raised: Type.Boolean() }),
  /** JS-7.1: the instructor or the class manager lowers a trainee's raised hand. */
  'hand.lower': Req({ peerId: Id }),
  'chat.send': Req({ text: Text({ minLength: 1, maxLength: 2000 }) }),
  'question.ask': Req({ text: Text({ minLength: 1, maxLength: 2000 }) }),
  'question.answer': Req({ questionId: Id }),
  /** Every few seconds: the viewer's measured downlink and how wide each video is shown, per consumer. */
  'stats.report': Req({
    bitrateKbps: Type.Optional(Type.Number({ minimum: 0, maximum: 10_000_000 })),
    views: Type.Optional(
      // A key that is not storable text matches no pattern: `additionalProperties: false` refuses it.
      Type.Record(Text({ maxLength: 100 }), Type.Integer({ minimum: 0, maximum: 10_000 }), {
        maxProperties: 500,
        additionalProperties: false,
      }),
    ),
  }),
  /** JS-13.2 / JS-16: the instructor, a class manager or an officer in the room starts a roll-call. */
  'rollcall.start': Req({}),
  /** JS-13.2: a trainee answers the roll-call's challenge (到). */
  'rollcall.answer': Req({ rollCallId: Id }),
  /** JS-7.2 / JS-16: the instructor, a class manager or an officer in the room starts an identity spot check. */
  'spotcheck.start': Req({}),
  /** JS-7.1 / JS-14: the instructor or a class manager pushes a quiz (随堂测试) into the room. */
  'quiz.push': QuizPushBody,
  /** JS-7.1: a trainee answers the quiz, once, within its time limit. */
  'quiz.answer': QuizAnswerBody,
  /** JS-7.1: the instructor or a class manager closes the quiz before its limit. */
  'quiz.close': QuizIdBody,
} as const;
export type LiveRequestName = keyof typeof LiveRequests;
export type LiveRequest<N extends LiveRequestName> = Static<(typeof LiveRequests)[N]>;

/** The one definition of a participant's role in a live room (the join grant names it). */
export const LIVE_ROLES = ['instructor', 'trainee', 'class_manager', 'observer'] as const;
export const LiveRole = Type.Union(LIVE_ROLES.map((r) => Type.Literal(r)));
export type LiveRole = Static<typeof LiveRole>;

/**
 * What the API signs into a join grant and the live service verifies (LiveKit's habit: admission
 * without a database call for the media part). Checked against this schema on every verification.
 */
export const JoinGrantClaims = Type.Object({
  sub: Id,
  name: Type.String({ maxLength: 200 }),
  cls: Id,
  ses: Id,
  role: LiveRole,
  /** Silent observer (JS-16): receives, publishes nothing, invisible to trainees. */
  hidden: Type.Boolean(),
  /** Session end (ms since the epoch), so the live service can close the room by itself. */
  end: Type.Number(),
  /** JS-6: the most trainees the room admits: the class's scale within the licensed scale. */
  cap: Type.Integer({ minimum: 0 }),
  /** The institution, for the live service's audit events. */
  inst: Id,
});
export type JoinGrantClaims = Static<typeof JoinGrantClaims>;

export const PeerInfo = Type.Object({
  id: Type.String(),
  name: Type.String(),
  role: LiveRole,
  present: Type.Boolean(),
  handRaised: Type.Boolean(),
  micAllowed: Type.Boolean(),
  /** What the others hear: 'live' (sending), 'muted' (paused) or 'none' (no microphone published). */
  mic: Type.Union([Type.Literal('live'), Type.Literal('muted'), Type.Literal('none')]),
  /** Publishing a camera. */
  camera: Type.Boolean(),
  /** Sharing the screen (the instructor). */
  screen: Type.Boolean(),
  /** Dropped by the network a moment ago and expected back (shown, not yet gone). */
  reconnecting: Type.Optional(Type.Boolean()),
});
export type PeerInfo = Static<typeof PeerInfo>;
export const MediaKind = Type.Union([Type.Literal('audio'), Type.Literal('video')]);
export const ProducerInfo = Type.Object({
  id: Type.String(),
  peerId: Type.String(),
  kind: MediaKind,
  source: MediaSource,
  paused: Type.Boolean(),
});
export type ProducerInfo = Static<typeof ProducerInfo>;
/** VC-1: what everyone sees large: the instructor's camera, the screen, or one trainee. */
export const MainPicture = Type.Object({
  source: Type.Union([Type.Literal('camera'), Type.Literal('screen'), Type.Literal('trainee')]),
  peerId: Type.Union([Type.String(), Type.Null()]),
});
export type MainPicture = Static<typeof MainPicture>;
/** A stored chat line or question as the room shows it (the id is the stored row's). */
export const RoomMessage = Type.Object({
  id: Type.String(),
  peerId: Type.String(),
  name: Type.String(),
  text: Type.String(),
  at: Type.String(),
});
export type RoomMessage = Static<typeof RoomMessage>;
/** A stored chat line or question as the room's history gives it to a (late) joiner. */
export const RoomHistoryItem = Type.Intersect([
  RoomMessage,
  Type.Object({
    kind: Type.Union([Type.Literal('chat'), Type.Literal('question')]),
    answered: Type.Boolean(),
  }),
]);
export type RoomHistoryItem = Static<typeof RoomHistoryItem>;
export const JoinResult = Type.Object({
  self: Type.Intersect([PeerInfo, Type.Object({ hidden: Type.Boolean() })]),
  peers: Type.Array(PeerInfo),
  producers: Type.Array(ProducerInfo),
  main: MainPicture,
  /** Instructor and class managers only: silent observers present (JS-16: not shown to trainees). */
  observers: Type.Optional(Type.Integer({ minimum: 0 })),
  /** The session's scheduled end (ISO 8601): the room's clock counts down to it. */
  endsAt: Type.Optional(Type.String()),
  /** Trainees the room expects: the class's roster (the class's scale when the roster cannot be read). */
  expected: Type.Optional(Type.Integer({ minimum: 0 })),
  /** Teachers and observers: the roster's trainees (account id once issued), to see who is absent. */
  roster: Type.Optional(
    Type.Array(Type.Object({ accountId: Type.Union([Type.String(), Type.Null()]), name: Type.String() })),
  ),
  /** What the room offers this participant (the server enforces each on every request). */
  can: Type.Optional(
    Type.Object({
      chat: Type.Boolean(),
      ask: Type.Boolean(),
      raiseHand: Type.Boolean(),
      host: Type.Boolean(),
      mainPicture: Type.Boolean(),
      screen: Type.Boolean(),
      end: Type.Boolean(),
    }),
  ),
  /** The session's chat so far, and the questions this peer may see, oldest first (late joiners). */
  history: Type.Optional(Type.Array(RoomHistoryItem)),
});
export type JoinResult = Static<typeof JoinResult>;

/** The id of what was stored: a chat/question/hand is acknowledged only once it is in the database. */
const Stored = Type.Object({ id: Type.String() });

/** What each request's ack carries when it succeeds (`data` of `{ ok: true, data }`). */
export const LiveResponses = {
  'room.capabilities': Type.Object({ routerRtpCapabilities: Json }),
  'room.join': JoinResult,
  'transport.create': Type.Object({
    id: Type.String(),
    iceParameters: Json,
    iceCandidates: Json,
    dtlsParameters: Json,
  }),
  'transport.connect': Type.Null(),
  'transport.restartIce': Type.Object({ iceParameters: Json }),
  produce: Type.Object({ id: Type.String(), paused: Type.Boolean() }),
  'producer.pause': Type.Null(),
  'producer.resume': Type.Null(),
  'producer.close': Type.Null(),
  consume: Type.Object({
    id: Type.String(),
    producerId: Type.String(),
    kind: MediaKind,
    rtpParameters: Json,
    peerId: Type.String(),
    source: MediaSource,
    type: Type.String(),
  }),
  'consumer.resume': Type.Null(),
  'consumer.setLayers': Type.Null(),
  'main.set': MainPicture,
  'peer.mute': Type.Null(),
  'peer.allowMic': Type.Null(),
  'peer.remove': Type.Null(),
  /** The end is on record when this arrives; 'session.ended' follows for everyone. */
  'session.end': Type.Object({ ending: Type.Literal(true) }),
  /** The stored hand row's id when raised; null when lowered (nothing is stored). */
  'hand.raise': Type.Object({ id: Type.Union([Type.String(), Type.Null()]) }),
  'hand.lower': Type.Null(),
  'chat.send': Stored,
  'question.ask': Stored,
  'question.answer': Stored,
  'stats.report': Type.Null(),
  /** The roll-call is stored and its challenge is out; answers after `closesAt` are late. */
  'rollcall.start': Type.Object({
    rollCallId: Type.String(),
    closesAt: Type.String(),
    windowS: Type.Integer(),
  }),
  /** The answer is stored: present within the window, late after it. */
  'rollcall.answer': Type.Object({ outcome: RollCallOutcome }),
  /** The spot check and its sample are stored; the stills are grabbed and checked after (spotcheck.done). */
  'spotcheck.start': SpotCheckStarted,
  /** The quiz is stored and audited, and its questions (without answers) are out to the trainees. */
  'quiz.push': Type.Object({ quizId: Type.String(), closesAt: Type.String() }),
  /** The answers are stored (once). */
  'quiz.answer': Type.Object({ quizId: Type.String(), answeredAt: Type.String() }),
  /** The quiz is closed, marked, hashed and audited. */
  'quiz.close': QuizConsoleView,
} as const satisfies Record<LiveRequestName, TSchema>;
export type LiveResponse<N extends LiveRequestName> = Static<(typeof LiveResponses)[N]>;

/** A refused request: the error code, its zh-CN / English message, and whether sending it again may work. */
export const LiveError = Type.Object({
  code: Type.String(),
  message: Type.Object({ zh: Type.String(), en: Type.String() }),
  retryable: Type.Optional(Type.Boolean()),
  details: Type.Optional(Type.Unknown()),
});
export type LiveError = Static<typeof LiveError>;
export const liveAckSchema = <T extends TSchema>(data: T) =>
  Type.Union([
    Type.Object({ ok: Type.Literal(true), data }),
    Type.Object({ ok: Type.Literal(false), error: LiveError }),
  ]);
export type LiveAck<T> = { ok: true; data: T } | { ok: false; error: LiveError };
/** The ack of request `N`. */
export type LiveAckOf<N extends LiveRequestName> = LiveAck<LiveResponse<N>>;

/** Server -> client events. */
export const LiveEventSchemas = {
  /** Admission passed: the client may ask for capabilities and join. */
  'admission.ready': Type.Object({
    role: LiveRole,
    hidden: Type.Boolean(),
    /** Whether this role's camera goes on as it joins (the class manager turns theirs on if needed). */
    camera: Type.Optional(Type.Boolean()),
  }),
  /** Admission refused after connecting (ended session, removed, JS-6 cap …); the socket closes. */
  'admission.refused': LiveError,
  'peer.joined': PeerInfo,
  'peer.left': Type.Object({ peerId: Type.String() }),
  'peer.updated': PeerInfo,
  'producer.new': ProducerInfo,
  'producer.closed': Type.Object({ producerId: Type.String() }),
  'producer.paused': Type.Object({
    producerId: Type.String(),
    paused: Type.Boolean(),
    by: Type.Union([Type.Literal('self'), Type.Literal('instructor')]),
  }),
  'consumer.closed': Type.Object({ consumerId: Type.String() }),
  'main.changed': MainPicture,
  'mic.allowed': Type.Object({ allowed: Type.Boolean() }),
  'observers.changed': Type.Object({ count: Type.Integer({ minimum: 0 }) }),
  'chat.message': RoomMessage,
  'question.new': RoomMessage,
  'question.answered': Type.Object({ id: Type.String() }),
  /** The media server was rebuilt (REL-1): join again; the client does this by itself. */
  'room.reset': Type.Object({ reason: Type.String() }),
  removed: Type.Object({ reason: Type.Union([Type.Literal('removed'), Type.Literal('replaced')]) }),
  'session.ended': Type.Object({ by: Type.String(), at: Type.String() }),
  /**
   * JS-13.2: to each trainee in the room: answer by `closesAt`. Deliberately without who started it
   * (JS-16: an officer's roll-call is the class's to the trainees).
   */
  'rollcall.challenge': Type.Object({
    rollCallId: Type.String(),
    closesAt: Type.String(),
    windowS: Type.Integer(),
    /** Late answers are taken until then (core's rollCallTimes); the prompt stays up until it. */
    lateUntil: Type.String(),
  }),
  /** To the staff and officers in the room: the roll-call's outcomes so far (after each answer). */
  'rollcall.progress': RollCallLiveView,
  /** To the staff and officers: the final outcomes once the roll-call closed. */
  'rollcall.closed': RollCallLiveView,
  /** To each trainee: their own final outcome. */
  'rollcall.result': Type.Object({ rollCallId: Type.String(), outcome: RollCallOutcome }),
  /** JS-7.2: to the staff and officers in the room (never to trainees): the spot check's verdicts. */
  'spotcheck.done': SpotCheckDone,
  /** JS-7.1: to each trainee: the quiz's questions without answers; answer by `closesAt`. */
  'quiz.prompt': QuizPrompt,
  /** JS-7.1: to the instructor and class managers only (never trainees): answered n of m, the distribution. */
  'quiz.progress': QuizConsoleView,
  /** JS-7.1: to the instructor and class managers: the final distribution and every score. */
  'quiz.closed': QuizConsoleView,
  /** JS-7.1 / JS-14: to each trainee after the close: their score and the right answers. */
  'quiz.result': QuizResult,
} as const;
export type LiveEventName = keyof typeof LiveEventSchemas;
export type LiveEvents = { [E in LiveEventName]: Static<(typeof LiveEventSchemas)[E]> };

export const DeviceCheckBody = Type.Object(
  {
    hasCamera: Type.Boolean(),
    hasMic: Type.Boolean(),
    downMbps: Type.Number({ minimum: 0, maximum: 100_000 }),
    upMbps: Type.Number({ minimum: 0, maximum: 100_000 }),
  },
  { additionalProperties: false },
);
export const DeviceCheckResult = Type.Object({
  canJoin: Type.Boolean(),
  meetsRecommendation: Type.Boolean(),
  items: Type.Array(
    Type.Object({
      id: Type.String(),
      status: Type.Union([Type.Literal('ok'), Type.Literal('warn'), Type.Literal('fail')]),
      message: Type.Object({ zh: Type.String(), en: Type.String() }),
    }),
  ),
});

// The recording manifest: what was recorded of one session and what was not (VC-2, REL-1).
export const GapReason = Type.Union([
  // Tracks were offered but the segment's ffmpeg was not yet listening (the producers' settle window and
  // ffmpeg's start, typically well under a second): nothing of that moment is in a file.
  Type.Literal('recorder_starting'),
  Type.Literal('no_media'),
  Type.Literal('worker_died'),
  Type.Literal('producer_closed'),
  Type.Literal('router_closed'),
  Type.Literal('recorder_failed'),
]);
export type GapReason = Static<typeof GapReason>;
/** Why a segment began. */
export const SegmentReason = Type.Union([
  Type.Literal('session_started'),
  Type.Literal('producers_changed'),
  Type.Literal('rebind'),
  Type.Literal('recorder_restarted'),
]);
export type SegmentReason = Static<typeof SegmentReason>;
/** Why a segment ended. */
export const SegmentEndReason = Type.Union([
  Type.Literal('stopped'),
  Type.Literal('producers_changed'),
  Type.Literal('worker_died'),
  Type.Literal('producer_closed'),
  Type.Literal('router_closed'),
  Type.Literal('recorder_failed'),
]);
export type SegmentEndReason = Static<typeof SegmentEndReason>;

/** ISO 8601 instants (no `format`: the socket's validators run without a format registry). */
const IsoTime = Type.String();
export const ManifestSegment = Type.Object(
  {
    index: Type.Integer({ minimum: 0 }),
    /** File name relative to the manifest (they sit in the same folder). */
    file: Type.String(),
    startedAt: IsoTime,
    endedAt: Type.Union([IsoTime, Type.Null()]),
    bytes: Type.Integer({ minimum: 0 }),
    /** SHA-256 of the finished file; null while it is being written, or if ffmpeg never wrote one. */
    sha256: Type.Union([Type.String(), Type.Null()]),
    reason: SegmentReason,
    endReason: Type.Union([SegmentEndReason, Type.Null()]),
    /** The tracks in stream order: mic first, then camera, then screen. */
    tracks: Type.Array(MediaSource),
  },
  { additionalProperties: false },
);
export type ManifestSegment = Static<typeof ManifestSegment>;

export const ManifestGap = Type.Object(
  { from: IsoTime, to: Type.Union([IsoTime, Type.Null()]), reason: GapReason },
  { additionalProperties: false },
);
export type ManifestGap = Static<typeof ManifestGap>;

/**
 * What was recorded of one session and what was not. Written as manifest.json next to the segments
 * whenever a segment is finished, and finally on stop(). JS-8: the whole session is recorded; there
 * is no "paused" state, segment reason or gap reason, and no request that pauses it.
 */
export const RecordingManifest = Type.Object(
  {
    sessionId: Type.String(),
    startedAt: IsoTime,
    endedAt: Type.Union([IsoTime, Type.Null()]),
    segments: Type.Array(ManifestSegment),
    gaps: Type.Array(ManifestGap),
  },
  { additionalProperties: false },
);
export type RecordingManifest = Static<typeof RecordingManifest>;
