import http from 'node:http';
import type { Logger } from 'pino';
import { sql } from 'drizzle-orm';
import { Redis } from 'ioredis';
import type { Config } from '@seafarer/config';
import { createCoreFromConfig, createOutboundDelivery, systemClock, type Clock } from '@seafarer/core';
import { createDb } from '@seafarer/db';
import { checkReadiness, createRedisWatch, pingRedis, processErrorCounts } from '@seafarer/queue';
import { channelsFromConfig } from './channels';
import { startProcessors } from './processors';

export interface WorkerService {
  processors: ReturnType<typeof startProcessors>;
  /** Port of /healthz and /readyz. */
  port: number;
  close(): Promise<void>;
}

/** The worker service without signal handling (server.ts runs it; tests start it on port 0). */
export async function startWorkerService(opts: {
  config: Config;
  log: Logger;
  clock?: Clock;
  port?: number;
}): Promise<WorkerService> {
  const { config, log } = opts;
  const clock = opts.clock ?? systemClock;
  const dbHandle = createDb(config.DATABASE_URL, { applicationName: 'seafarer-worker' });
  // An idle connection dropped by PostgreSQL must not end the process (the relay and jobs retry).
  dbHandle.pool.on('error', (err) => log.warn({ err }, 'a PostgreSQL connection was lost'));
  const core = createCoreFromConfig(dbHandle.db, config, clock);
  const delivery = createOutboundDelivery({ db: dbHandle.db, clock, channels: channelsFromConfig(config) });
  log.info({ channels: delivery.channelNames }, 'outbound channels');
  const watch = createRedisWatch(log);
  const queue = { redisUrl: config.REDIS_URL, prefix: config.QUEUE_PREFIX, watch };
  // The readiness probe's own connection (BullMQ's are busy with blocking commands).
  const probe = watch.client(
    new Redis(config.REDIS_URL, {
      maxRetriesPerRequest: 1,
      retryStrategy: (attempt) => Math.min(attempt * 100, 1000),
    }),
    'probe',
  );
  const processors = startProcessors({ core, delivery, log, queue, storageDir: config.STORAGE_DIR });
  // Every night at 02:30 China time (kept trying in the background while Redis is away at start).
  const scheduled = processors.producer.queue
    .upsertJobScheduler(
      'audit.verify-chain',
      { pattern: '30 2 * * *', tz: 'Asia/Shanghai' },
      { name: 'audit.verify-chain', data: { scheduledFor: 'nightly' } },
    )
    .catch((err: unknown) => log.warn({ err }, 'nightly audit-chain job not scheduled'));
  // JS-13.2: each China-time day's random roll-calls are drawn as it starts ('today' is resolved when the
  // job runs), and once at start for a day already begun (planDay is idempotent).
  const rollCallDays = Promise.all([
    processors.producer.queue.upsertJobScheduler(
      'rollcall.plan-day',
      { pattern: '1 0 * * *', tz: 'Asia/Shanghai' },
      { name: 'rollcall.plan-day', data: { day: 'today' } },
    ),
    processors.producer.publish(
      'rollcall.plan-day',
      { day: 'today' },
      { jobId: `rollcall.plan-day:start:${Date.now()}` },
    ),
  ]).catch((err: unknown) => log.warn({ err }, 'roll-call planning not scheduled'));
  // JS-17: overdue rectifications are flagged every morning at 08:00 China time.
  const overdueScan = processors.producer.queue
    .upsertJobScheduler(
      'oversight.overdue-scan',
      { pattern: '0 8 * * *', tz: 'Asia/Shanghai' },
      { name: 'oversight.overdue-scan', data: { scheduledFor: 'daily' } },
    )
    .catch((err: unknown) => log.warn({ err }, 'overdue scan not scheduled'));

  const health = http.createServer((req, res) => {
    const answer = (status: number, body: object) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    // REL-1: liveness from memory (no I/O), with the errors nobody handled this process survived.
    if (req.url === '/healthz')
      return answer(200, { status: 'ok', service: 'worker', ...processErrorCounts() });
    if (req.url !== '/readyz')
      return answer(404, { code: 'ROUTE_NOT_FOUND', message: { zh: '接口不存在', en: 'No such endpoint' } });
    // REL-2: red while PostgreSQL or Redis is unreachable (or the processors stopped), green after.
    checkReadiness({
      postgres: () => dbHandle.db.execute(sql`select 1`),
      redis: () => pingRedis(probe),
      processors: async () => {
        if (!processors.isRunning()) throw new Error('processors not running');
      },
    })
      .then((r) => answer(r.ok ? 200 : 503, { ...r.body, service: 'worker' }))
      .catch((err: unknown) => {
        log.error({ err }, 'readiness answer failed');
        if (!res.headersSent) answer(503, { status: 'degraded', service: 'worker', checks: {} });
      });
  });
  const port = await new Promise<number>((resolve) =>
    health.listen(opts.port ?? config.WORKER_HEALTH_PORT, config.API_HOST, () =>
      resolve((health.address() as { port: number }).port),
    ),
  );
  log.info({ port }, 'worker running');
  let closed = false;
  return {
    processors,
    port,
    async close() {
      if (closed) return;
      closed = true;
      await new Promise<void>((r) => health.close(() => r()));
      await Promise.all([scheduled, rollCallDays, overdueScan]);
      await processors.close();
      probe.disconnect();
      await dbHandle.close();
    },
  };
}
