import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { sql } from 'drizzle-orm';
import { Health, Readiness } from '@seafarer/contracts';
import type { Core } from '@seafarer/core';
import { checkReadiness, pingRedis } from '@seafarer/queue';
import type { Redis } from 'ioredis';

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
      // REL-2: red while PostgreSQL or Redis does not answer (within a bound), green once both do.
      const r = await checkReadiness({
        postgres: () => core.db.execute(sql`select 1`),
        redis: () => pingRedis(redis),
      });
      return reply.status(r.ok ? 200 : 503).send(r.body);
    },
  );
};
export default healthRoutes;
