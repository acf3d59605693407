import { replayLink, replayOffsetS } from './timeline';

const t = (hms: string) => `2026-12-07T${hms}.000Z`;

describe('[JS-16] replay offsets of a session moment', () => {
  const manifest = {
    segments: [
      { startedAt: t('02:00:00'), endedAt: t('02:10:00') },
      // a 5-minute gap (the recorder restarted): the replay goes on from the next segment
      { startedAt: t('02:15:00'), endedAt: t('02:30:00') },
      { startedAt: t('02:30:00'), endedAt: null },
    ],
  };
  it('counts recorded time only: a gap is skipped, an instant in it lands where recording resumed', () => {
    expect(replayOffsetS(manifest, new Date(t('02:05:00')))).toBe(300);
    expect(replayOffsetS(manifest, new Date(t('02:12:00')))).toBe(600);
    expect(replayOffsetS(manifest, new Date(t('02:20:30')))).toBe(600 + 330);
    expect(replayOffsetS(manifest, new Date(t('02:40:00')))).toBe(600 + 900 + 600);
  });
  it('before the first segment the replay starts at 0; after the end, or nothing recorded, no offset', () => {
    expect(replayOffsetS({ segments: manifest.segments.slice(0, 2) }, new Date(t('02:31:00')))).toBeNull();
    expect(replayOffsetS(manifest, new Date(t('01:50:00')))).toBe(0);
    expect(replayOffsetS({ segments: [] }, new Date(t('02:00:00')))).toBeNull();
  });
  it('links the replay page at whole seconds', () => {
    expect(replayLink('c', 's', 930.7)).toBe('/app/replay.html?class=c&session=s#t=930');
  });
});
