import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import {
  ClassParams,
  DecideVerificationBody,
  EvidenceView,
  FileBody,
  IdParams,
  ListOf,
  VerificationView,
} from '@seafarer/contracts';
import { AppError, MAX_UPLOAD_BYTES, type Core } from '@seafarer/core';
import { ctxOf } from '../plugins/access';

const IMAGE_TYPES = ['image/jpeg', 'image/png'];

const identityRoutes: FastifyPluginAsyncTypebox<{ core: Core }> = async (app, { core }) => {
  const tags = ['identity'];
  const planners = ['institution_admin', 'class_manager'] as const;
  const inEntry = { entryId: 'rosterEntry' } as const;

  // Images arrive as the raw body; the bytes are sniffed again in core (the content type is not trusted).
  app.addContentTypeParser(
    IMAGE_TYPES,
    { parseAs: 'buffer', bodyLimit: MAX_UPLOAD_BYTES },
    (_req, body, done) => done(null, body),
  );
  const image = (body: unknown): Uint8Array => {
    if (!Buffer.isBuffer(body) || body.length === 0) throw new AppError('INVALID_IMAGE');
    return body;
  };

  app.put(
    '/roster-entries/:entryId/id-photo',
    {
      bodyLimit: MAX_UPLOAD_BYTES,
      config: { access: { roles: planners, scope: inEntry } },
      schema: { tags, params: IdParams('entryId'), consumes: IMAGE_TYPES, response: { 200: EvidenceView } },
    },
    (req) => core.identity.setIdPhoto(ctxOf(req), req.params.entryId, image(req.body)),
  );
  app.post(
    '/roster-entries/:entryId/verifications',
    {
      bodyLimit: MAX_UPLOAD_BYTES,
      // A trainee may submit a still of themself only (the scope check limits them to their own entry).
      config: { access: { roles: [...planners, 'trainee'], scope: inEntry } },
      schema: {
        tags,
        params: IdParams('entryId'),
        consumes: IMAGE_TYPES,
        response: { 201: VerificationView },
      },
    },
    async (req, reply) =>
      reply
        .status(201)
        .send(await core.identity.submitVerification(ctxOf(req), req.params.entryId, image(req.body))),
  );
  app.get(
    '/classes/:classId/verifications',
    {
      config: {
        access: {
          roles: [...planners, 'maritime_officer', 'platform_admin'],
          scope: { classId: 'class' },
        },
      },
      schema: { tags, params: ClassParams, response: { 200: ListOf(VerificationView) } },
    },
    async (req) => ({ items: await core.identity.listVerifications(req.params.classId) }),
  );
  app.post(
    '/verifications/:verificationId/decision',
    {
      config: { access: { roles: planners, scope: { verificationId: 'verification' } } },
      schema: {
        tags,
        params: IdParams('verificationId'),
        body: DecideVerificationBody,
        response: { 200: VerificationView },
      },
    },
    (req) => core.identity.decide(ctxOf(req), req.params.verificationId, req.body),
  );
  app.get(
    '/evidence/:evidenceId',
    {
      config: {
        access: {
          roles: [...planners, 'maritime_officer', 'platform_admin'],
          scope: { evidenceId: 'evidence' },
        },
      },
      schema: {
        tags,
        params: IdParams('evidenceId'),
        response: { 200: FileBody('The evidence image (JPEG or PNG), as stored') },
      },
    },
    async (req, reply) => {
      const e = await core.identity.viewEvidence(ctxOf(req), req.params.evidenceId);
      return reply
        .header('content-type', e.mimeType)
        .header('x-content-sha256', e.sha256)
        .header('cache-control', 'private, no-store')
        .send(e.bytes);
    },
  );
};
export default identityRoutes;
