import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import helmet from '@fastify/helmet';
import cors from '@fastify/cors';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import fastifyStatic from '@fastify/static';
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { liveNodeOrigins, type Config } from '@seafarer/config';
import {
  createCoreFromConfig,
  createLiveNodeLocator,
  LOG_REDACT_PATHS,
  REDACTED,
  redactUrl,
  systemClock,
  type Clock,
  type Core,
} from '@seafarer/core';
import { createDb } from '@seafarer/db';
import { closeRedis, createRedisWatch } from '@seafarer/queue';
import { WEB_PUBLIC_DIR } from '@seafarer/web';
import { createValidatorCompiler } from './plugins/validation';
import errorHandling from './plugins/errors';
import access from './plugins/access';
import healthRoutes from './modules/health.routes';
import authRoutes from './modules/auth.routes';
import institutionRoutes from './modules/institutions.routes';
import licenceRoutes from './modules/licences.routes';
import staffRoutes from './modules/staff.routes';
import auditRoutes from './modules/audit.routes';
import classRoutes from './modules/classes.routes';
import rosterRoutes from './modules/roster.routes';
import identityRoutes from './modules/identity.routes';
import deviceCheckRoutes from './modules/device-check.routes';
import { replayFileRoutes, replayRoutes } from './modules/replay.routes';

export interface BuildOptions {
  config: Config;
  clock?: Clock;
  /** Logger options (level, stream …); credential redaction is always added on top. */
  logger?: FastifyServerOptions['logger'];
  /** Key prefix for Redis-backed rate limits (lets parallel test apps share one Redis). */
  rateLimitNamespace?: string;
}

export type App = FastifyInstance & { core: Core };

/**
 * SEC-3 / TM-4: the request log never holds a credential — not the replay token in `/replay/:token`,
 * not a `?token=`, not an Authorization header, cookie or token field (whatever options a caller passes).
 */
function withRedaction(logger: FastifyServerOptions['logger'], level: string) {
  const given = typeof logger === 'object' && logger !== null ? logger : {};
  return {
    level,
    ...given,
    redact: { paths: LOG_REDACT_PATHS, censor: REDACTED },
    serializers: {
      ...given.serializers,
      req: (req: {
        method: string;
        url: string;
        host?: string;
        ip?: string;
        socket?: { remotePort?: number };
      }) => ({
        method: req.method,
        url: redactUrl(req.url),
        host: req.host,
        remoteAddress: req.ip,
        remotePort: req.socket?.remotePort,
      }),
    },
  };
}

/** Builds the API without listening (fastify/demo's app.ts); server.ts runs it. */
export async function buildApp(opts: BuildOptions): Promise<App> {
  const { config } = opts;
  const app = Fastify({
    logger: opts.logger === false ? false : withRedaction(opts.logger, config.LOG_LEVEL),
    bodyLimit: config.BODY_LIMIT_BYTES,
    genReqId: () => randomUUID(),
    requestIdHeader: false,
    trustProxy: false,
    // Signed replay URLs carry their token in the path (about 130 characters).
    routerOptions: { maxParamLength: 300 },
  }).withTypeProvider<TypeBoxTypeProvider>();
  app.setValidatorCompiler(createValidatorCompiler());
  // JSON only: any other body type is refused with 415 rather than parsed as a string.
  app.removeContentTypeParser('text/plain');

  const dbHandle = createDb(config.DATABASE_URL, { applicationName: 'seafarer-api' });
  // An idle connection dropped by PostgreSQL (restart, network) must not end the process; the next
  // query opens a new one, and a request meanwhile is answered SERVICE_UNAVAILABLE.
  dbHandle.pool.on('error', (err) => app.log.warn({ err }, 'a PostgreSQL connection was lost'));
  // REL-2: an outage is logged once when it starts and once when it ends; a command waits at most two
  // reconnection attempts (a second apart at most), then fails as SERVICE_UNAVAILABLE. Jobs never go
  // through Redis here: use-cases write them to the outbox, the worker relays them.
  const redisWatch = createRedisWatch(app.log);
  const redis = redisWatch.client(
    new Redis(config.REDIS_URL, {
      lazyConnect: false,
      maxRetriesPerRequest: 2,
      enableOfflineQueue: true,
      retryStrategy: (attempt) => Math.min(attempt * 100, 1000),
    }),
    'api',
  );
  const liveOrigins = liveNodeOrigins(config);
  // Join grants point at the live node hosting the session (room → node map written by the live nodes).
  const core = createCoreFromConfig(dbHandle.db, config, opts.clock ?? systemClock, {
    locateLiveNode: createLiveNodeLocator({
      store: redis,
      prefix: config.QUEUE_PREFIX,
      origins: liveOrigins,
    }),
  });
  app.decorate('core', core);
  app.addHook('onClose', async () => {
    await dbHandle.close();
    await closeRedis(redis);
  });
  app.addHook('onSend', async (req, reply) => {
    reply.header('x-request-id', req.id);
  });

  // Infrastructure first (fastify/demo): errors, security headers, CORS, rate limits, docs, access control.
  await app.register(errorHandling);
  // The pages talk to this API and to the live nodes' signaling, nothing else.
  const liveSources = liveOrigins.flatMap((origin) => {
    const u = new URL(origin);
    return [origin, `${u.protocol === 'https:' ? 'wss:' : 'ws:'}//${u.host}`];
  });
  await app.register(helmet, {
    contentSecurityPolicy: {
      directives: {
        'script-src': ["'self'"],
        'connect-src': ["'self'", ...liveSources],
        'img-src': ["'self'", 'data:', 'blob:'],
        'media-src': ["'self'", 'blob:'],
      },
    },
  });
  const origins = config.CORS_ORIGINS.split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  await app.register(cors, { origin: origins.length > 0 ? origins : false, credentials: true });
  await app.register(rateLimit, {
    global: true,
    max: config.RATE_LIMIT_PER_MINUTE,
    timeWindow: '1 minute',
    redis,
    nameSpace: opts.rateLimitNamespace ?? 'rl:api:',
    skipOnError: true,
    errorResponseBuilder: (_req, ctx) => ({
      statusCode: 429,
      code: 'RATE_LIMITED',
      message: `retry in ${ctx.after}`,
    }),
  });
  await app.register(swagger, {
    openapi: {
      info: { title: 'Seafarer online training API', description: '船员线上培训平台 API', version: '0.1.0' },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
      security: [{ bearer: [] }],
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs', staticCSP: true });
  await app.register(access, { core });

  await app.register(healthRoutes, { core, redis });
  await app.register(
    async (api) => {
      await api.register(authRoutes, { core, loginPerMinute: config.LOGIN_RATE_LIMIT_PER_MINUTE });
      await api.register(institutionRoutes, { core });
      await api.register(licenceRoutes, { core });
      await api.register(staffRoutes, { core });
      await api.register(auditRoutes, { core });
      await api.register(classRoutes, { core });
      await api.register(rosterRoutes, { core });
      await api.register(identityRoutes, { core });
      await api.register(deviceCheckRoutes);
      await api.register(replayRoutes, {
        core,
        storageDir: config.STORAGE_DIR,
        secureCookies: new URL(config.PUBLIC_BASE_URL).protocol === 'https:',
      });
    },
    { prefix: '/api/v1' },
  );
  await app.register(replayFileRoutes, { core, storageDir: config.STORAGE_DIR });
  await app.register(fastifyStatic, { root: WEB_PUBLIC_DIR, prefix: '/app/', decorateReply: false });
  app.get('/', { config: { access: 'public' }, schema: { hide: true } }, (_req, reply) =>
    reply.redirect('/app/'),
  );

  await app.ready();
  return app as unknown as App;
}
