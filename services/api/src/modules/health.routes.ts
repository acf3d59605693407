import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { sql } from 'drizzle-orm';
import { Health, Readiness } from '@seafarer/contracts';
import type { Core } from '@seafarer/core';
import { checkReadiness, pingRedis, processErrorCounts } from '@seafarer/queue';
import type { Redis } from 'ioredis';

/**
 * REL-1: liveness, plus how many errors nobody handled this process has survived (the process policy,
 * @seafarer/queue process-policy.ts). Answered from memory: no I/O, nothing heavy.
 */
const Liveness = Type.Composite([
  Health,
  Type.Object({
    unhandledErrors: Type.Integer({ minimum: 0 }),
    unhandledRejections: Type.Integer({ minimum: 0 }),
    uncaughtExceptions: Type.Integer({ minimum: 0 }),
  }),
]);

const healthRoutes: FastifyPluginAsyncTypebox<{ core: Core; redis: Redis }> = async (
  app,
  { core, redis },
) => {
  app.get(
    '/healthz',
    { config: { access: 'public' }, schema: { tags: ['ops'], response: { 200: Liveness } } },
    async () => ({ status: 'ok' as const, service: 'api', ...processErrorCounts() }),
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
