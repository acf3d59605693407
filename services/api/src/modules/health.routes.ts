import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { sql } from 'drizzle-orm';
import { Health, Readiness } from '@seafarer/contracts';
import type { Core } from '@seafarer/core';
import type { Redis } from 'ioredis';

async function timed(check: () => Promise<unknown>) {
  const start = performance.now();
  try {
    await check();
    return { ok: true, ms: Math.round((performance.now() - start) * 10) / 10 };
  } catch (e) {
    return { ok: false, ms: Math.round((performance.now() - start) * 10) / 10, error: (e as Error).message };
  }
}

const healthRoutes: FastifyPluginAsyncTypebox<{ core: Core; redis: Redis }> = async (
  app,
  { core, redis },
) => {
  app.get(
    '/healthz',
    { config: { access: 'public' }, schema: { tags: ['ops'], response: { 200: Health } } },
    async () => ({ status: 'ok' as const, service: 'api' }),
  );

  app.get(
    '/readyz',
    { config: { access: 'public' }, schema: { tags: ['ops'], response: { 200: Readiness, 503: Readiness } } },
    async (_req, reply) => {
      const [postgres, redisCheck] = await Promise.all([
        timed(() => core.db.execute(sql`select 1`)),
        timed(() => redis.ping()),
      ]);
      const ok = postgres.ok && redisCheck.ok;
      return reply
        .status(ok ? 200 : 503)
        .send({ status: ok ? 'ok' : 'degraded', checks: { postgres, redis: redisCheck } });
    },
  );
};
export default healthRoutes;
