import { and, asc, eq, isNull, lte, sql } from 'drizzle-orm';
import type { JobName, JobPayloads } from '@seafarer/contracts';
import { jobOutbox, type Db, type Tx } from '@seafarer/db';
import type { Clock } from './clock';
import { isInfrastructureOutage } from './errors';

/**
 * What a use-case may ask of the job system (REL-2): a job is written to the outbox in the use-case's
 * own transaction, so it exists exactly when the write it belongs to committed; the worker's relay
 * moves it to BullMQ. `jobId` is the job's domain key (BullMQ's jobId), so scheduling the same thing
 * twice is harmless. `runAt` is when it should run (absent: at once); the delay is computed from it
 * when the row is relayed, so a job relayed late still runs at its time.
 */
export interface JobOutbox {
  enqueue<N extends JobName>(
    tx: Tx,
    name: N,
    payload: JobPayloads[N],
    opts: { jobId: string; runAt?: Date },
  ): Promise<void>;
}
/** The narrow dependency services take (habit: deps narrowed by Pick<>). */
export type JobsDep = Pick<JobOutbox, 'enqueue'>;

/** The outbox of @seafarer/db's `job_outbox` table, for the jobs of `queue` (QUEUE_PREFIX). */
export function createJobOutbox(deps: { clock: Clock; queue: string }): JobOutbox {
  return {
    async enqueue(tx, name, payload, opts) {
      await tx.insert(jobOutbox).values({
        queue: deps.queue,
        name,
        jobKey: opts.jobId,
        payload,
        runAt: opts.runAt ?? null,
        createdAt: deps.clock.now(),
        // Due for the relay at once, by the database's clock: the use-case's clock may be a test's or
        // history's (the demo seed), while the relay and BullMQ run on real time.
        nextAttemptAt: sql`now()`,
      });
    },
  };
}

/** The relay's way into the queue: resolves once Redis holds the job (an existing jobId is a no-op). */
export type PublishJob = (
  name: JobName,
  payload: JobPayloads[JobName],
  opts: { jobId: string; delayMs: number },
) => Promise<void>;

export interface RelayBatchResult {
  /** Rows handed to the queue and marked relayed in this batch. */
  relayed: number;
  /** Redis (or the queue) could not be reached: the batch stopped, its rows stay pending. */
  outage?: unknown;
  /** Rows that failed for another reason (backed off on their own, the rest carried on). */
  failed: number;
}

/** A row that failed for a reason other than an outage waits 2^attempts seconds, at most an hour. */
const rowBackoffMs = (attempts: number) => Math.min(2 ** attempts * 1000, 3600_000);

/**
 * REL-2: moves up to `limit` due outbox rows to the queue and marks them relayed, in one transaction.
 * Rows are claimed FOR UPDATE SKIP LOCKED, so several relays (worker replicas) never take the same row
 * at once; a row is marked only after the queue has it, so an outage never loses one, and a row
 * published twice (a publish that timed out but arrived) is one job because the jobId is its key.
 */
export async function relayOutboxBatch(deps: {
  db: Db;
  clock: Clock;
  /** Only this queue's rows (QUEUE_PREFIX). */
  queue: string;
  publish: PublishJob;
  limit?: number;
}): Promise<RelayBatchResult> {
  const { db, clock, publish } = deps;
  return db.transaction(async (tx) => {
    const rows = await tx
      .select()
      .from(jobOutbox)
      .where(
        and(
          eq(jobOutbox.queue, deps.queue),
          isNull(jobOutbox.relayedAt),
          lte(jobOutbox.nextAttemptAt, clock.now()),
        ),
      )
      .orderBy(asc(jobOutbox.nextAttemptAt), asc(jobOutbox.createdAt))
      .limit(deps.limit ?? 100)
      .for('update', { skipLocked: true });
    const out: RelayBatchResult = { relayed: 0, failed: 0 };
    for (const row of rows) {
      const now = clock.now();
      try {
        await publish(row.name as JobName, row.payload as JobPayloads[JobName], {
          jobId: row.jobKey,
          delayMs: row.runAt ? Math.max(0, row.runAt.getTime() - now.getTime()) : 0,
        });
      } catch (e) {
        const outage = isInfrastructureOutage(e) || (e as Error).name === 'TimeoutError';
        await tx
          .update(jobOutbox)
          .set({
            attempts: sql`${jobOutbox.attempts} + 1`,
            lastError: String((e as Error).message ?? e).slice(0, 500),
            // An outage is paced by the relay loop; a row that is itself the problem waits alone.
            nextAttemptAt: outage ? now : new Date(now.getTime() + rowBackoffMs(row.attempts + 1)),
          })
          .where(eq(jobOutbox.id, row.id));
        if (outage) return { ...out, outage: e };
        out.failed += 1;
        continue;
      }
      await tx.update(jobOutbox).set({ relayedAt: now, lastError: null }).where(eq(jobOutbox.id, row.id));
      out.relayed += 1;
    }
    return out;
  });
}
