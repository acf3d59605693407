/**
 * REL-1: the one process-wide policy of every service (api, live, worker) for an error nobody handled.
 *
 * - An unhandled promise rejection is a bug in one piece of work (a room's housekeeping, one request's
 *   side task): it is logged at error level with the error, counted, and the process keeps serving.
 *   Node's default (since 15) is to exit, which on a live node ends every class it hosts because of one.
 * - An uncaught exception (thrown from a timer or an event listener, outside any promise) is logged,
 *   counted and also survived: its stack has unwound to the event loop, so what it interrupted is one
 *   callback of one room or request, while exiting would drop every room and every connection of the
 *   node at once (the clients reconnect into rooms that lost their media and recordings). Node warns
 *   that state may be left inconsistent after one; we accept that for a single one and make it visible
 *   (counted in /healthz, logged with its stack). What we do not accept is a process that keeps failing:
 *   `STORM_LIMIT` uncaught exceptions within `STORM_WINDOW_MS` means something is broken for good (a loop
 *   throwing on every tick), and the process exits with code 1 so that its supervisor restarts it.
 *
 * The counts are read by each service's /healthz (`processErrorCounts()`), cheaply, without I/O.
 */

/** The calls of a pino logger used here. */
export interface PolicyLog {
  error(obj: object, msg: string): void;
  fatal(obj: object, msg: string): void;
}

/** What `installProcessPolicy` listens on (the process itself, or an emitter in unit tests). */
export interface ProcessLike {
  on(event: 'unhandledRejection', fn: (reason: unknown) => void): unknown;
  on(event: 'uncaughtException', fn: (err: Error) => void): unknown;
  off(event: 'unhandledRejection', fn: (reason: unknown) => void): unknown;
  off(event: 'uncaughtException', fn: (err: Error) => void): unknown;
}

export interface ProcessErrorCounts {
  unhandledRejections: number;
  uncaughtExceptions: number;
  /** The sum: what /healthz shows as `unhandledErrors`. */
  unhandledErrors: number;
}

export const STORM_LIMIT = 20;
export const STORM_WINDOW_MS = 60_000;

const counts = { unhandledRejections: 0, uncaughtExceptions: 0 };

/** This process's counts since it started (zeros when no policy was installed, e.g. in-process tests). */
export function processErrorCounts(): ProcessErrorCounts {
  return { ...counts, unhandledErrors: counts.unhandledRejections + counts.uncaughtExceptions };
}

/** A rejection reason as something a logger serialises well (pino's `err` wants an Error). */
const asError = (reason: unknown): Error =>
  reason instanceof Error ? reason : new Error(`non-error rejection: ${safeString(reason)}`);
function safeString(v: unknown): string {
  try {
    return typeof v === 'string' ? v : (JSON.stringify(v) ?? String(v));
  } catch {
    return String(v);
  }
}

/**
 * Installs the policy on `proc` (the process by default). Call once, from a service's server.ts (never
 * from the in-process builders tests use: jest has its own handlers). Returns the uninstaller.
 */
export function installProcessPolicy(
  log: PolicyLog,
  opts: {
    proc?: ProcessLike;
    /** How the process ends on an exception storm (tests pass their own). */
    exit?: (code: number) => void;
    stormLimit?: number;
    stormWindowMs?: number;
    now?: () => number;
  } = {},
): () => void {
  const proc = opts.proc ?? process;
  const exit = opts.exit ?? ((code: number) => process.exit(code));
  const limit = opts.stormLimit ?? STORM_LIMIT;
  const windowMs = opts.stormWindowMs ?? STORM_WINDOW_MS;
  const now = opts.now ?? Date.now;
  const recent: number[] = [];

  const onRejection = (reason: unknown) => {
    counts.unhandledRejections++;
    try {
      log.error(
        { err: asError(reason), unhandledRejections: counts.unhandledRejections },
        'unhandled promise rejection (logged, counted; the process keeps serving)',
      );
    } catch {
      // A logger that throws must not turn this into an uncaught exception.
    }
  };
  const onException = (err: Error) => {
    counts.uncaughtExceptions++;
    const t = now();
    recent.push(t);
    while (recent.length > 0 && recent[0]! <= t - windowMs) recent.shift();
    const storm = recent.length >= limit;
    try {
      log[storm ? 'fatal' : 'error'](
        { err: asError(err), uncaughtExceptions: counts.uncaughtExceptions, lastMinute: recent.length },
        storm
          ? 'uncaught exceptions keep coming; exiting so that the supervisor restarts the process'
          : 'uncaught exception (logged, counted; the process keeps serving)',
      );
    } catch {
      // As above.
    }
    if (storm) exit(1);
  };
  proc.on('unhandledRejection', onRejection);
  proc.on('uncaughtException', onException);
  return () => {
    proc.off('unhandledRejection', onRejection);
    proc.off('uncaughtException', onException);
  };
}
