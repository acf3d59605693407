import type {
  ErrorCode,
  JoinGrantClaims,
  LiveRole,
  LocalizedText,
  MainPicture,
  MediaSource,
} from '@seafarer/contracts';
import { AppError } from '../shared/errors';

/**
 * The live classroom's rules, once: who is admitted, who may publish, receive, mute, remove, end,
 * chat, ask, answer, raise a hand and set the main picture. Pure functions over the room's state and
 * the peer's grant claims; the live service's handlers ask, then act on the answer. No I/O here.
 */

/** What the policy needs to know of a participant (the live service's Peer has it all). */
export interface PeerView {
  readonly id: string;
  readonly role: LiveRole;
  /** JS-16: a silent observer. */
  readonly hidden: boolean;
  /** TM-2: may the microphone be heard. */
  readonly micAllowed: boolean;
}
/** What the policy needs to know of a room (the live service's Room has it all). */
export interface RoomView {
  readonly ended: boolean;
  readonly main: MainPicture;
  readonly peers: ReadonlyMap<string, PeerView>;
  /** Removals this node made (a cache of the persisted ones, for when PostgreSQL cannot be asked). */
  readonly removed: ReadonlySet<string>;
}
/** What PostgreSQL says of this session and this person (persisted, so every node agrees). */
export interface SessionStanding {
  ended: boolean;
  removed: boolean;
}

export interface Refusal {
  ok: false;
  code: ErrorCode;
  message?: LocalizedText;
}
export type Verdict<T extends object = object> = ({ ok: true } & T) | Refusal;

const refuse = (code: ErrorCode, message?: LocalizedText): Refusal => ({
  ok: false,
  code,
  ...(message && { message }),
});
const allow = <T extends object>(t: T): { ok: true } & T => ({ ok: true, ...t });

/** The verdict's payload, or its refusal as the AppError every transport maps. */
export function enforce<T extends object>(v: Verdict<T>): T {
  if (!v.ok) throw new AppError(v.code, v.message ? { message: v.message } : {});
  const { ok: _ok, ...rest } = v;
  return rest as unknown as T;
}

export const SESSION_ENDED_MESSAGE: LocalizedText = { zh: '本次课已结束', en: 'This session has ended' };
export const REMOVED_MESSAGE: LocalizedText = {
  zh: '您已被移出本次课',
  en: 'You were removed from this session',
};
export const MIC_NOT_ALLOWED_MESSAGE: LocalizedText = {
  zh: '老师尚未允许发言',
  en: 'The instructor has not allowed you to speak',
};

const TEACHERS: ReadonlySet<LiveRole> = new Set(['instructor', 'class_manager']);
export const isTeacher = (p: { role: LiveRole }) => TEACHERS.has(p.role);

/** Rooms close by themselves this long after the session's scheduled end (the API's join window). */
export const ROOM_CLOSES_AFTER_END_MS = 30 * 60_000;
export const roomClosesAt = (c: Pick<JoinGrantClaims, 'end'>) => c.end + ROOM_CLOSES_AFTER_END_MS;

/** Grant-time rule (API): a session ended for good, or a trainee removed from it, gets no grant. */
export function decideGrant(standing: SessionStanding, role: LiveRole): Verdict {
  if (standing.ended) return refuse('PRECONDITION_FAILED', SESSION_ENDED_MESSAGE);
  if (standing.removed && role === 'trainee') return refuse('FORBIDDEN', REMOVED_MESSAGE);
  return allow({});
}

/**
 * Admission (live node), in this order: the session must not have ended (in PostgreSQL or in this
 * room), the person must not have been removed from it, and (JS-6) a trainee is admitted only while
 * fewer trainees than the grant's cap — the class's scale within the licensed scale — are in the room,
 * not counting an older connection of the same account, which the newcomer replaces (TM-3).
 */
export function decideAdmission(
  room: RoomView | null,
  /**
   * Null when PostgreSQL cannot be asked right now: the grant stands in (the API refused ended
   * sessions and removed trainees when it signed it, at most two minutes ago), with this node's memory.
   */
  standing: SessionStanding | null,
  c: Pick<JoinGrantClaims, 'sub' | 'role' | 'hidden' | 'cap'>,
): Verdict<{ replaces: boolean }> {
  standing ??= { ended: false, removed: false };
  if (standing.ended || room?.ended) return refuse('PRECONDITION_FAILED', SESSION_ENDED_MESSAGE);
  if (standing.removed || room?.removed.has(c.sub)) return refuse('FORBIDDEN', REMOVED_MESSAGE);
  // Only officers sit in unseen; nobody else may be hidden, and an observer is always hidden.
  if (c.hidden !== (c.role === 'observer')) return refuse('FORBIDDEN');
  if (c.role === 'trainee') {
    let others = 0;
    for (const p of room?.peers.values() ?? []) if (p.role === 'trainee' && p.id !== c.sub) others++;
    if (others >= c.cap) return refuse('CAPACITY_EXCEEDED');
  }
  return allow({ replaces: !!room?.peers.has(c.sub) });
}

/** JS-16: observers open no sending transport. */
export function decideTransport(peer: PeerView, direction: 'send' | 'recv'): Verdict {
  if (direction === 'send' && peer.role === 'observer') return refuse('FORBIDDEN');
  return allow({});
}

/** Highest bitrate the SFU accepts from one sender of each role (protects the other viewers). */
export const MAX_INCOMING_BITRATE: Record<LiveRole, number> = {
  instructor: 4_000_000,
  class_manager: 1_500_000,
  trainee: 1_200_000,
  observer: 0,
};

/**
 * Who publishes what: observers nothing (JS-16), the screen only the instructor, a microphone is
 * audio and a camera or screen video; a trainee's microphone starts paused until the instructor
 * allows speaking (TM-2); the instructor's tracks are recorded (VC-2).
 */
export function decideProduce(
  peer: PeerView,
  req: { kind: 'audio' | 'video'; source: MediaSource },
): Verdict<{ startPaused: boolean; recorded: boolean }> {
  if (peer.role === 'observer') return refuse('FORBIDDEN');
  if (req.source === 'screen' && peer.role !== 'instructor') return refuse('FORBIDDEN');
  if ((req.source === 'mic') !== (req.kind === 'audio')) return refuse('VALIDATION');
  return allow({
    startPaused: req.source === 'mic' && !peer.micAllowed,
    recorded: peer.role === 'instructor',
  });
}

/** TM-2: a microphone resumes only once its owner may speak. */
export function decideResume(peer: PeerView, source: MediaSource): Verdict {
  if (source === 'mic' && !peer.micAllowed) return refuse('FORBIDDEN', MIC_NOT_ALLOWED_MESSAGE);
  return allow({});
}

/**
 * Who receives what (VC-1, TM-2, JS-16): teachers, managers and observers receive everything;
 * trainees receive the teachers' streams, the trainee on the main picture, and the voice of a
 * trainee allowed to speak. Nobody receives an observer (they publish nothing anyway).
 */
export function mayConsume(room: RoomView, viewer: PeerView, owner: PeerView, source: MediaSource): boolean {
  if (viewer.id === owner.id) return false;
  if (owner.role === 'observer') return false;
  if (viewer.role !== 'trainee') return true;
  if (isTeacher(owner)) return true;
  if (source === 'mic') return owner.micAllowed;
  return room.main.source === 'trainee' && room.main.peerId === owner.id;
}

export function decideConsume(
  room: RoomView,
  viewer: PeerView,
  owner: PeerView,
  source: MediaSource,
): Verdict {
  return mayConsume(room, viewer, owner, source) ? allow({}) : refuse('FORBIDDEN');
}

/**
 * How a consumer is served: audio first when bandwidth drops, the teacher's picture before trainees'
 * thumbnails; a teacher's or observer's grid of trainees starts at the lowest simulcast layer.
 */
export function consumerPreferences(
  viewer: PeerView,
  owner: PeerView,
  kind: 'audio' | 'video',
): { priority: number; startLayer: number | undefined } {
  const priority = kind === 'audio' ? 255 : owner.role === 'trainee' ? 10 : 128;
  const startLayer =
    kind === 'video' && owner.role === 'trainee' && viewer.role !== 'trainee' ? 0 : undefined;
  return { priority, startLayer };
}

/** JS-16: who appears in a participant list: everyone but silent observers (and oneself). */
export const visiblePeers = <P extends PeerView>(peers: Iterable<P>, viewer: PeerView): P[] =>
  [...peers].filter((p) => p.id !== viewer.id && !p.hidden);
/** JS-16: is this peer's arrival, change and leave shown to the others (everyone but an observer)? */
export const isListed = (p: PeerView) => !p.hidden;
export const observerCount = (room: RoomView) => {
  let n = 0;
  for (const p of room.peers.values()) if (p.hidden) n++;
  return n;
};
/** JS-16: teachers (not trainees) are told how many observers sit in. */
export const seesObservers = (p: PeerView) => isTeacher(p);

/** A peer the host may act on: in the room and visible (an observer cannot be targeted). */
function visibleTarget(room: RoomView, id: string | undefined): PeerView | null {
  const t = id === undefined ? undefined : room.peers.get(id);
  return t && !t.hidden ? t : null;
}

/** VC-1: the instructor puts the camera, the screen or one visible trainee on the main picture. */
export function decideMainPicture(
  room: RoomView,
  actor: PeerView,
  req: { source: MainPicture['source']; peerId?: string | undefined },
): Verdict<{ main: MainPicture }> {
  if (actor.role !== 'instructor') return refuse('FORBIDDEN');
  if (req.source !== 'trainee') return allow({ main: { source: req.source, peerId: null } });
  const t = visibleTarget(room, req.peerId);
  if (!t) return refuse('NOT_FOUND');
  if (t.role !== 'trainee') return refuse('VALIDATION');
  return allow({ main: { source: 'trainee', peerId: t.id } });
}

/** TM-2: the instructor or a class manager mutes anyone visible; a trainee also loses the right to speak. */
export function decideMute(
  room: RoomView,
  actor: PeerView,
  targetId: string,
): Verdict<{ revokeMic: boolean }> {
  if (!isTeacher(actor)) return refuse('FORBIDDEN');
  const t = visibleTarget(room, targetId);
  if (!t) return refuse('NOT_FOUND');
  return allow({ revokeMic: t.role === 'trainee' });
}

/** TM-2: only the instructor gives (or takes back) the right to speak. */
export function decideAllowMic(room: RoomView, actor: PeerView, targetId: string): Verdict {
  if (actor.role !== 'instructor') return refuse('FORBIDDEN');
  if (!visibleTarget(room, targetId)) return refuse('NOT_FOUND');
  return allow({});
}

/** TM-2: the instructor or a class manager removes a trainee (who may not come back to this session). */
export function decideRemove(room: RoomView, actor: PeerView, targetId: string): Verdict {
  if (!isTeacher(actor)) return refuse('FORBIDDEN');
  const t = visibleTarget(room, targetId);
  if (!t) return refuse('NOT_FOUND');
  if (t.role !== 'trainee') return refuse('FORBIDDEN');
  return allow({});
}

/** VC-3: only the instructor ends the session for everyone; an ended session cannot end again. */
export function decideEnd(room: RoomView, actor: PeerView): Verdict {
  if (actor.role !== 'instructor') return refuse('FORBIDDEN');
  if (room.ended) return refuse('PRECONDITION_FAILED', SESSION_ENDED_MESSAGE);
  return allow({});
}

/** JS-7.1 / JS-16: everyone but observers chats. */
export function decideChat(peer: PeerView): Verdict {
  return peer.role === 'observer' ? refuse('FORBIDDEN') : allow({});
}

/** JS-7.1: trainees ask; the question goes to the asker and to everyone who is not a trainee. */
export function decideAsk(peer: PeerView): Verdict {
  return peer.role === 'trainee' ? allow({}) : refuse('FORBIDDEN');
}
export const seesQuestion = (viewer: PeerView, asker: PeerView) =>
  viewer.role !== 'trainee' || viewer.id === asker.id;

/** JS-7.1: the instructor marks a question answered. */
export function decideAnswer(peer: PeerView): Verdict {
  return peer.role === 'instructor' ? allow({}) : refuse('FORBIDDEN');
}

/** JS-7.1: trainees raise (and lower) a hand; a raised hand is stored, a lowered one only shown. */
export function decideHand(peer: PeerView, raised: boolean): Verdict<{ store: boolean }> {
  return peer.role === 'trainee' ? allow({ store: raised }) : refuse('FORBIDDEN');
}

/** JS-8: the presence-log events for media turning on and off. */
export const mediaOnEvent = (source: MediaSource) => `${source}.on` as const;
export const mediaOffEvent = (source: MediaSource) => `${source}.off` as const;
/** JS-8: a connection lost to the network is a drop (the trainee may come back); anything else a leave. */
const DROP_REASONS = new Set(['ping timeout', 'transport close', 'transport error']);
export const leaveEvent = (reason: string) => (DROP_REASONS.has(reason) ? 'network.drop' : 'leave');
