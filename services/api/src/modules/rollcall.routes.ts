import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import {
  IdParams,
  ListOf,
  RollCallDetail,
  SessionRollCalls,
  SpotCheckDetail,
  SpotCheckSummary,
} from '@seafarer/contracts';
import type { Core } from '@seafarer/core';
import { ctxOf } from '../plugins/access';

/** Issue 11: roll-calls and identity spot checks of live sessions, as the class's staff and officers read them. */
const rollcallRoutes: FastifyPluginAsyncTypebox<{ core: Core }> = async (app, { core }) => {
  const tags = ['rollcall'];
  /** JS-7.2 / JS-16: the class's staff and the officers of its jurisdiction (never trainees). */
  const checkReaders = [
    'institution_admin',
    'class_manager',
    'instructor',
    'maritime_officer',
    'platform_admin',
  ] as const;

  app.get(
    '/classes/:classId/sessions/:sessionId/spot-checks',
    {
      config: {
        access: { roles: checkReaders, scope: { classId: 'class', sessionId: 'session' } },
      },
      schema: {
        tags,
        summary: 'JS-7.2: the identity spot checks of a session, newest first',
        params: IdParams('classId', 'sessionId'),
        response: { 200: ListOf(SpotCheckSummary) },
      },
    },
    async (req) => ({ items: await core.spotChecks.list(req.params.classId, req.params.sessionId) }),
  );

  app.get(
    '/classes/:classId/spot-checks/:spotCheckId',
    {
      config: {
        access: { roles: checkReaders, scope: { classId: 'class', spotCheckId: 'spotCheck' } },
      },
      schema: {
        tags,
        summary:
          'JS-7.2: one spot check: its seed and population (the draw re-done), the verdicts and stills',
        params: IdParams('classId', 'spotCheckId'),
        response: { 200: SpotCheckDetail },
      },
    },
    (req) => core.spotChecks.get(req.params.classId, req.params.spotCheckId),
  );

  app.get(
    '/classes/:classId/sessions/:sessionId/roll-calls',
    {
      config: {
        // A trainee reads their own rows only, of roll-calls that fired (never a scheduled one, nor who started it).
        access: { roles: [...checkReaders, 'trainee'], scope: { classId: 'class', sessionId: 'session' } },
      },
      schema: {
        tags,
        summary:
          'JS-13.2: the roll-calls of a session that fired, with counts (staff, officers); a trainee: their own outcomes',
        params: IdParams('classId', 'sessionId'),
        response: { 200: SessionRollCalls },
      },
    },
    (req) => core.rollCallRecords.listForSession(ctxOf(req).actor, req.params.classId, req.params.sessionId),
  );

  app.get(
    '/classes/:classId/roll-calls/:rollCallId',
    {
      config: {
        access: { roles: checkReaders, scope: { classId: 'class', rollCallId: 'rollCall' } },
      },
      schema: {
        tags,
        summary:
          'JS-13.2: one roll-call: every trainee with outcome (zh/en), answer and still (China time), still evidence ids',
        params: IdParams('classId', 'rollCallId'),
        response: { 200: RollCallDetail },
      },
    },
    (req) => core.rollCallRecords.detail(ctxOf(req).actor, req.params.classId, req.params.rollCallId),
  );
};
export default rollcallRoutes;
