import http from 'node:http';
import pino from 'pino';
import { loadConfig } from '@seafarer/config';

/**
 * The live-classroom service. For now it only runs and answers health checks; signaling (socket.io),
 * mediasoup workers, recording and observers arrive with the live-classroom issue.
 */
const config = loadConfig();
const log = pino({ level: config.LOG_LEVEL, base: { service: 'live' } });

const server = http.createServer((req, res) => {
  if (req.url === '/healthz' || req.url === '/readyz') {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ status: 'ok', service: 'live' }));
    return;
  }
  res.writeHead(404, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ code: 'ROUTE_NOT_FOUND', message: { zh: '接口不存在', en: 'No such endpoint' } }));
});

server.listen(config.LIVE_PORT, config.API_HOST, () =>
  log.info({ port: config.LIVE_PORT }, 'live service listening'),
);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    log.info({ signal }, 'shutting down');
    server.close(() => process.exit(0));
  });
}
