import { and, eq } from 'drizzle-orm';
import { accounts, notifications, outboundDeliveries, people, type Db } from '@seafarer/db';
import type { Clock } from '../shared/clock';
import { SIGNATURE_HEADER, signBody } from '../shared/hmac';

export interface OutboundMessage {
  notificationId: string;
  kind: string;
  title: { zh: string; en: string };
  body: { zh: string; en: string };
  data: unknown;
  createdAt: string;
  recipient: { accountId: string; username: string; displayName: string; email: string | null };
}

/** One way out of the platform (e-mail, webhook, later SMS). `applies` skips recipients it cannot reach. */
export interface OutboundChannel {
  name: string;
  applies(m: OutboundMessage): boolean;
  send(m: OutboundMessage): Promise<void>;
}

/** Signed webhook: POSTs the notification as JSON with the signature header (see shared/hmac). */
export function webhookChannel(url: string, secret: string, timeoutMs = 5000): OutboundChannel {
  return {
    name: 'webhook',
    applies: () => true,
    async send(m) {
      const body = JSON.stringify({ event: 'notification.created', ...m });
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', [SIGNATURE_HEADER]: signBody(secret, body) },
        body,
        signal: AbortSignal.timeout(timeoutMs),
      });
      if (!res.ok) throw new Error(`webhook answered ${res.status}`);
    },
  };
}

/**
 * Delivers one stored notification over every configured channel, once per channel: a retried job
 * skips the channels that already succeeded. With no channel configured nothing is sent.
 */
export function createOutboundDelivery(deps: { db: Db; clock: Clock; channels: OutboundChannel[] }) {
  const { db, clock, channels } = deps;
  return {
    channelNames: channels.map((c) => c.name),
    async deliver(notificationId: string): Promise<{ sent: string[]; skipped: string[] }> {
      const [row] = await db
        .select({
          n: notifications,
          username: accounts.username,
          displayName: people.displayName,
          email: people.email,
        })
        .from(notifications)
        .innerJoin(accounts, eq(accounts.id, notifications.accountId))
        .innerJoin(people, eq(people.id, accounts.personId))
        .where(eq(notifications.id, notificationId))
        .limit(1);
      if (!row) return { sent: [], skipped: channels.map((c) => c.name) };
      const m: OutboundMessage = {
        notificationId,
        kind: row.n.kind,
        title: { zh: row.n.titleZh, en: row.n.titleEn },
        body: { zh: row.n.bodyZh, en: row.n.bodyEn },
        data: row.n.data,
        createdAt: row.n.createdAt.toISOString(),
        recipient: {
          accountId: row.n.accountId,
          username: row.username,
          displayName: row.displayName,
          email: row.email,
        },
      };
      const sent: string[] = [];
      const skipped: string[] = [];
      const failures: string[] = [];
      for (const channel of channels) {
        const done = await db
          .select({ id: outboundDeliveries.id })
          .from(outboundDeliveries)
          .where(
            and(
              eq(outboundDeliveries.notificationId, notificationId),
              eq(outboundDeliveries.channel, channel.name),
              eq(outboundDeliveries.status, 'sent'),
            ),
          )
          .limit(1);
        if (done.length > 0 || !channel.applies(m)) {
          skipped.push(channel.name);
          continue;
        }
        try {
          await channel.send(m);
          await db.insert(outboundDeliveries).values({
            notificationId,
            channel: channel.name,
            status: 'sent',
            attempts: 1,
            sentAt: clock.now(),
          });
          sent.push(channel.name);
        } catch (e) {
          await db.insert(outboundDeliveries).values({
            notificationId,
            channel: channel.name,
            status: 'failed',
            attempts: 1,
            lastError: (e as Error).message.slice(0, 500),
          });
          failures.push(`${channel.name}: ${(e as Error).message}`);
        }
      }
      // Throwing makes BullMQ retry with backoff; the channels that succeeded are skipped next time.
      if (failures.length > 0) throw new Error(`delivery failed: ${failures.join('; ')}`);
      return { sent, skipped };
    },
  };
}
export type OutboundDelivery = ReturnType<typeof createOutboundDelivery>;
