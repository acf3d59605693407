import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { ClassParams, DailyGradesView, QuizListView } from '@seafarer/contracts';
import type { Core } from '@seafarer/core';
import { ctxOf } from '../plugins/access';

/**
 * JS-7.1 / JS-14: a class's in-class quizzes (随堂测试) with their results, and the daily grades (平时成绩)
 * computed from them, for the class's institution and the officers of its jurisdiction; a trainee
 * reads only their own daily grades. (Quizzes are pushed and answered in the live room: quiz.* events.)
 */
const quizzesRoutes: FastifyPluginAsyncTypebox<{ core: Core }> = async (app, { core }) => {
  const tags = ['quizzes'];
  const readers = [
    'institution_admin',
    'class_manager',
    'instructor',
    'maritime_officer',
    'platform_admin',
  ] as const;
  const inClass = { classId: 'class' } as const;

  app.get(
    '/classes/:classId/quizzes',
    {
      config: { access: { roles: readers, scope: inClass } },
      schema: { tags, params: ClassParams, response: { 200: QuizListView } },
    },
    (req) => core.quizzes.listForClass(req.params.classId),
  );
  app.get(
    '/classes/:classId/daily-grades',
    {
      config: { access: { roles: readers, scope: inClass } },
      schema: { tags, params: ClassParams, response: { 200: DailyGradesView } },
    },
    (req) => core.quizzes.dailyGrades(req.params.classId),
  );
  app.get(
    '/me/classes/:classId/daily-grades',
    {
      config: { access: { roles: ['trainee'], scope: inClass } },
      schema: { tags, params: ClassParams, response: { 200: DailyGradesView } },
    },
    (req) => core.quizzes.dailyGrades(req.params.classId, ctxOf(req).actor.accountId),
  );
};
export default quizzesRoutes;
