import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import {
  ListOf,
  MonitoringWallView,
  OfficerDashboardView,
  RecordingReviewBody,
  RecordingReviewView,
  SessionParams,
  SupervisionQuery,
  SupervisionSessionView,
} from '@seafarer/contracts';
import type { Core } from '@seafarer/core';
import { ctxOf } from '../plugins/access';

/**
 * JS-16 / TM-6: the officer's dashboard of the jurisdiction, the monitoring wall's live classes, and
 * the supervision view of sessions, recordings and the review log. The jurisdiction comes from the
 * officer's own account (no path ids); the review routes name a class and its session (scope-checked).
 */
const supervisionRoutes: FastifyPluginAsyncTypebox<{ core: Core }> = async (app, { core }) => {
  const tags = ['supervision'];
  const officers = ['maritime_officer'] as const;
  const inSession = { classId: 'class', sessionId: 'session' } as const;

  app.get(
    '/officer/dashboard',
    {
      config: { access: { roles: officers } },
      schema: { tags, response: { 200: OfficerDashboardView } },
    },
    (req) => core.supervision.dashboard(ctxOf(req).actor),
  );
  app.get(
    '/officer/wall',
    {
      config: { access: { roles: officers } },
      schema: { tags, response: { 200: MonitoringWallView } },
    },
    (req) => core.supervision.wall(ctxOf(req).actor),
  );
  app.get(
    '/officer/sessions',
    {
      config: { access: { roles: officers } },
      schema: { tags, querystring: SupervisionQuery, response: { 200: ListOf(SupervisionSessionView) } },
    },
    async (req) => ({ items: await core.supervision.sessions(ctxOf(req).actor, req.query) }),
  );
  app.post(
    '/classes/:classId/sessions/:sessionId/recording-reviews',
    {
      config: { access: { roles: officers, scope: inSession } },
      schema: {
        tags,
        params: SessionParams,
        body: RecordingReviewBody,
        response: { 201: RecordingReviewView },
      },
    },
    async (req, reply) =>
      reply
        .status(201)
        .send(
          await core.supervision.logReview(ctxOf(req), req.params.classId, req.params.sessionId, req.body),
        ),
  );
  app.get(
    '/classes/:classId/sessions/:sessionId/recording-reviews',
    {
      config: {
        access: { roles: ['maritime_officer', 'platform_admin', 'institution_admin'], scope: inSession },
      },
      schema: { tags, params: SessionParams, response: { 200: ListOf(RecordingReviewView) } },
    },
    async (req) => ({ items: await core.supervision.reviews(req.params.classId, req.params.sessionId) }),
  );
};
export default supervisionRoutes;
