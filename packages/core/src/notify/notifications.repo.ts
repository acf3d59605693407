import { and, desc, eq, isNull } from 'drizzle-orm';
import { notifications, type DbOrTx } from '@seafarer/db';

export async function insertNotifications(db: DbOrTx, rows: Array<typeof notifications.$inferInsert>) {
  if (rows.length === 0) return [];
  return db
    .insert(notifications)
    .values(rows)
    .onConflictDoNothing()
    .returning({ id: notifications.id, accountId: notifications.accountId });
}

export const listForAccount = (db: DbOrTx, accountId: string, unreadOnly: boolean, limit: number) =>
  db
    .select()
    .from(notifications)
    .where(
      unreadOnly
        ? and(eq(notifications.accountId, accountId), isNull(notifications.readAt))
        : eq(notifications.accountId, accountId),
    )
    .orderBy(desc(notifications.createdAt))
    .limit(limit);

export async function markRead(db: DbOrTx, id: string, accountId: string, at: Date) {
  const [row] = await db
    .update(notifications)
    .set({ readAt: at })
    .where(and(eq(notifications.id, id), eq(notifications.accountId, accountId)))
    .returning({ id: notifications.id });
  return row;
}

export const findNotification = async (db: DbOrTx, id: string) =>
  (await db.select().from(notifications).where(eq(notifications.id, id)).limit(1))[0];
