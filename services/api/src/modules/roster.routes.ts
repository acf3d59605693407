import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import {
  ClassParams,
  ClassSummary,
  FileBody,
  FileRosterResult,
  IssueAccountsResult,
  ListOf,
  RosterEntryView,
  RosterImportResult,
  TraineeAttendanceView,
} from '@seafarer/contracts';
import { AppError, buildRosterTemplate, MAX_UPLOAD_BYTES, type Core } from '@seafarer/core';
import { ctxOf } from '../plugins/access';

export const SPREADSHEET_TYPES = [
  'text/csv',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  'application/octet-stream',
];

const rosterRoutes: FastifyPluginAsyncTypebox<{ core: Core; publicBaseUrl?: string }> = async (
  app,
  { core, publicBaseUrl },
) => {
  // JS-12: the address printed on account slips (and in their QR code).
  const signInUrl = publicBaseUrl ? new URL('/app/', publicBaseUrl).toString() : '/app/';
  const tags = ['roster'];
  const planners = ['institution_admin', 'class_manager'] as const;
  const inClass = { classId: 'class' } as const;
  // SEC-2: imports are parsed in core's worker-thread pool; its workers end with the server. (The one
  // pool of the process: when another route uses it too, this belongs in app.ts's onClose.)
  app.addHook('onClose', () => core.parsePool.close());

  // Spreadsheets arrive as the raw file body; only the routes of this plugin accept them.
  app.addContentTypeParser(
    SPREADSHEET_TYPES,
    { parseAs: 'buffer', bodyLimit: MAX_UPLOAD_BYTES },
    (_req, body, done) => done(null, body),
  );
  const fileBody = (body: unknown): Uint8Array => {
    if (!Buffer.isBuffer(body) || body.length === 0)
      throw new AppError('SPREADSHEET_INVALID', {
        message: { zh: '请上传 XLSX 或 CSV 文件', en: 'Upload an XLSX or CSV file as the request body' },
      });
    return body;
  };

  app.post(
    '/classes/:classId/roster/import',
    {
      bodyLimit: MAX_UPLOAD_BYTES,
      config: { access: { roles: planners, scope: inClass } },
      schema: {
        tags,
        params: ClassParams,
        consumes: SPREADSHEET_TYPES,
        response: { 200: RosterImportResult },
      },
    },
    (req) => core.roster.importRoster(ctxOf(req), req.params.classId, fileBody(req.body)),
  );
  app.get(
    '/classes/:classId/roster',
    {
      config: {
        access: { roles: [...planners, 'instructor', 'maritime_officer', 'platform_admin'], scope: inClass },
      },
      schema: { tags, params: ClassParams, response: { 200: ListOf(RosterEntryView) } },
    },
    async (req) => ({ items: await core.roster.listRoster(req.params.classId) }),
  );
  app.post(
    '/classes/:classId/roster/file',
    {
      config: { access: { roles: planners, scope: inClass } },
      schema: { tags: ['filing'], params: ClassParams, response: { 200: FileRosterResult } },
    },
    async (req) => {
      const { warnings } = await core.roster.fileRoster(ctxOf(req), req.params.classId);
      return { ...(await core.classes.getClass(req.params.classId)), warnings };
    },
  );
  app.post(
    '/classes/:classId/accounts/issue',
    {
      config: { access: { roles: planners, scope: inClass } },
      schema: { tags: ['trainee accounts'], params: ClassParams, response: { 200: IssueAccountsResult } },
    },
    async (req, reply) => {
      // The one-time passwords must not linger in caches.
      reply.header('cache-control', 'no-store');
      return core.roster.issueAccounts(ctxOf(req), req.params.classId, { signInUrl });
    },
  );
  app.get(
    '/classes/:classId/filing-package',
    {
      config: { access: { roles: [...planners, 'maritime_officer'], scope: inClass } },
      schema: {
        tags: ['filing'],
        params: ClassParams,
        querystring: Type.Object(
          { format: Type.Optional(Type.Union([Type.Literal('json'), Type.Literal('xlsx')])) },
          { additionalProperties: false },
        ),
        response: { 200: FileBody('The filing package: an XLSX workbook, or JSON with format=json') },
      },
    },
    async (req, reply) => {
      const file = await core.roster.filingPackage(
        ctxOf(req),
        req.params.classId,
        req.query.format ?? 'xlsx',
      );
      return reply
        .header('content-type', file.contentType)
        .header('content-disposition', `attachment; filename="${file.filename}"`)
        .header('cache-control', 'no-store')
        .send(file.body);
    },
  );
  app.get(
    '/roster-template.xlsx',
    {
      config: { access: { roles: planners } },
      schema: { tags, hide: false, response: { 200: FileBody('The roster template (XLSX)') } },
    },
    async (_req, reply) =>
      reply
        .header('content-type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
        .header('content-disposition', 'attachment; filename="roster-template.xlsx"')
        .send(await buildRosterTemplate()),
  );
  app.get(
    '/me/classes/:classId/attendance',
    {
      config: { access: { roles: ['trainee'], scope: inClass } },
      schema: { tags, params: ClassParams, response: { 200: TraineeAttendanceView } },
    },
    (req) => core.roster.attendanceOf(req.params.classId, ctxOf(req).actor.accountId),
  );
  app.get(
    '/me/classes',
    {
      config: { access: { roles: ['trainee', 'instructor'] } },
      schema: { tags, response: { 200: ListOf(ClassSummary) } },
    },
    async (req) => ({ items: await core.classes.listMyClasses(ctxOf(req).actor) }),
  );
};
export default rosterRoutes;
