import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import {
  AttemptResultView,
  ExamResultAttemptParams,
  ExamResultsParams,
  ExamResultsView,
  ExamStatisticsView,
  FileBody,
  ManualMarkBody,
  ManualMarkResult,
  MarkingQueueView,
  ReleaseResultView,
} from '@seafarer/contracts';
import type { Core } from '@seafarer/core';
import { ctxOf } from '../plugins/access';

/**
 * JS-7.3 (issue 12 §3 自动评卷, 考试数据导出): hand marking of short answers, the class manager's release,
 * the results table and its exports, the statistics, and one attempt's result.
 * Who: results, exports and statistics are read by the class's institution staff and the officers of
 * its jurisdiction (read-only); short answers are marked by its instructors and managers; results are
 * released by its class managers (and admins); a candidate reads their own result (scope examAttempt
 * is the owner's) once released. Trainees never read the results table, the queue or the exports.
 */
const examMarkingRoutes: FastifyPluginAsyncTypebox<{ core: Core }> = async (app, { core }) => {
  const tags = ['exam results'];
  const readers = [
    'institution_admin',
    'class_manager',
    'instructor',
    'maritime_officer',
    'platform_admin',
  ] as const;
  const markers = ['institution_admin', 'class_manager', 'instructor'] as const;
  const releasers = ['institution_admin', 'class_manager'] as const;
  const inExam = { classId: 'class', examId: 'exam' } as const;
  const inAttempt = { classId: 'class', examId: 'exam', attemptId: 'examAttempt' } as const;
  const base = '/classes/:classId/exams/:examId';

  app.get(
    `${base}/results`,
    {
      config: { access: { roles: readers, scope: inExam } },
      schema: { tags, params: ExamResultsParams, response: { 200: ExamResultsView } },
    },
    (req) => core.examMarking.results(req.params.examId),
  );
  for (const format of ['xlsx', 'csv'] as const)
    app.get(
      `${base}/results.${format}`,
      {
        config: { access: { roles: readers, scope: inExam } },
        schema: {
          tags,
          params: ExamResultsParams,
          response: { 200: FileBody(`The results, one row per candidate (${format.toUpperCase()})`) },
        },
      },
      async (req, reply) => {
        const f = await core.examMarking.resultsFile(req.params.examId, format);
        return reply
          .header('content-type', f.contentType)
          .header('content-disposition', `attachment; filename="${f.filename}"`)
          .header('cache-control', 'no-store')
          .send(f.body);
      },
    );
  app.get(
    `${base}/answers.xlsx`,
    {
      config: { access: { roles: readers, scope: inExam } },
      schema: {
        tags,
        params: ExamResultsParams,
        response: { 200: FileBody('Per-question answers, one row per candidate and question (XLSX)') },
      },
    },
    async (req, reply) => {
      const f = await core.examMarking.answersFile(req.params.examId);
      return reply
        .header('content-type', f.contentType)
        .header('content-disposition', `attachment; filename="${f.filename}"`)
        .header('cache-control', 'no-store')
        .send(f.body);
    },
  );
  app.get(
    `${base}/statistics`,
    {
      config: { access: { roles: readers, scope: inExam } },
      schema: { tags, params: ExamResultsParams, response: { 200: ExamStatisticsView } },
    },
    (req) => core.examMarking.statistics(req.params.examId),
  );
  app.get(
    `${base}/marking`,
    {
      config: { access: { roles: markers, scope: inExam } },
      schema: { tags, params: ExamResultsParams, response: { 200: MarkingQueueView } },
    },
    (req) => core.examMarking.markingQueue(req.params.examId),
  );
  app.post(
    `${base}/attempts/:attemptId/manual-marks`,
    {
      config: { access: { roles: markers, scope: inAttempt } },
      schema: {
        tags,
        params: ExamResultAttemptParams,
        body: ManualMarkBody,
        response: { 200: ManualMarkResult },
      },
    },
    (req) => core.examMarking.manualMark(ctxOf(req), req.params.examId, req.params.attemptId, req.body),
  );
  app.post(
    `${base}/release`,
    {
      config: { access: { roles: releasers, scope: inExam } },
      schema: { tags, params: ExamResultsParams, response: { 200: ReleaseResultView } },
    },
    (req) => core.examMarking.release(ctxOf(req), req.params.examId),
  );
  app.get(
    `${base}/attempts/:attemptId/result`,
    {
      config: { access: { roles: ['trainee', ...readers], scope: inAttempt } },
      schema: { tags, params: ExamResultAttemptParams, response: { 200: AttemptResultView } },
    },
    (req) => core.examMarking.attemptResult(ctxOf(req), req.params.examId, req.params.attemptId),
  );
};
export default examMarkingRoutes;
