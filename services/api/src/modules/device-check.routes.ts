import { randomBytes } from 'node:crypto';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { DeviceCheckBody, DeviceCheckResult, FileBody } from '@seafarer/contracts';
import { assessDevice } from '@seafarer/core';
import { ALL_ROLES, ctxOf } from '../plugins/access';

const MAX_PROBE_BYTES = 8 * 1024 * 1024;
// Random, so no proxy or transport compression can flatter the measurement.
const PROBE = randomBytes(MAX_PROBE_BYTES);

/** JS-A: the pre-class device and network check measures against this server. */
const deviceCheckRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const tags = ['device check'];
  const access = { roles: ALL_ROLES, allowPendingPasswordChange: true };
  app.addContentTypeParser(
    'application/octet-stream',
    { parseAs: 'buffer', bodyLimit: MAX_PROBE_BYTES },
    (_req, body, done) => done(null, body),
  );

  app.get(
    '/network-check/download',
    {
      config: { access },
      schema: {
        tags,
        querystring: Type.Object(
          { bytes: Type.Integer({ minimum: 1024, maximum: MAX_PROBE_BYTES }) },
          { additionalProperties: false },
        ),
        response: { 200: FileBody('`bytes` bytes of incompressible probe data') },
      },
    },
    async (req, reply) =>
      reply
        .header('content-type', 'application/octet-stream')
        .header('cache-control', 'no-store')
        .send(PROBE.subarray(0, req.query.bytes)),
  );
  app.post(
    '/network-check/upload',
    {
      bodyLimit: MAX_PROBE_BYTES,
      config: { access },
      schema: { tags, response: { 200: Type.Object({ bytes: Type.Integer() }) } },
    },
    async (req) => ({
      bytes: Buffer.isBuffer(req.body) ? req.body.length : 0,
    }),
  );
  app.post(
    '/device-check',
    { config: { access }, schema: { tags, body: DeviceCheckBody, response: { 200: DeviceCheckResult } } },
    async (req) => {
      const roles = ctxOf(req).actor.roles;
      const role = roles.includes('instructor')
        ? 'instructor'
        : roles.includes('trainee')
          ? 'trainee'
          : roles.includes('maritime_officer')
            ? 'maritime_officer'
            : 'class_manager';
      return assessDevice({ role, ...req.body });
    },
  );
};
export default deviceCheckRoutes;
