import { decideStartSpotCheck, isFlaggedVerdict, spotCheckVerdict } from './spot-check';

describe('identity spot checks', () => {
  it('[JS-16] the instructor, a class manager and an officer may start one; a trainee may not; one at a time, not after the end', () => {
    const open = { ended: false, spotCheckRunning: false };
    expect(decideStartSpotCheck(open, { role: 'instructor' })).toEqual({ ok: true, origin: 'instructor' });
    expect(decideStartSpotCheck(open, { role: 'class_manager' })).toEqual({
      ok: true,
      origin: 'class_manager',
    });
    expect(decideStartSpotCheck(open, { role: 'observer' })).toEqual({ ok: true, origin: 'officer' });
    expect(decideStartSpotCheck(open, { role: 'trainee' })).toEqual({ ok: false, code: 'FORBIDDEN' });
    expect(decideStartSpotCheck({ ...open, spotCheckRunning: true }, { role: 'observer' })).toMatchObject({
      ok: false,
      code: 'CONFLICT',
    });
    expect(decideStartSpotCheck({ ...open, ended: true }, { role: 'instructor' })).toMatchObject({
      ok: false,
      code: 'PRECONDITION_FAILED',
    });
    // A trainee is refused whatever the room's state.
    expect(decideStartSpotCheck({ ended: true, spotCheckRunning: true }, { role: 'trainee' }).ok).toBe(false);
  });

  it('[JS-13.1] the verdict: camera, ID photo, no face, then the score (>= 0.8 match, < 0.5 mismatch)', () => {
    const v = (o: Partial<Parameters<typeof spotCheckVerdict>[0]>) =>
      spotCheckVerdict({ still: true, idPhoto: true, score: null, note: null, ...o });
    expect(v({ still: false })).toBe('camera_off');
    expect(v({ idPhoto: false, score: 0.99 })).toBe('no_id_photo');
    expect(v({ note: 'no_face', score: 0.1 })).toBe('no_face');
    expect(v({})).toBe('pending'); // manual review
    expect(v({ score: 0.8 })).toBe('match');
    expect(v({ score: 0.79 })).toBe('pending');
    expect(v({ score: 0.5 })).toBe('pending');
    expect(v({ score: 0.49 })).toBe('mismatch');
    expect(['mismatch', 'no_face', 'no_id_photo'].every((x) => isFlaggedVerdict(x as never))).toBe(true);
    expect(['match', 'pending', 'camera_off'].some((x) => isFlaggedVerdict(x as never))).toBe(false);
  });
});
