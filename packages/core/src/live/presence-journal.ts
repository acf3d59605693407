import { randomUUID } from 'node:crypto';
import type { PresenceRecord } from './live-log.service';

/** A presence event with its own id, made when it happened (a retried write stores it once). */
export type PresenceEntry = PresenceRecord & { id: string };

export interface PresenceJournalDeps {
  /** Stores a batch, in order; must ignore an id already stored (the retry of a write that landed). */
  write(entries: PresenceEntry[]): Promise<void>;
  log: {
    warn(obj: object, msg: string): void;
    error(obj: object, msg: string): void;
    info(obj: object, msg: string): void;
  };
  newId?: () => string;
  /** Wait before the first retry, doubled after each failure up to maxRetryMs. */
  retryMs?: number;
  maxRetryMs?: number;
  batchSize?: number;
}

/**
 * JS-8: presence events are never lost to a database hiccup. Each event is queued with its own id and
 * timestamp and written in order (one batch in flight at a time, so each peer's events stay in order);
 * a failed batch is retried, the same rows, until the database takes them. `flush()` waits until
 * everything queued so far is stored (a room's close waits for it); the outage is logged once when
 * it starts and once when it ends.
 */
export function createPresenceJournal(deps: PresenceJournalDeps) {
  const newId = deps.newId ?? randomUUID;
  const minRetry = deps.retryMs ?? 250;
  const maxRetry = deps.maxRetryMs ?? 5_000;
  const batchSize = deps.batchSize ?? 200;
  const queue: PresenceEntry[] = [];
  /** Entries ever queued, and ever stored: flush(n) waits for stored >= n. */
  let queued = 0;
  let stored = 0;
  let running: Promise<void> | null = null;
  let failingSince: number | null = null;
  let closed = false;
  let wake: (() => void) | null = null;
  let retryTimer: ReturnType<typeof setTimeout> | null = null;
  const waiters: Array<{ upTo: number; resolve: (ok: boolean) => void }> = [];

  const settle = () => {
    for (let i = waiters.length - 1; i >= 0; i--)
      if (stored >= waiters[i]!.upTo) waiters.splice(i, 1)[0]!.resolve(true);
  };
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      wake = resolve;
      retryTimer = setTimeout(resolve, ms);
    }).finally(() => {
      wake = null;
      retryTimer = null;
    });

  async function pump() {
    let delay = minRetry;
    while (queue.length > 0) {
      const batch = queue.slice(0, batchSize);
      try {
        await deps.write(batch);
        queue.splice(0, batch.length);
        stored += batch.length;
        settle();
        delay = minRetry;
        if (failingSince !== null) {
          deps.log.info(
            { downMs: Date.now() - failingSince, pending: queue.length },
            'presence log writes resumed',
          );
          failingSince = null;
        }
      } catch (err) {
        if (failingSince === null) {
          failingSince = Date.now();
          deps.log.warn({ err, pending: queue.length }, 'presence log write failed; retrying until stored');
        }
        if (closed) return;
        await sleep(delay);
        delay = Math.min(delay * 2, maxRetry);
      }
    }
  }
  const kick = () => {
    running ??= pump().finally(() => {
      running = null;
      if (queue.length > 0 && !closed) kick();
    });
  };

  return {
    /** Queues one event (its `at` is when it happened, kept through any retry); returns its id. */
    append(record: PresenceRecord): string {
      const id = newId();
      queue.push({ ...record, id });
      queued++;
      kick();
      return id;
    },
    /** Events waiting to be stored. */
    get pending() {
      return queue.length;
    },
    /**
     * Resolves true once every event queued before the call is stored, or false after `timeoutMs`
     * (the events stay queued and keep being retried). A waiting retry is tried at once.
     */
    flush(timeoutMs = 15_000): Promise<boolean> {
      const upTo = queued;
      if (stored >= upTo) return Promise.resolve(true);
      wake?.();
      return new Promise<boolean>((resolve) => {
        const waiter = { upTo, resolve };
        waiters.push(waiter);
        setTimeout(() => {
          const i = waiters.indexOf(waiter);
          if (i >= 0) {
            waiters.splice(i, 1);
            resolve(false);
          }
        }, timeoutMs).unref?.();
      });
    },
    /** Last attempt to store what is queued; what cannot be stored is logged in full (never dropped silently). */
    async close(timeoutMs = 5_000): Promise<void> {
      const ok = await this.flush(timeoutMs);
      closed = true;
      if (retryTimer) clearTimeout(retryTimer);
      wake?.();
      await running;
      if (!ok && queue.length > 0)
        deps.log.error({ lost: queue.splice(0) }, 'presence events could not be stored before shutdown');
    },
  };
}
export type PresenceJournal = ReturnType<typeof createPresenceJournal>;
