import fp from 'fastify-plugin';
import type { FastifyInstance } from 'fastify';
import helmet, { type HelmetOptions } from 'helmet';

export type SecurityHeaders = Record<string, string>;

/**
 * The headers helmet sets for `options`, computed once. Helmet's middleware (and @fastify/helmet, which
 * builds a new one for every request) re-parses the CSP directives on each call: a sixth of /healthz's
 * time (bench:api). The headers depend only on the options, so they are worked out here once.
 */
export function securityHeaders(options: HelmetOptions): SecurityHeaders {
  const headers: SecurityHeaders = {};
  const res = {
    setHeader(name: string, value: string | number | readonly string[]) {
      headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : String(value);
    },
    removeHeader(name: string) {
      delete headers[name.toLowerCase()];
    },
  };
  let failed: unknown;
  helmet(options)({} as never, res as never, (err?: unknown) => {
    failed = err;
  });
  if (failed) throw failed instanceof Error ? failed : new Error(String(failed));
  return headers;
}

/**
 * SEC-3: every answer carries the security headers; `pick(req)` chooses the set for a request, from sets
 * computed at start-up: app.ts has one over HTTPS, one over plain HTTP (no HSTS, no upgrade), and for
 * /docs only a CSP that lets the docs UI style inline and show data: images.
 */
export default fp(async function securityHeadersPlugin(
  app: FastifyInstance,
  opts: { pick: (req: { url: string; protocol: string }) => SecurityHeaders },
) {
  app.addHook('onRequest', (req, reply, done) => {
    reply.headers(opts.pick(req));
    done();
  });
});
