import { and, asc, eq, inArray, isNotNull, isNull, sql } from 'drizzle-orm';
import {
  accounts,
  classes,
  classSessions,
  evidenceFiles,
  people,
  rollCallResponses,
  rollCalls,
  rosterEntries,
  type Db,
  type Tx,
} from '@seafarer/db';
import {
  CHECK_ORIGIN_LABELS,
  ROLL_CALL_OUTCOME_LABELS,
  ROLL_CALL_STATUS_LABELS,
  ROLL_CALL_WAITING_LABEL,
  type CheckOrigin,
  type LiveRole,
  type OwnRollCall,
  type RollCallDetail,
  type RollCallLiveView,
  type RollCallOutcome,
  type RollCallStatus,
  type RollCallSummary,
} from '@seafarer/contracts';
import { appendAudit } from '../audit/audit.repo';
import type { EvidenceStore } from '../identity/evidence-store';
import { enforce } from '../live/room-policy';
import type { Clock } from '../shared/clock';
import type { Actor } from '../shared/context';
import { AppError } from '../shared/errors';
import { formatShanghaiDateTime } from '../filing/china-time';
import {
  LATE_MAX_MS,
  LATE_WINDOWS,
  ROLL_CALL_OPEN_MESSAGE,
  countOutcomes,
  decideRollCallAnswer,
  finalOutcome,
  outcomeAtPush,
  outcomesDigest,
  rollCallTimes,
} from './rollcall-policy';

/** The evidence kind of a roll-call's still (evidence_files.kind). */
export const ROLL_CALL_STILL_KIND = 'rollcall_still';

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const china = (at: Date | null) => (at ? formatShanghaiDateTime(at) : null);
const iso = (at: Date | null) => at?.toISOString() ?? null;

/** The audit context of a roll-call act in a live room (no HTTP request there). */
const liveCtx = (sessionId: string, by: { accountId: string; role: string } | null) =>
  ({
    actor: by ? { accountId: by.accountId, roles: [by.role] } : null,
    requestId: `live:${sessionId}`,
  }) as never;

type RollCallRow = typeof rollCalls.$inferSelect;

const lateUntilOf = (rc: Pick<RollCallRow, 'firedAt' | 'windowS'>) =>
  rc.firedAt ? rollCallTimes(rc.firedAt, rc.windowS).lateUntil : null;

export interface OpenRollCallInput {
  /** A scheduled roll-call's stored row (origin 'scheduled'); absent when a person starts one. */
  rollCallId?: string;
  institutionId: string;
  classId: string;
  sessionId: string;
  origin: CheckOrigin;
  /** The person who started it; null for a scheduled one. */
  startedBy: { accountId: string; role: LiveRole } | null;
  /** The trainees connected to the room at the push, and whether each publishes a camera. */
  connected: ReadonlyMap<string, { camera: boolean }>;
}

export interface OpenedRollCall {
  id: string;
  origin: CheckOrigin;
  windowS: number;
  firedAt: Date;
  closesAt: Date;
  lateUntil: Date;
  /** Trainees awaited (connected with a camera): each gets a still grabbed. */
  awaited: string[];
  /** Every trainee of the roster with an account, and their outcome at the push (null: awaited). */
  roster: Array<{ accountId: string; name: string; outcome: RollCallOutcome | null }>;
}

/**
 * JS-13.2 / JS-7.2: the records of roll-calls: stored before anything goes out, one response row per
 * roster trainee, answers acknowledged only once stored, closed once (outcomes final, hashed and
 * audited), and the reads of the API. Rules are rollcall-policy.ts's.
 */
export function createRollCallRecords(deps: { db: Db; clock: Clock; store?: EvidenceStore }) {
  const { db, clock } = deps;

  async function liveView(q: Db | Tx, rc: RollCallRow): Promise<RollCallLiveView> {
    const rows = await q
      .select({
        accountId: rollCallResponses.accountId,
        outcome: rollCallResponses.outcome,
        answeredAt: rollCallResponses.answeredAt,
        rosterName: rosterEntries.name,
        name: people.displayName,
      })
      .from(rollCallResponses)
      .innerJoin(accounts, eq(accounts.id, rollCallResponses.accountId))
      .innerJoin(people, eq(people.id, accounts.personId))
      .leftJoin(rosterEntries, eq(rosterEntries.id, rollCallResponses.rosterEntryId))
      .where(eq(rollCallResponses.rollCallId, rc.id));
    const items = rows
      .map((r) => ({
        accountId: r.accountId,
        name: r.rosterName ?? r.name,
        outcome: r.outcome as RollCallOutcome | null,
        answeredAt: iso(r.answeredAt),
      }))
      .sort((a, b) => a.name.localeCompare(b.name, 'zh-CN'));
    const counts = countOutcomes(items.map((i) => i.outcome));
    return {
      rollCallId: rc.id,
      origin: rc.origin as CheckOrigin,
      firedAt: iso(rc.firedAt) ?? '',
      closesAt: iso(rc.closesAt) ?? '',
      lateUntil: iso(lateUntilOf(rc)) ?? '',
      closed: rc.status === 'closed',
      expected: items.length,
      answered: rows.filter((r) => r.answeredAt && (r.outcome === 'present' || r.outcome === 'late')).length,
      counts,
      items,
      outcomesSha256: rc.outcomesSha256,
    };
  }

  const findRollCall = async (q: Db | Tx, id: string) =>
    UUID_RE.test(id) ? (await q.select().from(rollCalls).where(eq(rollCalls.id, id)).limit(1))[0] : undefined;

  return {
    /**
     * Opens a roll-call: the roll_calls row (a scheduled one's row goes from 'scheduled' to 'open') and
     * one response row per roster trainee with an account — not connected → not_in_room, connected
     * without a camera → camera_off, the rest awaited — and its audit event, in one transaction, before
     * the challenge goes out. One open roll-call per session. Null when a scheduled row is no longer
     * 'scheduled' (fired already, missed).
     */
    async open(input: OpenRollCallInput): Promise<OpenedRollCall | null> {
      const firedAt = clock.now();
      return db.transaction(async (tx) => {
        // One start at a time per session, on whichever node.
        await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`rollcall:${input.sessionId}`}))`);
        const [already] = await tx
          .select({ id: rollCalls.id })
          .from(rollCalls)
          .where(and(eq(rollCalls.sessionId, input.sessionId), eq(rollCalls.status, 'open')))
          .limit(1);
        if (already) throw new AppError('CONFLICT', { message: ROLL_CALL_OPEN_MESSAGE });
        let rc: RollCallRow | undefined;
        if (input.rollCallId) {
          if (!UUID_RE.test(input.rollCallId)) return null;
          const [row] = await tx
            .select()
            .from(rollCalls)
            .where(
              and(
                eq(rollCalls.id, input.rollCallId),
                eq(rollCalls.sessionId, input.sessionId),
                eq(rollCalls.status, 'scheduled'),
              ),
            )
            .for('update')
            .limit(1);
          if (!row) return null;
          const { closesAt } = rollCallTimes(firedAt, row.windowS);
          [rc] = await tx
            .update(rollCalls)
            .set({ status: 'open', firedAt, closesAt })
            .where(eq(rollCalls.id, row.id))
            .returning();
        } else {
          const [cls] = await tx
            .select({ windowS: classes.rollCallWindowS })
            .from(classes)
            .where(eq(classes.id, input.classId))
            .limit(1);
          if (!cls) throw new AppError('NOT_FOUND');
          const { closesAt } = rollCallTimes(firedAt, cls.windowS);
          [rc] = await tx
            .insert(rollCalls)
            .values({
              institutionId: input.institutionId,
              classId: input.classId,
              sessionId: input.sessionId,
              origin: input.origin,
              startedBy: input.startedBy?.accountId ?? null,
              status: 'open',
              windowS: cls.windowS,
              firedAt,
              closesAt,
            })
            .returning();
        }
        const row = rc!;
        const roster = await tx
          .select({ id: rosterEntries.id, accountId: rosterEntries.accountId, name: rosterEntries.name })
          .from(rosterEntries)
          .where(and(eq(rosterEntries.classId, input.classId), isNotNull(rosterEntries.accountId)))
          .orderBy(asc(rosterEntries.name));
        const entries = roster.map((r) => {
          const peer = input.connected.get(r.accountId!);
          return {
            accountId: r.accountId!,
            rosterEntryId: r.id,
            name: r.name,
            outcome: outcomeAtPush({ connected: !!peer, camera: !!peer?.camera }),
          };
        });
        if (entries.length > 0)
          await tx.insert(rollCallResponses).values(
            entries.map((e) => ({
              rollCallId: row.id,
              accountId: e.accountId,
              rosterEntryId: e.rosterEntryId,
              outcome: e.outcome,
              stillNote:
                e.outcome === 'camera_off'
                  ? 'camera_off'
                  : e.outcome === 'not_in_room'
                    ? 'not_in_room'
                    : null,
            })),
          );
        const counts = countOutcomes(entries.map((e) => e.outcome));
        await appendAudit(
          tx,
          liveCtx(input.sessionId, input.startedBy),
          {
            action: 'rollcall.started',
            targetType: 'roll_call',
            targetId: row.id,
            institutionId: input.institutionId,
            data: {
              classId: input.classId,
              sessionId: input.sessionId,
              origin: row.origin,
              windowS: row.windowS,
              closesAt: row.closesAt!.toISOString(),
              expected: entries.length,
              counts,
            },
          },
          firedAt,
        );
        const { closesAt, lateUntil } = rollCallTimes(firedAt, row.windowS);
        return {
          id: row.id,
          origin: row.origin as CheckOrigin,
          windowS: row.windowS,
          firedAt,
          closesAt,
          lateUntil,
          awaited: entries.filter((e) => e.outcome === null).map((e) => e.accountId),
          roster: entries.map((e) => ({ accountId: e.accountId, name: e.name, outcome: e.outcome })),
        };
      });
    },

    /**
     * Stores the server's still of a trainee's camera at the push (content-addressed, an evidence_files
     * row of kind rollcall_still) and links it to their response — only while the roll-call is open.
     */
    async attachStill(
      rc: { id: string; institutionId: string; classId: string },
      accountId: string,
      still: { jpeg: Buffer; at: Date },
    ): Promise<{ evidenceId: string; sha256: string } | null> {
      if (!deps.store) throw new Error('attachStill needs an evidence store');
      const { sha256, key } = await deps.store.put(still.jpeg);
      return db.transaction(async (tx) => {
        const [open] = await tx
          .select({ accountId: rollCallResponses.accountId })
          .from(rollCallResponses)
          .where(
            and(
              eq(rollCallResponses.rollCallId, rc.id),
              eq(rollCallResponses.accountId, accountId),
              isNull(rollCallResponses.decidedAt),
              isNull(rollCallResponses.stillEvidenceId),
            ),
          )
          .for('update')
          .limit(1);
        if (!open) return null;
        const [ev] = await tx
          .insert(evidenceFiles)
          .values({
            institutionId: rc.institutionId,
            classId: rc.classId,
            kind: ROLL_CALL_STILL_KIND,
            sha256,
            sizeBytes: still.jpeg.length,
            mimeType: 'image/jpeg',
            storageKey: key,
            // The picture is of this trainee's own stream; the server took it (never their upload).
            uploadedBy: accountId,
          })
          .returning({ id: evidenceFiles.id });
        await tx
          .update(rollCallResponses)
          .set({ stillEvidenceId: ev!.id, stillAt: still.at, stillNote: null })
          .where(and(eq(rollCallResponses.rollCallId, rc.id), eq(rollCallResponses.accountId, accountId)));
        return { evidenceId: ev!.id, sha256 };
      });
    },

    /** Why a still is missing (the grab failed, timed out), while the roll-call is open. */
    async noteStill(rollCallId: string, accountId: string, note: string): Promise<void> {
      await db
        .update(rollCallResponses)
        .set({ stillNote: note.slice(0, 500) })
        .where(
          and(
            eq(rollCallResponses.rollCallId, rollCallId),
            eq(rollCallResponses.accountId, accountId),
            isNull(rollCallResponses.decidedAt),
            isNull(rollCallResponses.stillEvidenceId),
          ),
        );
    },

    /**
     * A trainee's answer, stored before it is acknowledged: present within the window, late after it;
     * refused (coded) for another session's roll-call, a closed one, or someone not on it.
     */
    async answer(a: {
      rollCallId: string;
      sessionId: string;
      accountId: string;
      role: LiveRole;
    }): Promise<{ outcome: RollCallOutcome; stored: boolean }> {
      const now = clock.now();
      return db.transaction(async (tx) => {
        const rc = await findRollCall(tx, a.rollCallId);
        const [response] = rc
          ? await tx
              .select()
              .from(rollCallResponses)
              .where(
                and(eq(rollCallResponses.rollCallId, rc.id), eq(rollCallResponses.accountId, a.accountId)),
              )
              .for('update')
              .limit(1)
          : [];
        const { outcome, store } = enforce(
          decideRollCallAnswer(
            rc
              ? {
                  sessionId: rc.sessionId,
                  status: rc.status as RollCallStatus,
                  closesAt: rc.closesAt,
                  lateUntil: lateUntilOf(rc),
                }
              : null,
            { sessionId: a.sessionId, role: a.role, now },
            response
              ? { outcome: response.outcome as RollCallOutcome | null, answeredAt: response.answeredAt }
              : null,
          ),
        );
        if (store)
          await tx
            .update(rollCallResponses)
            .set({ outcome, answeredAt: now })
            .where(
              and(
                eq(rollCallResponses.rollCallId, rc!.id),
                eq(rollCallResponses.accountId, a.accountId),
                isNull(rollCallResponses.decidedAt),
              ),
            );
        return { outcome, stored: store };
      });
    },

    /**
     * Closes an open roll-call: who was awaited and did not answer is absent, every outcome final
     * (decidedAt), the outcomes hashed (outcomes_sha256) and the close audited, in one transaction.
     * Null when it was not open (closed already, by this or another node).
     */
    async close(rollCallId: string): Promise<RollCallLiveView | null> {
      const now = clock.now();
      return db.transaction(async (tx) => {
        const [rc] = await tx
          .select()
          .from(rollCalls)
          .where(and(eq(rollCalls.id, rollCallId), eq(rollCalls.status, 'open')))
          .for('update')
          .limit(1);
        if (!rc) return null;
        const rows = await tx
          .select({ r: rollCallResponses, sha256: evidenceFiles.sha256 })
          .from(rollCallResponses)
          .leftJoin(evidenceFiles, eq(evidenceFiles.id, rollCallResponses.stillEvidenceId))
          .where(eq(rollCallResponses.rollCallId, rc.id));
        const final = rows.map(({ r, sha256 }) => ({
          accountId: r.accountId,
          outcome: finalOutcome(r.outcome as RollCallOutcome | null),
          answeredAt: r.answeredAt,
          stillSha256: sha256,
        }));
        await tx
          .update(rollCallResponses)
          .set({ outcome: sql`coalesce(${rollCallResponses.outcome}, 'absent')`, decidedAt: now })
          .where(eq(rollCallResponses.rollCallId, rc.id));
        const digest = outcomesDigest(final);
        const [closed] = await tx
          .update(rollCalls)
          .set({ status: 'closed', closedAt: now, outcomesSha256: digest })
          .where(eq(rollCalls.id, rc.id))
          .returning();
        await appendAudit(
          tx,
          liveCtx(rc.sessionId, null),
          {
            action: 'rollcall.closed',
            targetType: 'roll_call',
            targetId: rc.id,
            institutionId: rc.institutionId,
            data: {
              classId: rc.classId,
              sessionId: rc.sessionId,
              origin: rc.origin,
              counts: countOutcomes(final.map((f) => f.outcome)),
              outcomesSha256: digest,
            },
          },
          now,
        );
        return liveView(tx, closed!);
      });
    },

    /** The live view of a roll-call (staff, officers in the room). */
    async live(rollCallId: string): Promise<RollCallLiveView | null> {
      const rc = await findRollCall(db, rollCallId);
      return rc ? liveView(db, rc) : null;
    },

    /** Open roll-calls of these sessions (a node taking a room over picks them up). */
    async openIn(sessionIds: readonly string[]) {
      if (sessionIds.length === 0) return [];
      return db
        .select()
        .from(rollCalls)
        .where(and(inArray(rollCalls.sessionId, [...sessionIds]), eq(rollCalls.status, 'open')));
    },

    /** Open roll-calls whose late answers are over (a node died before closing them): to close now. */
    async overdue(): Promise<Array<{ id: string; sessionId: string }>> {
      const now = clock.now();
      return db
        .select({ id: rollCalls.id, sessionId: rollCalls.sessionId })
        .from(rollCalls)
        .where(
          and(
            eq(rollCalls.status, 'open'),
            sql`${rollCalls.closesAt} + least(${rollCalls.windowS} * ${LATE_WINDOWS} * 1000, ${LATE_MAX_MS}) * interval '1 millisecond' <= ${now}`,
          ),
        )
        .limit(100);
    },

    // --- reads for the API ------------------------------------------------------------------------

    /**
     * The roll-calls of a session that fired: every one with its counts for the class's staff and the
     * jurisdiction's officers; for a trainee only their own rows, never who started it, and never a
     * scheduled one that has not fired (nor its time).
     */
    async listForSession(
      actor: Actor,
      classId: string,
      sessionId: string,
    ): Promise<{ sessionId: string; rollCalls?: RollCallSummary[]; own?: OwnRollCall[] }> {
      const [ses] = await db
        .select({ id: classSessions.id })
        .from(classSessions)
        .where(and(eq(classSessions.id, sessionId), eq(classSessions.classId, classId)))
        .limit(1);
      if (!ses) throw new AppError('NOT_FOUND');
      const fired = and(
        eq(rollCalls.sessionId, sessionId),
        eq(rollCalls.classId, classId),
        isNotNull(rollCalls.firedAt),
      );
      if (!isStaff(actor)) {
        const rows = await db
          .select({ rc: rollCalls, r: rollCallResponses })
          .from(rollCalls)
          .innerJoin(
            rollCallResponses,
            and(
              eq(rollCallResponses.rollCallId, rollCalls.id),
              eq(rollCallResponses.accountId, actor.accountId),
            ),
          )
          .where(fired)
          .orderBy(asc(rollCalls.firedAt));
        return {
          sessionId,
          own: rows.map(({ rc, r }) => {
            const outcome = r.outcome as RollCallOutcome | null;
            return {
              id: rc.id,
              status: rc.status as RollCallStatus,
              statusLabel: ROLL_CALL_STATUS_LABELS[rc.status as RollCallStatus],
              firedAt: rc.firedAt!.toISOString(),
              firedAtText: china(rc.firedAt)!,
              outcome,
              outcomeLabel: outcome ? ROLL_CALL_OUTCOME_LABELS[outcome] : ROLL_CALL_WAITING_LABEL,
              answeredAt: iso(r.answeredAt),
              answeredAtText: china(r.answeredAt),
            };
          }),
        };
      }
      await assertTeachesOrManages(actor, classId);
      const list = await db.select().from(rollCalls).where(fired).orderBy(asc(rollCalls.firedAt));
      const counts = await outcomeCounts(list.map((r) => r.id));
      return { sessionId, rollCalls: list.map((rc) => summaryOf(rc, counts.get(rc.id))) };
    },

    /** One roll-call with every response: names, outcome labels, China time, still evidence ids. */
    async detail(actor: Actor, classId: string, rollCallId: string): Promise<RollCallDetail> {
      const rc = await findRollCall(db, rollCallId);
      // Never one that has not fired: its time is not for anyone to read before it fires.
      if (!rc || rc.classId !== classId || !rc.firedAt) throw new AppError('NOT_FOUND');
      if (!isStaff(actor)) throw new AppError('FORBIDDEN');
      await assertTeachesOrManages(actor, classId);
      const rows = await db
        .select({
          r: rollCallResponses,
          rosterName: rosterEntries.name,
          name: people.displayName,
        })
        .from(rollCallResponses)
        .innerJoin(accounts, eq(accounts.id, rollCallResponses.accountId))
        .innerJoin(people, eq(people.id, accounts.personId))
        .leftJoin(rosterEntries, eq(rosterEntries.id, rollCallResponses.rosterEntryId))
        .where(eq(rollCallResponses.rollCallId, rc.id));
      const [starter] = rc.startedBy
        ? await db
            .select({ accountId: accounts.id, name: people.displayName })
            .from(accounts)
            .innerJoin(people, eq(people.id, accounts.personId))
            .where(eq(accounts.id, rc.startedBy))
            .limit(1)
        : [];
      const counts = countOutcomes(rows.map(({ r }) => r.outcome as RollCallOutcome | null));
      return {
        ...summaryOf(rc, counts),
        classId: rc.classId,
        sessionId: rc.sessionId,
        startedBy: starter ?? null,
        lateUntil: iso(lateUntilOf(rc)),
        responses: rows
          .map(({ r, rosterName, name }) => {
            const outcome = r.outcome as RollCallOutcome | null;
            return {
              accountId: r.accountId,
              name: rosterName ?? name,
              outcome,
              outcomeLabel: outcome ? ROLL_CALL_OUTCOME_LABELS[outcome] : ROLL_CALL_WAITING_LABEL,
              answeredAt: iso(r.answeredAt),
              answeredAtText: china(r.answeredAt),
              stillEvidenceId: r.stillEvidenceId,
              stillAt: iso(r.stillAt),
              stillAtText: china(r.stillAt),
              stillNote: r.stillNote,
              decidedAt: iso(r.decidedAt),
            };
          })
          .sort((a, b) => a.name.localeCompare(b.name, 'zh-CN')),
      };
    },
  };

  /** Staff of the institution, officers and the platform admin (trainees read their own rows only). */
  function isStaff(actor: Actor) {
    return actor.roles.some((r) =>
      ['platform_admin', 'maritime_officer', 'institution_admin', 'class_manager', 'instructor'].includes(r),
    );
  }

  /** An instructor (and nothing more) reads only the classes they teach. */
  async function assertTeachesOrManages(actor: Actor, classId: string) {
    const more = actor.roles.some((r) =>
      ['platform_admin', 'maritime_officer', 'institution_admin', 'class_manager'].includes(r),
    );
    if (more) return;
    const [teaches] = await db
      .select({ id: classSessions.id })
      .from(classSessions)
      .where(and(eq(classSessions.classId, classId), eq(classSessions.instructorAccountId, actor.accountId)))
      .limit(1);
    if (!teaches) throw new AppError('NOT_FOUND');
  }

  async function outcomeCounts(ids: string[]) {
    const out = new Map<string, ReturnType<typeof countOutcomes>>();
    if (ids.length === 0) return out;
    const rows = await db
      .select({ id: rollCallResponses.rollCallId, outcome: rollCallResponses.outcome })
      .from(rollCallResponses)
      .where(inArray(rollCallResponses.rollCallId, ids));
    const by = new Map<string, Array<RollCallOutcome | null>>();
    for (const r of rows) by.set(r.id, [...(by.get(r.id) ?? []), r.outcome as RollCallOutcome | null]);
    for (const id of ids) out.set(id, countOutcomes(by.get(id) ?? []));
    return out;
  }

  function summaryOf(rc: RollCallRow, counts = countOutcomes([])): RollCallSummary {
    const status = rc.status as RollCallStatus;
    const origin = rc.origin as CheckOrigin;
    return {
      id: rc.id,
      origin,
      originLabel: CHECK_ORIGIN_LABELS[origin],
      status,
      statusLabel: ROLL_CALL_STATUS_LABELS[status],
      windowS: rc.windowS,
      firedAt: iso(rc.firedAt),
      firedAtText: china(rc.firedAt),
      closesAt: iso(rc.closesAt),
      closedAt: iso(rc.closedAt),
      closedAtText: china(rc.closedAt),
      expected: Object.values(counts).reduce((a, b) => a + b, 0),
      counts,
      outcomesSha256: rc.outcomesSha256,
    };
  }
}
export type RollCallRecords = ReturnType<typeof createRollCallRecords>;
