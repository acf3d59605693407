import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { and, eq, ne } from 'drizzle-orm';
import type { RecordingManifest } from '@seafarer/contracts';
import { recordingReviews, recordings, type Db } from '@seafarer/db';
import { appendAudit } from '../audit/audit.repo';
import type { StoredPlan } from '../classes/class-view';
import * as classes from '../classes/classes.repo';
import { createNotificationService, type NotificationService } from '../notify/notifications.service';
import type { Clock } from '../shared/clock';
import type { Actor, Ctx } from '../shared/context';
import { AppError } from '../shared/errors';
import type { JobsDep } from '../shared/jobs';

export const REPLAY_URL_TTL_SECONDS = 300;

/** What a replay URL grants, once its signature, expiry and binding are checked. */
export interface ReplayGrant {
  sessionId: string;
  accountId: string;
  download: boolean;
}

const bindingHash = (secret: string) => createHash('sha256').update(secret).digest('base64url');
const sameText = (a: string, b: string) => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
};

/**
 * VC-2 / TM-4: recordings are kept with their manifest; a replay is reachable only through a short-lived
 * URL signed for one person, and every URL issued is audited. The URL is bound to the browser it was
 * issued to: issuing it also hands out a per-issue secret (the API sets it as an httpOnly cookie) whose
 * hash is in the signed token, so a copied link plays nowhere else.
 * `key` is the replay-URL key (`signingKeys(JWT_SECRET).replayUrl`, SEC-3).
 */
export function createRecordingService(deps: {
  db: Db;
  clock: Clock;
  jobs: JobsDep;
  key: Buffer;
  /** Where a failed replay is reported to the class managers; core's own when not given. */
  notifications?: NotificationService;
}) {
  const { db, clock, jobs } = deps;
  const notifications = deps.notifications ?? createNotificationService({ db, clock, jobs });
  const sign = (payload: string) => createHmac('sha256', deps.key).update(payload).digest('base64url');

  /** Signature and expiry only: which person and session the token names, or throws. */
  function verifySignature(token: string): ReplayGrant & { binding: string } {
    const parts = token.split('.');
    if (parts.length !== 6) throw new AppError('TOKEN_INVALID');
    const [sessionId, accountId, exp, binding, download, sig] = parts as [
      string,
      string,
      string,
      string,
      string,
      string,
    ];
    if (!sameText(sign(`${sessionId}.${accountId}.${exp}.${binding}.${download}`), sig))
      throw new AppError('TOKEN_INVALID');
    if (Number(exp) * 1000 < clock.now().getTime()) throw new AppError('TOKEN_EXPIRED');
    return { sessionId, accountId, binding, download: download === '1' };
  }

  return {
    /** Called by the live service when a session's recording stops; queues the replay file's making. */
    async saveManifest(m: RecordingManifest, ids: { classId: string; institutionId: string }) {
      // REL-2: the manifest and its post-processing job commit together.
      await db.transaction(async (tx) => {
        await tx
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
          tx,
          'recording.postprocess',
          { sessionId: m.sessionId },
          { jobId: `recording-postprocess:${m.sessionId}:${m.segments.length}` },
        );
      });
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

    /**
     * VC-2: the replay could not be built. The recording is marked failed with the reason, the failure
     * is audited, and the class managers (of the session's plan version) are notified, in-app and on
     * the outbound channels. The segments and the manifest are not touched: they are the evidence of
     * what was recorded. A recording already marked failed is left as it is.
     */
    async markFailed(sessionId: string, reason: string): Promise<{ notified: number }> {
      const ids = await db.transaction(async (tx) => {
        const [rec] = await tx
          .update(recordings)
          .set({ status: 'failed', error: reason, updatedAt: clock.now() })
          .where(and(eq(recordings.sessionId, sessionId), ne(recordings.status, 'failed')))
          .returning();
        if (!rec) return [];
        const session = await classes.findSession(tx, sessionId);
        const cls = await classes.findClass(tx, rec.classId);
        const version = session && (await classes.findVersion(tx, session.versionId));
        const managers = ((version?.plan as StoredPlan | undefined)?.managers ?? []).map((m) => m.accountId);
        const segments = (rec.manifest as RecordingManifest).segments.length;
        await appendAudit(
          tx,
          { actor: null, requestId: `recording.postprocess:${sessionId}` },
          {
            action: 'recording.replay_failed',
            targetType: 'class_session',
            targetId: sessionId,
            institutionId: rec.institutionId,
            data: { classId: rec.classId, reason, segments },
          },
          clock.now(),
        );
        const name = cls?.name ?? rec.classId;
        const seq = session?.seq ?? '?';
        return notifications.notify(tx, managers, {
          kind: 'recording.failed',
          title: {
            zh: `${name} 第 ${seq} 次课的回放生成失败`,
            en: `${name}: the replay of session ${seq} could not be built`,
          },
          body: {
            zh: `原因：${reason}。录制分段和清单已原样保留，可作为证据。`,
            en: `Reason: ${reason}. The recorded segments and the manifest are kept as they are, as the evidence.`,
          },
          data: { classId: rec.classId, sessionId, reason },
          dedupeKey: `recording-failed:${sessionId}:${segments}`,
        });
      });
      return { notified: ids.length };
    },

    /** Staff and officers of the class, and trainees on its roster, get a five-minute URL for themselves. */
    async replayUrl(ctx: Ctx & { actor: Actor }, classId: string, sessionId: string) {
      const session = await classes.findSession(db, sessionId);
      if (!session || session.classId !== classId) throw new AppError('NOT_FOUND');
      const rec = await this.get(sessionId);
      if (rec?.status === 'failed')
        throw new AppError('PRECONDITION_FAILED', {
          message: {
            zh: `回放生成失败：${rec.error ?? ''}`,
            en: `The replay could not be built: ${rec.error ?? ''}`,
          },
          details: { status: 'failed', reason: rec.error },
        });
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
      // The per-issue secret never enters the URL; only its hash is signed into it.
      const binding = randomBytes(32).toString('base64url');
      const payload = `${sessionId}.${a.accountId}.${exp}.${bindingHash(binding)}.${download}`;
      await db.transaction(async (tx) => {
        // TM-6: an officer opening a replay is a recording review, logged (recording_reviews) with it.
        if (a.roles.includes('maritime_officer'))
          await tx
            .insert(recordingReviews)
            .values({ sessionId, classId, reviewerId: a.accountId, reviewedAt: clock.now() });
        await appendAudit(
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
        );
      });
      return {
        url: `/replay/${payload}.${sign(payload)}`,
        expiresAt: new Date(exp * 1000).toISOString(),
        durationS: rec.replayDurationS,
        sha256: rec.replaySha256,
        /** For the issuing browser only (an httpOnly cookie), never for the page or the URL. */
        binding,
        ttlSeconds: REPLAY_URL_TTL_SECONDS,
      };
    },

    /**
     * TM-4: opens a replay URL for the browser presenting `binding` (the cookie set when it was issued).
     * A valid, unexpired token presented without its binding (a link copied to another browser or
     * person) is refused with REPLAY_NOT_YOURS and the refusal audited against the account it names.
     */
    async openReplay(
      ctx: Pick<Ctx, 'requestId'>,
      token: string,
      binding: string | undefined,
    ): Promise<ReplayGrant & { replayKey: string }> {
      const grant = verifySignature(token);
      const rec = await this.get(grant.sessionId);
      if (!rec?.replayKey) throw new AppError('NOT_FOUND');
      if (binding === undefined || !sameText(bindingHash(binding), grant.binding)) {
        await db.transaction((tx) =>
          appendAudit(
            tx,
            { actor: null, requestId: ctx.requestId },
            {
              action: 'recording.replay_refused',
              targetType: 'class_session',
              targetId: grant.sessionId,
              institutionId: rec.institutionId,
              data: {
                classId: rec.classId,
                issuedTo: grant.accountId,
                reason: binding === undefined ? 'no_binding' : 'other_binding',
              },
            },
            clock.now(),
          ),
        );
        throw new AppError('REPLAY_NOT_YOURS');
      }
      return {
        sessionId: grant.sessionId,
        accountId: grant.accountId,
        download: grant.download,
        replayKey: rec.replayKey,
      };
    },
  };
}
export type RecordingService = ReturnType<typeof createRecordingService>;
