import type { LocalizedText } from '@seafarer/contracts';
import type { Tx } from '@seafarer/db';
import { jurisdictionCovers } from '../authz/scope';
import type { NotificationService } from '../notify/notifications.service';
import * as repo from './classes.repo';

/**
 * JS-16 / VC-4: every active officer whose jurisdiction covers the class's institution is told of a new
 * filing, in the app and over the configured channels (notify queues the delivery in the same transaction).
 */
export async function notifyOfficers(
  notifications: NotificationService,
  tx: Tx,
  c: repo.ClassRow,
  what: {
    kind: string;
    title: LocalizedText;
    body: LocalizedText;
    data: Record<string, unknown>;
    dedupeKey: string;
  },
): Promise<string[]> {
  const path = await repo.institutionJurisdictionPath(tx, c.institutionId);
  if (!path) return [];
  const officers = (await repo.activeOfficers(tx)).filter((o) => jurisdictionCovers(o.path, path));
  return notifications.notify(
    tx,
    officers.map((o) => o.id),
    { ...what, data: { classId: c.id, institutionId: c.institutionId, ...what.data } },
  );
}
