import type { Db, Tx } from '@seafarer/db';
import { appendAudit, type AuditInput } from '../audit/audit.repo';
import type { Clock } from './clock';
import type { Ctx } from './context';

/** Runs `fn` in one transaction. */
export const withTransaction = <T>(db: Db, fn: (tx: Tx) => Promise<T>): Promise<T> => db.transaction(fn);

/**
 * QM-1 / habit 8: a use-case's write and its audit event commit together or not at all.
 * `fn` does the write and says what to record.
 */
export function auditedWrite<T>(
  db: Db,
  clock: Clock,
  ctx: Pick<Ctx, 'actor' | 'requestId'>,
  fn: (tx: Tx) => Promise<{ result: T; audit: AuditInput }>,
): Promise<T> {
  return withTransaction(db, async (tx) => {
    const { result, audit } = await fn(tx);
    await appendAudit(tx, ctx, audit, clock.now());
    return result;
  });
}
