/**
 * REL-2: every Redis connection of a service is watched by one RedisWatch. Each client gets an 'error'
 * listener (ioredis and BullMQ print "Unhandled error event" on every reconnect attempt otherwise); the
 * service logs once when Redis becomes unreachable and once when every connection is back, not per retry.
 */

/** What we need of an ioredis client (structural, so this package does not depend on ioredis itself). */
export interface RedisLike {
  status: string;
  on(event: 'error', fn: (err: Error) => void): unknown;
  on(event: 'ready' | 'end', fn: () => void): unknown;
}
/** BullMQ's Queue / Worker: an emitter of 'error'; its backend says 'ready' when a connection is back. */
export interface BullLike {
  on(event: 'error', fn: (err: Error) => void): unknown;
  readonly backend: { on(event: 'ready', fn: () => void): unknown };
}
/** The two calls of a pino logger used here. */
export interface OutageLog {
  warn(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
}

export interface RedisWatch {
  /** Adds a client: its errors and reconnections count towards the service's Redis state. */
  client<C extends RedisLike>(client: C, name: string): C;
  /** Adds a BullMQ object (its own connection is watched, its 'error' events handled). */
  bull<B extends BullLike>(b: B, name: string): B;
  /** False from a connection's first error until every watched connection is ready again. */
  readonly up: boolean;
  /** Names of the connections that are down, with their last error. */
  readonly down: Record<string, string>;
}

export function createRedisWatch(log: OutageLog): RedisWatch {
  const failing = new Map<string, string>();
  let up = true;
  const settle = () => {
    if (up && failing.size > 0) {
      up = false;
      log.warn({ connections: Object.fromEntries(failing) }, 'Redis unreachable; retrying in the background');
    } else if (!up && failing.size === 0) {
      up = true;
      log.info({}, 'Redis reachable again');
    }
  };
  const fail = (name: string, err: Error) => {
    failing.set(name, err.message || err.name);
    settle();
  };
  const ready = (name: string) => {
    if (failing.delete(name)) settle();
  };
  return {
    client(client, name) {
      client.on('error', (err) => fail(name, err));
      client.on('ready', () => ready(name));
      return client;
    },
    bull(b, name) {
      b.on('error', (err) => fail(name, err));
      // BullMQ re-emits its connections' errors, and their 'ready' on its backend.
      b.backend.on('ready', () => ready(name));
      return b;
    },
    get up() {
      return up;
    },
    get down() {
      return Object.fromEntries(failing);
    },
  };
}

/** Rejects with a TimeoutError when `p` has not settled in `ms` (a command queued while Redis is away). */
export function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(Object.assign(new Error(`${what}: no answer in ${ms} ms`), { name: 'TimeoutError' })),
      ms,
    );
  });
  // The late outcome of `p` is not an unhandled rejection.
  p.catch(() => undefined);
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

export interface ReadinessCheck {
  ok: boolean;
  ms: number;
  error?: string;
}

/**
 * `/readyz` of every service: each dependency answered within `timeoutMs` (a Redis command would
 * otherwise wait in ioredis' offline queue for as long as the outage lasts).
 */
export async function checkReadiness(
  checks: Record<string, () => Promise<unknown>>,
  timeoutMs = 1500,
): Promise<{ ok: boolean; body: { status: 'ok' | 'degraded'; checks: Record<string, ReadinessCheck> } }> {
  const entries = await Promise.all(
    Object.entries(checks).map(async ([name, check]): Promise<[string, ReadinessCheck]> => {
      const start = performance.now();
      const ms = () => Math.round((performance.now() - start) * 10) / 10;
      try {
        await withTimeout(Promise.resolve().then(check), timeoutMs, name);
        return [name, { ok: true, ms: ms() }];
      } catch (e) {
        return [name, { ok: false, ms: ms(), error: (e as Error).message }];
      }
    }),
  );
  const ok = entries.every(([, c]) => c.ok);
  return { ok, body: { status: ok ? 'ok' : 'degraded', checks: Object.fromEntries(entries) } };
}

/** A readiness probe of one client: refused at once while it is not connected, else a PING. */
export async function pingRedis(client: { status: string; ping(): Promise<unknown> }): Promise<void> {
  if (client.status !== 'ready') throw new Error(`Redis connection is ${client.status}`);
  await client.ping();
}

/**
 * Closes a client without failing what it still has in flight: QUIT lets pending commands be answered
 * first (a bare disconnect rejects them with "Connection is closed", and callers that never catch —
 * the socket.io adapter's publishes — turn that into an unhandled rejection). While Redis is away QUIT
 * would wait in the offline queue, so after `ms` the connection is dropped.
 */
export async function closeRedis(
  client: { quit(): Promise<unknown>; disconnect(): void; status: string },
  ms = 1000,
): Promise<void> {
  if (client.status === 'end') return;
  try {
    await withTimeout(client.quit(), ms, 'redis quit');
  } catch {
    // Unreachable or slow: nothing more can be answered anyway.
  } finally {
    client.disconnect();
  }
}
