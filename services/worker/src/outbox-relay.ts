import type { Logger } from 'pino';
import { relayOutboxBatch, type Clock, type PublishJob, type RelayBatchResult } from '@seafarer/core';
import type { Db } from '@seafarer/db';

export interface OutboxRelayOptions {
  db: Db;
  clock: Clock;
  /** The queue (QUEUE_PREFIX) whose rows this relay moves. */
  queue: string;
  publish: PublishJob;
  log: Logger;
  /** Pause between polls while there is nothing to relay. */
  idleMs?: number;
  /** First and longest pause after an outage (doubling in between). */
  backoffMs?: { min: number; max: number };
  batch?: number;
}

export interface OutboxRelay {
  /** One batch now (tests; the loop calls the same). */
  relayOnce(): Promise<RelayBatchResult>;
  /** True while the last batch could not reach Redis or PostgreSQL. */
  readonly outage: boolean;
  close(): Promise<void>;
}

/**
 * REL-2: the worker's outbox relay. Polls the job_outbox table, publishes due rows to BullMQ (jobId =
 * domain key) and marks them relayed; while Redis or PostgreSQL is unreachable it retries with a
 * doubling pause and logs once when the outage starts and once when it ends. Several relays may run
 * (rows are claimed FOR UPDATE SKIP LOCKED).
 */
export function startOutboxRelay(opts: OutboxRelayOptions): OutboxRelay {
  const idleMs = opts.idleMs ?? 250;
  const { min, max } = opts.backoffMs ?? { min: 500, max: 8000 };
  const log = opts.log.child({ component: 'outbox-relay', queue: opts.queue });
  let stopped = false;
  let outage = false;
  let pause = 0;
  let wake: (() => void) | null = null;
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(() => ((wake = null), resolve()), ms);
      wake = () => (clearTimeout(timer), (wake = null), resolve());
    });

  const relayOnce = () =>
    relayOutboxBatch({
      db: opts.db,
      clock: opts.clock,
      queue: opts.queue,
      publish: opts.publish,
      limit: opts.batch ?? 100,
    });

  async function step(): Promise<number> {
    let r: RelayBatchResult;
    try {
      r = await relayOnce();
    } catch (err) {
      // PostgreSQL unreachable (or the batch's transaction failed): nothing was marked, retry later.
      r = { relayed: 0, failed: 0, outage: err };
    }
    if (r.outage) {
      if (!outage) log.warn({ err: r.outage }, 'outbox relay: queue unreachable; jobs stay in the outbox');
      outage = true;
      pause = Math.min(Math.max(pause * 2, min), max);
      return pause;
    }
    if (outage) log.info({ relayed: r.relayed }, 'outbox relay: queue reachable again');
    outage = false;
    pause = 0;
    if (r.relayed > 0) log.debug({ relayed: r.relayed, failed: r.failed }, 'outbox relayed');
    // A full batch: more may be waiting.
    return r.relayed + r.failed >= (opts.batch ?? 100) ? 0 : idleMs;
  }

  const loop = (async () => {
    while (!stopped) {
      const next = await step();
      if (!stopped && next > 0) await sleep(next);
    }
  })();

  return {
    relayOnce,
    get outage() {
      return outage;
    },
    async close() {
      stopped = true;
      wake?.();
      await loop;
    },
  };
}
