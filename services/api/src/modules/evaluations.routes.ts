import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import {
  ClassEvaluationView,
  ClassParams,
  EvaluationAnswerResult,
  EvaluationFormView,
  IdParams,
  InstitutionEvaluationView,
  MyEvaluationsView,
  OfficerQualityView,
  OpenSurveyBody,
  QualityPeriodQuery,
  QualityView,
  SponsorAnswerBody,
  SponsorInvitationBody,
  SponsorInvitationCreated,
  SponsorTokenQuery,
  SurveyParams,
  TraineeAnswerBody,
} from '@seafarer/contracts';
import type { Core } from '@seafarer/core';
import { anonymousCtx, ctxOf } from '../plugins/access';

/**
 * JS-7.1 / JS-14: course evaluation (a trainee of the class once, anonymously; a sending company once
 * through its invitation link) and QM-3: the quality objectives. Results are read by the institution's
 * managers and admins and by the officers of its jurisdiction, never by instructors (the evaluation is
 * anonymous to them, and about them).
 */
const evaluationsRoutes: FastifyPluginAsyncTypebox<{ core: Core }> = async (app, { core }) => {
  const tags = ['evaluation'];
  const managers = ['institution_admin', 'class_manager'] as const;
  const readers = ['institution_admin', 'class_manager', 'maritime_officer', 'platform_admin'] as const;
  const inClass = { classId: 'class' } as const;

  // ---------- trainee ----------
  app.get(
    '/me/evaluations',
    {
      config: { access: { roles: ['trainee'] } },
      schema: { tags, response: { 200: MyEvaluationsView } },
    },
    (req) => core.evaluations.mine(ctxOf(req)),
  );
  app.get(
    '/me/classes/:classId/evaluation',
    {
      config: { access: { roles: ['trainee'], scope: inClass } },
      schema: { tags, params: ClassParams, response: { 200: EvaluationFormView } },
    },
    (req) => core.evaluations.traineeForm(ctxOf(req), req.params.classId),
  );
  app.post(
    '/me/classes/:classId/evaluation',
    {
      config: { access: { roles: ['trainee'], scope: inClass } },
      schema: {
        tags,
        params: ClassParams,
        body: TraineeAnswerBody,
        response: { 200: EvaluationAnswerResult },
      },
    },
    (req) => core.evaluations.traineeAnswer(ctxOf(req), req.params.classId, req.body),
  );

  // ---------- the class's manager ----------
  app.get(
    '/classes/:classId/evaluations',
    {
      config: { access: { roles: readers, scope: inClass } },
      schema: { tags, params: ClassParams, response: { 200: ClassEvaluationView } },
    },
    (req) => core.evaluations.results(req.params.classId),
  );
  app.post(
    '/classes/:classId/evaluations',
    {
      config: { access: { roles: managers, scope: inClass } },
      schema: { tags, params: ClassParams, body: OpenSurveyBody, response: { 200: ClassEvaluationView } },
    },
    (req) => core.evaluations.open(ctxOf(req), req.params.classId, req.body),
  );
  app.post(
    '/classes/:classId/evaluations/:surveyId/close',
    {
      config: { access: { roles: managers, scope: { classId: 'class', surveyId: 'survey' } } },
      schema: { tags, params: SurveyParams, response: { 200: ClassEvaluationView } },
    },
    (req) => core.evaluations.close(ctxOf(req), req.params.classId, req.params.surveyId),
  );
  app.post(
    '/classes/:classId/sponsor-invitations',
    {
      config: { access: { roles: managers, scope: inClass } },
      schema: {
        tags,
        params: ClassParams,
        body: SponsorInvitationBody,
        response: { 200: SponsorInvitationCreated },
      },
    },
    async (req, reply) => {
      // The token is shown once: never cached.
      reply.header('cache-control', 'no-store');
      return core.evaluations.invite(ctxOf(req), req.params.classId, req.body);
    },
  );
  app.get(
    '/institutions/:institutionId/evaluations',
    {
      config: { access: { roles: readers, scope: { institutionId: 'institution' } } },
      schema: {
        tags,
        params: IdParams('institutionId'),
        querystring: QualityPeriodQuery,
        response: { 200: InstitutionEvaluationView },
      },
    },
    (req) => core.evaluations.institutionResults(req.params.institutionId, req.query),
  );

  // ---------- the sending company: no account, the invitation token (query `token` is kept out of logs) ----------
  const sponsorLimit = { max: 30, timeWindow: '1 minute' };
  app.get(
    '/sponsor-evaluation',
    {
      config: { access: 'public', rateLimit: sponsorLimit },
      schema: { tags, querystring: SponsorTokenQuery, response: { 200: EvaluationFormView } },
    },
    (req) => core.evaluations.sponsorForm(req.query.token),
  );
  app.post(
    '/sponsor-evaluation',
    {
      config: { access: 'public', rateLimit: sponsorLimit },
      schema: { tags, body: SponsorAnswerBody, response: { 200: EvaluationAnswerResult } },
    },
    (req) => core.evaluations.sponsorAnswer(anonymousCtx(req), req.body),
  );

  // ---------- QM-3: the quality objectives ----------
  app.get(
    '/institutions/:institutionId/quality',
    {
      config: {
        access: {
          roles: [...readers, 'instructor'],
          scope: { institutionId: 'institution' },
        },
      },
      schema: {
        tags,
        params: IdParams('institutionId'),
        querystring: QualityPeriodQuery,
        response: { 200: QualityView },
      },
    },
    (req) => core.quality.institution(req.params.institutionId, req.query),
  );
  app.get(
    '/officer/quality',
    {
      config: { access: { roles: ['maritime_officer', 'platform_admin'] } },
      schema: { tags, querystring: QualityPeriodQuery, response: { 200: OfficerQualityView } },
    },
    (req) => core.quality.officer(ctxOf(req), req.query),
  );
};
export default evaluationsRoutes;
