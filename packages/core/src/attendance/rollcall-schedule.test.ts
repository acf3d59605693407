import {
  chinaDateOf,
  chinaDayRange,
  drawRollCallTimes,
  drawSample,
  rollCallRange,
  seededUniform,
} from './rollcall-schedule';

const at = (iso: string) => new Date(iso);

describe('the random draw of roll-call times', () => {
  const session = { startsAt: at('2026-12-07T00:30:00Z'), endsAt: at('2026-12-07T04:30:00Z') };

  it('[JS-13.2] the same seed draws the same times; another seed other times', () => {
    const a = drawRollCallTimes({ ...session, seed: 'seed-a', count: 3 });
    const again = drawRollCallTimes({ ...session, seed: 'seed-a', count: 3 });
    const b = drawRollCallTimes({ ...session, seed: 'seed-b', count: 3 });
    expect(again.map((d) => d.getTime())).toEqual(a.map((d) => d.getTime()));
    expect(b.map((d) => d.getTime())).not.toEqual(a.map((d) => d.getTime()));
    expect(a.map((d) => d.getTime())).toEqual([...a.map((d) => d.getTime())].sort((x, y) => x - y));
  });

  it('[JS-13.2] every time falls 5 minutes after the start to 5 minutes before the end; at least one is drawn', () => {
    for (let s = 0; s < 200; s++) {
      const times = drawRollCallTimes({ ...session, seed: `s${s}`, count: 2 });
      expect(times).toHaveLength(2);
      for (const t of times) {
        expect(t.getTime()).toBeGreaterThanOrEqual(session.startsAt.getTime() + 5 * 60_000);
        expect(t.getTime()).toBeLessThanOrEqual(session.endsAt.getTime() - 5 * 60_000);
      }
    }
    expect(drawRollCallTimes({ ...session, seed: 'x', count: 0 })).toHaveLength(1);
    expect(drawRollCallTimes({ ...session, seed: 'x', count: 1000 }).length).toBeLessThanOrEqual(12);
  });

  it('[JS-13.2] a session shorter than 20 minutes: its middle half', () => {
    const r = rollCallRange(at('2026-12-07T00:00:00Z'), at('2026-12-07T00:12:00Z'));
    expect(r.from.toISOString()).toBe('2026-12-07T00:03:00.000Z');
    expect(r.to.toISOString()).toBe('2026-12-07T00:09:00.000Z');
  });

  it('[JS-13.2] the generator is uniform enough (mean near 1/2 over many draws)', () => {
    let sum = 0;
    for (let i = 0; i < 5000; i++) sum += seededUniform('mean', i);
    expect(Math.abs(sum / 5000 - 0.5)).toBeLessThan(0.02);
  });

  it('China days: the date of an instant and the instants of a date', () => {
    expect(chinaDateOf(at('2026-12-06T16:00:00Z'))).toBe('2026-12-07');
    expect(chinaDateOf(at('2026-12-06T15:59:59Z'))).toBe('2026-12-06');
    const r = chinaDayRange('2026-12-07');
    expect(r.from.toISOString()).toBe('2026-12-06T16:00:00.000Z');
    expect(r.to.toISOString()).toBe('2026-12-07T16:00:00.000Z');
  });
});

describe('the seeded sample of a spot check', () => {
  const people = ['a', 'b', 'c', 'd', 'e', 'f', 'g'];

  it('[JS-7.2] the same seed and population draw the same sample of N distinct people', () => {
    const s = drawSample('seed-1', people, 3);
    expect(s).toHaveLength(3);
    expect(new Set(s).size).toBe(3);
    expect(drawSample('seed-1', people, 3)).toEqual(s);
    for (const p of s) expect(people).toContain(p);
    // Fewer people than N: everyone, once.
    expect([...drawSample('seed-1', ['x', 'y'], 5)].sort()).toEqual(['x', 'y']);
    expect(drawSample('seed-1', people, 0)).toEqual([]);
  });

  it('[JS-7.2] over many seeds every person is drawn about as often', () => {
    const counts = new Map<string, number>();
    for (let i = 0; i < 3500; i++)
      for (const p of drawSample(`s${i}`, people, 2)) counts.set(p, (counts.get(p) ?? 0) + 1);
    for (const p of people) expect(Math.abs((counts.get(p) ?? 0) - 1000)).toBeLessThan(150);
  });
});
