import { Queue, Worker, type ConnectionOptions, type Job } from 'bullmq';
import { JOBS_QUEUE, type JobName, type JobPayloads } from '@seafarer/contracts';
import { withTimeout, type RedisWatch } from './redis';

export * from './redis';
export * from './process-policy';

export interface QueueOptions {
  redisUrl: string;
  /** Redis key prefix; lets test runs and deployments share one Redis without seeing each other's jobs. */
  prefix: string;
  /** Where the queue's connections report outages (an 'error' listener is attached either way). */
  watch?: RedisWatch;
}

const connectionOf = (url: string): ConnectionOptions => ({ url, maxRetriesPerRequest: null });

type AnyPayload = JobPayloads[JobName];

/** BullMQ refuses ':' in custom job ids; our domain keys use it. */
export const bullJobId = (key: string) => key.replace(/:/g, '_');

/** A queue.add that has not answered in this long counts as Redis being away (the relay retries). */
export const PUBLISH_TIMEOUT_MS = 3000;

/**
 * The producer side: the worker's outbox relay publishes through it (REL-2; use-cases never call it).
 * jobIds are domain keys, so publishing a job again is harmless: BullMQ keeps the one it has.
 */
export function createJobQueue(opts: QueueOptions) {
  const queue = new Queue<AnyPayload, unknown, JobName>(JOBS_QUEUE, {
    connection: connectionOf(opts.redisUrl),
    prefix: opts.prefix,
  });
  if (opts.watch) opts.watch.bull(queue, 'queue');
  else queue.on('error', () => undefined);
  return {
    queue,
    async publish<N extends JobName>(
      name: N,
      payload: JobPayloads[N],
      o: { jobId: string; delayMs?: number },
    ): Promise<void> {
      await withTimeout(
        queue.add(name, payload, {
          jobId: bullJobId(o.jobId),
          delay: o.delayMs ?? 0,
          attempts: 5,
          backoff: { type: 'exponential', delay: 2000 },
          removeOnComplete: { age: 7 * 24 * 3600 },
          removeOnFail: false,
        }),
        PUBLISH_TIMEOUT_MS,
        `queue.add ${name}`,
      );
    },
    close: () => queue.close(),
  };
}
export type JobQueueAdapter = ReturnType<typeof createJobQueue>;

export type Processors = { [N in JobName]: (payload: JobPayloads[N], job: Job) => Promise<unknown> };

/** Runs one processor per job name; an error makes BullMQ retry with backoff. */
export function createJobWorker(opts: QueueOptions & { concurrency?: number }, processors: Processors) {
  const worker = new Worker<AnyPayload, unknown, JobName>(
    JOBS_QUEUE,
    async (job) => {
      const run = processors[job.name] as (p: AnyPayload, j: Job) => Promise<unknown>;
      return run(job.data, job);
    },
    { connection: connectionOf(opts.redisUrl), prefix: opts.prefix, concurrency: opts.concurrency ?? 4 },
  );
  if (opts.watch) opts.watch.bull(worker, 'worker');
  else worker.on('error', () => undefined);
  return worker;
}
