import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
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
import type { Core } from '@seafarer/core';
import { ALL_ROLES, anonymousCtx, ctxOf } from '../plugins/access';

const anyone = { roles: ALL_ROLES, allowPendingPasswordChange: true } as const;

const authRoutes: FastifyPluginAsyncTypebox<{ core: Core; loginPerMinute: number }> = async (
  app,
  { core, loginPerMinute },
) => {
  const tags = ['auth'];
  app.post(
    '/auth/login',
    {
      config: { access: 'public', rateLimit: { max: loginPerMinute, timeWindow: '1 minute' } },
      schema: { tags, body: LoginBody, response: { 200: TokenPair } },
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
    { config: { access: anyone }, schema: { tags, body: ChangePasswordBody, response: { 200: Ok } } },
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
