import fp from 'fastify-plugin';
import type { FastifyInstance } from 'fastify';

/** Probes an orchestrator sends every few seconds: logged only when they do not answer 2xx. */
const PROBES = new Set(['/healthz', '/readyz']);

/**
 * One line per request, written when it is answered (method, redacted URL, status, time), instead of
 * fastify's two (received + completed): each line is a synchronous write and a redaction pass, and the
 * pair cost about a tenth of a cheap request's time (bench:api). Health probes that succeed are not
 * logged at all. Needs the instance's LogController with `disableRequestLogging: true`.
 */
export default fp(async function requestLog(app: FastifyInstance) {
  app.addHook('onResponse', (req, reply, done) => {
    if (!(reply.statusCode < 300 && PROBES.has(req.routeOptions.url ?? ''))) {
      req.log.info(
        { req, res: { statusCode: reply.statusCode }, responseTime: Math.round(reply.elapsedTime * 10) / 10 },
        'request completed',
      );
    }
    done();
  });
});
