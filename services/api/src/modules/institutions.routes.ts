import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import {
  CreateInstitutionBody,
  CreateJurisdictionBody,
  CreateOfficerBody,
  IdParams,
  InstitutionView,
  JurisdictionView,
  ListOf,
  NonEmpty,
  OfficerListItem,
  OfficerView,
  SetQualificationBody,
  StaffView,
  Strict,
  Text,
} from '@seafarer/contracts';
import type { Core } from '@seafarer/core';
import { ctxOf } from '../plugins/access';

const CreateAdminBody = Strict({
  username: Type.String({ pattern: '^[a-zA-Z0-9._-]{3,50}$' }),
  displayName: NonEmpty(100),
  initialPassword: Text({ minLength: 1, maxLength: 200 }),
});

const institutionRoutes: FastifyPluginAsyncTypebox<{ core: Core }> = async (app, { core }) => {
  const tags = ['institutions'];
  const inInstitution = { institutionId: 'institution' } as const;
  const Params = IdParams('institutionId');

  app.post(
    '/jurisdictions',
    {
      config: { access: { roles: ['platform_admin'] } },
      schema: { tags, body: CreateJurisdictionBody, response: { 201: JurisdictionView } },
    },
    async (req, reply) =>
      reply.status(201).send(await core.institutions.createJurisdiction(ctxOf(req), req.body)),
  );
  app.get(
    '/jurisdictions',
    {
      config: {
        access: { roles: ['platform_admin', 'maritime_officer', 'institution_admin', 'class_manager'] },
      },
      schema: { tags, response: { 200: ListOf(JurisdictionView) } },
    },
    async () => ({ items: await core.institutions.listJurisdictions() }),
  );
  app.get(
    '/officers',
    {
      config: { access: { roles: ['platform_admin'] } },
      schema: { tags, response: { 200: ListOf(OfficerListItem) } },
    },
    async () => ({ items: await core.people.listOfficers() }),
  );
  app.post(
    '/officers',
    {
      config: { access: { roles: ['platform_admin'] } },
      schema: { tags, body: CreateOfficerBody, response: { 201: OfficerView } },
    },
    async (req, reply) => reply.status(201).send(await core.people.createOfficer(ctxOf(req), req.body)),
  );

  app.post(
    '/institutions',
    {
      config: { access: { roles: ['platform_admin'] } },
      schema: { tags, body: CreateInstitutionBody, response: { 201: InstitutionView } },
    },
    async (req, reply) =>
      reply.status(201).send(await core.institutions.createInstitution(ctxOf(req), req.body)),
  );
  app.get(
    '/institutions',
    {
      config: {
        access: {
          roles: ['platform_admin', 'maritime_officer', 'institution_admin', 'class_manager', 'instructor'],
        },
      },
      schema: { tags, response: { 200: ListOf(InstitutionView) } },
    },
    async (req) => ({ items: await core.institutions.listInstitutions(ctxOf(req)) }),
  );
  app.get(
    '/institutions/:institutionId',
    {
      config: {
        access: {
          roles: [
            'platform_admin',
            'maritime_officer',
            'institution_admin',
            'class_manager',
            'instructor',
            'trainee',
          ],
          scope: inInstitution,
        },
      },
      schema: { tags, params: Params, response: { 200: InstitutionView } },
    },
    (req) => core.institutions.getInstitution(req.params.institutionId),
  );
  app.put(
    '/institutions/:institutionId/qualification',
    {
      config: { access: { roles: ['platform_admin', 'maritime_officer'], scope: inInstitution } },
      schema: { tags, params: Params, body: SetQualificationBody, response: { 200: InstitutionView } },
    },
    (req) => core.institutions.setQualification(ctxOf(req), req.params.institutionId, req.body),
  );
  app.post(
    '/institutions/:institutionId/admins',
    {
      config: { access: { roles: ['platform_admin'], scope: inInstitution } },
      schema: { tags, params: Params, body: CreateAdminBody, response: { 201: StaffView } },
    },
    async (req, reply) =>
      reply
        .status(201)
        .send(await core.people.createInstitutionAdmin(ctxOf(req), req.params.institutionId, req.body)),
  );
};
export default institutionRoutes;
