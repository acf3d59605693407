import pino from 'pino';
import { loadConfig } from '@seafarer/config';
import { buildLiveServer } from './app';

/** The live-classroom service: mediasoup SFU + socket.io signaling. */
async function main() {
  const config = loadConfig();
  const log = pino({ level: config.LOG_LEVEL, base: { service: 'live' } });
  const live = await buildLiveServer({ config, log });
  const port = await live.listen(config.LIVE_PORT, config.API_HOST);
  log.info({ port, workers: live.pool.all.length }, 'live service listening');
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, async () => {
      log.info({ signal }, 'shutting down');
      await live.close();
      process.exit(0);
    });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
