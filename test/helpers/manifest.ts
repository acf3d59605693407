/** What a recording manifest accounts for (JS-8: every moment of a session is in a segment or a gap). */
interface Span {
  startedAt: string;
  endedAt: string | null;
}
interface ManifestLike extends Span {
  segments: Span[];
  gaps: Array<{ from: string; to: string | null; reason: string }>;
}

/**
 * Seconds of the session (startedAt → endedAt) that are in neither a segment nor a gap: time the
 * recording lost without saying so. Overlapping segments (make-before-break handovers) count once.
 */
export function unaccountedSeconds(m: ManifestLike): number {
  const start = Date.parse(m.startedAt);
  const end = Date.parse(m.endedAt ?? new Date().toISOString());
  const spans = [
    ...m.segments.map((s) => [Date.parse(s.startedAt), Date.parse(s.endedAt ?? m.endedAt!)] as const),
    ...m.gaps.map((g) => [Date.parse(g.from), Date.parse(g.to ?? m.endedAt!)] as const),
  ]
    .map(([a, b]) => [Math.max(a, start), Math.min(b, end)] as const)
    .filter(([a, b]) => b > a)
    .sort((x, y) => x[0] - y[0]);
  let covered = 0;
  let until = start;
  for (const [a, b] of spans) {
    if (b <= until) continue;
    covered += b - Math.max(a, until);
    until = b;
  }
  return (end - start - covered) / 1000;
}

/** The gaps in which media was lost, leaving out the recorder's start-up before its first segment. */
export function mediaGaps<G extends { reason: string }>(m: { gaps: G[] }): G[] {
  return m.gaps.filter((g) => g.reason !== 'recorder_starting');
}
