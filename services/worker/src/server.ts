import pino from 'pino';
import { loadConfig } from '@seafarer/config';
import { installProcessPolicy } from '@seafarer/queue';
import { startWorkerService } from './app';

/** BullMQ processors and the outbox relay. Each job calls one use-case of @seafarer/core. */
async function main() {
  const config = loadConfig();
  const log = pino({ level: config.LOG_LEVEL, base: { service: 'worker' } });
  // REL-1: an error nobody handled is logged and counted (/healthz); the worker keeps processing.
  installProcessPolicy(log);
  const service = await startWorkerService({ config, log });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      log.info({ signal }, 'shutting down');
      service
        .close()
        .catch((err: unknown) => log.error({ err }, 'shutdown did not finish cleanly'))
        .finally(() => process.exit(0));
    });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
