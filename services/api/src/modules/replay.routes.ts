import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { SessionParams, Strict } from '@seafarer/contracts';
import { AppError, type Core } from '@seafarer/core';
import { ALL_ROLES, ctxOf } from '../plugins/access';

const ReplayUrl = Type.Object({
  url: Type.String(),
  expiresAt: Type.String(),
  durationS: Type.Union([Type.Number(), Type.Null()]),
  sha256: Type.Union([Type.String(), Type.Null()]),
});

/** JS-7.1 / TM-4 / VC-2: replay through short-lived signed URLs, streamed with HTTP range requests. */
export const replayRoutes: FastifyPluginAsyncTypebox<{ core: Core; storageDir: string }> = async (
  app,
  { core },
) => {
  app.post(
    '/classes/:classId/sessions/:sessionId/replay-url',
    {
      config: { access: { roles: ALL_ROLES, scope: { kind: 'class', param: 'classId' } } },
      schema: { tags: ['replay'], params: SessionParams, response: { 200: ReplayUrl } },
    },
    (req) => core.recordings.replayUrl(ctxOf(req), req.params.classId, req.params.sessionId),
  );
};

/** The file itself: public path, the signature in it is the access control; bytes served by range. */
export const replayFileRoutes: FastifyPluginAsyncTypebox<{ core: Core; storageDir: string }> = async (
  app,
  { core, storageDir },
) => {
  app.get(
    '/replay/:token',
    {
      config: { access: { capability: 'signed replay URL' } },
      schema: {
        tags: ['replay'],
        params: Strict({ token: Type.String({ maxLength: 400 }) }),
        querystring: Type.Object(
          { download: Type.Optional(Type.Literal('1')) },
          { additionalProperties: false },
        ),
      },
    },
    async (req, reply) => {
      const grant = core.recordings.verifyReplayToken(req.params.token);
      const rec = await core.recordings.get(grant.sessionId);
      if (!rec?.replayKey) throw new AppError('NOT_FOUND');
      const file = path.join(storageDir, rec.replayKey);
      const size = (await stat(file)).size;
      const wantsDownload = req.query.download === '1';
      if (wantsDownload && !grant.download)
        throw new AppError('FORBIDDEN', {
          message: {
            zh: '学员可观看回放，但不可下载',
            en: 'Trainees may watch the replay but not download it',
          },
        });
      reply
        .header('accept-ranges', 'bytes')
        .header('content-type', 'video/webm')
        .header('cache-control', 'private, no-store')
        .header(
          'content-disposition',
          wantsDownload ? `attachment; filename="replay-${grant.sessionId}.mkv"` : 'inline',
        );
      const m = /^bytes=(\d*)-(\d*)$/.exec(String(req.headers.range ?? ''));
      if (!m || (m[1] === '' && m[2] === ''))
        return reply.header('content-length', size).send(createReadStream(file));
      let start = m[1] === '' ? size - Number(m[2]) : Number(m[1]);
      let end = m[1] !== '' && m[2] !== '' ? Number(m[2]) : size - 1;
      if (m[1] === '') end = size - 1;
      start = Math.max(0, start);
      end = Math.min(end, size - 1);
      if (start > end) return reply.status(416).header('content-range', `bytes */${size}`).send();
      return reply
        .status(206)
        .header('content-range', `bytes ${start}-${end}/${size}`)
        .header('content-length', end - start + 1)
        .send(createReadStream(file, { start, end }));
    },
  );
};
