import fp from 'fastify-plugin';
import type { FastifyInstance, FastifyRequest, FastifySchema, HTTPMethods } from 'fastify';
import { ErrorBody, ROLES, type Role } from '@seafarer/contracts';
import {
  AppError,
  authorize,
  compileAccessRule,
  pathParams,
  type AccessClaims,
  type AccessRule,
  type Actor,
  type CompiledAccessRule,
  type Core,
  type Ctx,
  type ScopeTarget,
} from '@seafarer/core';

/**
 * 'public': anyone; a capability route: its path carries a signed, expiring token that the handler
 * verifies (replay URLs), so it needs no sign-in; otherwise roles plus, for every path parameter, the
 * kind of resource it names (each resolved, within the caller's scope, and of the one before it).
 */
export type Access = 'public' | { capability: string } | AccessRule;

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Every route declares who may call it (SEC-1). A route without it fails at start-up. */
    access?: Access;
    /** The access rule checked against the route's path at start-up (set by this plugin). */
    compiledAccess?: CompiledAccessRule;
  }
  interface FastifyRequest {
    actor: Actor | null;
    /** The resources the path names, by parameter, each checked against the caller (SEC-1). */
    scope: Record<string, ScopeTarget>;
  }
  interface FastifyInstance {
    routeTable: RouteEntry[];
  }
}

export interface RouteEntry {
  method: HTTPMethods;
  url: string;
  access: Access;
  schema?: FastifySchema;
}

export const ALL_ROLES: readonly Role[] = ROLES;

// Routes that plugins register (API docs UI, static web client) carry no config of ours.
const PLUGIN_PUBLIC_PREFIXES = ['/docs', '/app', '/favicon.ico'];

/** The request's context for a use-case; throws when the route is public and there is no actor. */
export function ctxOf(req: {
  actor: Actor | null;
  id: string;
  ip: string;
  headers: Record<string, unknown>;
}): Ctx & { actor: Actor } {
  if (!req.actor) throw new AppError('UNAUTHENTICATED');
  return {
    actor: req.actor,
    requestId: req.id,
    ip: req.ip,
    userAgent: (req.headers['user-agent'] as string | undefined) ?? null,
  };
}

export function anonymousCtx(req: { id: string; ip: string; headers: Record<string, unknown> }): Ctx {
  return {
    actor: null,
    requestId: req.id,
    ip: req.ip,
    userAgent: (req.headers['user-agent'] as string | undefined) ?? null,
  };
}

export function bearerToken(header: string | undefined): string | null {
  if (!header) return null;
  const m = /^Bearer ([A-Za-z0-9._~+/=-]+)$/.exec(header.trim());
  return m ? m[1]! : null;
}

const verified = new WeakMap<FastifyRequest, AccessClaims | AppError>();

/**
 * The claims of the request's bearer token, verified (signature, expiry) once per request: the rate
 * limiter keys by them and the access check loads the session from them. Throws the token's AppError
 * (UNAUTHENTICATED without one).
 */
export function verifiedClaims(core: Core, req: FastifyRequest): AccessClaims {
  let known = verified.get(req);
  if (known === undefined) {
    const token = bearerToken(req.headers.authorization);
    try {
      if (!token) throw new AppError('UNAUTHENTICATED');
      known = core.auth.verifyAccessToken(token);
    } catch (e) {
      if (!(e instanceof AppError)) throw e;
      known = e;
    }
    verified.set(req, known);
  }
  if (known instanceof AppError) throw known;
  return known;
}

export default fp(async function access(app: FastifyInstance, opts: { core: Core }) {
  app.decorate('routeTable', [] as RouteEntry[]);
  app.decorateRequest('actor', null);
  app.decorateRequest('scope', null as unknown as Record<string, ScopeTarget>);

  app.addHook('onRoute', (route) => {
    const config = (route.config ?? {}) as { access?: Access };
    if (!config.access) {
      if (
        PLUGIN_PUBLIC_PREFIXES.some((p) => route.url === p || route.url.startsWith(p)) ||
        route.url === '/'
      ) {
        route.config = { ...config, access: 'public' } as typeof route.config;
      } else {
        throw new Error(`Route ${String(route.method)} ${route.url} declares no access rule`);
      }
    }
    const access = (route.config as { access: Access }).access;
    if (typeof access === 'object' && 'roles' in access)
      // Throws (the API does not start) when a path parameter is left out or two do not belong together.
      route.config = {
        ...route.config,
        compiledAccess: compileAccessRule(route.url, access),
      } as typeof route.config;
    else if (access === 'public' && pathParams(route.url).length > 0)
      throw new Error(
        `Route ${String(route.method)} ${route.url} is public but names a resource in its path`,
      );
    // Document the one error shape on every route.
    if (route.schema) {
      route.schema = {
        ...route.schema,
        response: { ...(route.schema.response as object), '4xx': ErrorBody, '5xx': ErrorBody },
      };
    }
    const hooks = route.onRequest;
    route.onRequest = [...(Array.isArray(hooks) ? hooks : hooks ? [hooks] : []), checkAccess];
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    for (const method of methods) {
      if (method === 'HEAD') continue;
      app.routeTable.push({
        method,
        url: route.url,
        access,
        ...(route.schema && { schema: route.schema }),
      });
    }
  });

  // Runs before body parsing and validation, so a caller without the right always meets 401/403/404
  // and learns nothing about what a valid body would be. A route-level hook (pushed by the onRoute hook
  // above) so that it runs after the rate limiter's, which is route-level too: a flood is refused before
  // it costs a session read, and requests that fail sign-in count against their limit as well.
  async function checkAccess(req: FastifyRequest) {
    const access = req.routeOptions.config?.access;
    if (!access || access === 'public' || 'capability' in access) return;
    const rule = req.routeOptions.config.compiledAccess;
    if (!rule) throw new Error(`${req.routeOptions.url ?? req.url}: access rule not compiled`);
    req.actor = await opts.core.auth.authenticate(verifiedClaims(opts.core, req));
    req.scope = await authorize(opts.core.db, req.actor, rule, req.params as Record<string, string>);
  }
  // The safety net stays on every request: a route with a sign-in rule that escaped the onRoute hook
  // (registered before this plugin) would otherwise go unchecked; it is refused instead.
  app.addHook('onRequest', (req, _reply, done) => {
    req.scope = {};
    const access = req.routeOptions.config?.access;
    if (typeof access === 'object' && 'roles' in access && !req.routeOptions.config.compiledAccess)
      return done(new Error(`${req.routeOptions.url ?? req.url}: access rule not compiled`));
    done();
  });
});
