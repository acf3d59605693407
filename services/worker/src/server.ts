import http from 'node:http';
import pino from 'pino';
import { Queue, Worker } from 'bullmq';
import { loadConfig } from '@seafarer/config';
import { createCore, systemClock } from '@seafarer/core';
import { createDb } from '@seafarer/db';
import { verifyAuditChainJob } from './jobs/verify-audit-chain';
import { MAINTENANCE_QUEUE, type JobName, type JobPayloads } from './queues';

/** BullMQ processors. Each job calls one use-case of @seafarer/core. */
async function main() {
  const config = loadConfig();
  const log = pino({ level: config.LOG_LEVEL, base: { service: 'worker' } });
  const dbHandle = createDb(config.DATABASE_URL, { applicationName: 'seafarer-worker' });
  const core = createCore({
    db: dbHandle.db,
    clock: systemClock,
    piiKey: config.PII_KEY,
    auth: {
      jwtSecret: config.JWT_SECRET,
      accessTtlSeconds: config.ACCESS_TOKEN_TTL_SECONDS,
      refreshTtlSeconds: config.REFRESH_TOKEN_TTL_SECONDS,
      maxFailures: config.LOGIN_MAX_FAILURES,
      lockMinutes: config.LOGIN_LOCK_MINUTES,
    },
  });
  const connection = { url: config.REDIS_URL, maxRetriesPerRequest: null };
  const queue = new Queue<JobPayloads[JobName], unknown, JobName>(MAINTENANCE_QUEUE, { connection });
  // Every night at 02:30 China time.
  await queue.upsertJobScheduler(
    'audit.verify-chain',
    { pattern: '30 2 * * *', tz: 'Asia/Shanghai' },
    { name: 'audit.verify-chain', data: { scheduledFor: 'nightly' } },
  );

  const worker = new Worker<JobPayloads[JobName], unknown, JobName>(
    MAINTENANCE_QUEUE,
    async (job) => {
      const jobLog = log.child({ queue: MAINTENANCE_QUEUE, jobId: job.id });
      switch (job.name) {
        case 'audit.verify-chain':
          return verifyAuditChainJob(core, job.data, jobLog);
      }
    },
    { connection, concurrency: 2 },
  );
  worker.on('failed', (job, err) => log.error({ jobId: job?.id, err }, 'job failed'));

  const health = http.createServer((req, res) => {
    const ok = worker.isRunning();
    res.writeHead(ok ? 200 : 503, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ status: ok ? 'ok' : 'degraded', service: 'worker' }));
  });
  health.listen(config.WORKER_HEALTH_PORT, config.API_HOST, () =>
    log.info({ port: config.WORKER_HEALTH_PORT }, 'worker running'),
  );

  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, async () => {
      log.info({ signal }, 'shutting down');
      health.close();
      await worker.close();
      await queue.close();
      await dbHandle.close();
      process.exit(0);
    });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
