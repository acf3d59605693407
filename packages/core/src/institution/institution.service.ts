import {
  ERROR_MESSAGES,
  type InstitutionView,
  type LicenceView,
  type OnlineEligibility,
  type QualificationStatus,
  type TrainingItemView,
} from '@seafarer/contracts';
import type { Db, Tx, institutions, licences, trainingItems } from '@seafarer/db';
import type { AuditInput } from '../audit/audit.repo';
import { type Clock, shanghaiDate } from '../shared/clock';
import type { Actor, Ctx } from '../shared/context';
import { AppError } from '../shared/errors';
import { auditedWrite } from '../shared/tx';
import * as repo from './institution.repo';
import { onlineEligibilityProblems } from './online-eligibility';
import { applySanction, qualificationAfter, SANCTION_FOR_STATUS } from './qualification';

type AuthedCtx = Ctx & { actor: Actor };

export const toInstitutionView = (i: typeof institutions.$inferSelect): InstitutionView => ({
  id: i.id,
  nameZh: i.nameZh,
  nameEn: i.nameEn,
  creditCode: i.creditCode,
  jurisdictionId: i.jurisdictionId,
  onlineQualification: i.onlineQualification as QualificationStatus,
  qualificationNote: i.qualificationNote,
  qualificationChangedAt: i.qualificationChangedAt?.toISOString() ?? null,
  createdAt: i.createdAt.toISOString(),
});
const toLicenceView = (l: typeof licences.$inferSelect): LicenceView => ({
  id: l.id,
  institutionId: l.institutionId,
  number: l.number,
  issuedOn: l.issuedOn,
  expiresOn: l.expiresOn,
  status: l.status as LicenceView['status'],
});
export const toTrainingItemView = (t: typeof trainingItems.$inferSelect): TrainingItemView => ({
  id: t.id,
  institutionId: t.institutionId,
  licenceId: t.licenceId,
  code: t.code,
  nameZh: t.nameZh,
  nameEn: t.nameEn,
  kind: t.kind as TrainingItemView['kind'],
  licensedScale: t.licensedScale,
  syllabusHours: t.syllabusHours,
  syllabusVersion: t.syllabusVersion,
});

export function createInstitutionService(deps: { db: Db; clock: Clock }) {
  const { db, clock } = deps;

  const write = <T>(ctx: Ctx, fn: (tx: Tx) => Promise<{ result: T; audit: AuditInput }>) =>
    auditedWrite(db, clock, ctx, fn);

  async function eligibility(itemId: string, onDate: string): Promise<OnlineEligibility> {
    const item = await repo.findTrainingItem(db, itemId);
    if (!item) throw new AppError('NOT_FOUND');
    const [institution, licence] = await Promise.all([
      repo.findInstitution(db, item.institutionId),
      repo.findLicence(db, item.licenceId),
    ]);
    const problems = onlineEligibilityProblems({
      qualification: institution!.onlineQualification as QualificationStatus,
      licence: licence!,
      itemKind: item.kind as 'theory' | 'practical',
      onDate,
    });
    return {
      itemId,
      eligible: problems.length === 0,
      reasons: problems.map((code) => ({ code, message: ERROR_MESSAGES[code] })),
    };
  }

  return {
    async createJurisdiction(
      ctx: AuthedCtx,
      body: { code: string; nameZh: string; nameEn: string; parentId?: string },
    ) {
      return write(ctx, async (tx) => {
        if (await repo.findJurisdictionByCode(tx, body.code))
          throw new AppError('CONFLICT', { details: { field: 'code' } });
        const parent = body.parentId ? await repo.findJurisdiction(tx, body.parentId) : undefined;
        if (body.parentId && !parent) throw new AppError('VALIDATION', { details: { field: 'parentId' } });
        const j = await repo.insertJurisdiction(tx, {
          ...body,
          parentId: body.parentId ?? null,
          path: parent ? `${parent.path}.${body.code}` : body.code,
        });
        return {
          result: { id: j.id, code: j.code, nameZh: j.nameZh, nameEn: j.nameEn, parentId: j.parentId },
          audit: {
            action: 'jurisdiction.created',
            targetType: 'jurisdiction',
            targetId: j.id,
            jurisdictionId: j.id,
            data: { code: j.code },
          },
        };
      });
    },

    async listJurisdictions() {
      return (await repo.listJurisdictions(db)).map((j) => ({
        id: j.id,
        code: j.code,
        nameZh: j.nameZh,
        nameEn: j.nameEn,
        parentId: j.parentId,
      }));
    },

    async createInstitution(
      ctx: AuthedCtx,
      body: {
        nameZh: string;
        nameEn: string;
        jurisdictionId: string;
        creditCode: string;
        onlineQualification?: QualificationStatus;
      },
    ) {
      return write(ctx, async (tx) => {
        if (!(await repo.findJurisdiction(tx, body.jurisdictionId)))
          throw new AppError('VALIDATION', { details: { field: 'jurisdictionId' } });
        if (await repo.findInstitutionByCreditCode(tx, body.creditCode))
          throw new AppError('CONFLICT', { details: { field: 'creditCode' } });
        const status = body.onlineQualification ?? 'none';
        const i = await repo.insertInstitution(tx, {
          ...body,
          onlineQualification: status,
          qualificationChangedAt: clock.now(),
        });
        return {
          result: toInstitutionView(i),
          audit: {
            action: 'institution.created',
            targetType: 'institution',
            targetId: i.id,
            institutionId: i.id,
            jurisdictionId: i.jurisdictionId,
            data: { nameZh: i.nameZh, onlineQualification: status },
          },
        };
      });
    },

    async listInstitutions(ctx: AuthedCtx) {
      const a = ctx.actor;
      const filter = a.roles.includes('platform_admin')
        ? ({ all: true } as const)
        : a.roles.includes('maritime_officer') && a.jurisdictionPath
          ? { jurisdictionPath: a.jurisdictionPath }
          : a.institutionId
            ? { institutionId: a.institutionId }
            : null;
      if (!filter) return [];
      return (await repo.listInstitutions(db, filter)).map((r) => toInstitutionView(r.i));
    },

    async getInstitution(institutionId: string) {
      const i = await repo.findInstitution(db, institutionId);
      if (!i) throw new AppError('NOT_FOUND');
      return toInstitutionView(i);
    },

    /**
     * JS-3 / JS-17: the authority (or platform admin) grants, suspends or revokes online-training
     * qualification, as the measure the status stands for: through the one path (applySanction), so
     * the sanctions table holds the history. 'none' is where an institution starts, not a measure.
     */
    async setQualification(
      ctx: AuthedCtx,
      institutionId: string,
      body: { status: QualificationStatus; note: string },
    ) {
      const kind = SANCTION_FOR_STATUS[body.status];
      if (!kind)
        throw new AppError('VALIDATION', {
          message: {
            zh: '不能将线上培训资格改为“无资格”；请暂停或取消资格',
            en: 'Qualification cannot be set to "none"; suspend or revoke it instead',
          },
          details: { field: 'status' },
        });
      return write(ctx, async (tx) => {
        const before = await repo.findInstitutionForUpdate(tx, institutionId);
        if (!before) throw new AppError('NOT_FOUND');
        const from = before.onlineQualification as QualificationStatus;
        const v = qualificationAfter(from, kind, null, shanghaiDate(clock.now()));
        // A status set by its name: the same status again is a no-op refusal, not a new measure.
        if (!v.ok && !(kind === 'order_correction' && v.code === 'VALIDATION'))
          throw new AppError(v.code, { message: v.message });
        const { institution, audit } = await applySanction(tx, {
          institutionId,
          kind,
          from,
          to: body.status,
          reason: body.note,
          deadline: null,
          itemId: null,
          issuedBy: ctx.actor.accountId,
          at: clock.now(),
        });
        return { result: toInstitutionView(institution), audit };
      });
    },

    async createLicence(
      ctx: AuthedCtx,
      institutionId: string,
      body: { number: string; issuedOn: string; expiresOn: string },
    ) {
      if (body.expiresOn < body.issuedOn)
        throw new AppError('VALIDATION', {
          message: { zh: '有效期止日不得早于发证日期', en: 'expiresOn must not be before issuedOn' },
        });
      return write(ctx, async (tx) => {
        if (await repo.findLicenceByNumber(tx, institutionId, body.number))
          throw new AppError('CONFLICT', { details: { field: 'number' } });
        const l = await repo.insertLicence(tx, { ...body, institutionId, status: 'active' });
        return {
          result: toLicenceView(l),
          audit: {
            action: 'licence.created',
            targetType: 'licence',
            targetId: l.id,
            institutionId,
            data: body,
          },
        };
      });
    },

    async listLicences(institutionId: string) {
      return (await repo.listLicences(db, institutionId)).map(toLicenceView);
    },

    async updateLicence(
      ctx: AuthedCtx,
      licenceId: string,
      body: { expiresOn?: string; status?: 'active' | 'revoked' },
    ) {
      return write(ctx, async (tx) => {
        const before = await repo.findLicence(tx, licenceId);
        if (!before) throw new AppError('NOT_FOUND');
        if (body.expiresOn && body.expiresOn < before.issuedOn)
          throw new AppError('VALIDATION', { details: { field: 'expiresOn' } });
        const l = await repo.updateLicence(tx, licenceId, body);
        return {
          result: toLicenceView(l),
          audit: {
            action: 'licence.updated',
            targetType: 'licence',
            targetId: l.id,
            institutionId: l.institutionId,
            data: { before: toLicenceView(before), change: body },
          },
        };
      });
    },

    async createTrainingItem(
      ctx: AuthedCtx,
      licenceId: string,
      body: Omit<typeof trainingItems.$inferInsert, 'institutionId' | 'licenceId'>,
    ) {
      return write(ctx, async (tx) => {
        const licence = await repo.findLicence(tx, licenceId);
        if (!licence) throw new AppError('NOT_FOUND');
        if (await repo.findTrainingItemByCode(tx, licenceId, body.code))
          throw new AppError('CONFLICT', { details: { field: 'code' } });
        const t = await repo.insertTrainingItem(tx, {
          ...body,
          licenceId,
          institutionId: licence.institutionId,
        });
        return {
          result: toTrainingItemView(t),
          audit: {
            action: 'training_item.created',
            targetType: 'training_item',
            targetId: t.id,
            institutionId: t.institutionId,
            data: toTrainingItemView(t),
          },
        };
      });
    },

    async listTrainingItems(institutionId: string) {
      return (await repo.listTrainingItems(db, institutionId)).map(toTrainingItemView);
    },

    async updateTrainingItem(
      ctx: AuthedCtx,
      itemId: string,
      body: Partial<
        Pick<
          typeof trainingItems.$inferInsert,
          'nameZh' | 'nameEn' | 'licensedScale' | 'syllabusHours' | 'syllabusVersion'
        >
      >,
    ) {
      return write(ctx, async (tx) => {
        const before = await repo.findTrainingItem(tx, itemId);
        if (!before) throw new AppError('NOT_FOUND');
        const t = await repo.updateTrainingItem(tx, itemId, body);
        return {
          result: toTrainingItemView(t),
          audit: {
            action: 'training_item.updated',
            targetType: 'training_item',
            targetId: t.id,
            institutionId: t.institutionId,
            data: { before: toTrainingItemView(before), change: body },
          },
        };
      });
    },

    /** JS-2/JS-3 as data: may this item be taught online on `onDate` (default today, China time)? */
    getOnlineEligibility: (itemId: string, onDate?: string) =>
      eligibility(itemId, onDate ?? shanghaiDate(clock.now())),

    /** The same rule as a guard, for the class context: throws the first reason. */
    async assertOnlineEligible(itemId: string, onDate?: string): Promise<void> {
      const e = await eligibility(itemId, onDate ?? shanghaiDate(clock.now()));
      const first = e.reasons[0];
      if (first)
        throw new AppError(first.code as keyof typeof ERROR_MESSAGES, { details: { reasons: e.reasons } });
    },
  };
}
export type InstitutionService = ReturnType<typeof createInstitutionService>;
