import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { AuditEventView, AuditQuery, AuditVerifyResult, IdParams, ListOf } from '@seafarer/contracts';
import type { Core } from '@seafarer/core';

const auditRoutes: FastifyPluginAsyncTypebox<{ core: Core }> = async (app, { core }) => {
  const tags = ['audit'];
  app.get(
    '/institutions/:institutionId/audit-events',
    {
      config: {
        access: {
          roles: ['institution_admin', 'maritime_officer', 'platform_admin'],
          scope: { institutionId: 'institution' },
        },
      },
      schema: {
        tags,
        params: IdParams('institutionId'),
        querystring: AuditQuery,
        response: { 200: ListOf(AuditEventView) },
      },
    },
    async (req) => ({
      items: await core.audit.list({ institutionId: req.params.institutionId, ...req.query }),
    }),
  );
  app.get(
    '/audit/verify',
    {
      config: { access: { roles: ['platform_admin', 'maritime_officer'] } },
      schema: { tags, response: { 200: AuditVerifyResult } },
    },
    () => core.audit.verify(),
  );
};
export default auditRoutes;
