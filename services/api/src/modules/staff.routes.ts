import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import {
  CreateStaffBody,
  CreateTraineeAccountBody,
  TraineeAccountView,
  IdParams,
  ListOf,
  LogoutAllResult,
  Ok,
  SetQualificationRecordBody,
  StaffView,
  UpdateStaffBody,
} from '@seafarer/contracts';
import type { Core } from '@seafarer/core';
import { ctxOf } from '../plugins/access';

const staffRoutes: FastifyPluginAsyncTypebox<{ core: Core }> = async (app, { core }) => {
  const tags = ['staff'];
  const admins = ['institution_admin', 'platform_admin'] as const;
  const inInstitution = { institutionId: 'institution' } as const;
  const inStaff = { accountId: 'staffAccount' } as const;
  const Params = IdParams('accountId');

  app.post(
    '/institutions/:institutionId/staff',
    {
      config: { access: { roles: admins, scope: inInstitution } },
      schema: {
        tags,
        params: IdParams('institutionId'),
        body: CreateStaffBody,
        response: { 201: StaffView },
      },
    },
    async (req, reply) =>
      reply.status(201).send(await core.people.createStaff(ctxOf(req), req.params.institutionId, req.body)),
  );
  app.get(
    '/institutions/:institutionId/staff',
    {
      config: { access: { roles: [...admins, 'class_manager', 'maritime_officer'], scope: inInstitution } },
      schema: { tags, params: IdParams('institutionId'), response: { 200: ListOf(StaffView) } },
    },
    async (req) => ({ items: await core.people.listStaff(req.params.institutionId) }),
  );
  app.post(
    '/institutions/:institutionId/trainees',
    {
      config: { access: { roles: [...admins, 'class_manager'], scope: inInstitution } },
      schema: {
        tags: ['trainees'],
        params: IdParams('institutionId'),
        body: CreateTraineeAccountBody,
        response: { 201: TraineeAccountView },
      },
    },
    async (req, reply) =>
      reply.status(201).send(await core.people.createTrainee(ctxOf(req), req.params.institutionId, req.body)),
  );
  app.get(
    '/staff/:accountId',
    {
      config: { access: { roles: [...admins, 'maritime_officer'], scope: inStaff } },
      schema: { tags, params: Params, response: { 200: StaffView } },
    },
    (req) => core.people.getStaff(req.params.accountId),
  );
  app.patch(
    '/staff/:accountId',
    {
      config: { access: { roles: admins, scope: inStaff } },
      schema: { tags, params: Params, body: UpdateStaffBody, response: { 200: StaffView } },
    },
    (req) => core.people.updateStaff(ctxOf(req), req.params.accountId, req.body),
  );
  app.put(
    '/staff/:accountId/qualification',
    {
      config: { access: { roles: admins, scope: inStaff } },
      schema: { tags, params: Params, body: SetQualificationRecordBody, response: { 200: StaffView } },
    },
    (req) => core.people.setQualification(ctxOf(req), req.params.accountId, req.body),
  );
  app.post(
    '/staff/:accountId/unlock',
    {
      config: { access: { roles: admins, scope: inStaff } },
      schema: { tags, params: Params, response: { 200: Ok } },
    },
    (req) => core.people.unlockAccount(ctxOf(req), req.params.accountId),
  );
  app.post(
    '/staff/:accountId/end-sessions',
    {
      config: { access: { roles: admins, scope: inStaff } },
      schema: { tags, params: Params, response: { 200: LogoutAllResult } },
    },
    (req) => core.people.endAllSessions(ctxOf(req), req.params.accountId),
  );
};
export default staffRoutes;
