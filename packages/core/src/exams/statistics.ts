/**
 * JS-7.3 / QM-3 考试数据统计: the figures an officer or a quality manager asks of one exam. Pure: the
 * use-case loads the marked attempts and passes their marks in.
 *
 * - pass rate: passed / decided (pass + fail); attempts still waiting for a hand mark ('pending') are
 *   counted apart and are in neither.
 * - score figures (mean, median, min, max, standard deviation) over the marked attempts, in points.
 * - distribution: the share of the paper's total each attempt reached, in 10 bins of 10 % (0–10 %,
 *   10–20 %, …, 90–100 %; a bin holds its lower bound; 100 % is in the last bin).
 * - per question (by bank question id: per-candidate papers draw different questions, each counted
 *   over the attempts whose paper has it): p (difficulty index) = mean score / max score, and the
 *   discrimination = the point-biserial correlation of the item score with the rest-of-test score
 *   (the attempt's score without this item, so the item does not correlate with itself). For an item
 *   scored 0/full it is the point-biserial; with partial credit it is the same Pearson formula
 *   (item-rest correlation). Null when fewer than 2 attempts have it or either score does not vary.
 */

export interface ItemScoreInput {
  questionId: string;
  score: number;
  max: number;
}
export interface AttemptScoreInput {
  score: number;
  max: number;
  verdict: 'pass' | 'fail' | 'pending' | null;
  items: readonly ItemScoreInput[];
}

export interface DistributionBin {
  /** Lower and upper bound in percent of the total (the last bin includes 100). */
  from: number;
  to: number;
  count: number;
}
export interface ItemStatistics {
  questionId: string;
  /** Attempts whose paper has the question. */
  n: number;
  max: number;
  meanScore: number;
  /** Mean score / max (0 … 1): higher is easier. */
  p: number | null;
  /** Point-biserial (item score vs rest-of-test score), −1 … 1; null when undefined. */
  discrimination: number | null;
}
export interface ExamStatistics {
  candidates: number;
  sat: number;
  passed: number;
  failed: number;
  pending: number;
  /** passed / (passed + failed), 0 … 1; null when none decided. */
  passRate: number | null;
  mean: number | null;
  median: number | null;
  min: number | null;
  max: number | null;
  sd: number | null;
  distribution: DistributionBin[];
  items: ItemStatistics[];
}

const round = (x: number, digits = 4) => {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
};

export function mean(xs: readonly number[]): number | null {
  if (xs.length === 0) return null;
  let s = 0;
  for (const x of xs) s += x;
  return s / xs.length;
}

export function median(xs: readonly number[]): number | null {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** Population standard deviation (the attempts are the whole group, not a sample of one). */
export function stdDev(xs: readonly number[]): number | null {
  const m = mean(xs);
  if (m === null) return null;
  let s = 0;
  for (const x of xs) s += (x - m) ** 2;
  return Math.sqrt(s / xs.length);
}

/** Pearson's r of two equally long series; null for fewer than 2 pairs or a series that does not vary. */
export function pearson(xs: readonly number[], ys: readonly number[]): number | null {
  const n = xs.length;
  if (n < 2 || ys.length !== n) return null;
  const mx = mean(xs)!;
  const my = mean(ys)!;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    const dx = xs[i]! - mx;
    const dy = ys[i]! - my;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  if (sxx < 1e-12 || syy < 1e-12) return null;
  return sxy / Math.sqrt(sxx * syy);
}

/** Which 10 % bin a share (0 … 1) falls in: 0 … 9. */
export function binOf(share: number): number {
  if (!(share > 0)) return 0;
  // 1e-9 so that 0.3 (30 %) lands in 30–40 %, not 20–30 % by float error.
  return Math.min(9, Math.floor(share * 10 + 1e-9));
}

export function examStatistics(candidates: number, attempts: readonly AttemptScoreInput[]): ExamStatistics {
  const scores = attempts.map((a) => a.score);
  const passed = attempts.filter((a) => a.verdict === 'pass').length;
  const failed = attempts.filter((a) => a.verdict === 'fail').length;
  const pending = attempts.filter((a) => a.verdict === 'pending').length;
  const distribution: DistributionBin[] = Array.from({ length: 10 }, (_, i) => ({
    from: i * 10,
    to: i * 10 + 10,
    count: 0,
  }));
  for (const a of attempts) distribution[binOf(a.max > 0 ? a.score / a.max : 0)]!.count++;

  const byItem = new Map<string, { max: number; item: number[]; rest: number[] }>();
  for (const a of attempts)
    for (const it of a.items) {
      let e = byItem.get(it.questionId);
      if (!e) byItem.set(it.questionId, (e = { max: it.max, item: [], rest: [] }));
      e.item.push(it.score);
      e.rest.push(a.score - it.score);
    }
  const items: ItemStatistics[] = [...byItem].map(([questionId, e]) => {
    const m = mean(e.item)!;
    const r = pearson(e.item, e.rest);
    return {
      questionId,
      n: e.item.length,
      max: e.max,
      meanScore: round(m),
      p: e.max > 0 ? round(m / e.max) : null,
      discrimination: r === null ? null : round(r),
    };
  });
  const m = mean(scores);
  const md = median(scores);
  const sd = stdDev(scores);
  return {
    candidates,
    sat: attempts.length,
    passed,
    failed,
    pending,
    passRate: passed + failed > 0 ? round(passed / (passed + failed)) : null,
    mean: m === null ? null : round(m, 2),
    median: md === null ? null : round(md, 2),
    min: scores.length ? Math.min(...scores) : null,
    max: scores.length ? Math.max(...scores) : null,
    sd: sd === null ? null : round(sd, 2),
    distribution,
    items,
  };
}
