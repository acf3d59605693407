import Fastify, { LogController, type FastifyInstance, type FastifyServerOptions } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import cors from '@fastify/cors';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import fastifyStatic from '@fastify/static';
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { Redis } from 'ioredis';
import { liveNodeOrigins, trustProxySetting, type Config } from '@seafarer/config';
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
import errorHandling, { frameworkErrors } from './plugins/errors';
import requestLog from './plugins/request-log';
import securityHeadersPlugin, { securityHeaders } from './plugins/security-headers';
import access, { verifiedClaims } from './plugins/access';
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
import rollcallRoutes from './modules/rollcall.routes';
import attendanceRoutes from './modules/attendance.routes';
import oversightRoutes from './modules/oversight.routes';
import supervisionRoutes from './modules/supervision.routes';
import examRoutes from './modules/exams.routes';
import examSetupRoutes from './modules/exam-setup.routes';
import examAttemptsRoutes from './modules/exam-attempts.routes';
import examMarkingRoutes from './modules/exam-marking.routes';
import proctoringRoutes from './modules/proctoring.routes';
import quizzesRoutes from './modules/quizzes.routes';
import evaluationsRoutes from './modules/evaluations.routes';

export interface BuildOptions {
  config: Config;
  clock?: Clock;
  /** Logger options (level, stream …); credential redaction is always added on top. */
  logger?: FastifyServerOptions['logger'];
  /** Key prefix for Redis-backed rate limits (lets parallel test apps share one Redis). */
  rateLimitNamespace?: string;
}

export type App = FastifyInstance & { core: Core };

/** Liveness and readiness probes (health.routes.ts): exempt from rate limiting. */
const PROBE_PATHS = new Set(['/healthz', '/readyz']);

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
    // One line per answered request instead of two (plugins/request-log.ts).
    logController: new LogController({ disableRequestLogging: true }),
    requestIdHeader: false,
    // SEC-1: X-Forwarded-For / -Proto are believed only from the proxies TRUST_PROXY names.
    trustProxy: trustProxySetting(config),
    // Signed replay URLs carry their token in the path (about 130 characters).
    routerOptions: { maxParamLength: 300 },
    // SEC-2: fastify's own refusals of a bad URL (a lone surrogate, an over-long parameter) are coded too.
    frameworkErrors,
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
  // The rate limiter's own connection fails fast while Redis is away (no offline queue, a short command
  // timeout): the limiter then lets the request through (skipOnError) at once, so an outage does not add
  // seconds to every request — an exam answer is stored and acknowledged as quickly as ever.
  const limiterRedis = redisWatch.client(
    new Redis(config.REDIS_URL, {
      lazyConnect: false,
      maxRetriesPerRequest: 0,
      enableOfflineQueue: false,
      commandTimeout: 500,
      retryStrategy: (attempt) => Math.min(attempt * 100, 1000),
    }),
    'api-limiter',
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
    await closeRedis(limiterRedis);
  });
  app.addHook('onSend', async (req, reply) => {
    reply.header('x-request-id', req.id);
  });

  // Infrastructure first (fastify/demo): errors, security headers, CORS, rate limits, docs, access control.
  await app.register(errorHandling);
  await app.register(requestLog);
  // The pages talk to this API and to the live nodes' signaling, nothing else.
  const liveSources = liveOrigins.flatMap((origin) => {
    const u = new URL(origin);
    return [origin, `${u.protocol === 'https:' ? 'wss:' : 'ws:'}//${u.host}`];
  });
  // SEC-1: HSTS and upgrade-insecure-requests only on a request that arrived over HTTPS (directly, or
  // through a trusted proxy's X-Forwarded-Proto). Over plain HTTP they would push a browser to an HTTPS
  // origin that may not exist: a deployment without TLS would stop loading its own scripts.
  const directives = {
    'script-src': ["'self'"],
    'connect-src': ["'self'", ...liveSources],
    'img-src': ["'self'", 'data:', 'blob:'],
    'media-src': ["'self'", 'blob:'],
  };
  const overHttps = securityHeaders({
    contentSecurityPolicy: { directives },
    strictTransportSecurity: { maxAge: 31_536_000, includeSubDomains: true },
  });
  const overHttp = securityHeaders({
    contentSecurityPolicy: { directives: { ...directives, 'upgrade-insecure-requests': null } },
    strictTransportSecurity: false,
  });
  // SEC-1: the API docs UI (swagger-ui) styles its elements inline and shows data: images; those two
  // allowances are made for /docs alone, which loads nothing from elsewhere and talks only to itself.
  const docsDirectives = {
    'default-src': ["'self'"],
    'script-src': ["'self'"],
    'style-src': ["'self'", "'unsafe-inline'"],
    'img-src': ["'self'", 'data:'],
    'connect-src': ["'self'"],
    'font-src': ["'self'", 'data:'],
  };
  const docsOverHttps = securityHeaders({
    contentSecurityPolicy: { useDefaults: true, directives: docsDirectives },
    strictTransportSecurity: { maxAge: 31_536_000, includeSubDomains: true },
  });
  const docsOverHttp = securityHeaders({
    contentSecurityPolicy: {
      useDefaults: true,
      directives: { ...docsDirectives, 'upgrade-insecure-requests': null },
    },
    strictTransportSecurity: false,
  });
  const isDocs = (url: string) => url === '/docs' || url.startsWith('/docs/') || url.startsWith('/docs?');
  await app.register(securityHeadersPlugin, {
    pick: (req) =>
      isDocs(req.url)
        ? req.protocol === 'https'
          ? docsOverHttps
          : docsOverHttp
        : req.protocol === 'https'
          ? overHttps
          : overHttp,
  });
  const origins = config.CORS_ORIGINS.split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  await app.register(cors, { origin: origins.length > 0 ? origins : false, credentials: true });
  // SEC-1: probes are never rate-limited — a 429 from /readyz reads as a dead service to an orchestrator.
  // Set before the limiter registers, so its onRoute hook sees the exemption.
  app.addHook('onRoute', (route) => {
    if (PROBE_PATHS.has(route.url))
      route.config = { ...(route.config as object), rateLimit: false } as typeof route.config;
  });
  await app.register(rateLimit, {
    global: true,
    max: config.RATE_LIMIT_PER_MINUTE,
    timeWindow: '1 minute',
    redis: limiterRedis,
    nameSpace: opts.rateLimitNamespace ?? 'rl:api:',
    // SEC-1: a signed-in request counts against its account, wherever it comes from (a training room
    // behind one NAT is many accounts, not one address); an anonymous one against its address. The token
    // is verified here (signature and expiry, no database): an unverified `sub` would let anyone spend
    // someone else's budget. A token that fails counts as anonymous; the access check refuses it after.
    keyGenerator: (req) => {
      try {
        return `a:${verifiedClaims(core, req).sub}`;
      } catch {
        return `ip:${req.ip}`; // no token, or one that fails: anonymous
      }
    },
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
  // The CSP of /docs is the docs set above (swagger-ui's own static CSP left out inline styles).
  await app.register(swaggerUi, { routePrefix: '/docs', staticCSP: false });
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
      await api.register(rosterRoutes, { core, publicBaseUrl: config.PUBLIC_BASE_URL });
      await api.register(identityRoutes, { core });
      await api.register(deviceCheckRoutes);
      // Issue 11: roll-calls and spot checks, attendance, oversight, supervision.
      await api.register(rollcallRoutes, { core });
      await api.register(attendanceRoutes, { core });
      await api.register(oversightRoutes, { core });
      await api.register(supervisionRoutes, { core });
      await api.register(examRoutes, { core });
      // Issue 12: exams, proctoring, quizzes, evaluation and the quality objectives.
      await api.register(examSetupRoutes, { core });
      await api.register(examAttemptsRoutes, { core });
      await api.register(examMarkingRoutes, { core });
      await api.register(proctoringRoutes, { core });
      await api.register(quizzesRoutes, { core });
      await api.register(evaluationsRoutes, { core });
      await api.register(replayRoutes, {
        core,
        storageDir: config.STORAGE_DIR,
        secureCookies: new URL(config.PUBLIC_BASE_URL).protocol === 'https:',
      });
    },
    { prefix: '/api/v1' },
  );
  await app.register(replayFileRoutes, { core, storageDir: config.STORAGE_DIR });
  await app.register(fastifyStatic, {
    root: WEB_PUBLIC_DIR,
    prefix: '/app/',
    decorateReply: false,
    // SEC-1: production serves no source maps (the web build writes none; one left by a debug build is
    // still refused).
    ...(config.NODE_ENV === 'production' && {
      allowedPath: (pathName: string) => !pathName.endsWith('.map'),
    }),
  });
  app.get('/', { config: { access: 'public' }, schema: { hide: true } }, (_req, reply) =>
    reply.redirect('/app/'),
  );
  // Browsers ask for /favicon.ico on every origin: the platform's anchor (an SVG, which they all show).
  const favicon = await readFile(path.join(WEB_PUBLIC_DIR, 'favicon.svg'));
  app.get('/favicon.ico', { config: { access: 'public' }, schema: { hide: true } }, (_req, reply) =>
    reply
      .header('content-type', 'image/svg+xml')
      .header('cache-control', 'public, max-age=86400')
      .send(favicon),
  );

  await app.ready();
  // Counting starts with the first request: wait (briefly) for the limiter's connection, which has no
  // offline queue. Redis away at start: requests pass unlimited until it connects, as in an outage.
  if (limiterRedis.status !== 'ready')
    await new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        limiterRedis.off('ready', done);
        resolve();
      };
      const timer = setTimeout(done, 2000);
      limiterRedis.once('ready', done);
    });
  return app as unknown as App;
}
