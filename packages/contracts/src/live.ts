import { Type, type Static } from '@sinclair/typebox';

/**
 * The live classroom's signaling (socket.io). Requests are `socket.emit(name, data, ack)`; every ack is
 * `{ ok: true, data } | { ok: false, error: { code, message: { zh, en } } }`. Each request's data is
 * validated against its schema here before a handler runs.
 */
const Id = Type.String({ minLength: 1, maxLength: 100 });
const Json = Type.Unknown();
export const MediaSource = Type.Union([Type.Literal('camera'), Type.Literal('mic'), Type.Literal('screen')]);
export type MediaSource = Static<typeof MediaSource>;

export const LiveRequests = {
  'room.capabilities': Type.Object({}),
  'room.join': Type.Object({
    rtpCapabilities: Json,
    device: Type.Object({ camera: Type.Boolean(), mic: Type.Boolean() }),
  }),
  'transport.create': Type.Object({
    direction: Type.Union([Type.Literal('send'), Type.Literal('recv')]),
    forceTcp: Type.Optional(Type.Boolean()),
  }),
  'transport.connect': Type.Object({ transportId: Id, dtlsParameters: Json }),
  'transport.restartIce': Type.Object({ transportId: Id }),
  produce: Type.Object({
    transportId: Id,
    kind: Type.Union([Type.Literal('audio'), Type.Literal('video')]),
    rtpParameters: Json,
    source: MediaSource,
  }),
  'producer.pause': Type.Object({ producerId: Id }),
  'producer.resume': Type.Object({ producerId: Id }),
  'producer.close': Type.Object({ producerId: Id }),
  consume: Type.Object({ producerId: Id }),
  'consumer.resume': Type.Object({ consumerId: Id }),
  'consumer.setLayers': Type.Object({
    consumerId: Id,
    spatialLayer: Type.Integer({ minimum: 0, maximum: 2 }),
  }),
  /** VC-1: the instructor picks what everyone sees. */
  'main.set': Type.Object({
    source: Type.Union([Type.Literal('camera'), Type.Literal('screen'), Type.Literal('trainee')]),
    peerId: Type.Optional(Id),
  }),
  'peer.mute': Type.Object({ peerId: Id }),
  'peer.allowMic': Type.Object({ peerId: Id, allowed: Type.Boolean() }),
  'peer.remove': Type.Object({ peerId: Id }),
  /** VC-3: the instructor ends the session for everyone. */
  'session.end': Type.Object({}),
  'hand.raise': Type.Object({ raised: Type.Boolean() }),
  'chat.send': Type.Object({ text: Type.String({ minLength: 1, maxLength: 2000 }) }),
  'question.ask': Type.Object({ text: Type.String({ minLength: 1, maxLength: 2000 }) }),
  'question.answer': Type.Object({ questionId: Id }),
  /** Every few seconds: the viewer's measured downlink and how wide each video is shown, per consumer. */
  'stats.report': Type.Object({
    bitrateKbps: Type.Optional(Type.Number({ minimum: 0 })),
    views: Type.Optional(
      Type.Record(Type.String({ maxLength: 100 }), Type.Integer({ minimum: 0, maximum: 10_000 }), {
        maxProperties: 500,
      }),
    ),
  }),
} as const;
export type LiveRequestName = keyof typeof LiveRequests;
export type LiveRequest<N extends LiveRequestName> = Static<(typeof LiveRequests)[N]>;

export type LiveRole = 'instructor' | 'trainee' | 'class_manager' | 'observer';

export interface PeerInfo {
  id: string;
  name: string;
  role: LiveRole;
  present: boolean;
  handRaised: boolean;
  micAllowed: boolean;
}
export interface ProducerInfo {
  id: string;
  peerId: string;
  kind: 'audio' | 'video';
  source: MediaSource;
  paused: boolean;
}
export interface JoinResult {
  self: PeerInfo & { hidden: boolean };
  peers: PeerInfo[];
  producers: ProducerInfo[];
  main: { source: 'camera' | 'screen' | 'trainee'; peerId: string | null };
  /** Instructor only: silent observers present (JS-16: visible to the instructor, not to trainees). */
  observers?: number;
}

/** Server -> client events. */
export interface LiveEvents {
  'peer.joined': PeerInfo;
  'peer.left': { peerId: string };
  'peer.updated': PeerInfo;
  'producer.new': ProducerInfo;
  'producer.closed': { producerId: string };
  'producer.paused': { producerId: string; paused: boolean; by: 'self' | 'instructor' };
  'consumer.closed': { consumerId: string };
  'main.changed': { source: 'camera' | 'screen' | 'trainee'; peerId: string | null };
  'mic.allowed': { allowed: boolean };
  'observers.changed': { count: number };
  'chat.message': { id: string; peerId: string; name: string; text: string; at: string };
  'question.new': { id: string; peerId: string; name: string; text: string; at: string };
  'question.answered': { id: string };
  /** The media server was rebuilt (REL-1): join again; the client does this by itself. */
  'room.reset': { reason: string };
  removed: { reason: 'removed' | 'replaced' };
  'session.ended': { by: string; at: string };
}

export type LiveAck<T> =
  { ok: true; data: T } | { ok: false; error: { code: string; message: { zh: string; en: string } } };

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
export type GapReason = 'no_media' | 'worker_died' | 'producer_closed' | 'router_closed' | 'recorder_failed';
/** Why a segment began. */
export type SegmentReason = 'session_started' | 'producers_changed' | 'rebind' | 'recorder_restarted';
/** Why a segment ended. */
export type SegmentEndReason = 'stopped' | 'producers_changed' | Exclude<GapReason, 'no_media'>;

export interface ManifestSegment {
  index: number;
  /** File name relative to the manifest (they sit in the same folder). */
  file: string;
  startedAt: string;
  endedAt: string | null;
  bytes: number;
  /** SHA-256 of the finished file; null while it is being written, or if ffmpeg never wrote one. */
  sha256: string | null;
  reason: SegmentReason;
  endReason: SegmentEndReason | null;
  /** The tracks in stream order: mic first, then camera, then screen. */
  tracks: MediaSource[];
}

export interface ManifestGap {
  from: string;
  to: string | null;
  reason: GapReason;
}

/**
 * What was recorded of one session and what was not. Written as manifest.json next to the segments
 * whenever a segment is finished, and finally on stop().
 */
export interface RecordingManifest {
  sessionId: string;
  startedAt: string;
  endedAt: string | null;
  segments: ManifestSegment[];
  gaps: ManifestGap[];
}
