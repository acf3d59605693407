import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import {
  AssignInstructorBody,
  CreateLicenceBody,
  CreateTrainingItemBody,
  IdParams,
  IsoDate,
  ItemInstructorView,
  LicenceView,
  ListOf,
  OnlineEligibility,
  TrainingItemView,
  UpdateLicenceBody,
  UpdateTrainingItemBody,
} from '@seafarer/contracts';
import type { Core } from '@seafarer/core';
import { ctxOf } from '../plugins/access';

const licenceRoutes: FastifyPluginAsyncTypebox<{ core: Core }> = async (app, { core }) => {
  const tags = ['licences'];
  const admins = ['institution_admin', 'platform_admin'] as const;
  const readers = ['institution_admin', 'class_manager', 'maritime_officer', 'platform_admin'] as const;
  const inInstitution = { institutionId: 'institution' } as const;
  const inLicence = { licenceId: 'licence' } as const;
  const inItem = { itemId: 'trainingItem' } as const;

  app.post(
    '/institutions/:institutionId/licences',
    {
      config: { access: { roles: admins, scope: inInstitution } },
      schema: {
        tags,
        params: IdParams('institutionId'),
        body: CreateLicenceBody,
        response: { 201: LicenceView },
      },
    },
    async (req, reply) =>
      reply
        .status(201)
        .send(await core.institutions.createLicence(ctxOf(req), req.params.institutionId, req.body)),
  );
  app.get(
    '/institutions/:institutionId/licences',
    {
      config: { access: { roles: readers, scope: inInstitution } },
      schema: { tags, params: IdParams('institutionId'), response: { 200: ListOf(LicenceView) } },
    },
    async (req) => ({ items: await core.institutions.listLicences(req.params.institutionId) }),
  );
  app.patch(
    '/licences/:licenceId',
    {
      config: { access: { roles: admins, scope: inLicence } },
      schema: {
        tags,
        params: IdParams('licenceId'),
        body: UpdateLicenceBody,
        response: { 200: LicenceView },
      },
    },
    (req) => core.institutions.updateLicence(ctxOf(req), req.params.licenceId, req.body),
  );
  app.post(
    '/licences/:licenceId/training-items',
    {
      config: { access: { roles: admins, scope: inLicence } },
      schema: {
        tags,
        params: IdParams('licenceId'),
        body: CreateTrainingItemBody,
        response: { 201: TrainingItemView },
      },
    },
    async (req, reply) =>
      reply
        .status(201)
        .send(await core.institutions.createTrainingItem(ctxOf(req), req.params.licenceId, req.body)),
  );
  app.get(
    '/institutions/:institutionId/training-items',
    {
      config: { access: { roles: [...readers, 'instructor'], scope: inInstitution } },
      schema: { tags, params: IdParams('institutionId'), response: { 200: ListOf(TrainingItemView) } },
    },
    async (req) => ({ items: await core.institutions.listTrainingItems(req.params.institutionId) }),
  );
  app.patch(
    '/training-items/:itemId',
    {
      config: { access: { roles: admins, scope: inItem } },
      schema: {
        tags,
        params: IdParams('itemId'),
        body: UpdateTrainingItemBody,
        response: { 200: TrainingItemView },
      },
    },
    (req) => core.institutions.updateTrainingItem(ctxOf(req), req.params.itemId, req.body),
  );
  app.get(
    '/training-items/:itemId/online-eligibility',
    {
      config: { access: { roles: readers, scope: inItem } },
      schema: {
        tags,
        params: IdParams('itemId'),
        querystring: Type.Object({ onDate: Type.Optional(IsoDate) }, { additionalProperties: false }),
        response: { 200: OnlineEligibility },
      },
    },
    (req) => core.institutions.getOnlineEligibility(req.params.itemId, req.query.onDate),
  );
  app.post(
    '/training-items/:itemId/instructors',
    {
      config: { access: { roles: admins, scope: inItem } },
      schema: {
        tags,
        params: IdParams('itemId'),
        body: AssignInstructorBody,
        response: { 201: ItemInstructorView },
      },
    },
    async (req, reply) =>
      reply.status(201).send(await core.people.assignInstructor(ctxOf(req), req.params.itemId, req.body)),
  );
  app.get(
    '/training-items/:itemId/instructors',
    {
      config: { access: { roles: readers, scope: inItem } },
      schema: { tags, params: IdParams('itemId'), response: { 200: ListOf(ItemInstructorView) } },
    },
    async (req) => ({ items: await core.people.listItemInstructors(req.params.itemId) }),
  );
};
export default licenceRoutes;
