import type { Logger } from 'pino';

/** One piece of a room's housekeeping under way: its first try, and its end (stored, or given up). */
export interface HousekeepingTask {
  /** True when the first try worked. Never rejects. */
  first: Promise<boolean>;
  /** True once it worked (after retries), false once given up. Never rejects. */
  done: Promise<boolean>;
}

export interface RetryOptions {
  /** Tries in all (1: no retry). */
  attempts?: number;
  /** Wait before the first retry, doubled after each failure, up to maxDelayMs. */
  delayMs?: number;
  maxDelayMs?: number;
  /** Logged with every line of this task. */
  context?: Record<string, unknown>;
}

/**
 * REL-1: what a live node does for a room besides serving it — closing it, recording the end of its
 * timetable, storing its recording — runs here. A failure is logged with its error and retried with
 * backoff; when the tries run out it is logged as given up and counted (`failures`, shown in /healthz).
 * It never rejects, so nothing a room does after its requests can end the process or stop other rooms.
 * `drain()` (service shutdown) makes every task waiting for a retry try once more at once, then stop.
 */
export function createHousekeeping(log: Logger) {
  const running = new Set<Promise<boolean>>();
  const sleepers = new Set<() => void>();
  let failures = 0;
  let draining = false;

  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        sleepers.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      timer.unref();
      sleepers.add(wake);
    });

  function run(
    what: string,
    task: () => Promise<unknown> | unknown,
    opts: RetryOptions = {},
  ): HousekeepingTask {
    const attempts = Math.max(1, opts.attempts ?? 1);
    const maxDelay = opts.maxDelayMs ?? 30_000;
    const ctx = { task: what, ...opts.context };
    let firstDone: (ok: boolean) => void = () => undefined;
    const first = new Promise<boolean>((resolve) => (firstDone = resolve));
    const done = (async () => {
      let delay = opts.delayMs ?? 1_000;
      for (let attempt = 1; ; attempt++) {
        try {
          await task();
          firstDone(true);
          if (attempt > 1) log.info({ ...ctx, attempt }, `${what}: done after retrying`);
          return true;
        } catch (err) {
          firstDone(false);
          const last = attempt >= attempts || draining;
          if (last) {
            failures++;
            log.error({ ...ctx, err, attempt }, `${what}: failed; given up`);
            return false;
          }
          log.warn({ ...ctx, err, attempt, retryInMs: delay }, `${what}: failed; retrying`);
          await sleep(delay);
          delay = Math.min(delay * 2, maxDelay);
        }
      }
    })().catch((err: unknown) => {
      // Only a logger that throws gets here.
      failures++;
      firstDone(false);
      console.error(what, err);
      return false;
    });
    running.add(done);
    void done.then(() => running.delete(done));
    return { first, done };
  }

  return {
    run,
    /** Tasks given up (their last try failed): each is in the log with its error. */
    get failures() {
      return failures;
    },
    get pending() {
      return running.size;
    },
    /** Shutdown: every task waiting for a retry tries once more now; resolves when all have ended. */
    async drain(): Promise<void> {
      draining = true;
      for (const wake of [...sleepers]) wake();
      while (running.size > 0) await Promise.all([...running]);
    },
  };
}
export type Housekeeping = ReturnType<typeof createHousekeeping>;
