import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import {
  BlueprintCheckBody,
  BlueprintCheckView,
  ClassExamParams,
  ClassExamsParams,
  ExamBody,
  ExamDetailView,
  ExamListView,
  ExamPaperQuery,
  ExamPaperView,
  ExamStandardBody,
  ExamStandardDecisionBody,
  ExamStandardItemParams,
  ExamStandardListView,
  ExamStandardParams,
  ExamStandardVersionBody,
  ExamStandardView,
  ExtraTimeBody,
  MyExamListView,
  RetakeBody,
} from '@seafarer/contracts';
import type { Core } from '@seafarer/core';
import { ctxOf } from '../plugins/access';

/**
 * JS-7.3 / QM-2 / seed 004 4.4 (issue 12 §3): exam standards of a training item and exams of a class.
 * Who: class managers and admins draft standards; only the institution's admin decides a draft, never
 * its author (the use-case checks); staff of the institution and officers of its jurisdiction read.
 * Exams are set by the class's managers and admins; a trainee reads only their own (`/me/exams`).
 */
const examSetupRoutes: FastifyPluginAsyncTypebox<{ core: Core }> = async (app, { core }) => {
  const tags = ['exam setup'];
  const keepers = ['institution_admin', 'class_manager'] as const;
  const readers = [...keepers, 'instructor', 'maritime_officer', 'platform_admin'] as const;
  const paperReaders = [...keepers, 'maritime_officer', 'platform_admin'] as const;
  const inItem = { itemId: 'trainingItem' } as const;
  const inStandard = { itemId: 'trainingItem', standardId: 'examStandard' } as const;
  const inClass = { classId: 'class' } as const;
  const inExam = { classId: 'class', examId: 'exam' } as const;
  const std = '/training-items/:itemId/exam-standards';
  const ex = '/classes/:classId/exams';

  app.get(
    std,
    {
      config: { access: { roles: readers, scope: inItem } },
      schema: { tags, params: ExamStandardItemParams, response: { 200: ExamStandardListView } },
    },
    (req) => core.examStandards.list(req.params.itemId),
  );
  app.post(
    std,
    {
      config: { access: { roles: keepers, scope: inItem } },
      schema: {
        tags,
        params: ExamStandardItemParams,
        body: ExamStandardBody,
        response: { 201: ExamStandardView },
      },
    },
    async (req, reply) =>
      reply.status(201).send(await core.examStandards.create(ctxOf(req), req.params.itemId, req.body)),
  );
  app.post(
    `${std}/check`,
    {
      config: { access: { roles: keepers, scope: inItem } },
      schema: {
        tags,
        params: ExamStandardItemParams,
        body: BlueprintCheckBody,
        response: { 200: BlueprintCheckView },
      },
    },
    (req) => core.examStandards.check(req.params.itemId, req.body.blueprint),
  );
  app.get(
    `${std}/:standardId`,
    {
      config: { access: { roles: readers, scope: inStandard } },
      schema: { tags, params: ExamStandardParams, response: { 200: ExamStandardView } },
    },
    (req) => core.examStandards.get(req.params.itemId, req.params.standardId),
  );
  app.post(
    `${std}/:standardId/versions`,
    {
      config: { access: { roles: keepers, scope: inStandard } },
      schema: {
        tags,
        params: ExamStandardParams,
        body: ExamStandardVersionBody,
        response: { 201: ExamStandardView },
      },
    },
    async (req, reply) =>
      reply
        .status(201)
        .send(
          await core.examStandards.addVersion(ctxOf(req), req.params.itemId, req.params.standardId, req.body),
        ),
  );
  app.post(
    `${std}/:standardId/decision`,
    {
      config: { access: { roles: ['institution_admin'], scope: inStandard } },
      schema: {
        tags,
        params: ExamStandardParams,
        body: ExamStandardDecisionBody,
        response: { 200: ExamStandardView },
      },
    },
    (req) => core.examStandards.decide(ctxOf(req), req.params.itemId, req.params.standardId, req.body),
  );

  app.get(
    ex,
    {
      config: { access: { roles: readers, scope: inClass } },
      schema: { tags, params: ClassExamsParams, response: { 200: ExamListView } },
    },
    (req) => core.exams.list(req.params.classId),
  );
  app.post(
    ex,
    {
      config: { access: { roles: keepers, scope: inClass } },
      schema: { tags, params: ClassExamsParams, body: ExamBody, response: { 201: ExamDetailView } },
    },
    async (req, reply) =>
      reply.status(201).send(await core.exams.create(ctxOf(req), req.params.classId, req.body)),
  );
  app.get(
    `${ex}/:examId`,
    {
      config: { access: { roles: readers, scope: inExam } },
      schema: { tags, params: ClassExamParams, response: { 200: ExamDetailView } },
    },
    (req) => core.exams.get(req.params.classId, req.params.examId),
  );
  app.get(
    `${ex}/:examId/paper`,
    {
      config: { access: { roles: paperReaders, scope: inExam } },
      schema: {
        tags,
        params: ClassExamParams,
        querystring: ExamPaperQuery,
        response: { 200: ExamPaperView },
      },
    },
    (req) => core.exams.paper(req.params.classId, req.params.examId, req.query.accountId),
  );
  app.post(
    `${ex}/:examId/extra-time`,
    {
      config: { access: { roles: keepers, scope: inExam } },
      schema: { tags, params: ClassExamParams, body: ExtraTimeBody, response: { 200: ExamDetailView } },
    },
    (req) => core.exams.extraTime(ctxOf(req), req.params.classId, req.params.examId, req.body),
  );
  app.post(
    `${ex}/:examId/retake`,
    {
      config: { access: { roles: keepers, scope: inExam } },
      schema: { tags, params: ClassExamParams, body: RetakeBody, response: { 201: ExamDetailView } },
    },
    async (req, reply) =>
      reply
        .status(201)
        .send(await core.exams.retake(ctxOf(req), req.params.classId, req.params.examId, req.body)),
  );
  app.get(
    '/me/exams',
    {
      config: { access: { roles: ['trainee'] } },
      schema: { tags, response: { 200: MyExamListView } },
    },
    (req) => core.exams.mine(ctxOf(req).actor),
  );
};
export default examSetupRoutes;
