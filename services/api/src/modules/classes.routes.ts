import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import {
  ClassParams,
  ClassSummary,
  ClassView,
  CreateClassBody,
  IdParams,
  JoinGrantView,
  ListOf,
  MessageBody,
  MessageView,
  NotificationView,
  Ok,
  PlanBody,
  PlanDiffView,
  PlanVersionView,
  ReviewBody,
  SessionInteractions,
  SessionParams,
  SessionPresence,
  Strict,
  Uuid,
  VersionParams,
} from '@seafarer/contracts';
import type { Core } from '@seafarer/core';
import { ALL_ROLES, ctxOf } from '../plugins/access';

const classRoutes: FastifyPluginAsyncTypebox<{ core: Core }> = async (app, { core }) => {
  const tags = ['classes'];
  const planners = ['institution_admin', 'class_manager'] as const;
  const staffAndAuthority = [
    'institution_admin',
    'class_manager',
    'instructor',
    'maritime_officer',
    'platform_admin',
  ] as const;
  const inClass = { classId: 'class' } as const;
  const inSession = { classId: 'class', sessionId: 'session' } as const;

  app.post(
    '/institutions/:institutionId/classes',
    {
      config: { access: { roles: planners, scope: { institutionId: 'institution' } } },
      schema: {
        tags,
        params: IdParams('institutionId'),
        body: CreateClassBody,
        response: { 201: ClassView },
      },
    },
    async (req, reply) =>
      reply.status(201).send(await core.classes.createClass(ctxOf(req), req.params.institutionId, req.body)),
  );
  app.get(
    '/institutions/:institutionId/classes',
    {
      config: {
        access: { roles: staffAndAuthority, scope: { institutionId: 'institution' } },
      },
      schema: { tags, params: IdParams('institutionId'), response: { 200: ListOf(ClassSummary) } },
    },
    async (req) => ({ items: await core.classes.listClasses(req.params.institutionId) }),
  );
  app.get(
    '/classes/:classId',
    {
      config: { access: { roles: ALL_ROLES, scope: inClass } },
      schema: { tags, params: ClassParams, response: { 200: ClassView } },
    },
    (req) => core.classes.getClass(req.params.classId),
  );
  app.put(
    '/classes/:classId/plan',
    {
      config: { access: { roles: planners, scope: inClass } },
      schema: { tags, params: ClassParams, body: PlanBody, response: { 200: ClassView } },
    },
    (req) => core.classes.amendPlan(ctxOf(req), req.params.classId, req.body),
  );
  app.post(
    '/classes/:classId/plan/file',
    {
      config: { access: { roles: planners, scope: inClass } },
      schema: { tags: ['filing'], params: ClassParams, response: { 200: ClassView } },
    },
    (req) => core.classes.filePlan(ctxOf(req), req.params.classId),
  );
  app.post(
    '/classes/:classId/plan/review',
    {
      config: { access: { roles: ['maritime_officer'], scope: inClass } },
      schema: { tags: ['filing'], params: ClassParams, body: ReviewBody, response: { 200: ClassView } },
    },
    (req) => core.classes.review(ctxOf(req), req.params.classId, req.body),
  );
  app.get(
    '/classes/:classId/versions',
    {
      config: { access: { roles: staffAndAuthority, scope: inClass } },
      schema: { tags: ['filing'], params: ClassParams, response: { 200: ListOf(PlanVersionView) } },
    },
    async (req) => ({ items: await core.classes.listVersions(req.params.classId) }),
  );
  app.get(
    '/classes/:classId/versions/:version/diff',
    {
      config: { access: { roles: staffAndAuthority, scope: { classId: 'class', version: 'planVersion' } } },
      schema: { tags: ['filing'], params: VersionParams, response: { 200: PlanDiffView } },
    },
    (req) => core.classes.diffVersion(req.params.classId, req.params.version),
  );
  app.post(
    '/classes/:classId/sessions/:sessionId/join-grant',
    {
      config: { access: { roles: ALL_ROLES, scope: inSession } },
      schema: { tags: ['live'], params: SessionParams, response: { 200: JoinGrantView } },
    },
    (req) => core.live.issueJoinGrant(ctxOf(req), req.params.classId, req.params.sessionId),
  );
  app.get(
    '/classes/:classId/sessions/:sessionId/presence',
    {
      config: { access: { roles: staffAndAuthority, scope: inSession } },
      schema: { tags: ['live'], params: SessionParams, response: { 200: SessionPresence } },
    },
    async (req) => ({ items: await core.liveLog.sessionPresence(req.params.classId, req.params.sessionId) }),
  );
  app.get(
    '/classes/:classId/sessions/:sessionId/interactions',
    {
      config: { access: { roles: staffAndAuthority, scope: inSession } },
      schema: { tags: ['live'], params: SessionParams, response: { 200: SessionInteractions } },
    },
    async (req) => ({
      items: await core.liveLog.sessionInteractions(req.params.classId, req.params.sessionId),
    }),
  );
  app.get(
    '/classes/:classId/messages',
    {
      config: { access: { roles: ALL_ROLES, scope: inClass } },
      schema: { tags: ['contact group'], params: ClassParams, response: { 200: ListOf(MessageView) } },
    },
    async (req) => ({ items: await core.classGroup.list(req.params.classId) }),
  );
  app.post(
    '/classes/:classId/messages',
    {
      config: {
        access: { roles: ['institution_admin', 'class_manager', 'instructor', 'trainee'], scope: inClass },
      },
      schema: {
        tags: ['contact group'],
        params: ClassParams,
        body: MessageBody,
        response: { 201: MessageView },
      },
    },
    async (req, reply) =>
      reply.status(201).send(await core.classGroup.post(ctxOf(req), req.params.classId, req.body.body)),
  );

  // The caller's own notification centre: no path ids, so no tenant to scope; the use-case filters by actor.
  app.get(
    '/notifications',
    {
      config: { access: { roles: ALL_ROLES } },
      schema: {
        tags: ['notifications'],
        querystring: Type.Object(
          {
            unreadOnly: Type.Optional(Type.Boolean()),
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200 })),
          },
          { additionalProperties: false },
        ),
        response: { 200: ListOf(NotificationView) },
      },
    },
    async (req) => ({ items: await core.notifications.list(ctxOf(req), req.query) }),
  );
  app.post(
    '/notifications/read',
    {
      config: { access: { roles: ALL_ROLES } },
      schema: {
        tags: ['notifications'],
        body: Strict({ ids: Type.Array(Uuid, { minItems: 1, maxItems: 200 }) }),
        response: { 200: Ok },
      },
    },
    async (req) => {
      for (const id of req.body.ids) await core.notifications.markRead(ctxOf(req), id);
      return { ok: true as const };
    },
  );
};
export default classRoutes;
