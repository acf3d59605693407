import type {
  ErrorCode,
  JoinGrantClaims,
  LiveRole,
  LocalizedText,
  MainPicture,
  MediaSource,
  QualificationStatus,
} from '@seafarer/contracts';
import { AppError } from '../shared/errors';
import { holdsOnlineQualification } from '../institution/online-eligibility';

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
  /**
   * REL-1: the session as stored: null when no such session exists. `scheduled` is false for a
   * session of a plan version the class no longer runs (not its confirmed timetable).
   */
  session: {
    classId: string;
    institutionId: string;
    scheduled: boolean;
    /** JS-3 / JS-17: the institution's online-training qualification now (absent: not read). */
    qualification?: QualificationStatus;
  } | null;
}

export interface Refusal {
  ok: false;
  code: ErrorCode;
  message?: LocalizedText;
  details?: unknown;
}
export type Verdict<T extends object = object> = ({ ok: true } & T) | Refusal;

export const refuse = (code: ErrorCode, message?: LocalizedText, details?: unknown): Refusal => ({
  ok: false,
  code,
  ...(message && { message }),
  ...(details !== undefined && { details }),
});
const allow = <T extends object>(t: T): { ok: true } & T => ({ ok: true, ...t });

/** The verdict's payload, or its refusal as the AppError every transport maps. */
export function enforce<T extends object>(v: Verdict<T>): T {
  if (!v.ok)
    throw new AppError(v.code, {
      ...(v.message && { message: v.message }),
      ...(v.details !== undefined && { details: v.details }),
    });
  const { ok: _ok, ...rest } = v;
  return rest as unknown as T;
}

export const SESSION_ENDED_MESSAGE: LocalizedText = { zh: '本次课已结束', en: 'This session has ended' };
export const REMOVED_MESSAGE: LocalizedText = {
  zh: '您已被移出本次课',
  en: 'You were removed from this session',
};
/** REL-1: a grant naming a session that does not exist, or not one the grant's class runs. */
export const SESSION_NOT_FOUND_MESSAGE: LocalizedText = {
  zh: '本次课不存在',
  en: 'This session does not exist',
};
export const SESSION_NOT_OF_CLASS_MESSAGE: LocalizedText = {
  zh: '本次课不属于该班级的课表',
  en: "This session is not on this class's timetable",
};
/** JS-3 / JS-17: the institution's online-training qualification was suspended or revoked. */
export const QUALIFICATION_WITHDRAWN_MESSAGE: LocalizedText = {
  zh: '该培训机构的线上培训资格已被暂停或取消，不能进入课堂',
  en: "The institution's online-training qualification is suspended or revoked: no one new may enter",
};
/** Suspended or revoked (officers, who sit in unseen, are not refused: the authority still inspects). */
const qualificationWithdrawn = (s: SessionStanding | null, role: LiveRole) =>
  role !== 'observer' && !!s?.session?.qualification && !holdsOnlineQualification(s.session.qualification);

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
  if (qualificationWithdrawn(standing, role))
    return refuse('NOT_QUALIFIED_ONLINE', QUALIFICATION_WITHDRAWN_MESSAGE);
  return allow({});
}

/**
 * Admission (live node), in this order: the session must exist and be one the grant's class runs, on
 * its confirmed timetable, in the grant's institution (REL-1: nothing is set up for anything else);
 * it must not have ended (in PostgreSQL or in this room), the person must not have been removed from it, and (JS-6) a trainee is admitted only while
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
  c: Pick<JoinGrantClaims, 'sub' | 'role' | 'hidden' | 'cap' | 'cls' | 'inst'>,
): Verdict<{ replaces: boolean }> {
  if (standing) {
    const s = standing.session;
    if (!s) return refuse('NOT_FOUND', SESSION_NOT_FOUND_MESSAGE, { reason: 'no_such_session' });
    if (s.classId !== c.cls || s.institutionId !== c.inst || !s.scheduled)
      return refuse('NOT_FOUND', SESSION_NOT_OF_CLASS_MESSAGE, { reason: 'not_a_session_of_the_class' });
  }
  // JS-3 / JS-17: once the qualification is suspended or revoked nobody new enters; who is in the
  // room (a reconnect of the same account included) stays until the session ends. Decided against the
  // room itself (the handshake's check, without the room, leaves it to the room's).
  if (room && qualificationWithdrawn(standing, c.role) && !room.peers.has(c.sub))
    return refuse('NOT_QUALIFIED_ONLINE', QUALIFICATION_WITHDRAWN_MESSAGE);
  standing ??= { ended: false, removed: false, session: null };
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
 * The class manager in the room: an assistant. They enter muted (their microphone starts paused; they
 * may unmute themselves) with the camera off unless they turn it on; they have the host's controls
 * over trainees (allow or take the right to speak, mute, remove, lower a hand, mark a question
 * answered), but the main picture, the screen and ending the session stay the instructor's.
 */
export const ASSISTANT_ROLE: LiveRole = 'class_manager';
/** Does this role publish its camera as soon as it joins (the class manager turns it on if needed)? */
export const cameraOnAtJoin = (role: LiveRole) => role === 'instructor' || role === 'trainee';

/**
 * Who publishes what: observers nothing (JS-16), the screen only the instructor, a microphone is
 * audio and a camera or screen video; a trainee's microphone starts paused until the instructor
 * allows speaking (TM-2), a class manager's starts paused (they unmute when they speak); the
 * instructor's tracks are recorded (VC-2).
 */
export function decideProduce(
  peer: PeerView,
  req: { kind: 'audio' | 'video'; source: MediaSource },
): Verdict<{ startPaused: boolean; recorded: boolean }> {
  if (peer.role === 'observer') return refuse('FORBIDDEN');
  if (req.source === 'screen' && peer.role !== 'instructor') return refuse('FORBIDDEN');
  if ((req.source === 'mic') !== (req.kind === 'audio')) return refuse('VALIDATION');
  return allow({
    startPaused: req.source === 'mic' && (!peer.micAllowed || peer.role === ASSISTANT_ROLE),
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
 * trainees receive the instructor's streams, the class manager's voice (their picture is shown to
 * trainees nowhere), the trainee on the main picture, and the voice of a trainee allowed to speak.
 * Nobody receives an observer (they publish nothing anyway).
 */
export function mayConsume(room: RoomView, viewer: PeerView, owner: PeerView, source: MediaSource): boolean {
  if (viewer.id === owner.id) return false;
  if (owner.role === 'observer') return false;
  if (viewer.role !== 'trainee') return true;
  if (owner.role === 'instructor') return true;
  if (owner.role === ASSISTANT_ROLE) return source === 'mic';
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

/** TM-2: the instructor or the class manager (assistant) gives (or takes back) the right to speak. */
export function decideAllowMic(room: RoomView, actor: PeerView, targetId: string): Verdict {
  if (!isTeacher(actor)) return refuse('FORBIDDEN');
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

export const QUESTION_FOR_TRAINEES_MESSAGE: LocalizedText = {
  zh: '只有学员可以提问，请用聊天发言',
  en: 'Only trainees ask questions; use the chat',
};
/** JS-7.1: trainees ask; the question goes to the asker and to everyone who is not a trainee. */
export function decideAsk(peer: PeerView): Verdict {
  return peer.role === 'trainee' ? allow({}) : refuse('FORBIDDEN', QUESTION_FOR_TRAINEES_MESSAGE);
}
/** JS-7.1: who is offered the question box at all (the same rule the server enforces). */
export const mayAsk = (role: LiveRole) => role === 'trainee';
export const seesQuestion = (viewer: PeerView, asker: PeerView) =>
  viewer.role !== 'trainee' || viewer.id === asker.id;

/** JS-7.1: the instructor (or the class manager, assisting) marks a question answered. */
export function decideAnswer(peer: PeerView): Verdict {
  return isTeacher(peer) ? allow({}) : refuse('FORBIDDEN');
}

/** JS-7.1: the instructor or the class manager lowers a trainee's raised hand (shown, not stored). */
export function decideLowerHand(room: RoomView, actor: PeerView, targetId: string): Verdict {
  if (!isTeacher(actor)) return refuse('FORBIDDEN');
  const t = visibleTarget(room, targetId);
  if (!t) return refuse('NOT_FOUND');
  if (t.role !== 'trainee') return refuse('VALIDATION');
  return allow({});
}

/** VC-1: sharing the screen puts it on the main picture; stopping brings the instructor's camera back. */
export function mainOnScreenShare(main: MainPicture, sharing: boolean): MainPicture | null {
  if (sharing) return main.source === 'screen' ? null : { source: 'screen', peerId: null };
  return main.source === 'screen' ? { source: 'camera', peerId: null } : null;
}

/** What the room offers this participant (the page shows these controls; the server enforces each). */
export function roomAbilities(p: { role: LiveRole }) {
  return {
    chat: p.role !== 'observer',
    ask: mayAsk(p.role),
    raiseHand: p.role === 'trainee',
    /** Allow or take the right to speak, mute, remove, lower hands, mark questions answered. */
    host: isTeacher(p),
    mainPicture: p.role === 'instructor',
    screen: p.role === 'instructor',
    end: p.role === 'instructor',
  };
}

/** Who sees the roster's names in the room (who is expected and absent): everyone but trainees. */
export const seesRoster = (p: { role: LiveRole }) => p.role !== 'trainee';

/** A trainee dropped by the network is shown "reconnecting" this long before they are shown gone. */
export const RECONNECT_GRACE_MS = 30_000;

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

export * from './interaction-limits';
