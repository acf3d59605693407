import {
  countOutcomes,
  decideRollCallAnswer,
  decideStartRollCall,
  finalOutcome,
  outcomeAtPush,
  outcomesDigest,
  rollCallTimes,
} from './rollcall-policy';

const fired = new Date('2026-12-07T02:00:00.000Z');
const { closesAt, lateUntil } = rollCallTimes(fired, 60);
const open = { sessionId: 's1', status: 'open' as const, closesAt, lateUntil };
const at = (s: number) => new Date(fired.getTime() + s * 1000);
const trainee = (s: number) => ({ sessionId: 's1', role: 'trainee' as const, now: at(s) });
const waiting = { outcome: null, answeredAt: null };

describe('roll-call policy (JS-13.2, JS-16)', () => {
  it('[JS-13.2][JS-16] the instructor, a class manager and an officer may start one; a trainee may not', () => {
    const room = { ended: false, openRollCall: false };
    expect(decideStartRollCall(room, { role: 'instructor' })).toEqual({ ok: true, origin: 'instructor' });
    expect(decideStartRollCall(room, { role: 'class_manager' })).toEqual({
      ok: true,
      origin: 'class_manager',
    });
    expect(decideStartRollCall(room, { role: 'observer' })).toEqual({ ok: true, origin: 'officer' });
    expect(decideStartRollCall(room, { role: 'trainee' })).toMatchObject({ ok: false, code: 'FORBIDDEN' });
  });

  it('[JS-13.2] one at a time, and none once the session ended', () => {
    expect(decideStartRollCall({ ended: false, openRollCall: true }, { role: 'instructor' })).toMatchObject({
      ok: false,
      code: 'CONFLICT',
    });
    expect(decideStartRollCall({ ended: true, openRollCall: false }, { role: 'instructor' })).toMatchObject({
      ok: false,
      code: 'PRECONDITION_FAILED',
    });
  });

  it('[JS-13.2] the window, then late answers for two windows (at most 10 minutes)', () => {
    expect(closesAt.toISOString()).toBe('2026-12-07T02:01:00.000Z');
    expect(lateUntil.toISOString()).toBe('2026-12-07T02:03:00.000Z');
    expect(rollCallTimes(fired, 600).lateUntil.getTime() - fired.getTime()).toBe(600_000 + 600_000);
  });

  it('[JS-13.2] at the push: not connected → not_in_room, no camera → camera_off, else awaited', () => {
    expect(outcomeAtPush({ connected: false, camera: false })).toBe('not_in_room');
    expect(outcomeAtPush({ connected: true, camera: false })).toBe('camera_off');
    expect(outcomeAtPush({ connected: true, camera: true })).toBeNull();
  });

  it('[JS-13.2] an answer within the window is present, after it late, after lateUntil refused', () => {
    expect(decideRollCallAnswer(open, trainee(59), waiting)).toEqual({
      ok: true,
      outcome: 'present',
      store: true,
    });
    expect(decideRollCallAnswer(open, trainee(60), waiting)).toEqual({
      ok: true,
      outcome: 'present',
      store: true,
    });
    expect(decideRollCallAnswer(open, trainee(61), waiting)).toEqual({
      ok: true,
      outcome: 'late',
      store: true,
    });
    expect(decideRollCallAnswer(open, trainee(180), waiting)).toMatchObject({
      ok: false,
      code: 'PRECONDITION_FAILED',
    });
  });

  it('[JS-13.2] refused: closed, another session, not a trainee, not on the roll-call', () => {
    expect(decideRollCallAnswer({ ...open, status: 'closed' }, trainee(1), waiting)).toMatchObject({
      ok: false,
      code: 'PRECONDITION_FAILED',
    });
    expect(decideRollCallAnswer(open, { ...trainee(1), sessionId: 's2' }, waiting)).toMatchObject({
      ok: false,
      code: 'NOT_FOUND',
    });
    expect(decideRollCallAnswer({ ...open, status: 'scheduled' }, trainee(1), waiting)).toMatchObject({
      ok: false,
      code: 'NOT_FOUND',
    });
    expect(decideRollCallAnswer(null, trainee(1), waiting)).toMatchObject({ ok: false, code: 'NOT_FOUND' });
    expect(decideRollCallAnswer(open, trainee(1), null)).toMatchObject({ ok: false, code: 'NOT_FOUND' });
    expect(decideRollCallAnswer(open, { ...trainee(1), role: 'instructor' }, waiting)).toMatchObject({
      ok: false,
      code: 'FORBIDDEN',
    });
  });

  it('[JS-13.2] an outcome decided at the push stays; a second answer keeps the first', () => {
    expect(decideRollCallAnswer(open, trainee(5), { outcome: 'camera_off', answeredAt: null })).toEqual({
      ok: true,
      outcome: 'camera_off',
      store: true,
    });
    expect(decideRollCallAnswer(open, trainee(90), { outcome: 'present', answeredAt: at(5) })).toEqual({
      ok: true,
      outcome: 'present',
      store: false,
    });
  });

  it('[JS-13.2] at the close nobody answered is absent; counts; the digest is canonical', () => {
    expect(finalOutcome(null)).toBe('absent');
    expect(finalOutcome('late')).toBe('late');
    expect(countOutcomes(['present', null, 'late', 'present', 'not_in_room'])).toEqual({
      present: 2,
      late: 1,
      absent: 0,
      camera_off: 0,
      not_in_room: 1,
      waiting: 1,
    });
    const rows = [
      { accountId: 'b', outcome: 'absent' as const, answeredAt: null, stillSha256: 'ff' },
      { accountId: 'a', outcome: 'present' as const, answeredAt: at(3), stillSha256: null },
    ];
    const digest = outcomesDigest(rows);
    expect(digest).toMatch(/^[0-9a-f]{64}$/);
    expect(outcomesDigest([...rows].reverse())).toBe(digest);
    expect(outcomesDigest([{ ...rows[0]!, outcome: 'present' }, rows[1]!])).not.toBe(digest);
  });
});
