import { binOf, examStatistics, median, pearson, stdDev, type AttemptScoreInput } from './statistics';

/** Four candidates, three 1-point questions: a perfect Guttman pattern (3, 2, 1, 0 right). */
function guttman(): AttemptScoreInput[] {
  const rows: Array<[number, number, number]> = [
    [1, 1, 1],
    [1, 1, 0],
    [1, 0, 0],
    [0, 0, 0],
  ];
  return rows.map((r) => {
    const score = r[0] + r[1] + r[2];
    return {
      score,
      max: 3,
      verdict: score >= 2 ? 'pass' : 'fail',
      items: r.map((s, i) => ({ questionId: `q${i + 1}`, score: s, max: 1 })),
    };
  });
}

describe('exam statistics (JS-7.3)', () => {
  it('[JS-7.3] pass rate, mean, median, min, max and standard deviation of a known data set', () => {
    const s = examStatistics(5, guttman());
    expect(s).toMatchObject({ candidates: 5, sat: 4, passed: 2, failed: 2, pending: 0, passRate: 0.5 });
    expect(s).toMatchObject({ mean: 1.5, median: 1.5, min: 0, max: 3, sd: 1.12 });
  });

  it('[JS-7.3] the distribution puts each attempt in its 10 % bin (100 % in the last, 30 % in 30–40 %)', () => {
    const s = examStatistics(4, guttman());
    expect(s.distribution).toHaveLength(10);
    expect(s.distribution.map((b) => b.count)).toEqual([1, 0, 0, 1, 0, 0, 1, 0, 0, 1]);
    expect(s.distribution[9]).toEqual({ from: 90, to: 100, count: 1 });
    expect(binOf(0.3)).toBe(3);
    expect(binOf(0.7)).toBe(7);
    expect(binOf(0.999)).toBe(9);
    expect(binOf(0)).toBe(0);
  });

  it('[JS-7.3] p is mean/max and the discrimination is the item-rest point-biserial (hand-computed values)', () => {
    const s = examStatistics(4, guttman());
    const by = Object.fromEntries(s.items.map((i) => [i.questionId, i]));
    expect(by.q1).toMatchObject({ n: 4, p: 0.75 });
    expect(by.q2).toMatchObject({ n: 4, p: 0.5 });
    expect(by.q3).toMatchObject({ n: 4, p: 0.25 });
    // q2: rest of those right [2, 1] (M1 1.5), wrong [1, 0] (M0 0.5), s 0.7071, p = q = 0.5:
    // (M1 − M0) / s · √(pq) = 1 / 0.7071 · 0.5 = 0.7071.
    expect(by.q2!.discrimination).toBeCloseTo(Math.SQRT1_2, 4);
    // q1 and q3: 0.75 / √(0.75 · 2.75) = 0.5222.
    expect(by.q1!.discrimination).toBeCloseTo(0.5222, 4);
    expect(by.q3!.discrimination).toBeCloseTo(0.5222, 4);
  });

  it('[JS-7.3] a question everyone got right has no discrimination; pending attempts are outside the pass rate', () => {
    const s = examStatistics(3, [
      { score: 2, max: 4, verdict: 'pass', items: [{ questionId: 'a', score: 1, max: 1 }] },
      { score: 3, max: 4, verdict: 'pending', items: [{ questionId: 'a', score: 1, max: 1 }] },
      { score: 1, max: 4, verdict: 'fail', items: [{ questionId: 'a', score: 1, max: 1 }] },
    ]);
    expect(s.items[0]).toMatchObject({ p: 1, discrimination: null });
    expect(s).toMatchObject({ passed: 1, failed: 1, pending: 1, passRate: 0.5 });
  });

  it('[JS-7.3] nothing sat: no figures, empty bins, no division by zero', () => {
    const s = examStatistics(7, []);
    expect(s).toMatchObject({ candidates: 7, sat: 0, passRate: null, mean: null, median: null, sd: null });
    expect(s.distribution.every((b) => b.count === 0)).toBe(true);
    expect(s.items).toEqual([]);
  });

  it('[JS-7.3] median of an odd series, Pearson of a perfect line, population standard deviation', () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(pearson([1, 2, 3], [2, 4, 6])).toBeCloseTo(1, 10);
    expect(pearson([1, 2, 3], [6, 4, 2])).toBeCloseTo(-1, 10);
    expect(pearson([1], [1])).toBeNull();
    expect(stdDev([2, 4, 4, 4, 5, 5, 7, 9])).toBe(2);
  });
});
