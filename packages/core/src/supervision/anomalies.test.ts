import {
  cameraOffStretches,
  connectedAfter,
  isLiveNow,
  isFailedSpotCheck,
  isMissedRollCall,
  isOverdueRectification,
  repeatedAbsences,
} from './anomalies';

const at = (min: number) => new Date(Date.UTC(2026, 0, 5, 0, min));

describe('[JS-16] attendance anomalies', () => {
  it('flags a camera-off stretch in the room longer than 5 minutes, not a shorter one', () => {
    const events = [
      { event: 'join', at: at(0) },
      { event: 'camera.on', at: at(1) },
      { event: 'camera.off', at: at(10) },
      { event: 'camera.on', at: at(14) }, // 4 min: not flagged
      { event: 'camera.off', at: at(20) },
      { event: 'camera.on', at: at(31) }, // 11 min: flagged
    ];
    const s = cameraOffStretches(events, at(60));
    expect(s).toEqual([{ from: at(20), to: at(31), ms: 11 * 60_000 }]);
  });

  it('counts the time before the camera first goes on, and cuts an open stretch at `until`', () => {
    const s = cameraOffStretches([{ event: 'join', at: at(0) }], at(7));
    expect(s).toEqual([{ from: at(0), to: at(7), ms: 7 * 60_000 }]);
  });

  it('does not count time out of the room as camera off', () => {
    const events = [
      { event: 'join', at: at(0) },
      { event: 'camera.on', at: at(0) },
      { event: 'leave', at: at(5) },
      { event: 'join', at: at(40) },
      { event: 'camera.on', at: at(41) },
    ];
    expect(cameraOffStretches(events, at(60))).toEqual([]);
    // A network drop with the camera off ends the stretch there.
    const dropped = [
      { event: 'join', at: at(0) },
      { event: 'network.drop', at: at(6) },
    ];
    expect(cameraOffStretches(dropped, at(60))).toEqual([{ from: at(0), to: at(6), ms: 6 * 60_000 }]);
  });

  it('missed roll-calls: absent, camera off, not in the room; present and late are not', () => {
    expect(['absent', 'camera_off', 'not_in_room'].every(isMissedRollCall)).toBe(true);
    expect(['present', 'late', null].some(isMissedRollCall)).toBe(false);
  });

  it('failed spot checks: mismatch and no face; pending and match are not', () => {
    expect(isFailedSpotCheck('mismatch') && isFailedSpotCheck('no_face')).toBe(true);
    expect(['pending', 'match', 'camera_off', 'no_id_photo'].some(isFailedSpotCheck)).toBe(false);
  });

  it('overdue rectification: marked overdue and not accepted or closed', () => {
    expect(isOverdueRectification({ overdueAt: at(0), status: 'open' })).toBe(true);
    expect(isOverdueRectification({ overdueAt: at(0), status: 'correction_submitted' })).toBe(true);
    expect(isOverdueRectification({ overdueAt: at(0), status: 'accepted' })).toBe(false);
    expect(isOverdueRectification({ overdueAt: null, status: 'open' })).toBe(false);
  });

  it('repeated absence: absent from two held sessions; a session nobody attended does not count', () => {
    const sessions = [
      { sessionId: 's1', endsAt: at(100), attendees: new Set(['a', 'b']) },
      { sessionId: 's2', endsAt: at(200), attendees: new Set(['a']) },
      { sessionId: 's3', endsAt: at(300), attendees: new Set(['a']) },
      { sessionId: 's4', endsAt: at(400), attendees: new Set<string>() },
    ];
    expect(repeatedAbsences(sessions, ['a', 'b', 'c'])).toEqual([
      { accountId: 'b', sessionIds: ['s2', 's3'], latest: at(300) },
      { accountId: 'c', sessionIds: ['s1', 's2', 's3'], latest: at(300) },
    ]);
    expect(repeatedAbsences(sessions.slice(0, 2), ['b'])).toEqual([]);
  });
});

describe('[JS-16] live now', () => {
  const s = { opensAt: at(0), startsAt: at(15), endsAt: at(255), closesAt: at(270) };
  it('is live within its scheduled time, or early when the room is already open; never once ended', () => {
    expect(isLiveNow(s, at(20), { closed: false, open: false })).toBe(true);
    expect(isLiveNow(s, at(5), { closed: false, open: false })).toBe(false);
    expect(isLiveNow(s, at(5), { closed: false, open: true })).toBe(true);
    expect(isLiveNow(s, at(20), { closed: true, open: true })).toBe(false);
    expect(isLiveNow(s, at(300), { closed: false, open: true })).toBe(false);
  });
  it('someone is connected after a join until they leave or drop', () => {
    expect(connectedAfter([{ event: 'join' }, { event: 'camera.on' }])).toBe(true);
    expect(connectedAfter([{ event: 'join' }, { event: 'network.drop' }])).toBe(false);
    expect(connectedAfter([])).toBe(false);
  });
});
