import type { LiveRole, MainPicture } from '@seafarer/contracts';
import {
  consumerPreferences,
  decideAdmission,
  cameraOnAtJoin,
  decideAllowMic,
  decideLowerHand,
  mainOnScreenShare,
  mayAsk,
  decideAnswer,
  decideAsk,
  decideChat,
  decideEnd,
  decideGrant,
  decideHand,
  decideMainPicture,
  decideMute,
  decideProduce,
  decideRemove,
  decideResume,
  decideTransport,
  enforce,
  leaveEvent,
  mayConsume,
  seesQuestion,
  visiblePeers,
  type PeerView,
  type RoomView,
} from './room-policy';

const peer = (id: string, role: LiveRole, extra: Partial<PeerView> = {}): PeerView => ({
  id,
  role,
  hidden: role === 'observer',
  micAllowed: role !== 'trainee',
  ...extra,
});
const teacher = peer('i', 'instructor');
const manager = peer('m', 'class_manager');
const t1 = peer('t1', 'trainee');
const t2 = peer('t2', 'trainee');
const officer = peer('o', 'observer');
const room = (
  peers: PeerView[],
  main: MainPicture = { source: 'camera', peerId: null },
  ended = false,
  removed: string[] = [],
): RoomView => ({
  ended,
  main,
  peers: new Map(peers.map((p) => [p.id, p])),
  removed: new Set(removed),
});
const session = { classId: 'c1', institutionId: 'inst1', scheduled: true };
const fine = { ended: false, removed: false, session };
const claims = (sub: string, role: LiveRole, cap = 2) => ({
  sub,
  role,
  hidden: role === 'observer',
  cap,
  cls: 'c1',
  inst: 'inst1',
});
const code = (v: { ok: boolean; code?: string }) => (v.ok ? 'ok' : v.code);

describe('room policy: admission', () => {
  it('[JS-6] a trainee beyond the cap is refused; the same account reconnecting is not counted twice', () => {
    const r = room([teacher, t1, t2]);
    expect(code(decideAdmission(r, fine, claims('t3', 'trainee', 2)))).toBe('CAPACITY_EXCEEDED');
    expect(decideAdmission(r, fine, claims('t2', 'trainee', 2))).toEqual({ ok: true, replaces: true });
    expect(code(decideAdmission(r, fine, claims('t3', 'trainee', 3)))).toBe('ok');
    // Teachers and observers do not count against the trainees' cap.
    expect(code(decideAdmission(r, fine, claims('m', 'class_manager', 2)))).toBe('ok');
    expect(code(decideAdmission(r, fine, claims('o', 'observer', 2)))).toBe('ok');
    expect(code(decideAdmission(null, fine, claims('t1', 'trainee', 0)))).toBe('CAPACITY_EXCEEDED');
  });

  it('[VC-3] [TM-2] an ended session admits nobody; a removed person is refused; in that order', () => {
    expect(
      code(decideAdmission(null, { ended: true, removed: true, session }, claims('t1', 'trainee'))),
    ).toBe('PRECONDITION_FAILED');
    expect(code(decideAdmission(room([], undefined, true), fine, claims('i', 'instructor')))).toBe(
      'PRECONDITION_FAILED',
    );
    expect(
      code(decideAdmission(room([]), { ended: false, removed: true, session }, claims('t1', 'trainee'))),
    ).toBe('FORBIDDEN');
    // This node remembers its own removals (admission while PostgreSQL is briefly away).
    expect(code(decideAdmission(room([], undefined, false, ['t1']), fine, claims('t1', 'trainee')))).toBe(
      'FORBIDDEN',
    );
    expect(code(decideGrant({ ended: true, removed: false, session }, 'observer'))).toBe(
      'PRECONDITION_FAILED',
    );
    expect(code(decideGrant({ ended: false, removed: true, session }, 'trainee'))).toBe('FORBIDDEN');
    expect(code(decideGrant(fine, 'trainee'))).toBe('ok');
  });

  it('[JS-16] only an observer is hidden, and an observer always is', () => {
    expect(code(decideAdmission(null, fine, { ...claims('i', 'instructor'), hidden: true }))).toBe(
      'FORBIDDEN',
    );
    expect(code(decideAdmission(null, fine, { ...claims('o', 'observer'), hidden: false }))).toBe(
      'FORBIDDEN',
    );
  });
});

describe('room policy: the session the grant names', () => {
  it('[REL-1] a grant for a session that does not exist, of another class or institution, or of a superseded plan version is refused NOT_FOUND before anything else', () => {
    const refused = (standing: Parameters<typeof decideAdmission>[1]) =>
      decideAdmission(null, standing, claims('i', 'instructor')) as { code: string; details?: unknown };
    expect(refused({ ended: false, removed: false, session: null })).toMatchObject({
      code: 'NOT_FOUND',
      details: { reason: 'no_such_session' },
    });
    for (const other of [
      { ...session, classId: 'c2' },
      { ...session, institutionId: 'inst2' },
      { ...session, scheduled: false },
    ])
      expect(refused({ ended: true, removed: false, session: other })).toMatchObject({
        code: 'NOT_FOUND',
        details: { reason: 'not_a_session_of_the_class' },
      });
    // Without PostgreSQL (standing unknown) the grant stands in, as before.
    expect(code(decideAdmission(null, null, claims('i', 'instructor')))).toBe('ok');
  });
});

describe('room policy: media', () => {
  it('[JS-16] observers open no sending transport and publish nothing', () => {
    expect(code(decideTransport(officer, 'send'))).toBe('FORBIDDEN');
    expect(code(decideTransport(officer, 'recv'))).toBe('ok');
    expect(code(decideProduce(officer, { kind: 'video', source: 'camera' }))).toBe('FORBIDDEN');
  });

  it('[TM-2] a trainee publishes the microphone paused and may not resume it until allowed', () => {
    expect(enforce(decideProduce(t1, { kind: 'audio', source: 'mic' }))).toEqual({
      startPaused: true,
      recorded: false,
    });
    expect(enforce(decideProduce(teacher, { kind: 'audio', source: 'mic' }))).toEqual({
      startPaused: false,
      recorded: true,
    });
    expect(code(decideResume(t1, 'mic'))).toBe('FORBIDDEN');
    expect(code(decideResume({ ...t1, micAllowed: true }, 'mic'))).toBe('ok');
    expect(code(decideResume(t1, 'camera'))).toBe('ok');
    expect(() => enforce(decideResume(t1, 'mic'))).toThrow(/FORBIDDEN/);
  });

  it('only the instructor shares the screen; a source has its own kind', () => {
    expect(code(decideProduce(t1, { kind: 'video', source: 'screen' }))).toBe('FORBIDDEN');
    expect(code(decideProduce(manager, { kind: 'video', source: 'screen' }))).toBe('FORBIDDEN');
    expect(code(decideProduce(teacher, { kind: 'video', source: 'screen' }))).toBe('ok');
    expect(code(decideProduce(teacher, { kind: 'video', source: 'mic' }))).toBe('VALIDATION');
    expect(code(decideProduce(teacher, { kind: 'audio', source: 'camera' }))).toBe('VALIDATION');
  });

  it('[VC-1] [TM-2] trainees receive teachers, the trainee on the main picture, and voices allowed to speak', () => {
    const r = room([teacher, t1, t2, officer]);
    expect(mayConsume(r, t1, teacher, 'camera')).toBe(true);
    expect(mayConsume(r, t1, t2, 'camera')).toBe(false);
    expect(mayConsume(r, t1, t2, 'mic')).toBe(false);
    expect(mayConsume(r, t1, { ...t2, micAllowed: true }, 'mic')).toBe(true);
    const starring = room([teacher, t1, t2], { source: 'trainee', peerId: 't2' });
    expect(mayConsume(starring, t1, t2, 'camera')).toBe(true);
    expect(mayConsume(r, teacher, t2, 'camera')).toBe(true);
    expect(mayConsume(r, officer, t2, 'camera')).toBe(true);
    expect(mayConsume(r, teacher, teacher, 'camera')).toBe(false);
  });

  it("[JS-7.1] the class manager assists: enters muted, is heard but not seen by trainees, has the host's controls over trainees but not the main picture or the end", () => {
    const r = room([teacher, manager, t1, t2]);
    expect(enforce(decideProduce(manager, { kind: 'audio', source: 'mic' })).startPaused).toBe(true);
    expect(enforce(decideProduce(teacher, { kind: 'audio', source: 'mic' })).startPaused).toBe(false);
    expect(cameraOnAtJoin('class_manager')).toBe(false);
    expect(cameraOnAtJoin('trainee')).toBe(true);
    expect(mayConsume(r, t1, manager, 'mic')).toBe(true);
    expect(mayConsume(r, t1, manager, 'camera')).toBe(false);
    expect(mayConsume(r, teacher, manager, 'camera')).toBe(true);
    expect(code(decideLowerHand(r, manager, 't1'))).toBe('ok');
    expect(code(decideLowerHand(r, teacher, 't1'))).toBe('ok');
    expect(code(decideLowerHand(r, t2, 't1'))).toBe('FORBIDDEN');
    expect(code(decideLowerHand(r, teacher, 'm'))).toBe('VALIDATION');
    expect(code(decideLowerHand(r, teacher, 'nobody'))).toBe('NOT_FOUND');
    expect(code(decideEnd(r, manager))).toBe('FORBIDDEN');
    expect(mayAsk('instructor')).toBe(false);
    expect(mayAsk('trainee')).toBe(true);
    const refused = decideAsk(teacher);
    expect(!refused.ok && refused.message?.zh).toContain('只有学员可以提问');
  });

  it('[VC-1] a screen share takes the main picture by itself and gives it back when it stops', () => {
    expect(mainOnScreenShare({ source: 'camera', peerId: null }, true)).toEqual({
      source: 'screen',
      peerId: null,
    });
    expect(mainOnScreenShare({ source: 'trainee', peerId: 't1' }, true)).toEqual({
      source: 'screen',
      peerId: null,
    });
    expect(mainOnScreenShare({ source: 'screen', peerId: null }, false)).toEqual({
      source: 'camera',
      peerId: null,
    });
    expect(mainOnScreenShare({ source: 'trainee', peerId: 't1' }, false)).toBeNull();
  });

  it("the teachers' trainee grid starts at the lowest layer; audio first", () => {
    expect(consumerPreferences(teacher, t1, 'video')).toEqual({ priority: 10, startLayer: 0 });
    expect(consumerPreferences(t1, teacher, 'video')).toEqual({ priority: 128, startLayer: undefined });
    expect(consumerPreferences(t1, teacher, 'audio').priority).toBe(255);
  });
});

describe('room policy: host controls and interaction', () => {
  const r = room([teacher, manager, t1, t2, officer]);

  it('[VC-1] only the instructor sets the main picture, to a visible trainee', () => {
    expect(enforce(decideMainPicture(r, teacher, { source: 'trainee', peerId: 't1' }))).toEqual({
      main: { source: 'trainee', peerId: 't1' },
    });
    expect(enforce(decideMainPicture(r, teacher, { source: 'screen', peerId: 't1' }))).toEqual({
      main: { source: 'screen', peerId: null },
    });
    expect(code(decideMainPicture(r, manager, { source: 'camera' }))).toBe('FORBIDDEN');
    expect(code(decideMainPicture(r, teacher, { source: 'trainee', peerId: 'o' }))).toBe('NOT_FOUND');
    expect(code(decideMainPicture(r, teacher, { source: 'trainee' }))).toBe('NOT_FOUND');
    expect(code(decideMainPicture(r, teacher, { source: 'trainee', peerId: 'm' }))).toBe('VALIDATION');
  });

  it('[TM-2] teachers mute and remove trainees; only the instructor allows the microphone; observers cannot be targeted', () => {
    expect(enforce(decideMute(r, manager, 't1'))).toEqual({ revokeMic: true });
    expect(enforce(decideMute(r, teacher, 'm'))).toEqual({ revokeMic: false });
    expect(code(decideMute(r, t2, 't1'))).toBe('FORBIDDEN');
    expect(code(decideMute(r, teacher, 'o'))).toBe('NOT_FOUND');
    expect(code(decideAllowMic(r, teacher, 't1'))).toBe('ok');
    expect(code(decideAllowMic(r, manager, 't1'))).toBe('ok');
    expect(code(decideRemove(r, manager, 't1'))).toBe('ok');
    expect(code(decideRemove(r, teacher, 'm'))).toBe('FORBIDDEN');
    expect(code(decideRemove(r, t1, 't2'))).toBe('FORBIDDEN');
    expect(code(decideRemove(r, teacher, 'nobody'))).toBe('NOT_FOUND');
  });

  it('[VC-3] only the instructor ends the session, once', () => {
    expect(code(decideEnd(r, teacher))).toBe('ok');
    expect(code(decideEnd(r, manager))).toBe('FORBIDDEN');
    expect(code(decideEnd(room([teacher], undefined, true), teacher))).toBe('PRECONDITION_FAILED');
  });

  it('[JS-7.1] [JS-16] observers do not chat; trainees ask and raise hands; the instructor answers', () => {
    expect(code(decideChat(officer))).toBe('FORBIDDEN');
    expect(code(decideChat(t1))).toBe('ok');
    expect(code(decideAsk(t1))).toBe('ok');
    expect(code(decideAsk(teacher))).toBe('FORBIDDEN');
    expect(code(decideAnswer(teacher))).toBe('ok');
    expect(code(decideAnswer(manager))).toBe('ok');
    expect(enforce(decideHand(t1, true))).toEqual({ store: true });
    expect(enforce(decideHand(t1, false))).toEqual({ store: false });
    expect(code(decideHand(officer, true))).toBe('FORBIDDEN');
    expect(seesQuestion(t2, t1)).toBe(false);
    expect(seesQuestion(t1, t1)).toBe(true);
    expect(seesQuestion(manager, t1)).toBe(true);
  });

  it("[JS-16] [JS-8] observers are in nobody's list; a network loss is a drop, a goodbye a leave", () => {
    expect(visiblePeers(r.peers.values(), t1).map((p) => p.id)).toEqual(['i', 'm', 't2']);
    expect(leaveEvent('ping timeout')).toBe('network.drop');
    expect(leaveEvent('client namespace disconnect')).toBe('leave');
  });
});
