/**
 * JS-16 / JS-15: where a moment of a session is in its replay. The replay file is the recording's
 * segments joined in order (the worker concatenates them; gaps are not in it), so the offset of an
 * instant is the recorded time before it: the sum over segments started by then of the part of each
 * up to that instant. An instant inside a gap lands where the recording resumed.
 */
export interface ManifestTimes {
  segments: ReadonlyArray<{ startedAt: string; endedAt: string | null }>;
}

/** Seconds into the replay for `at` (one decimal); null when nothing was recorded, or `at` is after the end. */
export function replayOffsetS(manifest: ManifestTimes, at: Date): number | null {
  const t = at.getTime();
  const segments = [...manifest.segments]
    .map((s) => ({ from: Date.parse(s.startedAt), to: s.endedAt ? Date.parse(s.endedAt) : Infinity }))
    .filter((s) => Number.isFinite(s.from))
    .sort((a, b) => a.from - b.from);
  const first = segments[0];
  if (!first) return null;
  // After the recording ended there is nothing to show (an appeal or decision made later).
  if (t > Math.max(...segments.map((s) => s.to))) return null;
  let ms = 0;
  for (const s of segments) {
    if (s.from > t) break;
    ms += Math.min(t, s.to) - s.from;
  }
  return Math.round(ms / 100) / 10;
}

/** The replay page at that offset (the page reads `#t=<seconds>`). */
export const replayLink = (classId: string, sessionId: string, offsetS: number) =>
  `/app/replay.html?class=${classId}&session=${sessionId}#t=${Math.max(0, Math.floor(offsetS))}`;
