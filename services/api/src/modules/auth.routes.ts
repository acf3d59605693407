import { createHash } from 'node:crypto';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import {
  Actor,
  ChangePasswordBody,
  LoginBody,
  LogoutAllResult,
  Ok,
  RefreshBody,
  SessionList,
  TokenPair,
} from '@seafarer/contracts';
import { AppError, type Core } from '@seafarer/core';
import { ALL_ROLES, anonymousCtx, ctxOf } from '../plugins/access';

const anyone = { roles: ALL_ROLES, allowPendingPasswordChange: true } as const;

/** A username as the accounts table compares it, hashed: a Redis key holds no one's name. */
const usernameKey = (name: unknown) =>
  createHash('sha256')
    .update(typeof name === 'string' ? name.toLowerCase() : '')
    .digest('base64url')
    .slice(0, 22);

const authRoutes: FastifyPluginAsyncTypebox<{ core: Core; loginPerMinute: number }> = async (
  app,
  { core, loginPerMinute },
) => {
  const tags = ['auth'];
  // TM-3: the login limit fails CLOSED. Without Redis the attempts cannot be counted, and an uncounted
  // login is an open door to password guessing, so sign-in waits (a coded 503) until Redis is back.
  // The other limits stay fail-open (the global limiter's skipOnError).
  const loginLimit = app.createRateLimit({
    max: loginPerMinute,
    timeWindow: 60_000,
    skipOnError: false,
    keyGenerator: (req) => `login:${req.ip}`,
  });
  // SEC-1: as many attempts per username, from all addresses together, whether or not the name exists:
  // the answer never tells the two apart, and guesses at one account from many addresses at once are
  // counted before any password is checked (the account lock counts failures only once checked).
  const loginNameLimit = app.createRateLimit({
    max: loginPerMinute,
    timeWindow: 60_000,
    skipOnError: false,
    keyGenerator: (req) => `login-name:${usernameKey((req.body as { username?: unknown }).username)}`,
  });
  const enforce = async (limiter: typeof loginLimit, req: FastifyRequest, reply: FastifyReply) => {
    let limit: Awaited<ReturnType<typeof loginLimit>>;
    try {
      limit = await limiter(req);
    } catch (err) {
      req.log.warn({ err: (err as Error).message }, 'login refused: the attempt limit cannot be checked');
      // Retryable: the error handler answers 503 with Retry-After.
      throw new AppError('SERVICE_UNAVAILABLE', {
        message: {
          zh: '暂时无法登录（登录次数限制无法核对），请稍后重试',
          en: 'Sign-in is briefly unavailable (the attempt limit cannot be checked); please retry',
        },
        retryable: true,
      });
    }
    if (!limit.isAllowed && limit.isExceeded) {
      reply.header('retry-after', String(limit.ttlInSeconds));
      throw new AppError('RATE_LIMITED');
    }
  };
  app.post(
    '/auth/login',
    {
      config: { access: 'public', rateLimit: false },
      schema: { tags, body: LoginBody, response: { 200: TokenPair } },
      // Per address before the body is even read; per name once it is parsed and valid.
      onRequest: (req, reply) => enforce(loginLimit, req, reply),
      preHandler: (req, reply) => enforce(loginNameLimit, req, reply),
    },
    (req) => core.auth.login(anonymousCtx(req), req.body),
  );
  app.post(
    '/auth/refresh',
    {
      config: { access: 'public', rateLimit: { max: loginPerMinute * 4, timeWindow: '1 minute' } },
      schema: { tags, body: RefreshBody, response: { 200: TokenPair } },
    },
    (req) => core.auth.refresh(anonymousCtx(req), req.body.refreshToken),
  );
  app.post(
    '/auth/logout',
    { config: { access: anyone }, schema: { tags, response: { 200: Ok } } },
    async (req) => {
      await core.auth.logout(ctxOf(req));
      return { ok: true as const };
    },
  );
  app.post(
    '/auth/logout-all',
    { config: { access: anyone }, schema: { tags, response: { 200: LogoutAllResult } } },
    async (req) => ({
      revokedSessions: await core.auth.logoutAll(ctxOf(req)),
    }),
  );
  app.post(
    '/auth/password',
    {
      // TM-3: the current password is a guess like a sign-in's: at most as many a minute per account (the
      // global key), so that parallel guesses cannot all be checked before the lock is seen.
      config: { access: anyone, rateLimit: { max: loginPerMinute, timeWindow: '1 minute' } },
      schema: { tags, body: ChangePasswordBody, response: { 200: Ok } },
    },
    async (req) => {
      await core.auth.changePassword(ctxOf(req), req.body);
      return { ok: true as const };
    },
  );
  app.get(
    '/auth/me',
    { config: { access: anyone }, schema: { tags, response: { 200: Actor } } },
    async (req) => core.auth.toActorView(ctxOf(req).actor),
  );
  app.get(
    '/auth/sessions',
    { config: { access: anyone }, schema: { tags, response: { 200: SessionList } } },
    async (req) => ({
      items: await core.auth.listSessions(ctxOf(req)),
    }),
  );
};
export default authRoutes;
