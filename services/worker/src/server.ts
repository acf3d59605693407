import pino from 'pino';
import { loadConfig } from '@seafarer/config';
import { startWorkerService } from './app';

/** BullMQ processors and the outbox relay. Each job calls one use-case of @seafarer/core. */
async function main() {
  const config = loadConfig();
  const log = pino({ level: config.LOG_LEVEL, base: { service: 'worker' } });
  const service = await startWorkerService({ config, log });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, async () => {
      log.info({ signal }, 'shutting down');
      await service.close();
      process.exit(0);
    });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
