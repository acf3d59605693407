import { createHmac, timingSafeEqual } from 'node:crypto';
import { eq } from 'drizzle-orm';
import type { RecordingManifest } from '@seafarer/contracts';
import { recordings, type Db } from '@seafarer/db';
import { appendAudit } from '../audit/audit.repo';
import * as classes from '../classes/classes.repo';
import type { Clock } from '../shared/clock';
import type { Actor, Ctx } from '../shared/context';
import { AppError } from '../shared/errors';
import type { JobQueue } from '../shared/jobs';

export const REPLAY_URL_TTL_SECONDS = 300;

/**
 * VC-2 / TM-4: recordings are kept with their manifest; a replay is reachable only through a short-lived
 * URL signed for one person, and every URL issued is audited.
 */
export function createRecordingService(deps: { db: Db; clock: Clock; jobs: JobQueue; secret: string }) {
  const { db, clock, jobs } = deps;
  const key = createHmac('sha256', deps.secret).update('replay-url').digest();
  const sign = (payload: string) => createHmac('sha256', key).update(payload).digest('base64url');

  return {
    /** Called by the live service when a session's recording stops; queues the replay file's making. */
    async saveManifest(m: RecordingManifest, ids: { classId: string; institutionId: string }) {
      await db
        .insert(recordings)
        .values({
          sessionId: m.sessionId,
          classId: ids.classId,
          institutionId: ids.institutionId,
          status: 'processing',
          manifest: m,
          updatedAt: clock.now(),
        })
        .onConflictDoUpdate({
          target: recordings.sessionId,
          set: { manifest: m, status: 'processing', updatedAt: clock.now() },
        });
      await jobs.enqueue(
        'recording.postprocess',
        { sessionId: m.sessionId },
        { jobId: `recording-postprocess:${m.sessionId}:${m.segments.length}` },
      );
    },

    async get(sessionId: string) {
      return (await db.select().from(recordings).where(eq(recordings.sessionId, sessionId)).limit(1))[0];
    },

    async markReplay(
      sessionId: string,
      r: { key: string; sha256: string; bytes: number; durationS: number } | { error: string },
    ) {
      await db
        .update(recordings)
        .set(
          'error' in r
            ? { status: 'failed', error: r.error, updatedAt: clock.now() }
            : {
                status: 'ready',
                replayKey: r.key,
                replaySha256: r.sha256,
                replayBytes: r.bytes,
                replayDurationS: r.durationS,
                error: null,
                updatedAt: clock.now(),
              },
        )
        .where(eq(recordings.sessionId, sessionId));
    },

    /** Staff and officers of the class, and trainees on its roster, get a five-minute URL for themselves. */
    async replayUrl(ctx: Ctx & { actor: Actor }, classId: string, sessionId: string) {
      const session = await classes.findSession(db, sessionId);
      if (!session || session.classId !== classId) throw new AppError('NOT_FOUND');
      const rec = await this.get(sessionId);
      if (!rec || rec.status !== 'ready')
        throw new AppError('PRECONDITION_FAILED', {
          message: { zh: '回放文件尚未生成', en: 'The replay is not ready yet' },
        });
      const a = ctx.actor;
      if (
        a.roles.length === 1 &&
        a.roles[0] === 'trainee' &&
        !(await classes.isOnRoster(db, classId, a.accountId))
      )
        throw new AppError('NOT_FOUND');
      const exp = Math.floor(clock.now().getTime() / 1000) + REPLAY_URL_TTL_SECONDS;
      // Trainees may watch, not download (TM-4); staff may download for the archive.
      const download = !a.roles.every((r) => r === 'trainee') ? 1 : 0;
      const payload = `${sessionId}.${a.accountId}.${exp}.${download}`;
      await db.transaction((tx) =>
        appendAudit(
          tx,
          ctx,
          {
            action: 'recording.replay_url_issued',
            targetType: 'class_session',
            targetId: sessionId,
            institutionId: rec.institutionId,
            data: { classId, download: !!download },
          },
          clock.now(),
        ),
      );
      return {
        url: `/replay/${payload}.${sign(payload)}`,
        expiresAt: new Date(exp * 1000).toISOString(),
        durationS: rec.replayDurationS,
        sha256: rec.replaySha256,
      };
    },

    /** Checks a replay URL token; returns what it grants, or throws. */
    verifyReplayToken(token: string): { sessionId: string; accountId: string; download: boolean } {
      const parts = token.split('.');
      if (parts.length !== 5) throw new AppError('TOKEN_INVALID');
      const [sessionId, accountId, exp, download, sig] = parts as [string, string, string, string, string];
      const expected = Buffer.from(sign(`${sessionId}.${accountId}.${exp}.${download}`));
      const given = Buffer.from(sig);
      if (expected.length !== given.length || !timingSafeEqual(expected, given))
        throw new AppError('TOKEN_INVALID');
      if (Number(exp) * 1000 < clock.now().getTime()) throw new AppError('TOKEN_EXPIRED');
      return { sessionId, accountId, download: download === '1' };
    },
  };
}
export type RecordingService = ReturnType<typeof createRecordingService>;
