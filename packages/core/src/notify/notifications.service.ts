import type { LocalizedText, NotificationView } from '@seafarer/contracts';
import type { Db, Tx } from '@seafarer/db';
import type { Clock } from '../shared/clock';
import type { Actor, Ctx } from '../shared/context';
import { AppError } from '../shared/errors';
import type { JobsDep } from '../shared/jobs';
import * as repo from './notifications.repo';

export interface NewNotification {
  kind: string;
  title: LocalizedText;
  body: LocalizedText;
  data?: Record<string, unknown>;
  /** Domain key: the same key for the same account is stored once (retries are harmless). */
  dedupeKey: string;
}

/** In-app notification centre; each new notification is also queued for the configured outbound channels. */
export function createNotificationService(deps: { db: Db; clock: Clock; jobs: JobsDep }) {
  const { db, clock, jobs } = deps;
  return {
    /**
     * Stores notifications in the caller's transaction and returns their ids; their outbound delivery
     * is queued in the same transaction (REL-2: no notification is stored without its delivery job).
     */
    async notify(tx: Tx, accountIds: string[], n: NewNotification): Promise<string[]> {
      const rows = await repo.insertNotifications(
        tx,
        [...new Set(accountIds)].map((accountId) => ({
          accountId,
          kind: n.kind,
          titleZh: n.title.zh,
          titleEn: n.title.en,
          bodyZh: n.body.zh,
          bodyEn: n.body.en,
          data: n.data ?? {},
          dedupeKey: n.dedupeKey,
          createdAt: clock.now(),
        })),
      );
      for (const { id: notificationId } of rows)
        await jobs.enqueue(
          tx,
          'notification.deliver',
          { notificationId },
          { jobId: `deliver:${notificationId}` },
        );
      return rows.map((r) => r.id);
    },

    async list(
      ctx: Ctx & { actor: Actor },
      q: { unreadOnly?: boolean; limit?: number },
    ): Promise<NotificationView[]> {
      const rows = await repo.listForAccount(db, ctx.actor.accountId, q.unreadOnly ?? false, q.limit ?? 50);
      return rows.map((r) => ({
        id: r.id,
        kind: r.kind,
        title: { zh: r.titleZh, en: r.titleEn },
        body: { zh: r.bodyZh, en: r.bodyEn },
        data: r.data,
        createdAt: r.createdAt.toISOString(),
        readAt: r.readAt?.toISOString() ?? null,
      }));
    },

    async markRead(ctx: Ctx & { actor: Actor }, id: string): Promise<void> {
      // Reading one's own notification is not a quality-relevant write; it is not audited.
      if (!(await repo.markRead(db, id, ctx.actor.accountId, clock.now()))) throw new AppError('NOT_FOUND');
    },
  };
}
export type NotificationService = ReturnType<typeof createNotificationService>;
