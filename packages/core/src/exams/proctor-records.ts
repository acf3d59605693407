import { randomBytes } from 'node:crypto';
import { and, asc, eq, inArray, isNotNull, isNull, lte, ne, sql } from 'drizzle-orm';
import {
  evidenceFiles,
  examAnswers,
  examAttempts,
  examCandidates,
  examFlags,
  examStills,
  exams,
  rosterEntries,
  type Db,
  type DbOrTx,
  type Tx,
} from '@seafarer/db';
import type { FlagKind, FlagSource, ProviderVerdict, ReviewState } from '@seafarer/contracts';
import type { EvidenceStore } from '../identity/evidence-store';
import type { FaceMatchProvider } from '../identity/face-match';
import type { Clock } from '../shared/clock';
import {
  drawStillTimes,
  flagOfVerdict,
  isSecondDevice,
  reviewStateAfterFlag,
  stillVerdictOf,
} from './proctor-rules';

/** The evidence kind of a still the live node grabbed during an exam (evidence_files.kind). */
export const EXAM_STILL_KIND = 'exam_still';

/** An attempt in progress of an exam invigilated in a live session (what the live node proctors). */
export interface ProctoredAttempt {
  attemptId: string;
  examId: string;
  sessionId: string;
  classId: string;
  institutionId: string;
  accountId: string;
  startedAt: Date;
  deadlineAt: Date;
  /** The exam requires the camera on (exams.proctoring.camera). */
  camera: boolean;
  stillsPerAttempt: number;
}

const proctoringOf = (p: unknown) => {
  const v = (p ?? {}) as { camera?: unknown; stillsPerAttempt?: unknown };
  return {
    camera: v.camera === true,
    stillsPerAttempt: typeof v.stillsPerAttempt === 'number' ? v.stillsPerAttempt : 0,
  };
};
export { proctoringOf };

/**
 * One flag on an attempt, stored with the server's time; the attempt becomes 'flagged' (a decided one
 * keeps its decision). Inside the caller's transaction.
 */
export async function insertFlag(
  tx: DbOrTx,
  f: {
    attemptId: string;
    kind: FlagKind;
    source: FlagSource;
    at: Date;
    detail?: Record<string, unknown>;
    stillId?: string | null;
  },
): Promise<string> {
  const [row] = await tx
    .insert(examFlags)
    .values({
      attemptId: f.attemptId,
      kind: f.kind,
      source: f.source,
      at: f.at,
      detail: f.detail ?? {},
      stillId: f.stillId ?? null,
    })
    .returning({ id: examFlags.id });
  const [a] = await tx
    .select({ reviewState: examAttempts.reviewState })
    .from(examAttempts)
    .where(eq(examAttempts.id, f.attemptId));
  const next = reviewStateAfterFlag((a?.reviewState ?? 'none') as ReviewState);
  if (a && next !== a.reviewState)
    await tx.update(examAttempts).set({ reviewState: next }).where(eq(examAttempts.id, f.attemptId));
  return row!.id;
}

/**
 * JS-7.3 `second_device`: called by the answer save (in its transaction, before or after the upsert)
 * with the device the answer came from. When the attempt holds answers from another device and this
 * one was not seen before, a second_device flag is stored (two devices taking turns: one flag).
 * Returns whether it flagged.
 */
export async function recordDevice(
  tx: DbOrTx,
  at: Date,
  attemptId: string,
  deviceId: string | null | undefined,
): Promise<boolean> {
  if (!deviceId) return false;
  const others = await tx
    .selectDistinct({ deviceId: examAnswers.deviceId })
    .from(examAnswers)
    .where(
      and(
        eq(examAnswers.attemptId, attemptId),
        isNotNull(examAnswers.deviceId),
        ne(examAnswers.deviceId, deviceId),
      ),
    );
  const otherDevices = others.map((o) => o.deviceId!).sort();
  if (!otherDevices.length) return false;
  const earlier = await tx
    .select({ detail: examFlags.detail })
    .from(examFlags)
    .where(and(eq(examFlags.attemptId, attemptId), eq(examFlags.kind, 'second_device')));
  const seen = new Set<string>();
  for (const { detail } of earlier) {
    const d = detail as { deviceId?: string; otherDevices?: string[] };
    if (d.deviceId) seen.add(d.deviceId);
    for (const o of d.otherDevices ?? []) seen.add(o);
  }
  if (!isSecondDevice(deviceId, otherDevices, seen)) return false;
  await insertFlag(tx, {
    attemptId,
    kind: 'second_device',
    source: 'client',
    at,
    detail: { deviceId: deviceId.slice(0, 100), otherDevices: otherDevices.map((d) => d.slice(0, 100)) },
  });
  return true;
}

/**
 * The live node's side of proctoring: the attempts of the sessions it hosts, their stills (planned
 * at random, stored before they are taken; grabbed, kept as evidence, sent to the face-match
 * provider) and the server's flags.
 */
export function createProctorRecords(deps: {
  db: Db;
  clock: Clock;
  store: EvidenceStore;
  faceMatch: FaceMatchProvider;
}) {
  const { db, clock, store, faceMatch } = deps;

  return {
    /** In-progress attempts (before their deadline) of exams invigilated in `sessionIds`. */
    async inProgress(sessionIds: string[]): Promise<ProctoredAttempt[]> {
      if (!sessionIds.length) return [];
      const rows = await db
        .select({
          attemptId: examAttempts.id,
          examId: exams.id,
          sessionId: exams.sessionId,
          classId: exams.classId,
          institutionId: exams.institutionId,
          accountId: examAttempts.accountId,
          startedAt: examAttempts.startedAt,
          deadlineAt: examAttempts.deadlineAt,
          proctoring: exams.proctoring,
        })
        .from(examAttempts)
        .innerJoin(exams, eq(exams.id, examAttempts.examId))
        .where(and(inArray(exams.sessionId, sessionIds), eq(examAttempts.status, 'in_progress')));
      const now = clock.now().getTime();
      return rows
        .filter((r) => r.deadlineAt.getTime() > now)
        .map(({ proctoring, sessionId, ...r }) => ({
          ...r,
          sessionId: sessionId!,
          ...proctoringOf(proctoring),
        }));
    },

    /**
     * Draws and stores the attempt's still times once (a fresh seed, kept in each planned row's note;
     * the row is the plan: no picture yet, verdict pending). Idempotent under concurrency (the
     * attempt's row is locked). Returns how many are planned.
     */
    async planStills(a: ProctoredAttempt): Promise<number> {
      return db.transaction(async (tx) => {
        await tx
          .select({ id: examAttempts.id })
          .from(examAttempts)
          .where(eq(examAttempts.id, a.attemptId))
          .for('update');
        const [had] = await tx
          .select({ n: sql<number>`count(*)::int` })
          .from(examStills)
          .where(eq(examStills.attemptId, a.attemptId));
        if (had!.n > 0) return had!.n;
        const seed = randomBytes(16).toString('hex');
        const times = drawStillTimes(seed, a.startedAt, a.deadlineAt, a.stillsPerAttempt);
        if (!times.length) return 0;
        await tx
          .insert(examStills)
          .values(times.map((takenAt) => ({ attemptId: a.attemptId, takenAt, note: `planned:${seed}` })));
        return times.length;
      });
    },

    /** Planned stills of these attempts whose time has come (not taken, not failed). */
    async due(attemptIds: string[]): Promise<Array<{ id: string; attemptId: string; dueAt: Date }>> {
      if (!attemptIds.length) return [];
      const rows = await db
        .select({ id: examStills.id, attemptId: examStills.attemptId, dueAt: examStills.takenAt })
        .from(examStills)
        .where(
          and(
            inArray(examStills.attemptId, attemptIds),
            isNull(examStills.evidenceId),
            eq(examStills.verdict, 'pending'),
            lte(examStills.takenAt, clock.now()),
          ),
        )
        .orderBy(asc(examStills.takenAt));
      return rows;
    },

    /**
     * A planned still, grabbed: kept content-addressed as evidence, then sent to the face-match
     * provider with the candidate's registered ID photo; its verdict stored (pending for manual
     * review or a later callback), and a bad verdict flagged on the attempt. Null when the still was
     * taken or failed meanwhile.
     */
    async attachStill(
      a: ProctoredAttempt,
      stillId: string,
      still: { jpeg: Buffer; at: Date },
    ): Promise<{ evidenceId: string; sha256: string; verdict: string } | null> {
      const { sha256, key } = await store.put(still.jpeg);
      const taken = await db.transaction(async (tx) => {
        const [open] = await tx
          .select({ id: examStills.id })
          .from(examStills)
          .where(
            and(eq(examStills.id, stillId), isNull(examStills.evidenceId), eq(examStills.verdict, 'pending')),
          )
          .for('update');
        if (!open) return null;
        const [ev] = await tx
          .insert(evidenceFiles)
          .values({
            institutionId: a.institutionId,
            classId: a.classId,
            kind: EXAM_STILL_KIND,
            sha256,
            sizeBytes: still.jpeg.length,
            mimeType: 'image/jpeg',
            storageKey: key,
            // The candidate's own stream; the server took it (never their upload).
            uploadedBy: a.accountId,
          })
          .returning({ id: evidenceFiles.id });
        await tx
          .update(examStills)
          .set({
            evidenceId: ev!.id,
            takenAt: still.at,
            note: null,
            provider: faceMatch.name,
            providerRef: stillId,
          })
          .where(eq(examStills.id, stillId));
        return ev!.id;
      });
      if (!taken) return null;
      // The provider is asked after the still is stored: a slow or absent provider loses nothing.
      const idPhoto = await idPhotoOf(db, a);
      let verdict: ProviderVerdict | 'pending' = 'pending';
      let note: string | null = null;
      if (!idPhoto) note = 'no registered ID photo';
      else {
        const answer = await faceMatch.score({
          idPhoto: await store.get(idPhoto.storageKey, idPhoto.sha256),
          still: still.jpeg,
          requestId: stillId,
        });
        const v = stillVerdictOf(answer);
        verdict = v === 'unavailable' ? 'pending' : v;
        note = answer.note;
      }
      await applyVerdict(db, clock, stillId, verdict as ProviderVerdict | 'pending', note);
      return { evidenceId: taken, sha256, verdict };
    },

    /** A planned still that could not be taken (no camera, the grab failed): noted and flagged. */
    async stillFailed(a: ProctoredAttempt, stillId: string, reason: string): Promise<void> {
      await db.transaction(async (tx) => {
        const [row] = await tx
          .update(examStills)
          .set({ verdict: 'unavailable', note: reason.slice(0, 300), verdictAt: clock.now() })
          .where(
            and(eq(examStills.id, stillId), isNull(examStills.evidenceId), eq(examStills.verdict, 'pending')),
          )
          .returning({ id: examStills.id });
        if (!row) return;
        await insertFlag(tx, {
          attemptId: a.attemptId,
          kind: 'still_failed',
          source: 'server',
          at: clock.now(),
          detail: { reason: reason.slice(0, 200) },
          stillId,
        });
      });
    },

    /** A server flag (camera_off) on an attempt still in progress. */
    async serverFlag(a: ProctoredAttempt, kind: FlagKind, detail: Record<string, unknown>): Promise<void> {
      await db.transaction(async (tx) => {
        const [open] = await tx
          .select({ id: examAttempts.id })
          .from(examAttempts)
          .where(and(eq(examAttempts.id, a.attemptId), eq(examAttempts.status, 'in_progress')));
        if (open)
          await insertFlag(tx, { attemptId: a.attemptId, kind, source: 'server', at: clock.now(), detail });
      });
    },

    /** The stills of an attempt taken so far (tests and the bench read them). */
    taken: (attemptId: string) =>
      db
        .select()
        .from(examStills)
        .where(and(eq(examStills.attemptId, attemptId), isNotNull(examStills.evidenceId))),
  };
}
export type ProctorRecords = ReturnType<typeof createProctorRecords>;

async function idPhotoOf(db: Db, a: Pick<ProctoredAttempt, 'examId' | 'accountId' | 'classId'>) {
  const [r] = await db
    .select({ storageKey: evidenceFiles.storageKey, sha256: evidenceFiles.sha256 })
    .from(examCandidates)
    .innerJoin(rosterEntries, eq(rosterEntries.id, examCandidates.rosterEntryId))
    .innerJoin(evidenceFiles, eq(evidenceFiles.id, rosterEntries.idPhotoEvidenceId))
    .where(and(eq(examCandidates.examId, a.examId), eq(examCandidates.accountId, a.accountId)))
    .limit(1);
  if (r) return r;
  // A candidate row without its roster entry: the class roster by account.
  const [byRoster] = await db
    .select({ storageKey: evidenceFiles.storageKey, sha256: evidenceFiles.sha256 })
    .from(rosterEntries)
    .innerJoin(evidenceFiles, eq(evidenceFiles.id, rosterEntries.idPhotoEvidenceId))
    .where(and(eq(rosterEntries.classId, a.classId), eq(rosterEntries.accountId, a.accountId)))
    .limit(1);
  return byRoster ?? null;
}

/**
 * Stores a verdict on a still still pending (conditional: a replayed or late answer changes nothing)
 * and flags the attempt for a bad one. Returns whether it applied.
 */
export async function applyVerdict(
  db: Db | Tx,
  clock: Clock,
  stillId: string,
  verdict: ProviderVerdict | 'pending',
  note: string | null,
): Promise<boolean> {
  const run = async (tx: DbOrTx) => {
    const [row] = await tx
      .update(examStills)
      .set({
        verdict,
        note: note?.slice(0, 500) ?? null,
        ...(verdict !== 'pending' && { verdictAt: clock.now() }),
      })
      .where(
        and(eq(examStills.id, stillId), eq(examStills.verdict, 'pending'), isNotNull(examStills.evidenceId)),
      )
      .returning({ attemptId: examStills.attemptId });
    if (!row) return false;
    const kind = flagOfVerdict(verdict);
    if (kind)
      await insertFlag(tx, {
        attemptId: row.attemptId,
        kind,
        source: 'provider',
        at: clock.now(),
        stillId,
        detail: {},
      });
    return true;
  };
  return db.transaction(run);
}
