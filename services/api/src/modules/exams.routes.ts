import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import {
  FileBody,
  ItemQuestionParams,
  QuestionBody,
  QuestionDetailView,
  QuestionImportResult,
  QuestionItemParams,
  QuestionListQuery,
  QuestionListView,
  RetireQuestionBody,
} from '@seafarer/contracts';
import { AppError, MAX_UPLOAD_BYTES, type Core } from '@seafarer/core';
import { ctxOf } from '../plugins/access';
import { SPREADSHEET_TYPES } from './roster.routes';

/**
 * QM-2: the question bank of a training item (issue 12 §1).
 * Who: the institution's admins and class managers keep the bank (create, edit, retire, import);
 * its instructors read it and write questions (create, edit = a new version) but neither retire nor
 * import; officers of the jurisdiction and the platform admin read it. Trainees never reach the bank
 * (it holds the answers). A question named under another item is NOT_FOUND (scope 'question' belongs
 * to its 'trainingItem').
 */
const examRoutes: FastifyPluginAsyncTypebox<{ core: Core }> = async (app, { core }) => {
  const tags = ['question bank'];
  const keepers = ['institution_admin', 'class_manager'] as const;
  const writers = [...keepers, 'instructor'] as const;
  const readers = [...writers, 'maritime_officer', 'platform_admin'] as const;
  const inItem = { itemId: 'trainingItem' } as const;
  const inQuestion = { itemId: 'trainingItem', questionId: 'question' } as const;
  const base = '/training-items/:itemId/questions';

  app.addContentTypeParser(
    SPREADSHEET_TYPES,
    { parseAs: 'buffer', bodyLimit: MAX_UPLOAD_BYTES },
    (_req, body, done) => done(null, body),
  );

  app.get(
    base,
    {
      config: { access: { roles: readers, scope: inItem } },
      schema: {
        tags,
        params: QuestionItemParams,
        querystring: QuestionListQuery,
        response: { 200: QuestionListView },
      },
    },
    (req) => core.questionBank.list(req.params.itemId, req.query),
  );
  app.post(
    base,
    {
      config: { access: { roles: writers, scope: inItem } },
      schema: { tags, params: QuestionItemParams, body: QuestionBody, response: { 201: QuestionDetailView } },
    },
    async (req, reply) =>
      reply.status(201).send(await core.questionBank.create(ctxOf(req), req.params.itemId, req.body)),
  );
  app.get(
    `${base}/template.xlsx`,
    {
      config: { access: { roles: writers, scope: inItem } },
      schema: {
        tags,
        params: QuestionItemParams,
        response: { 200: FileBody('The question template (XLSX)') },
      },
    },
    async (req, reply) => {
      const file = await core.questionBank.template(req.params.itemId);
      return reply
        .header('content-type', file.contentType)
        .header('content-disposition', `attachment; filename="${file.filename}"`)
        .send(file.body);
    },
  );
  app.get(
    `${base}/export.xlsx`,
    {
      config: { access: { roles: readers, scope: inItem } },
      schema: {
        tags,
        params: QuestionItemParams,
        response: { 200: FileBody("The item's active questions (XLSX, the template's columns)") },
      },
    },
    async (req, reply) => {
      const file = await core.questionBank.exportFile(req.params.itemId);
      return reply
        .header('content-type', file.contentType)
        .header('content-disposition', `attachment; filename="${file.filename}"`)
        .header('cache-control', 'no-store')
        .send(file.body);
    },
  );
  app.post(
    `${base}/import`,
    {
      bodyLimit: MAX_UPLOAD_BYTES,
      config: { access: { roles: keepers, scope: inItem } },
      schema: {
        tags,
        params: QuestionItemParams,
        consumes: SPREADSHEET_TYPES,
        response: { 200: QuestionImportResult },
      },
    },
    (req) => {
      const body = req.body;
      if (!Buffer.isBuffer(body) || body.length === 0)
        throw new AppError('SPREADSHEET_INVALID', {
          message: { zh: '请上传 XLSX 文件', en: 'Upload an XLSX file as the request body' },
        });
      return core.questionBank.importFile(ctxOf(req), req.params.itemId, body);
    },
  );
  app.get(
    `${base}/:questionId`,
    {
      config: { access: { roles: readers, scope: inQuestion } },
      schema: { tags, params: ItemQuestionParams, response: { 200: QuestionDetailView } },
    },
    (req) => core.questionBank.get(req.params.itemId, req.params.questionId),
  );
  app.put(
    `${base}/:questionId`,
    {
      config: { access: { roles: writers, scope: inQuestion } },
      schema: { tags, params: ItemQuestionParams, body: QuestionBody, response: { 200: QuestionDetailView } },
    },
    (req) => core.questionBank.edit(ctxOf(req), req.params.itemId, req.params.questionId, req.body),
  );
  app.post(
    `${base}/:questionId/retire`,
    {
      config: { access: { roles: keepers, scope: inQuestion } },
      schema: {
        tags,
        params: ItemQuestionParams,
        body: RetireQuestionBody,
        response: { 200: QuestionDetailView },
      },
    },
    (req) =>
      core.questionBank.setRetired(ctxOf(req), req.params.itemId, req.params.questionId, req.body.retired),
  );
};

export default examRoutes;
