import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import {
  CorrectionParams,
  CreateOversightItemBody,
  DecideCorrectionBody,
  IdParams,
  IssueSanctionBody,
  ListOf,
  OversightEvidenceView,
  OversightItemParams,
  OversightItemView,
  OversightListQuery,
  SanctionView,
  ScoringView,
  SubmitCorrectionBody,
} from '@seafarer/contracts';
import { AppError, MAX_UPLOAD_BYTES, type Core } from '@seafarer/core';
import { ctxOf } from '../plugins/access';

const EVIDENCE_TYPES = ['image/jpeg', 'image/png', 'application/pdf'];

/**
 * JS-17 / QM-4: the authority's findings, complaints and exam-discipline violations of an institution,
 * the institution's corrections with evidence and the officer's decisions, the measures against its
 * online-training qualification, and seed 004's scoring indicators 3.1–3.3.
 */
const oversightRoutes: FastifyPluginAsyncTypebox<{ core: Core }> = async (app, { core }) => {
  const tags = ['oversight'];
  const institution = ['institution_admin', 'class_manager'] as const;
  const inInstitution = { institutionId: 'institution' } as const;
  const inItem = { institutionId: 'institution', oversightItemId: 'oversightItem' } as const;
  const Params = IdParams('institutionId');

  // Evidence arrives as the raw body; the bytes are sniffed again in core (the content type is not trusted).
  app.addContentTypeParser(
    EVIDENCE_TYPES,
    { parseAs: 'buffer', bodyLimit: MAX_UPLOAD_BYTES },
    (_req, body, done) => done(null, body),
  );

  app.post(
    '/institutions/:institutionId/oversight-items',
    {
      config: { access: { roles: ['maritime_officer'], scope: inInstitution } },
      schema: { tags, params: Params, body: CreateOversightItemBody, response: { 201: OversightItemView } },
    },
    async (req, reply) =>
      reply.status(201).send(await core.oversight.recordItem(ctxOf(req), req.params.institutionId, req.body)),
  );
  app.get(
    '/institutions/:institutionId/oversight-items',
    {
      config: { access: { roles: ['maritime_officer', ...institution], scope: inInstitution } },
      schema: { tags, params: Params, response: { 200: ListOf(OversightItemView) } },
    },
    async (req) => ({ items: await core.oversight.listForInstitution(req.params.institutionId) }),
  );
  app.get(
    '/oversight-items',
    {
      // The officer's jurisdiction and those below it (the use-case filters by the caller).
      config: { access: { roles: ['maritime_officer'] } },
      schema: { tags, querystring: OversightListQuery, response: { 200: ListOf(OversightItemView) } },
    },
    async (req) => ({ items: await core.oversight.listForOfficer(ctxOf(req), req.query) }),
  );
  app.post(
    '/institutions/:institutionId/oversight-items/:oversightItemId/evidence',
    {
      bodyLimit: MAX_UPLOAD_BYTES,
      config: { access: { roles: institution, scope: inItem } },
      schema: {
        tags,
        params: OversightItemParams,
        consumes: EVIDENCE_TYPES,
        response: { 201: OversightEvidenceView },
      },
    },
    async (req, reply) => {
      if (!Buffer.isBuffer(req.body) || req.body.length === 0) throw new AppError('UNSUPPORTED_MEDIA_TYPE');
      return reply
        .status(201)
        .send(
          await core.oversight.uploadEvidence(
            ctxOf(req),
            req.params.institutionId,
            req.params.oversightItemId,
            req.body,
          ),
        );
    },
  );
  app.post(
    '/institutions/:institutionId/oversight-items/:oversightItemId/corrections',
    {
      config: { access: { roles: institution, scope: inItem } },
      schema: {
        tags,
        params: OversightItemParams,
        body: SubmitCorrectionBody,
        response: { 201: OversightItemView },
      },
    },
    async (req, reply) =>
      reply
        .status(201)
        .send(
          await core.oversight.submitCorrection(
            ctxOf(req),
            req.params.institutionId,
            req.params.oversightItemId,
            req.body,
          ),
        ),
  );
  app.post(
    '/institutions/:institutionId/oversight-items/:oversightItemId/corrections/:correctionId/decision',
    {
      config: {
        access: {
          roles: ['maritime_officer'],
          scope: { ...inItem, correctionId: 'oversightCorrection' },
        },
      },
      schema: {
        tags,
        params: CorrectionParams,
        body: DecideCorrectionBody,
        response: { 200: OversightItemView },
      },
    },
    (req) =>
      core.oversight.decideCorrection(
        ctxOf(req),
        req.params.institutionId,
        req.params.oversightItemId,
        req.params.correctionId,
        req.body,
      ),
  );
  app.post(
    '/institutions/:institutionId/sanctions',
    {
      config: { access: { roles: ['maritime_officer'], scope: inInstitution } },
      schema: { tags, params: Params, body: IssueSanctionBody, response: { 201: SanctionView } },
    },
    async (req, reply) =>
      reply
        .status(201)
        .send(await core.oversight.issueSanction(ctxOf(req), req.params.institutionId, req.body)),
  );
  app.get(
    '/institutions/:institutionId/sanctions',
    {
      config: { access: { roles: ['maritime_officer', 'institution_admin'], scope: inInstitution } },
      schema: { tags, params: Params, response: { 200: ListOf(SanctionView) } },
    },
    async (req) => ({ items: await core.oversight.listSanctions(req.params.institutionId) }),
  );
  app.get(
    '/institutions/:institutionId/scoring',
    {
      config: { access: { roles: ['maritime_officer', 'institution_admin'], scope: inInstitution } },
      schema: { tags, params: Params, response: { 200: ScoringView } },
    },
    (req) => core.oversight.scoring(req.params.institutionId),
  );
};
export default oversightRoutes;
