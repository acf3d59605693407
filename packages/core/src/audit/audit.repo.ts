import { randomUUID } from 'node:crypto';
import { and, asc, desc, eq, gt, lt, sql } from 'drizzle-orm';
import { auditEvents, type DbOrTx, type Tx } from '@seafarer/db';
import type { Ctx } from '../shared/context';
import { chainHash, GENESIS_HASH, type ChainRow } from './audit-chain';

export interface AuditInput {
  action: string;
  targetType: string;
  targetId?: string | null;
  institutionId?: string | null;
  jurisdictionId?: string | null;
  data?: Record<string, unknown>;
}

// One advisory lock serialises appends so each row links to the one committed before it.
// Held only until the surrounding transaction ends.
const AUDIT_LOCK_KEY = 7_274_001;

/** QM-1: appends one hash-chained event inside the caller's transaction. */
export async function appendAudit(
  tx: Tx,
  ctx: Pick<Ctx, 'actor' | 'requestId'>,
  input: AuditInput,
  at: Date,
): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock(${AUDIT_LOCK_KEY})`);
  const [last] = await tx
    .select({ hash: auditEvents.hash })
    .from(auditEvents)
    .orderBy(desc(auditEvents.seq))
    .limit(1);
  const fields = {
    id: randomUUID(),
    at: new Date(Math.floor(at.getTime())),
    actorAccountId: ctx.actor?.accountId ?? null,
    actorRoles: ctx.actor?.roles ?? [],
    action: input.action,
    targetType: input.targetType,
    targetId: input.targetId ?? null,
    institutionId: input.institutionId ?? null,
    jurisdictionId: input.jurisdictionId ?? null,
    requestId: ctx.requestId ?? null,
    data: input.data ?? {},
    prevHash: last?.hash ?? GENESIS_HASH,
  };
  await tx.insert(auditEvents).values({ ...fields, hash: chainHash(fields) });
}

export async function readChainBatch(db: DbOrTx, afterSeq: number, limit: number): Promise<ChainRow[]> {
  const rows = await db
    .select()
    .from(auditEvents)
    .where(gt(auditEvents.seq, afterSeq))
    .orderBy(asc(auditEvents.seq))
    .limit(limit);
  return rows.map((r) => ({ ...r, data: r.data as unknown }));
}

export async function listAuditEvents(
  db: DbOrTx,
  q: { institutionId: string; action?: string; beforeSeq?: number; limit: number },
) {
  const conds = [eq(auditEvents.institutionId, q.institutionId)];
  if (q.action) conds.push(eq(auditEvents.action, q.action));
  if (q.beforeSeq) conds.push(lt(auditEvents.seq, q.beforeSeq));
  return db
    .select()
    .from(auditEvents)
    .where(and(...conds))
    .orderBy(desc(auditEvents.seq))
    .limit(q.limit);
}
