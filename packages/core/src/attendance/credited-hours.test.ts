import {
  REQUIRED_ATTENDANCE_RATIO,
  checkWithholds,
  classTotals,
  mergeSpans,
  sessionAttendance,
  sessionStatusLabel,
  type CheckInput,
} from './credited-hours';

// A session 08:30–10:30 China time (00:30–02:30 UTC).
const t = (hhmm: string) => new Date(`2026-12-07T${hhmm}:00+08:00`);
const base = { startsAt: t('08:30'), endsAt: t('10:30'), now: t('12:00') };
const span = (from: string, to: string) => ({ from: t(from), to: t(to) });
const rollCall = (at: string, result: string, decision: CheckInput['decision'] = null): CheckInput => ({
  kind: 'roll_call',
  id: `rc-${at}`,
  at: t(at),
  result,
  decision,
});

describe('[JS-15] credited hours follow the rule', () => {
  it('counts present minutes inside the schedule only, and credits them as 60-minute 学时', () => {
    const r = sessionAttendance({ ...base, present: [span('08:00', '11:00')], checks: [] });
    expect(r).toMatchObject({
      plannedMinutes: 120,
      heldMinutes: 120,
      presentMinutes: 120,
      creditedMinutes: 120,
      creditedHours: 2,
      lateMinutes: null,
      leftEarlyMinutes: null,
      absent: false,
    });
  });

  it('late beyond the 5-minute grace by the minutes from the start; within it, not late', () => {
    expect(
      sessionAttendance({ ...base, present: [span('08:35', '10:30')], checks: [] }).lateMinutes,
    ).toBeNull();
    const late = sessionAttendance({ ...base, present: [span('08:42', '10:30')], checks: [] });
    expect(late.lateMinutes).toBe(12);
    expect(late.presentMinutes).toBe(108);
  });

  it('left early beyond the grace, judged once the session has ended', () => {
    const r = sessionAttendance({ ...base, present: [span('08:30', '10:00')], checks: [] });
    expect(r.leftEarlyMinutes).toBe(30);
    const running = sessionAttendance({
      ...base,
      now: t('10:10'),
      present: [span('08:30', '10:00')],
      checks: [],
    });
    expect(running.leftEarlyMinutes).toBeNull();
    expect(running.heldMinutes).toBe(100);
  });

  it('overlapping intervals (a rejoin on a second device) are counted once', () => {
    const r = sessionAttendance({
      ...base,
      present: [span('08:30', '09:30'), span('09:00', '10:00')],
      checks: [],
    });
    expect(r.presentMinutes).toBe(90);
  });

  it('a missed roll-call withholds the present minutes within ±15 min until decided; a credit gives them back', () => {
    const present = [span('08:30', '10:30')];
    const pending = sessionAttendance({ ...base, present, checks: [rollCall('09:30', 'absent')] });
    expect(pending).toMatchObject({
      withheldMinutes: 30,
      pendingMinutes: 30,
      creditedMinutes: 90,
      creditedHours: 1.5,
    });
    expect(pending.checks[0]).toMatchObject({ state: 'pending', minutes: 30 });
    const credited = sessionAttendance({ ...base, present, checks: [rollCall('09:30', 'absent', 'credit')] });
    expect(credited).toMatchObject({ withheldMinutes: 0, creditedMinutes: 120 });
    expect(credited.checks[0]!.state).toBe('credited');
    const confirmed = sessionAttendance({
      ...base,
      present,
      checks: [rollCall('09:30', 'absent', 'withhold')],
    });
    expect(confirmed).toMatchObject({ withheldMinutes: 30, pendingMinutes: 0, creditedMinutes: 90 });
  });

  it('only the present minutes of the window are withheld, and the window is clipped to the session', () => {
    // Present 08:30–09:20; camera off at the roll-call 09:25: the window 09:10–09:40 holds 10 present minutes.
    const r = sessionAttendance({
      ...base,
      present: [span('08:30', '09:20')],
      checks: [rollCall('09:25', 'camera_off')],
    });
    expect(r).toMatchObject({ presentMinutes: 50, withheldMinutes: 10, creditedMinutes: 40 });
    // A check 5 minutes after the start: its window runs from the start, not 15 minutes before.
    const early = sessionAttendance({
      ...base,
      present: [span('08:30', '10:30')],
      checks: [rollCall('08:35', 'not_in_room')],
    });
    expect(early.checks[0]!.window).toEqual({ from: t('08:30').getTime(), to: t('08:50').getTime() });
    expect(early.withheldMinutes).toBe(20);
  });

  it('overlapping windows are merged: no minute is withheld twice', () => {
    const r = sessionAttendance({
      ...base,
      present: [span('08:30', '10:30')],
      checks: [
        rollCall('09:30', 'absent'),
        { kind: 'spot_check', id: 'sc', at: t('09:40'), result: 'mismatch', decision: null },
      ],
    });
    // 09:15–09:45 ∪ 09:25–09:55 = 09:15–09:55.
    expect(r.withheldMinutes).toBe(40);
    expect(r.checks.map((c) => c.minutes)).toEqual([30, 30]);
    // Crediting one of the two leaves the other's window withheld.
    const one = sessionAttendance({
      ...base,
      present: [span('08:30', '10:30')],
      checks: [
        rollCall('09:30', 'absent', 'credit'),
        { kind: 'spot_check', id: 'sc', at: t('09:40'), result: 'mismatch', decision: null },
      ],
    });
    expect(one.withheldMinutes).toBe(30);
  });

  it('which results withhold: absent, camera off, not in the room, mismatch, no face; nothing else', () => {
    for (const r of ['absent', 'camera_off', 'not_in_room'])
      expect(checkWithholds('roll_call', r)).toBe(true);
    for (const r of ['present', 'late', null]) expect(checkWithholds('roll_call', r)).toBe(false);
    for (const r of ['mismatch', 'no_face']) expect(checkWithholds('spot_check', r)).toBe(true);
    for (const r of ['pending', 'match', 'camera_off', 'no_id_photo'])
      expect(checkWithholds('spot_check', r)).toBe(false);
    const answered = sessionAttendance({
      ...base,
      present: [span('08:30', '10:30')],
      checks: [rollCall('09:30', 'late')],
    });
    expect(answered).toMatchObject({ withheldMinutes: 0, creditedMinutes: 120 });
    expect(answered.checks[0]!.state).toBe('none');
  });

  it('never present in a session held: absent, nothing credited; a session not yet started is not missed', () => {
    expect(
      sessionAttendance({ ...base, present: [], checks: [rollCall('09:00', 'not_in_room')] }),
    ).toMatchObject({
      absent: true,
      presentMinutes: 0,
      withheldMinutes: 0,
      creditedMinutes: 0,
    });
    const future = sessionAttendance({ ...base, now: t('07:00'), present: [], checks: [] });
    expect(future).toMatchObject({ absent: false, heldMinutes: 0 });
  });

  it('a presence still open is counted up to now, not beyond', () => {
    const r = sessionAttendance({ ...base, now: t('09:00'), present: [span('08:30', '12:00')], checks: [] });
    expect(r.presentMinutes).toBe(30);
  });

  it('per class: credited hours against the plan, the ratio of what was held, flagged below 90 %', () => {
    expect(REQUIRED_ATTENDANCE_RATIO).toBe(0.9);
    const s = (planned: number, held: number, credited: number) => ({
      plannedMinutes: planned,
      heldMinutes: held,
      presentMinutes: credited,
      withheldMinutes: 0,
      creditedMinutes: credited,
    });
    const ok = classTotals([s(240, 240, 216), s(240, 0, 0)]);
    expect(ok).toMatchObject({ plannedHours: 8, creditedHours: 3.6, ratio: 0.9, flagged: false });
    const short = classTotals([s(240, 240, 215.9), s(240, 0, 0)]);
    expect(short).toMatchObject({ ratio: 0.89, flagged: true });
    expect(classTotals([s(240, 0, 0)])).toMatchObject({ ratio: null, flagged: false });
  });

  it('merges touching and nested spans', () => {
    expect(
      mergeSpans([
        { from: 5, to: 8 },
        { from: 0, to: 5 },
        { from: 1, to: 2 },
        { from: 9, to: 9 },
      ]),
    ).toEqual([{ from: 0, to: 8 }]);
  });

  it("names the attendance in people's words", () => {
    const at = (p: Parameters<typeof sessionAttendance>[0]['present']) =>
      sessionStatusLabel(sessionAttendance({ ...base, present: p, checks: [] }));
    expect(at([span('08:30', '10:30')])).toEqual({ zh: '到课', en: 'Present' });
    expect(at([])).toEqual({ zh: '缺勤', en: 'Absent' });
    expect(at([span('08:42', '10:00')])).toEqual({
      zh: '迟到 12 分钟，早退 30 分钟',
      en: 'late 12 min, left 30 min early',
    });
    expect(
      sessionStatusLabel(sessionAttendance({ ...base, now: t('07:00'), present: [], checks: [] })),
    ).toEqual({
      zh: '未开课',
      en: 'Not yet held',
    });
  });
});
