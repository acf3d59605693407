import { signBody, verifySignature } from '../shared/hmac';
import {
  COALESCE_MS,
  MAX_FLAG_ROWS,
  coalesceFlag,
  drawStillTimes,
  flagOfVerdict,
  isSecondDevice,
  reviewStateAfterFlag,
  stillVerdictOf,
  watchCamera,
} from './proctor-rules';

const start = new Date('2026-12-03T01:00:00Z');
const end = new Date('2026-12-03T02:00:00Z');

describe('proctoring rules', () => {
  it('[JS-7.3] still times: seeded (same seed, same times), inside the attempt away from its ends, sorted, bounded', () => {
    const a = drawStillTimes('seed-1', start, end, 5);
    expect(a).toEqual(drawStillTimes('seed-1', start, end, 5));
    expect(a).not.toEqual(drawStillTimes('seed-2', start, end, 5));
    expect(a).toHaveLength(5);
    for (const t of a) {
      expect(t.getTime()).toBeGreaterThanOrEqual(start.getTime() + 120_000);
      expect(t.getTime()).toBeLessThanOrEqual(end.getTime() - 120_000);
    }
    expect(a.map((t) => t.getTime())).toEqual([...a].map((t) => t.getTime()).sort((x, y) => x - y));
    expect(drawStillTimes('s', start, end, 500)).toHaveLength(20);
    expect(drawStillTimes('s', start, end, 0)).toEqual([]);
    expect(drawStillTimes('s', end, start, 3)).toEqual([]);
  });

  it('[JS-7.3] a flood of one kind is coalesced; after the quiet time a new row; past the row cap always coalesced', () => {
    const now = new Date('2026-12-03T01:10:00Z');
    expect(coalesceFlag(null, now, 0)).toBe('new');
    expect(coalesceFlag({ lastAt: new Date(now.getTime() - 1000) }, now, 3)).toBe('coalesce');
    expect(coalesceFlag({ lastAt: new Date(now.getTime() - COALESCE_MS - 1) }, now, 3)).toBe('new');
    expect(coalesceFlag({ lastAt: new Date(now.getTime() - 3_600_000) }, now, MAX_FLAG_ROWS)).toBe(
      'coalesce',
    );
  });

  it('[JS-7.3] a second device is flagged once; devices already seen are not flagged again', () => {
    expect(isSecondDevice('B', [], new Set())).toBe(false);
    expect(isSecondDevice('B', ['A'], new Set())).toBe(true);
    expect(isSecondDevice('A', ['B'], new Set(['A', 'B']))).toBe(false);
    expect(isSecondDevice('C', ['A', 'B'], new Set(['A', 'B']))).toBe(true);
  });

  it('[JS-7.3] face-match answers: named verdicts, scores by the thresholds, no answer pending; bad verdicts flag', () => {
    expect(stillVerdictOf({ score: null, note: null })).toBe('pending');
    expect(stillVerdictOf({ score: null, note: 'multiple_faces' })).toBe('multiple_faces');
    expect(stillVerdictOf({ score: 0.95, note: null })).toBe('ok');
    expect(stillVerdictOf({ score: 0.2, note: 'different person' })).toBe('identity_mismatch');
    expect(stillVerdictOf({ score: 0.65, note: null })).toBe('pending');
    expect(flagOfVerdict('ok')).toBeNull();
    expect(flagOfVerdict('pending')).toBeNull();
    expect(flagOfVerdict('no_face')).toBe('no_face');
    expect(reviewStateAfterFlag('none')).toBe('flagged');
    expect(reviewStateAfterFlag('cleared')).toBe('cleared');
  });

  it('[JS-7.3] callback signatures: ours verify; a changed body, another secret, an old timestamp do not', () => {
    const at = new Date('2026-12-03T01:00:00Z');
    const sig = signBody('secret', '{"a":1}', at);
    expect(verifySignature('secret', '{"a":1}', sig, at)).toBe(true);
    expect(verifySignature('secret', '{"a":2}', sig, at)).toBe(false);
    expect(verifySignature('other', '{"a":1}', sig, at)).toBe(false);
    expect(verifySignature('secret', '{"a":1}', sig, new Date(at.getTime() + 301_000))).toBe(false);
    expect(verifySignature('secret', '{"a":1}', undefined, at)).toBe(false);
    expect(verifySignature('', '{"a":1}', signBody('', '{"a":1}', at), at)).toBe(false);
  });

  it('[JS-7.3] camera off past the grace time is flagged once per off-period', () => {
    let w = { offSince: null as number | null, flagged: false };
    let r = watchCamera(w, false, 1000, 20_000);
    expect(r.flag).toBe(false);
    w = r.watch;
    r = watchCamera(w, false, 21_000, 20_000);
    expect(r.flag).toBe(true);
    w = r.watch;
    r = watchCamera(w, false, 60_000, 20_000);
    expect(r.flag).toBe(false);
    w = watchCamera(r.watch, true, 61_000, 20_000).watch;
    expect(w).toEqual({ offSince: null, flagged: false });
    w = watchCamera(w, false, 62_000, 20_000).watch;
    expect(watchCamera(w, false, 82_000, 20_000).flag).toBe(true);
  });
});
