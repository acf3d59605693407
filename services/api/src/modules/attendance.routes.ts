import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import {
  AppealBody,
  AttendanceQuery,
  AttendanceReviewResult,
  ClassAttendanceView,
  ClassParams,
  DecisionBody,
  DirectDecisionBody,
  FileBody,
  ReviewParams,
  TimelineView,
  TraineeParams,
} from '@seafarer/contracts';
import type { Core } from '@seafarer/core';
import { ctxOf } from '../plugins/access';

/**
 * JS-13.2 / JS-15 / JS-16: attendance by the credited-hours rule, the attendance sheet, appeals and the
 * manager's decisions, and the evidence timeline of one trainee. Read by the class's institution and the
 * officers of its jurisdiction; decided by the institution's class managers and admins; appealed by the
 * trainee for their own items only.
 */
const attendanceRoutes: FastifyPluginAsyncTypebox<{ core: Core }> = async (app, { core }) => {
  const tags = ['attendance'];
  const readers = [
    'institution_admin',
    'class_manager',
    'instructor',
    'maritime_officer',
    'platform_admin',
  ] as const;
  const deciders = ['institution_admin', 'class_manager'] as const;
  const inClass = { classId: 'class' } as const;

  app.get(
    '/classes/:classId/attendance',
    {
      config: { access: { roles: readers, scope: inClass } },
      schema: {
        tags,
        params: ClassParams,
        querystring: AttendanceQuery,
        response: { 200: ClassAttendanceView },
      },
    },
    (req) => core.attendance.classAttendance(req.params.classId, req.query.date),
  );
  app.get(
    '/classes/:classId/attendance.xlsx',
    {
      config: { access: { roles: readers, scope: inClass } },
      schema: {
        tags,
        params: ClassParams,
        querystring: AttendanceQuery,
        response: { 200: FileBody('The attendance sheet (XLSX) of the class, or of one day with date') },
      },
    },
    async (req, reply) => {
      const { file, filename } = await core.attendance.attendanceSheet(req.params.classId, req.query.date);
      return reply
        .header('content-type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
        .header('content-disposition', `attachment; filename="${filename}"`)
        .header('cache-control', 'no-store')
        .send(file);
    },
  );
  app.post(
    '/me/classes/:classId/attendance-appeals',
    {
      config: { access: { roles: ['trainee'], scope: inClass } },
      schema: { tags, params: ClassParams, body: AppealBody, response: { 200: AttendanceReviewResult } },
    },
    (req) => core.attendance.appeal(ctxOf(req), req.params.classId, req.body),
  );
  app.post(
    '/classes/:classId/attendance-reviews/:reviewId/decision',
    {
      config: { access: { roles: deciders, scope: { classId: 'class', reviewId: 'attendanceReview' } } },
      schema: { tags, params: ReviewParams, body: DecisionBody, response: { 200: AttendanceReviewResult } },
    },
    (req) => core.attendance.decide(ctxOf(req), req.params.classId, req.params.reviewId, req.body),
  );
  app.post(
    '/classes/:classId/attendance-reviews',
    {
      config: { access: { roles: deciders, scope: inClass } },
      schema: {
        tags,
        params: ClassParams,
        body: DirectDecisionBody,
        response: { 200: AttendanceReviewResult },
      },
    },
    (req) => core.attendance.decideDirect(ctxOf(req), req.params.classId, req.body),
  );
  app.get(
    '/classes/:classId/trainees/:traineeId/timeline',
    {
      config: { access: { roles: readers, scope: { classId: 'class', traineeId: 'classTrainee' } } },
      schema: { tags, params: TraineeParams, response: { 200: TimelineView } },
    },
    (req) => core.attendance.timeline(req.params.classId, req.params.traineeId),
  );
  app.get(
    '/me/classes/:classId/timeline',
    {
      config: { access: { roles: ['trainee'], scope: inClass } },
      schema: { tags, params: ClassParams, response: { 200: TimelineView } },
    },
    (req) => core.attendance.timeline(req.params.classId, ctxOf(req).actor.accountId),
  );
};
export default attendanceRoutes;
