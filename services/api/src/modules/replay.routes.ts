import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import path from 'node:path';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { FileBody, NoBody, SessionParams, Strict, Text } from '@seafarer/contracts';
import { AppError, replayContainerOf, type Core } from '@seafarer/core';
import { ALL_ROLES, ctxOf } from '../plugins/access';

/** The first bytes of a file, where its container says what it is. */
async function readHeader(file: string): Promise<Uint8Array> {
  const fh = await open(file, 'r');
  try {
    const { buffer, bytesRead } = await fh.read(Buffer.alloc(64), 0, 64, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}

const ReplayUrl = Type.Object({
  url: Type.String(),
  expiresAt: Type.String(),
  durationS: Type.Union([Type.Number(), Type.Null()]),
  sha256: Type.Union([Type.String(), Type.Null()]),
});

/** The cookie binding a replay URL to the browser that asked for it (TM-4). */
const BINDING_COOKIE = 'replay_key';

/** The value of one cookie in a Cookie header, or undefined. */
function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

/**
 * JS-7.1 / TM-4 / VC-2: replay through short-lived signed URLs, streamed with HTTP range requests.
 * Issuing a URL also sets an httpOnly cookie, scoped to that URL's path only, carrying the per-issue
 * secret whose hash is signed into the URL: the link plays in the browser that asked for it, nowhere else.
 */
export const replayRoutes: FastifyPluginAsyncTypebox<{
  core: Core;
  storageDir: string;
  /** Secure cookies when the platform is served over https (PUBLIC_BASE_URL). */
  secureCookies: boolean;
}> = async (app, { core, secureCookies }) => {
  app.post(
    '/classes/:classId/sessions/:sessionId/replay-url',
    {
      config: { access: { roles: ALL_ROLES, scope: { classId: 'class', sessionId: 'session' } } },
      schema: { tags: ['replay'], params: SessionParams, response: { 200: ReplayUrl } },
    },
    async (req, reply) => {
      const { binding, ttlSeconds, ...view } = await core.recordings.replayUrl(
        ctxOf(req),
        req.params.classId,
        req.params.sessionId,
      );
      reply.header(
        'set-cookie',
        [
          `${BINDING_COOKIE}=${binding}`,
          `Path=${view.url}`,
          `Max-Age=${ttlSeconds}`,
          'HttpOnly',
          'SameSite=Strict',
          ...(secureCookies ? ['Secure'] : []),
        ].join('; '),
      );
      return view;
    },
  );
};

/**
 * The file itself: a capability path (the signature in it is the access control) that also needs the
 * binding cookie set when it was issued; bytes served by range, labelled with their true container.
 */
export const replayFileRoutes: FastifyPluginAsyncTypebox<{ core: Core; storageDir: string }> = async (
  app,
  { core, storageDir },
) => {
  app.get(
    '/replay/:token',
    {
      config: { access: { capability: 'signed replay URL bound to the issuing browser' } },
      schema: {
        tags: ['replay'],
        params: Strict({ token: Text({ maxLength: 400 }) }),
        querystring: Type.Object(
          { download: Type.Optional(Type.Literal('1')) },
          { additionalProperties: false },
        ),
        response: {
          200: FileBody('The replay video'),
          206: FileBody('The requested byte range of it'),
          416: NoBody('The requested range lies outside the file'),
        },
      },
    },
    async (req, reply) => {
      const grant = await core.recordings.openReplay(
        { requestId: req.id },
        req.params.token,
        cookieValue(req.headers.cookie, BINDING_COOKIE),
      );
      const file = path.join(storageDir, grant.replayKey);
      const size = (await stat(file)).size;
      const wantsDownload = req.query.download === '1';
      if (wantsDownload && !grant.download)
        throw new AppError('FORBIDDEN', {
          message: {
            zh: '学员可观看回放，但不可下载',
            en: 'Trainees may watch the replay but not download it',
          },
        });
      const container = replayContainerOf(await readHeader(file));
      reply
        .header('accept-ranges', 'bytes')
        .header('content-type', container.contentType)
        .header('x-content-type-options', 'nosniff')
        .header('cache-control', 'private, no-store')
        .header(
          'content-disposition',
          wantsDownload
            ? `attachment; filename="replay-${grant.sessionId}.${container.extension}"`
            : 'inline',
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
