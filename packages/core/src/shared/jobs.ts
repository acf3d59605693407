import type { JobName, JobPayloads } from '@seafarer/contracts';

/**
 * What a use-case may ask of the job system. services/ implement it with BullMQ; the jobId is a domain
 * key, so enqueueing the same thing twice is harmless.
 */
export interface JobQueue {
  enqueue<N extends JobName>(
    name: N,
    payload: JobPayloads[N],
    opts: { jobId: string; delayMs?: number },
  ): Promise<void>;
}
