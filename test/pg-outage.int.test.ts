import pino from 'pino';
import { sql } from 'drizzle-orm';
import { loadConfig } from '@seafarer/config';
import { ERROR_MESSAGES } from '@seafarer/contracts';
import { startWorkerService, type WorkerService } from '../services/worker/src/app';
import { startTestApp, type TestApp } from './helpers/app';
import { startTcpProxy, type TcpProxy } from './helpers/tcp-proxy';
import { createWorld, type World } from './helpers/world';

/**
 * REL-2: PostgreSQL unreachable for a moment (a TCP proxy between it and the API and worker resets
 * every connection and refuses new ones). The services say so — /readyz red, requests answered
 * SERVICE_UNAVAILABLE to be retried, never "internal error" — stay up, and serve again after it.
 */
let proxy: TcpProxy;
let t: TestApp;
let w: World;
let worker: WorkerService;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

beforeAll(async () => {
  const db = new URL(process.env.DATABASE_URL!);
  proxy = await startTcpProxy(db.hostname, Number(db.port || 5432));
  const DATABASE_URL = proxy.url(process.env.DATABASE_URL!);
  t = await startTestApp({ DATABASE_URL });
  w = await createWorld(t);
  worker = await startWorkerService({
    config: loadConfig({
      ...process.env,
      LOG_LEVEL: 'silent',
      DATABASE_URL,
      QUEUE_PREFIX: t.config.QUEUE_PREFIX,
    }),
    log: pino({ level: 'silent' }),
    port: 0,
  });
}, 120_000);
afterAll(async () => {
  await proxy?.restore();
  await worker?.close();
  await t?.close();
  await proxy?.close();
});

async function untilReadiness(status: number) {
  const urls = { api: `${t.baseUrl}/readyz`, worker: `http://127.0.0.1:${worker.port}/readyz` };
  const seen: Record<string, number> = {};
  const end = Date.now() + 30_000;
  for (;;) {
    for (const [name, url] of Object.entries(urls))
      seen[name] = await fetch(url, { signal: AbortSignal.timeout(10_000) }).then(
        (r) => r.status,
        () => 0,
      );
    if (Object.values(seen).every((s) => s === status)) return seen;
    if (Date.now() > end) throw new Error(`readiness not ${status}: ${JSON.stringify(seen)}`);
    await sleep(250);
  }
}

describe('PostgreSQL away for a moment', () => {
  it('[REL-2] PostgreSQL unreachable: /readyz of api and worker is red and a request is answered 503 SERVICE_UNAVAILABLE (retryable, Retry-After), not INTERNAL; both are green and serve again after it', async () => {
    const path = `/api/v1/classes/${w.classId}`;
    expect((await w.as.manager.raw('GET', path)).status).toBe(200);
    expect(await untilReadiness(200)).toEqual({ api: 200, worker: 200 });

    await proxy.break();
    expect(await untilReadiness(503)).toEqual({ api: 503, worker: 503 });
    const during = await w.as.manager.raw('GET', path);
    expect(during.status).toBe(503);
    expect(during.body).toMatchObject({
      code: 'SERVICE_UNAVAILABLE',
      message: ERROR_MESSAGES.SERVICE_UNAVAILABLE,
      details: { retryable: true },
    });
    expect(during.headers.get('retry-after')).toBe('2');

    await proxy.restore();
    expect(await untilReadiness(200)).toEqual({ api: 200, worker: 200 });
    expect((await w.as.manager.raw('GET', path)).status).toBe(200);
  }, 120_000);

  it('[REL-1] a connection reset in the middle of a query (a job holding a transaction) fails that query, not the process', async () => {
    // A transaction holds its client checked out, as the worker's jobs do; the reset reaches it mid-query.
    // pg then rejects the query and emits 'error' on the client: unheard, that emit would end the process
    // (jest reports it as the suite failing to run).
    const held = t.app.core.db.transaction(async (tx) => {
      await tx.execute(sql`select 1`);
      await tx.execute(sql`select pg_sleep(5)`);
    });
    const outcome = held.then(
      () => 'committed',
      (e: Error) => e.message,
    );
    await sleep(300);
    await proxy.break();
    expect(await outcome).not.toBe('committed');
    await proxy.restore();
    expect(await untilReadiness(200)).toEqual({ api: 200, worker: 200 });
    expect((await w.as.manager.raw('GET', `/api/v1/classes/${w.classId}`)).status).toBe(200);
  }, 60_000);
});
