import { and, asc, desc, eq, inArray } from 'drizzle-orm';
import {
  CHECK_ORIGIN_LABELS,
  SPOT_CHECK_VERDICT_LABELS,
  type CheckOrigin,
  type LiveRole,
  type SpotCheckDetail,
  type SpotCheckItemView,
  type SpotCheckStarted,
  type SpotCheckSummary,
  type SpotCheckVerdict,
} from '@seafarer/contracts';
import {
  accounts,
  people,
  rosterEntries,
  spotCheckItems,
  spotChecks,
  type Db,
  type DbOrTx,
  type Tx,
} from '@seafarer/db';
import { appendAudit } from '../audit/audit.repo';
import type { StoredPlan } from '../classes/class-view';
import * as classesRepo from '../classes/classes.repo';
import { notifyOfficers } from '../classes/officer-notices';
import { formatShanghaiDateTime } from '../filing/china-time';
import { sniffImage, type EvidenceStore } from '../identity/evidence-store';
import type { FaceMatchProvider } from '../identity/face-match';
import * as identityRepo from '../identity/identity.repo';
import { enforce } from '../live/room-policy';
import type { NotificationService } from '../notify/notifications.service';
import type { Clock } from '../shared/clock';
import { AppError } from '../shared/errors';
import { drawSample, newSeed } from './rollcall-schedule';
import { decideStartSpotCheck, isFlaggedVerdict, spotCheckVerdict } from './spot-check';

/** The account role an audit event names for a live role (an officer sits in as the observer). */
const ROLE_OF: Record<LiveRole, string> = {
  instructor: 'instructor',
  class_manager: 'class_manager',
  observer: 'maritime_officer',
  trainee: 'trainee',
};

const text = (at: Date | null) => (at ? formatShanghaiDateTime(at) : null);

/** What the live node tells of one sampled trainee's still: the frame, or why there is none. */
export type SpotCheckStill = { jpeg: Uint8Array; at: Date } | { failed: string };

/**
 * JS-7.2 / JS-13.1 / JS-16: random identity spot checks of a live session. The live node draws the
 * population (trainees in the room with a camera), this service draws the seeded sample and stores
 * it with its proof (seed, population order), then takes each server-grabbed still: evidence
 * (content-addressed), an identity verification for the class manager's existing review, the
 * face-match hook's verdict; a mismatch, no face or no ID photo is flagged to the class's managers
 * and the jurisdiction's officers. Every start and every verdict is audited.
 */
export function createSpotCheckService(deps: {
  db: Db;
  clock: Clock;
  store: EvidenceStore;
  faceMatch: FaceMatchProvider;
  notifications: NotificationService;
}) {
  const { db, clock, store, faceMatch, notifications } = deps;

  async function summaries(d: DbOrTx, where: ReturnType<typeof eq>) {
    const rows = await d
      .select({ s: spotChecks, starter: people.displayName })
      .from(spotChecks)
      .leftJoin(accounts, eq(accounts.id, spotChecks.startedBy))
      .leftJoin(people, eq(people.id, accounts.personId))
      .where(where)
      .orderBy(desc(spotChecks.createdAt));
    const ids = rows.map((r) => r.s.id);
    const items = ids.length
      ? await d.select().from(spotCheckItems).where(inArray(spotCheckItems.spotCheckId, ids))
      : [];
    return rows.map(({ s, starter }): SpotCheckSummary & { seed: string; populationIds: string[] } => {
      const mine = items.filter((i) => i.spotCheckId === s.id);
      const origin = s.origin as CheckOrigin;
      const populationIds = s.population as string[];
      return {
        id: s.id,
        classId: s.classId,
        sessionId: s.sessionId,
        origin,
        originLabel: CHECK_ORIGIN_LABELS[origin],
        startedBy: s.startedBy ? { accountId: s.startedBy, name: starter ?? '' } : null,
        createdAt: s.createdAt.toISOString(),
        createdAtText: formatShanghaiDateTime(s.createdAt),
        sampleSize: s.sampleSize,
        population: populationIds.length,
        sampled: mine.length,
        flagged: mine.filter((i) => i.flaggedAt).length,
        pending: mine.filter((i) => i.verdict === 'pending').length,
        seed: s.seed,
        populationIds,
      };
    });
  }

  return {
    /**
     * Starts a spot check by `by` (enforced: instructor, class manager, officer) of the trainees in
     * the room with a camera: the sample of the class's spotCheckSampleSize is drawn with a fresh seed
     * from the population sorted by account id, stored with a pending item each, and audited.
     */
    async start(input: {
      classId: string;
      sessionId: string;
      institutionId: string;
      by: { accountId: string; role: LiveRole };
      population: ReadonlyArray<{ accountId: string; name: string }>;
      /** The room's state (the live node's): ended, a spot check still running. */
      room: { ended: boolean; spotCheckRunning: boolean };
    }): Promise<SpotCheckStarted> {
      const { origin } = enforce(decideStartSpotCheck(input.room, input.by));
      const c = await classesRepo.findClass(db, input.classId);
      if (!c) throw new AppError('NOT_FOUND');
      const population = [...new Map(input.population.map((p) => [p.accountId, p])).values()].sort((a, b) =>
        a.accountId < b.accountId ? -1 : a.accountId > b.accountId ? 1 : 0,
      );
      const seed = newSeed();
      const sampled = drawSample(seed, population, c.spotCheckSampleSize);
      const entries = sampled.length
        ? await db
            .select({ id: rosterEntries.id, accountId: rosterEntries.accountId })
            .from(rosterEntries)
            .where(
              and(
                eq(rosterEntries.classId, input.classId),
                inArray(
                  rosterEntries.accountId,
                  sampled.map((s) => s.accountId),
                ),
              ),
            )
        : [];
      const now = clock.now();
      const id = await db.transaction(async (tx) => {
        const [row] = await tx
          .insert(spotChecks)
          .values({
            institutionId: input.institutionId,
            classId: input.classId,
            sessionId: input.sessionId,
            origin,
            startedBy: input.by.accountId,
            seed,
            sampleSize: c.spotCheckSampleSize,
            population: population.map((p) => p.accountId),
            createdAt: now,
          })
          .returning({ id: spotChecks.id });
        if (sampled.length)
          await tx.insert(spotCheckItems).values(
            sampled.map((s) => ({
              spotCheckId: row!.id,
              accountId: s.accountId,
              rosterEntryId: entries.find((e) => e.accountId === s.accountId)?.id ?? null,
              verdict: 'pending',
            })),
          );
        await appendAudit(
          tx,
          {
            actor: { accountId: input.by.accountId, roles: [ROLE_OF[input.by.role]] } as never,
            requestId: `live:${input.sessionId}`,
          },
          {
            action: 'spotcheck.started',
            targetType: 'class_session',
            targetId: input.sessionId,
            institutionId: input.institutionId,
            data: {
              classId: input.classId,
              spotCheckId: row!.id,
              origin,
              seed,
              sampleSize: c.spotCheckSampleSize,
              population: population.length,
              sampled: sampled.map((s) => s.accountId),
            },
          },
          now,
        );
        return row!.id;
      });
      return { spotCheckId: id, sampled: sampled.map((s) => ({ accountId: s.accountId, name: s.name })) };
    },

    /**
     * One sampled trainee's still (grabbed by the live node from their stream) or why there is none:
     * stored as evidence ('spot_check_still'), made an identity verification (source 'spot_check',
     * pending a person's decision, pre-scored by the hook against the trainee's ID photo), given its
     * verdict; a flagged verdict notifies the class's managers and the jurisdiction's officers.
     */
    async check(
      spotCheckId: string,
      accountId: string,
      still: SpotCheckStill,
    ): Promise<{ verdict: SpotCheckVerdict; flagged: boolean }> {
      const [sc] = await db.select().from(spotChecks).where(eq(spotChecks.id, spotCheckId)).limit(1);
      if (!sc) throw new AppError('NOT_FOUND');
      const [item] = await db
        .select()
        .from(spotCheckItems)
        .where(and(eq(spotCheckItems.spotCheckId, spotCheckId), eq(spotCheckItems.accountId, accountId)))
        .limit(1);
      if (!item) throw new AppError('NOT_FOUND');
      const entry = item.rosterEntryId
        ? await classesRepo.findRosterEntry(db, item.rosterEntryId)
        : undefined;
      const idPhotoId = entry?.idPhotoEvidenceId ?? null;
      let file: Parameters<typeof identityRepo.insertEvidence>[1] | null = null;
      let pre = { score: null as number | null, note: null as string | null };
      if ('jpeg' in still) {
        const mimeType = sniffImage(still.jpeg);
        const { sha256, key } = await store.put(still.jpeg);
        file = {
          kind: 'spot_check_still',
          sha256,
          sizeBytes: still.jpeg.length,
          mimeType,
          storageKey: key,
          institutionId: sc.institutionId,
          classId: sc.classId,
          uploadedBy: sc.startedBy ?? accountId,
          createdAt: still.at,
        };
        if (idPhotoId) {
          const idPhoto = (await identityRepo.findEvidence(db, idPhotoId))!;
          pre = await faceMatch.score({
            idPhoto: await store.get(idPhoto.storageKey, idPhoto.sha256),
            still: still.jpeg,
            requestId: `spotcheck:${spotCheckId}:${accountId}`,
          });
        } else pre.note = 'no registered ID photo';
      } else pre.note = still.failed;
      const verdict = spotCheckVerdict({
        still: !!file,
        idPhoto: !!idPhotoId,
        score: pre.score,
        note: pre.note,
      });
      const flagged = isFlaggedVerdict(verdict);
      const now = clock.now();
      await db.transaction(async (tx: Tx) => {
        let stillId: string | null = null;
        let verificationId: string | null = null;
        if (file && entry) {
          const e = await identityRepo.insertEvidence(tx, file);
          stillId = e.id;
          const v = await identityRepo.insertVerification(tx, {
            classId: sc.classId,
            rosterEntryId: entry.id,
            stillEvidenceId: e.id,
            idPhotoEvidenceId: idPhotoId,
            source: 'spot_check',
            status: 'pending',
            provider: faceMatch.name,
            preScore: pre.score,
            providerNote: pre.note,
            createdBy: sc.startedBy ?? accountId,
            createdAt: now,
          });
          verificationId = v.id;
        }
        await tx
          .update(spotCheckItems)
          .set({
            stillEvidenceId: stillId,
            stillAt: 'jpeg' in still ? still.at : null,
            verificationId,
            verdict,
            score: pre.score,
            note: pre.note,
            flaggedAt: flagged ? now : null,
          })
          .where(and(eq(spotCheckItems.spotCheckId, spotCheckId), eq(spotCheckItems.accountId, accountId)));
        await appendAudit(
          tx,
          { actor: null, requestId: `spotcheck:${spotCheckId}` },
          {
            action: 'spotcheck.checked',
            targetType: 'spot_check',
            targetId: spotCheckId,
            institutionId: sc.institutionId,
            data: {
              classId: sc.classId,
              sessionId: sc.sessionId,
              accountId,
              verdict,
              score: pre.score,
              evidenceId: stillId,
              sha256: file?.sha256 ?? null,
              verificationId,
            },
          },
          now,
        );
        if (flagged) await flag(tx, sc, entry?.name ?? accountId, verdict, accountId);
      });
      return { verdict, flagged };
    },

    /** The spot checks of a session, newest first (staff and officers of the class). */
    async list(classId: string, sessionId: string): Promise<SpotCheckSummary[]> {
      const rows = await summaries(
        db,
        and(eq(spotChecks.classId, classId), eq(spotChecks.sessionId, sessionId))!,
      );
      return rows.map(({ seed: _seed, populationIds: _ids, ...s }) => s);
    },

    /** One spot check with its proof and items (names, verdict labels, China time, still evidence). */
    async get(classId: string, spotCheckId: string): Promise<SpotCheckDetail> {
      const [s] = await summaries(db, and(eq(spotChecks.classId, classId), eq(spotChecks.id, spotCheckId))!);
      if (!s) throw new AppError('NOT_FOUND');
      const items = await db
        .select({ i: spotCheckItems, name: rosterEntries.name, fallback: people.displayName })
        .from(spotCheckItems)
        .leftJoin(rosterEntries, eq(rosterEntries.id, spotCheckItems.rosterEntryId))
        .leftJoin(accounts, eq(accounts.id, spotCheckItems.accountId))
        .leftJoin(people, eq(people.id, accounts.personId))
        .where(eq(spotCheckItems.spotCheckId, spotCheckId))
        .orderBy(asc(spotCheckItems.accountId));
      // In the order drawn (the proof: the same draw from the seed and the population gives this order).
      const order = new Map(drawSample(s.seed, s.populationIds, s.sampleSize).map((id, i) => [id, i]));
      return {
        ...s,
        items: items
          .map(({ i, name, fallback }): SpotCheckItemView => {
            const verdict = i.verdict as SpotCheckVerdict;
            return {
              accountId: i.accountId,
              name: name ?? fallback ?? '',
              verdict,
              verdictLabel: SPOT_CHECK_VERDICT_LABELS[verdict],
              score: i.score,
              note: i.note,
              stillEvidenceId: i.stillEvidenceId,
              stillAt: i.stillAt?.toISOString() ?? null,
              stillAtText: text(i.stillAt),
              verificationId: i.verificationId,
              flaggedAt: i.flaggedAt?.toISOString() ?? null,
              flaggedAtText: text(i.flaggedAt),
            };
          })
          .sort((a, b) => (order.get(a.accountId) ?? 0) - (order.get(b.accountId) ?? 0)),
      };
    },
  };

  /** A flagged verdict, to the class's managers and the officers covering its institution (in `tx`). */
  async function flag(
    tx: Tx,
    sc: typeof spotChecks.$inferSelect,
    name: string,
    verdict: SpotCheckVerdict,
    accountId: string,
  ) {
    const c = (await classesRepo.findClass(tx, sc.classId))!;
    const version = c.confirmedVersionId
      ? await classesRepo.findVersion(tx, c.confirmedVersionId)
      : undefined;
    const managers = ((version?.plan as StoredPlan | undefined)?.managers ?? []).map((m) => m.accountId);
    const label = SPOT_CHECK_VERDICT_LABELS[verdict];
    const what = {
      kind: 'spotcheck.flagged',
      title: {
        zh: `身份抽查异常：${c.code} ${name}（${label.zh}）`,
        en: `Identity spot check flagged: ${c.code} ${name} (${label.en})`,
      },
      body: {
        zh: `${formatShanghaiDateTime(clock.now())} 随机抽查身份核验结果为「${label.zh}」，请核对抽查截图与证件照。`,
        en: `At ${formatShanghaiDateTime(clock.now())} (China time) a random identity spot check gave "${label.en}"; please compare the still with the ID photo.`,
      },
      data: { classId: c.id, sessionId: sc.sessionId, spotCheckId: sc.id, accountId, verdict },
      dedupeKey: `spotcheck:${sc.id}:${accountId}`,
    };
    await notifications.notify(tx, managers, what);
    await notifyOfficers(notifications, tx, c, what);
  }
}
export type SpotCheckService = ReturnType<typeof createSpotCheckService>;
