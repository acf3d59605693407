import { pgTable, uuid, text, timestamp, jsonb, integer, index } from 'drizzle-orm/pg-core';
import { sql } from 'drizzle-orm';

/**
 * REL-2: the transactional outbox of the job queue. A use-case writes its job here in its own
 * transaction, so the job exists exactly when the write it belongs to committed; the worker's relay
 * moves pending rows to BullMQ (jobId = `job_key`, the job's domain key) and marks them relayed. A row
 * is never deleted by the relay, so what was scheduled stays visible.
 */
export const jobOutbox = pgTable(
  'job_outbox',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    /**
     * The queue (QUEUE_PREFIX) the job belongs to: deployments and test runs that share one database
     * relay only their own rows, as they see only their own jobs in a shared Redis.
     */
    queue: text('queue').notNull(),
    /** A JobName of @seafarer/contracts' JobPayloadSchemas. */
    name: text('name').notNull(),
    /** The job's domain key (e.g. `session-reminder:<sessionId>`): BullMQ's jobId, so a re-relay is harmless. */
    jobKey: text('job_key').notNull(),
    payload: jsonb('payload').notNull(),
    /** When the job is meant to run; null means at once. The delay is computed from it at relay time. */
    runAt: timestamp('run_at', { withTimezone: true, precision: 3 }),
    createdAt: timestamp('created_at', { withTimezone: true, precision: 3 }).notNull(),
    /** Set once BullMQ has the job; null while pending. */
    relayedAt: timestamp('relayed_at', { withTimezone: true, precision: 3 }),
    /** Failed relay attempts (Redis unreachable) and the last error, for operators. */
    attempts: integer('attempts').notNull().default(0),
    lastError: text('last_error'),
    /** A pending row is not tried again before this (the relay's backoff). */
    nextAttemptAt: timestamp('next_attempt_at', { withTimezone: true, precision: 3 }).notNull(),
  },
  (t) => [
    index('job_outbox_pending_idx')
      .on(t.queue, t.nextAttemptAt)
      .where(sql`${t.relayedAt} is null`),
    index('job_outbox_key_idx').on(t.jobKey),
  ],
);
