import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import {
  ClientFlagBody,
  ClientFlagResult,
  FileBody,
  ProctoredAttemptView,
  ProctoringAttemptParams,
  ProctoringCallbackBody,
  ProctoringCallbackResult,
  ProctoringExamParams,
  ProctoringListView,
  ProctoringReviewBody,
  ProctoringStillParams,
} from '@seafarer/contracts';
import { AppError, SIGNATURE_HEADER, type Core } from '@seafarer/core';
import { ctxOf } from '../plugins/access';

/**
 * JS-7.3 / QM-4: proctoring of exam attempts (issue 12 §3).
 * Who: the candidate reports their own attempt's page events (scope: a trainee reaches only their own
 * attempt; core checks they are its candidate and it is in progress); the class's manager, instructors
 * and the institution's admin read the flagged attempts and decide; officers of the jurisdiction and
 * the platform admin read. The face-match provider's callback is public but HMAC-signed (core checks
 * the signature on the raw body before anything else).
 */
const proctoringRoutes: FastifyPluginAsyncTypebox<{ core: Core }> = async (app, { core }) => {
  const tags = ['proctoring'];
  const reviewers = ['institution_admin', 'class_manager', 'instructor'] as const;
  const readers = [...reviewers, 'maritime_officer', 'platform_admin'] as const;
  const inExam = { classId: 'class', examId: 'exam' } as const;
  const inAttempt = { classId: 'class', examId: 'exam', attemptId: 'examAttempt' } as const;
  const base = '/classes/:classId/exams/:examId';

  app.post(
    `${base}/attempts/:attemptId/flags`,
    {
      // A page in a loop is refused past this (coded 429); what arrives is coalesced in core anyway.
      config: {
        access: { roles: ['trainee'], scope: inAttempt },
        rateLimit: { max: 240, timeWindow: '1 minute' },
      },
      schema: {
        tags,
        params: ProctoringAttemptParams,
        body: ClientFlagBody,
        response: { 200: ClientFlagResult },
      },
    },
    (req) => core.proctoring.recordClientFlag(ctxOf(req), req.params.examId, req.params.attemptId, req.body),
  );

  app.get(
    `${base}/proctoring`,
    {
      config: { access: { roles: readers, scope: inExam } },
      schema: { tags, params: ProctoringExamParams, response: { 200: ProctoringListView } },
    },
    (req) => core.proctoring.list(ctxOf(req), req.params.examId),
  );

  app.post(
    `${base}/attempts/:attemptId/review`,
    {
      config: { access: { roles: reviewers, scope: inAttempt } },
      schema: {
        tags,
        params: ProctoringAttemptParams,
        body: ProctoringReviewBody,
        response: { 200: ProctoredAttemptView },
      },
    },
    (req) => core.proctoring.review(ctxOf(req), req.params.examId, req.params.attemptId, req.body),
  );

  app.get(
    `${base}/attempts/:attemptId/stills/:stillId`,
    {
      config: { access: { roles: readers, scope: { ...inAttempt, stillId: 'examStill' } } },
      schema: {
        tags,
        params: ProctoringStillParams,
        response: { 200: FileBody('The still (JPEG) the server grabbed from the candidate’s camera') },
      },
    },
    async (req, reply) => {
      const still = await core.proctoring.stillImage(ctxOf(req), req.params.attemptId, req.params.stillId);
      return reply
        .header('content-type', still.mimeType)
        .header('x-content-sha256', still.sha256)
        .header('cache-control', 'private, no-store')
        .send(still.bytes);
    },
  );

  // The callback is checked on the bytes that were signed: its JSON is kept as received, then parsed;
  // the body's shape is validated first (nothing is read or changed), then the signature, in core.
  await app.register(async (signed) => {
    signed.removeContentTypeParser('application/json');
    signed.addContentTypeParser(
      'application/json',
      { parseAs: 'string', bodyLimit: 16 * 1024 },
      (req, body, done) => {
        (req as unknown as { rawBody: string }).rawBody = body as string;
        try {
          done(null, JSON.parse(body as string));
        } catch {
          done(new AppError('MALFORMED_JSON'), undefined);
        }
      },
    );
    const rawOf = (req: object) => (req as { rawBody?: string }).rawBody ?? '';
    const signatureOf = (req: { headers: Record<string, unknown> }) => {
      const v = req.headers[SIGNATURE_HEADER];
      return typeof v === 'string' ? v : undefined;
    };
    signed.post(
      '/proctoring/callback',
      {
        config: { access: 'public' },
        schema: {
          tags,
          body: ProctoringCallbackBody,
          response: { 200: ProctoringCallbackResult },
        },
      },
      (req) =>
        core.proctoring.providerCallback(
          rawOf(req),
          signatureOf(req),
          req.body as ProctoringCallbackBody,
          req.id,
        ),
    );
  });
};
export default proctoringRoutes;
