import http from 'node:http';
import pino from 'pino';
import { loadConfig } from '@seafarer/config';
import { createCoreFromConfig, createOutboundDelivery } from '@seafarer/core';
import { createDb } from '@seafarer/db';
import { createJobQueue } from '@seafarer/queue';
import { channelsFromConfig } from './channels';
import { startProcessors } from './processors';

/** BullMQ processors. Each job calls one use-case of @seafarer/core. */
async function main() {
  const config = loadConfig();
  const log = pino({ level: config.LOG_LEVEL, base: { service: 'worker' } });
  const dbHandle = createDb(config.DATABASE_URL, { applicationName: 'seafarer-worker' });
  const queueOpts = { redisUrl: config.REDIS_URL, prefix: config.QUEUE_PREFIX };
  const jobs = createJobQueue(queueOpts);
  const core = createCoreFromConfig(dbHandle.db, config, jobs);
  const delivery = createOutboundDelivery({
    db: dbHandle.db,
    clock: core.clock,
    channels: channelsFromConfig(config),
  });
  log.info({ channels: delivery.channelNames }, 'outbound channels');
  // Every night at 02:30 China time.
  await jobs.queue.upsertJobScheduler(
    'audit.verify-chain',
    { pattern: '30 2 * * *', tz: 'Asia/Shanghai' },
    { name: 'audit.verify-chain', data: { scheduledFor: 'nightly' } },
  );
  const worker = startProcessors({ core, delivery, log, queue: queueOpts, storageDir: config.STORAGE_DIR });

  const health = http.createServer((_req, res) => {
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
      await jobs.close();
      await dbHandle.close();
      process.exit(0);
    });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
