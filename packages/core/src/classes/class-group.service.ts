import type { Db } from '@seafarer/db';
import type { Clock } from '../shared/clock';
import type { Actor, Ctx } from '../shared/context';
import { AppError } from '../shared/errors';
import { auditedWrite } from '../shared/tx';
import * as repo from './classes.repo';

/** JS-12: the class contact group, open before and between sessions. */
export function createClassGroupService(deps: { db: Db; clock: Clock }) {
  const { db, clock } = deps;
  const view = (
    m: { id: string; authorAccountId: string; body: string; createdAt: Date },
    name: string,
    roles: string[],
  ) => ({
    id: m.id,
    authorAccountId: m.authorAccountId,
    authorName: name,
    authorRoles: roles,
    body: m.body,
    createdAt: m.createdAt.toISOString(),
  });
  return {
    async post(ctx: Ctx & { actor: Actor }, classId: string, body: string) {
      const text = body.trim();
      if (!text) throw new AppError('VALIDATION', { details: { field: 'body' } });
      return auditedWrite(db, clock, ctx, async (tx) => {
        const c = await repo.findClass(tx, classId);
        if (!c) throw new AppError('NOT_FOUND');
        const m = await repo.insertMessage(tx, {
          classId,
          authorAccountId: ctx.actor.accountId,
          body: text,
          createdAt: clock.now(),
        });
        return {
          result: view(m, ctx.actor.displayName, ctx.actor.roles),
          audit: {
            action: 'class_group.message_posted',
            targetType: 'class',
            targetId: classId,
            institutionId: c.institutionId,
            data: { messageId: m.id, length: text.length },
          },
        };
      });
    },
    async list(classId: string, limit = 100) {
      const rows = await repo.listMessages(db, classId, limit);
      return rows.reverse().map((r) => view(r.m, r.name, r.roles));
    },
  };
}
