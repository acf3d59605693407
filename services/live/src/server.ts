import pino from 'pino';
import { loadConfig } from '@seafarer/config';
import { installProcessPolicy } from '@seafarer/queue';
import { buildLiveServer } from './app';

/** The live-classroom service: mediasoup SFU + socket.io signaling. */
async function main() {
  const config = loadConfig();
  const log = pino({ level: config.LOG_LEVEL, base: { service: 'live' } });
  // REL-1: an error nobody handled is logged and counted (/healthz), and the node keeps its rooms.
  installProcessPolicy(log);
  const live = await buildLiveServer({ config, log });
  const port = await live.listen(config.LIVE_PORT, config.API_HOST);
  log.info({ port, workers: live.pool.all.length }, 'live service listening');
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      log.info({ signal }, 'shutting down');
      live
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
