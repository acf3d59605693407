import type { VerificationView } from '@seafarer/contracts';
import type { Db } from '@seafarer/db';
import { findRosterEntry } from '../classes/classes.repo';
import type { Clock } from '../shared/clock';
import type { Actor, Ctx } from '../shared/context';
import { AppError } from '../shared/errors';
import { auditedWrite } from '../shared/tx';
import { sniffImage, type EvidenceStore } from './evidence-store';
import type { FaceMatchProvider } from './face-match';
import * as repo from './identity.repo';

type AuthedCtx = Ctx & { actor: Actor };

const toView = (r: NonNullable<Awaited<ReturnType<typeof repo.findVerificationView>>>): VerificationView => ({
  id: r.v.id,
  classId: r.v.classId,
  rosterEntryId: r.v.rosterEntryId,
  traineeName: r.name,
  idNumberMasked: r.idNumberMasked,
  status: r.v.status as VerificationView['status'],
  source: r.v.source,
  provider: r.v.provider,
  preScore: r.v.preScore,
  providerNote: r.v.providerNote,
  stillEvidenceId: r.v.stillEvidenceId,
  idPhotoEvidenceId: r.v.idPhotoEvidenceId,
  reviewerAccountId: r.v.reviewerAccountId,
  note: r.v.note,
  reviewedAt: r.v.reviewedAt?.toISOString() ?? null,
  createdAt: r.v.createdAt.toISOString(),
});

/** JS-13.1 / SEC-3: identity checks with kept, hashed, access-controlled evidence; every view audited. */
export function createIdentityService(deps: {
  db: Db;
  clock: Clock;
  store: EvidenceStore;
  faceMatch: FaceMatchProvider;
}) {
  const { db, clock, store, faceMatch } = deps;

  async function keep(
    bytes: Uint8Array,
    kind: string,
    entry: { institutionId: string; classId: string },
    by: string,
  ) {
    const mimeType = sniffImage(bytes);
    const { sha256, key } = await store.put(bytes);
    return {
      kind,
      sha256,
      sizeBytes: bytes.length,
      mimeType,
      storageKey: key,
      institutionId: entry.institutionId,
      classId: entry.classId,
      uploadedBy: by,
      createdAt: clock.now(),
    };
  }

  return {
    /** The trainee's registered ID photo, the reference for every later check. */
    async setIdPhoto(ctx: AuthedCtx, entryId: string, bytes: Uint8Array) {
      const entry = await findRosterEntry(db, entryId);
      if (!entry) throw new AppError('NOT_FOUND');
      const file = await keep(bytes, 'id_photo', entry, ctx.actor.accountId);
      return auditedWrite(db, clock, ctx, async (tx) => {
        const e = await repo.insertEvidence(tx, file);
        await repo.setIdPhoto(tx, entryId, e.id);
        return {
          result: {
            id: e.id,
            kind: e.kind,
            sha256: e.sha256,
            sizeBytes: e.sizeBytes,
            mimeType: e.mimeType,
            createdAt: e.createdAt.toISOString(),
          },
          audit: {
            action: 'identity.id_photo_registered',
            targetType: 'roster_entry',
            targetId: entryId,
            institutionId: entry.institutionId,
            data: { evidenceId: e.id, sha256: e.sha256 },
          },
        };
      });
    },

    /** A still from the trainee's camera, pre-scored by the face-match provider, awaiting a person's decision. */
    async submitVerification(ctx: AuthedCtx, entryId: string, bytes: Uint8Array): Promise<VerificationView> {
      const entry = await findRosterEntry(db, entryId);
      if (!entry) throw new AppError('NOT_FOUND');
      const file = await keep(bytes, 'verification_still', entry, ctx.actor.accountId);
      let pre = { score: null as number | null, note: null as string | null };
      if (entry.idPhotoEvidenceId) {
        const idPhoto = (await repo.findEvidence(db, entry.idPhotoEvidenceId))!;
        pre = await faceMatch.score({
          idPhoto: await store.get(idPhoto.storageKey, idPhoto.sha256),
          still: bytes,
          requestId: ctx.requestId,
        });
      } else pre.note = 'no registered ID photo';
      const id = await auditedWrite(db, clock, ctx, async (tx) => {
        const still = await repo.insertEvidence(tx, file);
        const v = await repo.insertVerification(tx, {
          classId: entry.classId,
          rosterEntryId: entryId,
          stillEvidenceId: still.id,
          idPhotoEvidenceId: entry.idPhotoEvidenceId,
          source: ctx.actor.roles.includes('trainee') ? 'trainee_camera' : 'staff_upload',
          status: 'pending',
          provider: faceMatch.name,
          preScore: pre.score,
          providerNote: pre.note,
          createdBy: ctx.actor.accountId,
          createdAt: clock.now(),
        });
        return {
          result: v.id,
          audit: {
            action: 'identity.verification_submitted',
            targetType: 'roster_entry',
            targetId: entryId,
            institutionId: entry.institutionId,
            data: { verificationId: v.id, evidenceId: still.id, sha256: still.sha256, preScore: pre.score },
          },
        };
      });
      return toView((await repo.findVerificationView(db, id))!);
    },

    async listVerifications(classId: string) {
      return (await repo.listVerifications(db, classId)).map(toView);
    },

    async decide(
      ctx: AuthedCtx,
      verificationId: string,
      body: { status: 'verified' | 'rejected'; note: string },
    ): Promise<VerificationView> {
      await auditedWrite(db, clock, ctx, async (tx) => {
        const v = await repo.findVerification(tx, verificationId);
        if (!v) throw new AppError('NOT_FOUND');
        if (v.status !== 'pending')
          throw new AppError('CONFLICT', {
            message: { zh: '该核验已有结论', en: 'This verification is already decided' },
          });
        await repo.updateVerification(tx, verificationId, {
          status: body.status,
          note: body.note,
          reviewerAccountId: ctx.actor.accountId,
          reviewedAt: clock.now(),
        });
        const entry = (await findRosterEntry(tx, v.rosterEntryId))!;
        return {
          result: null,
          audit: {
            action: `identity.${body.status}`,
            targetType: 'roster_entry',
            targetId: v.rosterEntryId,
            institutionId: entry.institutionId,
            data: { verificationId, note: body.note, preScore: v.preScore },
          },
        };
      });
      return toView((await repo.findVerificationView(db, verificationId))!);
    },

    /** SEC-3: the bytes of one evidence file; every view leaves an audit event naming who looked. */
    async viewEvidence(ctx: AuthedCtx, evidenceId: string) {
      const e = await repo.findEvidence(db, evidenceId);
      if (!e) throw new AppError('NOT_FOUND');
      const bytes = await store.get(e.storageKey, e.sha256);
      await auditedWrite(db, clock, ctx, async () => ({
        result: null,
        audit: {
          action: 'evidence.viewed',
          targetType: 'evidence',
          targetId: e.id,
          institutionId: e.institutionId,
          data: { kind: e.kind, classId: e.classId, sha256: e.sha256 },
        },
      }));
      return { bytes, mimeType: e.mimeType, sha256: e.sha256 };
    },
  };
}
export type IdentityService = ReturnType<typeof createIdentityService>;
