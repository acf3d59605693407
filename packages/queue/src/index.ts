import { Queue, Worker, type ConnectionOptions, type Job } from 'bullmq';
import { JOBS_QUEUE, type JobName, type JobPayloads } from '@seafarer/contracts';

export interface QueueOptions {
  redisUrl: string;
  /** Redis key prefix; lets test runs and deployments share one Redis without seeing each other's jobs. */
  prefix: string;
}

const connectionOf = (url: string): ConnectionOptions => ({ url, maxRetriesPerRequest: null });

type AnyPayload = JobPayloads[JobName];

/** The producer side of core's JobQueue port. jobIds are domain keys, so re-enqueueing is harmless. */
export function createJobQueue(opts: QueueOptions) {
  const queue = new Queue<AnyPayload, unknown, JobName>(JOBS_QUEUE, {
    connection: connectionOf(opts.redisUrl),
    prefix: opts.prefix,
  });
  return {
    queue,
    async enqueue<N extends JobName>(
      name: N,
      payload: JobPayloads[N],
      o: { jobId: string; delayMs?: number },
    ): Promise<void> {
      await queue.add(name, payload, {
        jobId: o.jobId.replace(/:/g, '_'),
        delay: o.delayMs ?? 0,
        attempts: 5,
        backoff: { type: 'exponential', delay: 2000 },
        removeOnComplete: { age: 7 * 24 * 3600 },
        removeOnFail: false,
      });
    },
    close: () => queue.close(),
  };
}
export type JobQueueAdapter = ReturnType<typeof createJobQueue>;

export type Processors = { [N in JobName]: (payload: JobPayloads[N], job: Job) => Promise<unknown> };

/** Runs one processor per job name; an error makes BullMQ retry with backoff. */
export function createJobWorker(opts: QueueOptions & { concurrency?: number }, processors: Processors) {
  return new Worker<AnyPayload, unknown, JobName>(
    JOBS_QUEUE,
    async (job) => {
      const run = processors[job.name] as (p: AnyPayload, j: Job) => Promise<unknown>;
      return run(job.data, job);
    },
    { connection: connectionOf(opts.redisUrl), prefix: opts.prefix, concurrency: opts.concurrency ?? 4 },
  );
}
