import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { AppError } from './errors';
import type { ParseJobKind, ParseJobResult } from './parse-jobs';
import type { ParseReply, ParseRequest } from './parse-worker';

/**
 * SEC-2: uploaded files (rosters now, question banks later) are parsed off the API's event loop, in a
 * few worker threads, each job within a time and a memory budget. A job over budget ends its worker
 * (the API process is not affected) and comes back as `{ ok: false, limit }` for the caller to refuse
 * with its own code; a full queue is SERVICE_UNAVAILABLE (retryable), answered at once.
 */
export interface ParsePoolSettings {
  /** Worker threads parsing at the same time. */
  workers: number;
  /** Time one job may take once a worker has it; then the worker is ended. */
  timeoutMs: number;
  /** V8 old-generation heap of one worker (resourceLimits.maxOldGenerationSizeMb). */
  memoryMb: number;
  /** Jobs waiting for a busy worker; one more is refused. */
  queueLimit: number;
  /** A job waits at most this long for a busy worker (a worker still starting does not count). */
  queueWaitMs: number;
  /** An idle worker is ended after this long (a new one starts with the next job). */
  idleMs: number;
}

export const DEFAULT_PARSE_POOL: ParsePoolSettings = {
  workers: 1,
  timeoutMs: 10_000,
  memoryMb: 256,
  queueLimit: 8,
  queueWaitMs: 30_000,
  idleMs: 60_000,
};

export type ParseOutcome<T> =
  | { ok: true; value: T }
  /** time / memory: over budget. crashed: the worker died another way (a parser bug on this input). */
  | { ok: false; limit: 'time' | 'memory' | 'crashed'; detail?: string };

export interface ParsePool {
  readonly settings: ParsePoolSettings;
  run<K extends ParseJobKind>(
    kind: K,
    data: Uint8Array,
    opts?: { timeoutMs?: number },
  ): Promise<ParseOutcome<ParseJobResult<K>>>;
  /** Ends every worker; queued jobs are refused. */
  close(): Promise<void>;
  /** Workers alive and jobs waiting (health, tests). */
  stats(): { workers: number; busy: number; queued: number };
}

type Failure = Extract<ParseOutcome<unknown>, { ok: false }>;

interface Job {
  id: number;
  kind: ParseJobKind;
  data: Uint8Array;
  timeoutMs: number;
  settle(outcome: ParseOutcome<unknown> | Error): void;
  waitTimer?: NodeJS.Timeout;
}

interface Slot {
  worker: Worker;
  ready: boolean;
  job?: Job;
  timer?: NodeJS.Timeout;
  idleTimer?: NodeJS.Timeout;
  /** The outcome decided by us (time budget) before the worker's exit is seen. */
  ended?: boolean;
}

/** How long a new worker may take to load its code before the pool gives up on it. */
const START_MS = 30_000;

const unavailable = (why: string) =>
  new AppError('SERVICE_UNAVAILABLE', {
    retryable: true,
    details: { retryable: true, reason: why },
  });

/**
 * How a worker thread loads the TypeScript sources: the services and jest both run them untranspiled
 * (node --import tsx, @swc/jest), and a worker thread starts without the parent's loaders. The worker is
 * a CommonJS snippet that registers tsx's require hook and then requires the entry; compiled .js sources
 * would be required directly.
 */
function workerSource(): string {
  const entry = path.join(__dirname, `parse-worker${path.extname(__filename) || '.ts'}`);
  const lines: string[] = [];
  if (entry.endsWith('.ts'))
    lines.push(`require(${JSON.stringify(require.resolve('tsx/cjs/api'))}).register();`);
  lines.push(`require(${JSON.stringify(entry)});`);
  return lines.join('\n');
}

export function createParsePool(overrides: Partial<ParsePoolSettings> = {}): ParsePool {
  const settings: ParsePoolSettings = { ...DEFAULT_PARSE_POOL, ...overrides };
  const slots = new Set<Slot>();
  const queue: Job[] = [];
  let nextId = 1;
  let closed = false;
  let source: string | undefined;

  function spawn(): Slot {
    source ??= workerSource();
    const worker = new Worker(source, {
      eval: true,
      // Not the parent's flags (--inspect, --import tsx): the snippet loads what it needs.
      execArgv: [],
      resourceLimits: { maxOldGenerationSizeMb: settings.memoryMb, stackSizeMb: 4 },
    });
    worker.unref(); // an idle pool never keeps a process alive
    const slot: Slot = { worker, ready: false };
    slots.add(slot);
    // A worker that does not start is a broken installation, not a busy pool.
    slot.timer = setTimeout(
      () => finish(slot, { ok: false, limit: 'crashed', detail: `not started within ${START_MS} ms` }),
      START_MS,
    ).unref();
    worker.on('message', (reply: ParseReply) => {
      if (reply.type === 'ready') {
        clearTimeout(slot.timer);
        slot.ready = true;
        pump();
        return;
      }
      const job = slot.job;
      if (!job || job.id !== reply.id) return;
      clearTimeout(slot.timer);
      slot.job = undefined;
      if (reply.type === 'done') job.settle({ ok: true, value: reply.value });
      else job.settle({ ok: false, limit: 'crashed', detail: reply.error });
      pump();
    });
    worker.on('error', (e: Error & { code?: string }) => {
      const limit = e.code === 'ERR_WORKER_OUT_OF_MEMORY' ? 'memory' : 'crashed';
      finish(slot, { ok: false, limit, detail: e.message }, e);
    });
    worker.on('exit', (code) => {
      finish(slot, { ok: false, limit: 'crashed', detail: `worker exited with code ${code}` });
    });
    return slot;
  }

  /** The slot's worker is gone (or going): settle its job, and keep the queue moving. */
  function finish(slot: Slot, outcome: Failure, startError?: Error) {
    if (!slots.has(slot)) return;
    slots.delete(slot);
    clearTimeout(slot.timer);
    clearTimeout(slot.idleTimer);
    const job = slot.job;
    slot.job = undefined;
    if (job) job.settle(outcome);
    else if (!slot.ready && !slot.ended && queue.length > 0) {
      // The worker could not even start (a broken install): every waiting job would fail the same way.
      const error = new Error(`parse worker failed to start: ${startError?.message ?? outcome.detail}`);
      for (const waiting of queue.splice(0)) {
        clearTimeout(waiting.waitTimer);
        waiting.settle(error);
      }
    }
    if (!slot.ended) void slot.worker.terminate();
    pump();
  }

  function pump() {
    if (closed) return;
    for (const slot of slots) {
      if (!slot.ready || slot.job || slot.ended) continue;
      const job = queue.shift();
      if (!job) {
        clearTimeout(slot.idleTimer);
        slot.idleTimer = setTimeout(() => {
          if (slot.job || !slots.has(slot)) return;
          slot.ended = true;
          slots.delete(slot);
          void slot.worker.terminate();
        }, settings.idleMs).unref();
        continue;
      }
      clearTimeout(job.waitTimer);
      clearTimeout(slot.idleTimer);
      slot.job = job;
      slot.timer = setTimeout(() => {
        // Over the time budget: the worker is ended mid-parse; its exit is ours, not a crash.
        slot.ended = true;
        slots.delete(slot);
        slot.job = undefined;
        job.settle({ ok: false, limit: 'time' });
        void slot.worker.terminate();
        pump();
      }, job.timeoutMs);
      // A copy the worker owns: the request's Buffer may be a view into a shared pool.
      const copy = new Uint8Array(job.data);
      const request: ParseRequest = { id: job.id, kind: job.kind, data: copy.buffer };
      slot.worker.postMessage(request, [copy.buffer]);
    }
    // Idle ready workers took jobs above; start workers for what still waits, up to the pool's size.
    let starting = [...slots].filter((s) => !s.ready).length;
    while (queue.length > starting && slots.size < settings.workers) {
      spawn();
      starting += 1;
    }
  }

  return {
    settings,
    run(kind, data, opts = {}) {
      if (closed) return Promise.reject(unavailable('closed'));
      // Waiting are the jobs beyond those a worker (idle, starting or yet to start) will take at once.
      const free = settings.workers - [...slots].filter((s) => s.job).length;
      if (queue.length >= settings.queueLimit + free) return Promise.reject(unavailable('queue-full'));
      return new Promise((resolve, reject) => {
        let settled = false;
        const job: Job = {
          id: nextId++,
          kind,
          data,
          timeoutMs: opts.timeoutMs ?? settings.timeoutMs,
          settle(outcome) {
            if (settled) return;
            settled = true;
            if (outcome instanceof Error) reject(outcome);
            else resolve(outcome as ParseOutcome<ParseJobResult<typeof kind>>);
          },
        };
        const expire = () => {
          const at = queue.indexOf(job);
          if (at < 0) return;
          // Waiting for a worker to start is not waiting for a busy pool (that has its own bound).
          if ([...slots].some((s) => !s.ready)) {
            job.waitTimer = setTimeout(expire, settings.queueWaitMs);
            return;
          }
          queue.splice(at, 1);
          job.settle(unavailable('queue-wait'));
        };
        job.waitTimer = setTimeout(expire, settings.queueWaitMs);
        queue.push(job);
        pump();
      });
    },
    async close() {
      closed = true;
      for (const job of queue.splice(0)) {
        clearTimeout(job.waitTimer);
        job.settle(unavailable('closed'));
      }
      const ending = [...slots];
      slots.clear();
      await Promise.all(
        ending.map(async (slot) => {
          slot.ended = true;
          clearTimeout(slot.timer);
          clearTimeout(slot.idleTimer);
          slot.job?.settle(unavailable('closed'));
          await slot.worker.terminate();
        }),
      );
    },
    stats: () => ({
      workers: slots.size,
      busy: [...slots].filter((s) => s.job).length,
      queued: queue.length,
    }),
  };
}
