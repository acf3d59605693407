import {
  OVERSIGHT_ITEM_KIND_LABELS,
  SANCTION_KIND_LABELS,
  type CorrectionView,
  type CreateOversightItemBody,
  type DecideCorrectionBody,
  type IssueSanctionBody,
  type LocalizedText,
  type OversightItemKind,
  type OversightItemStatus,
  type OversightItemView,
  type QualificationStatus,
  type SanctionKind,
  type SanctionView,
  type ScoringView,
  type SubmitCorrectionBody,
} from '@seafarer/contracts';
import type { Db, Tx } from '@seafarer/db';
import { appendAudit } from '../audit/audit.repo';
import { jurisdictionCovers } from '../authz/scope';
import { activeOfficers, institutionJurisdictionPath } from '../classes/classes.repo';
import { sniffImage, type EvidenceStore } from '../identity/evidence-store';
import * as institutionRepo from '../institution/institution.repo';
import {
  applySanction,
  qualificationAfter,
  SANCTION_RESULT as SANCTION_TO,
} from '../institution/qualification';
import type { NotificationService } from '../notify/notifications.service';
import { type Clock, shanghaiDate } from '../shared/clock';
import type { Actor, Ctx } from '../shared/context';
import { AppError } from '../shared/errors';
import type { JobsDep } from '../shared/jobs';
import { auditedWrite } from '../shared/tx';
import { correctionDecisionEffect, deadlineFacts, itemAcceptsCorrection } from './oversight-rules';
import * as repo from './oversight.repo';
import { scoreOversight, threeYearWindow } from './scoring';

type AuthedCtx = Ctx & { actor: Actor };

/** The institution's people told of the authority's acts (and who may answer them). */
const INSTITUTION_ROLES = ['institution_admin', 'class_manager'];
const MAX_EVIDENCE_BYTES = 5 * 1024 * 1024;

/** JPEG, PNG or PDF, by their magic bytes (the declared content type is not trusted). */
export function sniffCorrectionFile(bytes: Uint8Array): string {
  if (bytes.length > MAX_EVIDENCE_BYTES) throw new AppError('PAYLOAD_TOO_LARGE');
  if (bytes.length > 5 && Buffer.from(bytes.subarray(0, 5)).toString('latin1') === '%PDF-')
    return 'application/pdf';
  try {
    return sniffImage(bytes);
  } catch {
    throw new AppError('UNSUPPORTED_MEDIA_TYPE', {
      message: {
        zh: '整改证据只接受 JPEG、PNG 图片或 PDF 文件',
        en: 'Correction evidence must be a JPEG or PNG image or a PDF file',
      },
    });
  }
}

/**
 * JS-17 / QM-4: findings, complaints, exam-discipline violations, corrections, sanctions and the
 * scoring indicators (issue 11 §6).
 */
export function createOversightService(deps: {
  db: Db;
  clock: Clock;
  jobs: JobsDep;
  notifications: NotificationService;
  store: EvidenceStore;
}) {
  const { db, clock, notifications, store } = deps;
  const write = <T>(
    ctx: Ctx,
    fn: (tx: Tx) => Promise<{ result: T; audit: Parameters<typeof appendAudit>[2] }>,
  ) => auditedWrite(db, clock, ctx, fn);
  const today = () => shanghaiDate(clock.now());

  async function officersOf(tx: Tx, institutionId: string): Promise<string[]> {
    const path = await institutionJurisdictionPath(tx, institutionId);
    if (!path) return [];
    return (await activeOfficers(tx)).filter((o) => jurisdictionCovers(o.path, path)).map((o) => o.id);
  }
  const institutionPeople = (tx: Tx, institutionId: string) =>
    repo.institutionAccounts(tx, institutionId, INSTITUTION_ROLES);

  async function views(rows: Awaited<ReturnType<typeof repo.listItems>>): Promise<OversightItemView[]> {
    const corrections = await repo.listCorrections(
      db,
      rows.map((r) => r.item.id),
    );
    const evidenceIds = corrections.flatMap((c) => c.evidenceIds as string[]);
    const names = await repo.namesOf(db, [
      ...rows.map((r) => r.item.recordedBy),
      ...corrections.flatMap((c) => [c.submittedBy, c.decidedBy]),
    ]);
    const evidence = new Map((await repo.findEvidence(db, evidenceIds)).map((e) => [e.id, e]));
    const byItem = new Map<string, CorrectionView[]>();
    for (const c of corrections) {
      const list = byItem.get(c.itemId) ?? [];
      list.push({
        id: c.id,
        itemId: c.itemId,
        text: c.text,
        evidence: (c.evidenceIds as string[])
          .map((id) => evidence.get(id))
          .filter((e) => e !== undefined)
          .map((e) => ({
            id: e.id,
            sha256: e.sha256,
            sizeBytes: e.sizeBytes,
            mimeType: e.mimeType,
            createdAt: e.createdAt.toISOString(),
          })),
        submittedBy: c.submittedBy,
        submittedByName: names.get(c.submittedBy) ?? '—',
        submittedAt: c.submittedAt.toISOString(),
        decision: (c.decision as CorrectionView['decision']) ?? null,
        decisionNote: c.decisionNote,
        decidedByName: c.decidedBy ? (names.get(c.decidedBy) ?? '—') : null,
        decidedAt: c.decidedAt?.toISOString() ?? null,
      });
      byItem.set(c.itemId, list);
    }
    const t = today();
    return rows.map(({ item: i, institutionNameZh, institutionNameEn }) => ({
      id: i.id,
      institutionId: i.institutionId,
      institutionNameZh,
      institutionNameEn,
      classId: i.classId,
      kind: i.kind as OversightItemKind,
      title: i.title,
      detail: i.detail,
      occurredOn: i.occurredOn,
      deadline: i.deadline,
      status: i.status as OversightItemStatus,
      ...deadlineFacts({ deadline: i.deadline, status: i.status }, t),
      overdueAt: i.overdueAt?.toISOString() ?? null,
      recordedByName: names.get(i.recordedBy) ?? '—',
      createdAt: i.createdAt.toISOString(),
      corrections: byItem.get(i.id) ?? [],
    }));
  }
  const viewOf = async (itemId: string) => (await views(await repo.listItems(db, { ids: [itemId] })))[0]!;

  const kindLabel = (k: string) => OVERSIGHT_ITEM_KIND_LABELS[k as OversightItemKind];

  return {
    /** JS-17: an officer records a finding, complaint or exam-discipline violation; the institution is told. */
    async recordItem(
      ctx: AuthedCtx,
      institutionId: string,
      body: CreateOversightItemBody,
    ): Promise<OversightItemView> {
      const t = today();
      if (body.occurredOn > t)
        throw new AppError('VALIDATION', {
          message: { zh: '发生日期不能晚于今天', en: 'occurredOn cannot be after today' },
          details: { field: 'occurredOn' },
        });
      if (body.deadline && body.deadline < body.occurredOn)
        throw new AppError('VALIDATION', {
          message: { zh: '整改期限不能早于发生日期', en: 'The deadline cannot be before occurredOn' },
          details: { field: 'deadline' },
        });
      const id = await write(ctx, async (tx) => {
        const inst = await institutionRepo.findInstitution(tx, institutionId);
        if (!inst) throw new AppError('NOT_FOUND');
        if (body.classId) {
          const c = await repo.findClassOf(tx, body.classId);
          if (!c || c.institutionId !== institutionId)
            throw new AppError('VALIDATION', {
              message: { zh: '该班级不属于此机构', en: 'The class is not of this institution' },
              details: { field: 'classId' },
            });
        }
        const now = clock.now();
        const item = await repo.insertItem(tx, {
          institutionId,
          jurisdictionId: inst.jurisdictionId,
          classId: body.classId ?? null,
          kind: body.kind,
          title: body.title,
          detail: body.detail,
          occurredOn: body.occurredOn,
          deadline: body.deadline ?? null,
          status: 'open',
          recordedBy: ctx.actor.accountId,
          createdAt: now,
          updatedAt: now,
        });
        const k = kindLabel(body.kind);
        await notifications.notify(tx, await institutionPeople(tx, institutionId), {
          kind: 'oversight.item_recorded',
          title: { zh: `海事管理机构记录了${k.zh}：${body.title}`, en: `The authority recorded: ${k.en}` },
          body: {
            zh: body.deadline
              ? `请于 ${body.deadline}（北京时间）前提交整改情况及证据。`
              : '请查阅并按规定整改。',
            en: body.deadline
              ? `Submit the correction with evidence by ${body.deadline} (China date).`
              : 'Please review it and correct as required.',
          },
          data: { institutionId, itemId: item.id, deadline: body.deadline ?? null },
          dedupeKey: `oversight-item:${item.id}`,
        });
        return {
          result: item.id,
          audit: {
            action: 'oversight.item_recorded',
            targetType: 'oversight_item',
            targetId: item.id,
            institutionId,
            jurisdictionId: inst.jurisdictionId,
            data: {
              kind: body.kind,
              title: body.title,
              occurredOn: body.occurredOn,
              deadline: body.deadline ?? null,
              classId: body.classId ?? null,
            },
          },
        };
      });
      return viewOf(id);
    },

    listForInstitution: async (institutionId: string) => views(await repo.listItems(db, { institutionId })),

    /** The officer's jurisdiction (and below): optionally by status, or only the overdue ones. */
    async listForOfficer(ctx: AuthedCtx, q: { status?: OversightItemStatus; overdue?: 'true' | 'false' }) {
      const path = ctx.actor.jurisdictionPath;
      if (!path) return [];
      const all = await views(
        await repo.listItems(db, { jurisdictionPath: path, ...(q.status && { status: q.status }) }),
      );
      return q.overdue === undefined ? all : all.filter((i) => i.overdue === (q.overdue === 'true'));
    },

    /** A correction's evidence file, kept content-addressed like identity evidence; audited. */
    async uploadEvidence(ctx: AuthedCtx, institutionId: string, itemId: string, bytes: Uint8Array) {
      const mimeType = sniffCorrectionFile(bytes);
      const { sha256, key } = await store.put(bytes);
      return write(ctx, async (tx) => {
        const e = await repo.insertEvidence(tx, {
          institutionId,
          classId: null,
          kind: 'oversight_correction',
          sha256,
          sizeBytes: bytes.length,
          mimeType,
          storageKey: key,
          uploadedBy: ctx.actor.accountId,
          createdAt: clock.now(),
        });
        return {
          result: {
            id: e.id,
            sha256: e.sha256,
            sizeBytes: e.sizeBytes,
            mimeType: e.mimeType,
            createdAt: e.createdAt.toISOString(),
          },
          audit: {
            action: 'oversight.evidence_uploaded',
            targetType: 'oversight_item',
            targetId: itemId,
            institutionId,
            data: { evidenceId: e.id, sha256, mimeType, sizeBytes: bytes.length },
          },
        };
      });
    },

    /** JS-17: the institution's correction of an open item, with its evidence; the officers are told. */
    async submitCorrection(
      ctx: AuthedCtx,
      institutionId: string,
      itemId: string,
      body: SubmitCorrectionBody,
    ): Promise<OversightItemView> {
      await write(ctx, async (tx) => {
        const item = await repo.findItemForUpdate(tx, itemId);
        if (!item || item.institutionId !== institutionId) throw new AppError('NOT_FOUND');
        const refusal = itemAcceptsCorrection(item.status);
        if (refusal) throw new AppError('CONFLICT', { message: refusal });
        const files = await repo.findEvidence(tx, body.evidenceIds);
        if (
          files.length !== body.evidenceIds.length ||
          files.some((f) => f.institutionId !== institutionId || f.kind !== 'oversight_correction')
        )
          throw new AppError('VALIDATION', {
            message: {
              zh: '证据文件不存在或不属于此机构的整改证据',
              en: "An evidence file does not exist or is not this institution's correction evidence",
            },
            details: { field: 'evidenceIds' },
          });
        const now = clock.now();
        const c = await repo.insertCorrection(tx, {
          itemId,
          text: body.text,
          evidenceIds: body.evidenceIds,
          submittedBy: ctx.actor.accountId,
          submittedAt: now,
        });
        await repo.updateItem(tx, itemId, { status: 'correction_submitted', updatedAt: now });
        const inst = (await institutionRepo.findInstitution(tx, institutionId))!;
        await notifications.notify(tx, await officersOf(tx, institutionId), {
          kind: 'oversight.correction_submitted',
          title: {
            zh: `${inst.nameZh} 提交了整改：${item.title}`,
            en: `${inst.nameEn} submitted a correction`,
          },
          body: {
            zh: `附证据 ${body.evidenceIds.length} 份，待审核。`,
            en: `${body.evidenceIds.length} evidence file(s); awaiting your decision.`,
          },
          data: { institutionId, itemId, correctionId: c.id },
          dedupeKey: `oversight-correction:${c.id}`,
        });
        return {
          result: null,
          audit: {
            action: 'oversight.correction_submitted',
            targetType: 'oversight_item',
            targetId: itemId,
            institutionId,
            data: { correctionId: c.id, evidenceIds: body.evidenceIds },
          },
        };
      });
      return viewOf(itemId);
    },

    /** JS-17: the officer accepts the correction (the item is accepted) or rejects it (open again). */
    async decideCorrection(
      ctx: AuthedCtx,
      institutionId: string,
      itemId: string,
      correctionId: string,
      body: DecideCorrectionBody,
    ): Promise<OversightItemView> {
      await write(ctx, async (tx) => {
        const item = await repo.findItemForUpdate(tx, itemId);
        const c = await repo.findCorrectionForUpdate(tx, correctionId);
        if (!item || item.institutionId !== institutionId || !c || c.itemId !== itemId)
          throw new AppError('NOT_FOUND');
        if (c.decision !== null)
          throw new AppError('CONFLICT', {
            message: { zh: '该整改已有审核结论', en: 'This correction is already decided' },
          });
        const now = clock.now();
        await repo.updateCorrection(tx, correctionId, {
          decision: body.decision,
          decisionNote: body.note,
          decidedBy: ctx.actor.accountId,
          decidedAt: now,
        });
        await repo.updateItem(tx, itemId, {
          status: correctionDecisionEffect(body.decision),
          updatedAt: now,
        });
        const accepted = body.decision === 'accepted';
        await notifications.notify(tx, await institutionPeople(tx, institutionId), {
          kind: accepted ? 'oversight.correction_accepted' : 'oversight.correction_rejected',
          title: accepted
            ? { zh: `整改已通过：${item.title}`, en: 'Correction accepted' }
            : { zh: `整改未通过，请重新整改：${item.title}`, en: 'Correction rejected: correct again' },
          body: { zh: `审核意见：${body.note}`, en: `Note: ${body.note}` },
          data: { institutionId, itemId, correctionId },
          dedupeKey: `oversight-decision:${correctionId}`,
        });
        return {
          result: null,
          audit: {
            action: `oversight.correction_${body.decision}`,
            targetType: 'oversight_item',
            targetId: itemId,
            institutionId,
            data: { correctionId, note: body.note },
          },
        };
      });
      return viewOf(itemId);
    },

    /**
     * JS-17 / JS-3: order correction by a deadline, suspend, revoke or restore the institution's
     * online-training qualification, through the one path (institution/qualification.ts); told to the
     * institution.
     */
    async issueSanction(
      ctx: AuthedCtx,
      institutionId: string,
      body: IssueSanctionBody,
    ): Promise<SanctionView> {
      const id = await write(ctx, async (tx) => {
        const before = await institutionRepo.findInstitutionForUpdate(tx, institutionId);
        if (!before) throw new AppError('NOT_FOUND');
        if (body.itemId) {
          const item = await repo.findItem(tx, body.itemId);
          if (!item || item.institutionId !== institutionId)
            throw new AppError('VALIDATION', {
              message: { zh: '该事项不属于此机构', en: 'The item is not of this institution' },
              details: { field: 'itemId' },
            });
        }
        const from = before.onlineQualification as QualificationStatus;
        const deadline = body.kind === 'order_correction' ? (body.deadline ?? null) : null;
        const v = qualificationAfter(from, body.kind, deadline, today());
        if (!v.ok)
          throw new AppError(v.code, {
            message: v.message,
            ...(v.code === 'VALIDATION' && { details: { field: 'deadline' } }),
          });
        const { sanction, audit } = await applySanction(tx, {
          institutionId,
          kind: body.kind,
          from,
          to: v.to,
          reason: body.reason,
          deadline,
          itemId: body.itemId ?? null,
          issuedBy: ctx.actor.accountId,
          at: clock.now(),
        });
        const k = SANCTION_KIND_LABELS[body.kind];
        await notifications.notify(tx, await institutionPeople(tx, institutionId), {
          kind: `oversight.sanction_${body.kind}`,
          title: { zh: `海事管理机构决定：${k.zh}`, en: `The authority decided: ${k.en}` },
          body: {
            zh: `理由：${body.reason}${deadline ? `。整改期限 ${deadline}（北京时间）` : ''}`,
            en: `Reason: ${body.reason}${deadline ? `. Deadline ${deadline} (China date)` : ''}`,
          },
          data: { institutionId, sanctionId: sanction.id, itemId: body.itemId ?? null },
          dedupeKey: `sanction:${sanction.id}`,
        });
        return { result: sanction.id, audit };
      });
      return (await this.listSanctions(institutionId)).find((s) => s.id === id)!;
    },

    /** The history of measures (newest first), with what each did to the qualification. */
    async listSanctions(institutionId: string): Promise<SanctionView[]> {
      const rows = await repo.listSanctions(db, institutionId);
      const names = await repo.namesOf(
        db,
        rows.map((r) => r.issuedBy),
      );
      // The sanctions run oldest to newest; each moves the qualification from the one before.
      const chrono = [...rows].reverse();
      const fromOf = new Map<string, QualificationStatus | null>();
      let prev: QualificationStatus | null = null;
      for (const r of chrono) {
        fromOf.set(r.id, prev);
        prev = SANCTION_TO[r.kind as SanctionKind];
      }
      return rows.map((s) => ({
        id: s.id,
        institutionId: s.institutionId,
        kind: s.kind as SanctionKind,
        reason: s.reason,
        deadline: s.deadline,
        itemId: s.itemId,
        issuedByName: names.get(s.issuedBy) ?? '—',
        issuedAt: s.issuedAt.toISOString(),
        qualificationFrom: fromOf.get(s.id) ?? null,
        qualificationTo: SANCTION_TO[s.kind as SanctionKind] ?? null,
      }));
    },

    /** QM-4: seed 004 items 3.1–3.3 for one institution, from its records of the last 3 years. */
    async scoring(institutionId: string): Promise<ScoringView> {
      const t = today();
      const w = threeYearWindow(t);
      const [items, stoppages] = await Promise.all([
        repo.itemsSince(db, institutionId, w.from),
        repo.stoppagesOf(db, institutionId),
      ]);
      const s = scoreOversight({
        today: t,
        findings: items.filter((i) => i.kind === 'finding'),
        complaints: items.filter((i) => i.kind === 'complaint'),
        violations: items.filter((i) => i.kind === 'exam_violation'),
        stoppages: stoppages.map((x) => shanghaiDate(x.issuedAt)),
      });
      return { institutionId, asOf: t, ...s };
    },

    /**
     * JS-17: flags items whose rectification deadline (China date) passed without an accepted
     * correction, once (overdueAt), and tells the officers and the institution. Idempotent: a flagged
     * item is not a candidate again, and the notifications carry the item's key.
     */
    async scanOverdue(): Promise<{ flagged: number }> {
      const t = today();
      return db.transaction(async (tx) => {
        const due = await repo.overdueCandidates(tx, t);
        const now = clock.now();
        const jobCtx = { actor: null, requestId: `job:oversight.overdue-scan:${t}` };
        for (const item of due) {
          await repo.updateItem(tx, item.id, { overdueAt: now });
          const inst = (await institutionRepo.findInstitution(tx, item.institutionId))!;
          const k = kindLabel(item.kind);
          const title: LocalizedText = {
            zh: `整改已逾期：${inst.nameZh}「${item.title}」`,
            en: `Rectification overdue: ${inst.nameEn}, ${k.en}`,
          };
          const body: LocalizedText = {
            zh: `整改期限 ${item.deadline}（北京时间）已过，尚无通过审核的整改。`,
            en: `The deadline ${item.deadline} (China date) passed without an accepted correction.`,
          };
          const data = { institutionId: item.institutionId, itemId: item.id, deadline: item.deadline };
          await notifications.notify(
            tx,
            [
              ...(await officersOf(tx, item.institutionId)),
              ...(await institutionPeople(tx, item.institutionId)),
            ],
            { kind: 'oversight.overdue', title, body, data, dedupeKey: `oversight-overdue:${item.id}` },
          );
          await appendAudit(
            tx,
            jobCtx,
            {
              action: 'oversight.item_overdue',
              targetType: 'oversight_item',
              targetId: item.id,
              institutionId: item.institutionId,
              jurisdictionId: item.jurisdictionId,
              data: { deadline: item.deadline, status: item.status },
            },
            now,
          );
        }
        return { flagged: due.length };
      });
    },
  };
}
export type OversightService = ReturnType<typeof createOversightService>;
