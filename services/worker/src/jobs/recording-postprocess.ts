import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from 'pino';
import type { JobPayloads, RecordingManifest } from '@seafarer/contracts';
import type { Core } from '@seafarer/core';
import { concatSegments, probeDuration, ReplayBuildError, sha256File } from '@seafarer/media';

/** Where a session's recording lives, relative to STORAGE_DIR (the live service writes it there). */
export const recordingDir = (sessionId: string) => path.join('recordings', sessionId);

/** Which run of the job this is (BullMQ counts from 1), and how many it gets in all. */
export interface Attempt {
  attempt: number;
  attempts: number;
}

/**
 * VC-2: makes the session's one replay file from its segments, and records its size, SHA-256 and
 * duration. Idempotent: a retry rebuilds the same file from the same segments.
 *
 * When the replay cannot be built — at once for a failure that would only repeat (unreadable segment,
 * a replay shorter than what was recorded), after the last attempt for any other — the recording is
 * marked failed with the reason and the class managers are notified. Segments and manifest are never
 * touched: they stay on disk as the evidence of what was recorded.
 */
export async function recordingPostprocessJob(
  core: Core,
  storageDir: string,
  p: JobPayloads['recording.postprocess'],
  log: Logger,
  run: Attempt = { attempt: 1, attempts: 1 },
) {
  const rec = await core.recordings.get(p.sessionId);
  if (!rec) return { skipped: 'no recording' };
  const m = rec.manifest as RecordingManifest;
  const dir = path.join(storageDir, recordingDir(p.sessionId));
  const files = m.segments
    .filter((s) => s.bytes > 0)
    .map((s) => (path.isAbsolute(s.file) ? s.file : path.join(dir, s.file)));
  if (files.length === 0) {
    await core.recordings.markFailed(p.sessionId, 'no media was recorded');
    return { segments: 0 };
  }
  const key = path.join(recordingDir(p.sessionId), 'replay.mkv');
  const out = path.join(storageDir, key);
  const started = Date.now();
  let method: 'copy' | 'reencode';
  try {
    ({ method } = await concatSegments(files, out, { log }));
  } catch (err) {
    const deterministic = err instanceof ReplayBuildError && err.deterministic;
    const last = run.attempt >= run.attempts;
    const reason = (err as Error).message;
    log.error(
      { sessionId: p.sessionId, err: reason, deterministic, ...run, ms: Date.now() - started },
      'replay could not be built',
    );
    if (!deterministic && !last) throw err; // BullMQ tries again after its backoff
    await core.recordings.markFailed(p.sessionId, reason);
    return { segments: files.length, failed: reason };
  }
  const [durationS, sha256, info] = await Promise.all([probeDuration(out), sha256File(out), stat(out)]);
  await core.recordings.markReplay(p.sessionId, { key, sha256, bytes: info.size, durationS });
  log.info(
    { sessionId: p.sessionId, segments: files.length, method, durationS, ms: Date.now() - started },
    'replay ready',
  );
  return { segments: files.length, method, durationS };
}
