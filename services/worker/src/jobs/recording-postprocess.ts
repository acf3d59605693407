import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from 'pino';
import type { JobPayloads, RecordingManifest } from '@seafarer/contracts';
import type { Core } from '@seafarer/core';
import { concatSegments, probeDuration, sha256File } from '@seafarer/media';

/** Where a session's recording lives, relative to STORAGE_DIR (the live service writes it there). */
export const recordingDir = (sessionId: string) => path.join('recordings', sessionId);

/**
 * VC-2: makes the session's one replay file from its segments, and records its size, SHA-256 and
 * duration. Idempotent: a retry rebuilds the same file from the same segments.
 */
export async function recordingPostprocessJob(
  core: Core,
  storageDir: string,
  p: JobPayloads['recording.postprocess'],
  log: Logger,
) {
  const rec = await core.recordings.get(p.sessionId);
  if (!rec) return { skipped: 'no recording' };
  const m = rec.manifest as RecordingManifest;
  const dir = path.join(storageDir, recordingDir(p.sessionId));
  const files = m.segments
    .filter((s) => s.bytes > 0)
    .map((s) => (path.isAbsolute(s.file) ? s.file : path.join(dir, s.file)));
  if (files.length === 0) {
    await core.recordings.markReplay(p.sessionId, { error: 'no media was recorded' });
    return { segments: 0 };
  }
  const key = path.join(recordingDir(p.sessionId), 'replay.mkv');
  const out = path.join(storageDir, key);
  const { method } = await concatSegments(files, out, { log });
  const [durationS, sha256, info] = await Promise.all([probeDuration(out), sha256File(out), stat(out)]);
  await core.recordings.markReplay(p.sessionId, { key, sha256, bytes: info.size, durationS });
  log.info({ sessionId: p.sessionId, segments: files.length, method, durationS }, 'replay ready');
  return { segments: files.length, method, durationS };
}
