import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import {
  AttemptParams,
  AttemptView,
  ExamAttemptParams,
  SaveAnswerAck,
  SaveAnswerBody,
  StartAttemptBody,
} from '@seafarer/contracts';
import type { Core } from '@seafarer/core';
import { ctxOf } from '../plugins/access';

/**
 * JS-7.3 / REL-2 (issue 12 §3): a candidate sits an exam: start or resume (the paper without answers,
 * the saved answers, the server's deadline and time), save answers one by one (acknowledged once
 * stored), submit (idempotent). The attempt is read by its candidate and by the staff of the class
 * (and the officers covering it); another trainee's attempt is NOT_FOUND (scope examAttempt is its owner's).
 */
const examAttemptsRoutes: FastifyPluginAsyncTypebox<{ core: Core }> = async (app, { core }) => {
  const tags = ['exam attempts'];
  const inExam = { classId: 'class', examId: 'exam' } as const;
  const inAttempt = { classId: 'class', examId: 'exam', attemptId: 'examAttempt' } as const;
  const readers = [
    'trainee',
    'institution_admin',
    'class_manager',
    'instructor',
    'maritime_officer',
    'platform_admin',
  ] as const;
  const base = '/classes/:classId/exams/:examId/attempts';

  app.post(
    base,
    {
      config: { access: { roles: ['trainee'], scope: inExam } },
      schema: {
        tags,
        params: ExamAttemptParams,
        body: StartAttemptBody,
        response: { 200: AttemptView },
      },
    },
    (req) => core.examAttempts.start(ctxOf(req), req.params.examId, req.body?.deviceId),
  );
  app.get(
    `${base}/:attemptId`,
    {
      config: { access: { roles: readers, scope: inAttempt } },
      schema: { tags, params: AttemptParams, response: { 200: AttemptView } },
    },
    (req) => core.examAttempts.get(req.params.attemptId),
  );
  app.post(
    `${base}/:attemptId/answers`,
    {
      config: { access: { roles: ['trainee'], scope: inAttempt } },
      schema: { tags, params: AttemptParams, body: SaveAnswerBody, response: { 200: SaveAnswerAck } },
    },
    (req) => core.examAttempts.saveAnswer(ctxOf(req), req.params.attemptId, req.body),
  );
  app.post(
    `${base}/:attemptId/submit`,
    {
      config: { access: { roles: ['trainee'], scope: inAttempt } },
      schema: { tags, params: AttemptParams, response: { 200: AttemptView } },
    },
    (req) => core.examAttempts.submit(ctxOf(req), req.params.attemptId),
  );
};
export default examAttemptsRoutes;
