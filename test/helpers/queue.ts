import { relayOutboxBatch, systemClock, type RelayBatchResult } from '@seafarer/core';
import type { Db } from '@seafarer/db';
import { createJobQueue, createRedisWatch, type JobQueueAdapter } from '@seafarer/queue';
import pino from 'pino';

export interface TestJobQueue {
  /** BullMQ's queue of the app's QUEUE_PREFIX (getJob, getJobs, getJobCounts …). */
  queue: JobQueueAdapter['queue'];
  /** One batch of the worker's outbox relay (REL-2): what the app wrote to the outbox reaches the queue. */
  relayOnce(): Promise<RelayBatchResult>;
  /** Relays until the outbox of this queue is empty. */
  relayAll(): Promise<number>;
  close(): Promise<void>;
}

/** The job queue a test app (or classroom) writes to, with the worker's relay at hand. */
export function openJobQueue(db: Db, config: { REDIS_URL: string; QUEUE_PREFIX: string }): TestJobQueue {
  const producer = createJobQueue({
    redisUrl: config.REDIS_URL,
    prefix: config.QUEUE_PREFIX,
    watch: createRedisWatch(pino({ level: 'silent' })),
  });
  const relayOnce = () =>
    relayOutboxBatch({ db, clock: systemClock, queue: config.QUEUE_PREFIX, publish: producer.publish });
  return {
    queue: producer.queue,
    relayOnce,
    async relayAll() {
      let n = 0;
      for (;;) {
        const r = await relayOnce();
        if (r.outage) throw r.outage;
        n += r.relayed;
        if (r.relayed === 0) return n;
      }
    },
    close: () => producer.close(),
  };
}
