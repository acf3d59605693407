import { and, asc, eq, gte, inArray, isNotNull, lt, lte, sql } from 'drizzle-orm';
import { classSessions, classes, rollCalls, type Db, type Tx } from '@seafarer/db';
import { appendAudit } from '../audit/audit.repo';
import { isCalendarDate } from '../filing/china-time';
import type { Clock } from '../shared/clock';
import { AppError } from '../shared/errors';
import type { JobsDep } from '../shared/jobs';
import { chinaDateOf, chinaDayRange, drawRollCallTimes, newSeed } from './rollcall-schedule';

export interface RollCallDeps {
  db: Db;
  clock: Clock;
  jobs: JobsDep;
}

/** A session whose random roll-calls may be drawn, with its class's settings. */
interface PlannableSession {
  id: string;
  classId: string;
  institutionId: string;
  startsAt: Date;
  endsAt: Date;
  perSession: number;
  windowS: number;
}

/** A scheduled roll-call still 'scheduled' this long after its job handed it over is looked at again. */
const RECHECK_AFTER_MS = 60_000;

/** The sessions of confirmed plans starting within [from, to) (optionally of one class's version). */
function plannableSessions(tx: Tx | Db, from: Date, to: Date, versionId?: string) {
  return tx
    .select({
      id: classSessions.id,
      classId: classSessions.classId,
      institutionId: classes.institutionId,
      startsAt: classSessions.startsAt,
      endsAt: classSessions.endsAt,
      perSession: classes.rollCallsPerSession,
      windowS: classes.rollCallWindowS,
    })
    .from(classSessions)
    .innerJoin(
      classes,
      and(eq(classes.id, classSessions.classId), eq(classes.confirmedVersionId, classSessions.versionId)),
    )
    .where(
      and(
        gte(classSessions.startsAt, from),
        lt(classSessions.startsAt, to),
        ...(versionId ? [eq(classSessions.versionId, versionId)] : []),
      ),
    )
    .orderBy(asc(classSessions.startsAt));
}

/**
 * JS-13.2: draws one session's random roll-calls in `tx` unless they are drawn already (serialised per
 * session, so two planners at once draw once), stores them 'scheduled' with their seed, and writes one
 * 'rollcall.fire' job per row (jobId = the row's id) due at its time. A session already under way is
 * drawn within what is left of it; one that has ended gets none. Returns how many were drawn.
 */
async function planSession(tx: Tx, deps: Pick<RollCallDeps, 'clock' | 'jobs'>, s: PlannableSession) {
  const now = deps.clock.now();
  await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`rollcall.plan:${s.id}`}))`);
  const drawn = await tx
    .select({ id: rollCalls.id })
    .from(rollCalls)
    .where(and(eq(rollCalls.sessionId, s.id), isNotNull(rollCalls.seed), eq(rollCalls.origin, 'scheduled')))
    .limit(1);
  if (drawn.length) return 0;
  // What is left of a session under way (a class confirmed today, a worker started late).
  const startsAt = new Date(Math.max(s.startsAt.getTime(), now.getTime() - 5 * 60_000 + 60_000));
  if (s.endsAt.getTime() - startsAt.getTime() < 4 * 60_000) return 0;
  const seed = newSeed();
  const times = drawRollCallTimes({ seed, startsAt, endsAt: s.endsAt, count: s.perSession });
  const rows = await tx
    .insert(rollCalls)
    .values(
      times.map((dueAt) => ({
        institutionId: s.institutionId,
        classId: s.classId,
        sessionId: s.id,
        origin: 'scheduled',
        status: 'scheduled',
        dueAt,
        seed,
        windowS: s.windowS,
        createdAt: now,
      })),
    )
    .returning({ id: rollCalls.id, dueAt: rollCalls.dueAt });
  for (const r of rows)
    await deps.jobs.enqueue(tx, 'rollcall.fire', { rollCallId: r.id }, { jobId: r.id, runAt: r.dueAt! });
  return rows.length;
}

/**
 * JS-13.2: draws the roll-calls of a class's sessions today (China date), in the caller's transaction:
 * a class confirmed after the day was planned gets its roll-calls too. Not audited on its own (the
 * confirmation that calls it is).
 */
export async function planConfirmedToday(
  tx: Tx,
  deps: Pick<RollCallDeps, 'clock' | 'jobs'>,
  versionId: string,
): Promise<number> {
  const { from, to } = chinaDayRange(chinaDateOf(deps.clock.now()));
  let n = 0;
  for (const s of await plannableSessions(tx, from, to, versionId)) n += await planSession(tx, deps, s);
  return n;
}

/**
 * JS-13.2 / JS-7.2: roll-calls and identity spot checks of live sessions (issue 11 §1–2): scheduling
 * the random ones, their records and outcomes. A scheduled roll-call's time is stored and never read
 * by any route a trainee may call (nor sent to a room) before it fires.
 */
export function createRollCallService(deps: RollCallDeps) {
  const { db, clock } = deps;

  /**
   * Scheduled roll-calls whose session has ended without them firing (their room never hosted while
   * due, a node lost, another roll-call open until the end) are missed: marked so, each audited.
   */
  async function markEnded(): Promise<number> {
    return db.transaction(async (tx) => {
      const ended = tx
        .select({ id: classSessions.id })
        .from(classSessions)
        .where(lt(classSessions.endsAt, clock.now()));
      const rows = await tx
        .update(rollCalls)
        .set({ status: 'missed' })
        .where(and(eq(rollCalls.status, 'scheduled'), inArray(rollCalls.sessionId, ended)))
        .returning();
      for (const row of rows)
        await appendAudit(
          tx,
          { actor: null, requestId: `rollcall.plan-day:missed:${row.id}` },
          {
            action: 'rollcall.missed',
            targetType: 'roll_call',
            targetId: row.id,
            institutionId: row.institutionId,
            data: {
              classId: row.classId,
              sessionId: row.sessionId,
              dueAt: row.dueAt?.toISOString() ?? null,
              reason: 'session_ended',
            },
          },
          clock.now(),
        );
      return rows.length;
    });
  }

  return {
    /**
     * Draws and stores the random roll-calls of every session on `day` (China date 'YYYY-MM-DD', or
     * 'today'); enqueues their firing. Idempotent: a session drawn once is never drawn again. One
     * audit event per institution and day, with counts (never the times). Scheduled roll-calls of
     * sessions that ended without them firing are marked missed on the way.
     */
    async planDay(day: string): Promise<{ day: string; sessions: number; planned: number; missed: number }> {
      const d = day === 'today' ? chinaDateOf(clock.now()) : day;
      if (!isCalendarDate(d))
        throw new AppError('VALIDATION', {
          message: { zh: `日期无效：${day}`, en: `Not a date: ${day}` },
        });
      const { from, to } = chinaDayRange(d);
      const sessions = await plannableSessions(db, from, to);
      let planned = 0;
      let drawnSessions = 0;
      const byInstitution = new Map<string, PlannableSession[]>();
      for (const s of sessions)
        byInstitution.set(s.institutionId, [...(byInstitution.get(s.institutionId) ?? []), s]);
      for (const [institutionId, list] of byInstitution) {
        // One transaction per institution: its rows, their jobs and its audit event commit together.
        const counts = await db.transaction(async (tx) => {
          let rollCallsDrawn = 0;
          let sessionsDrawn = 0;
          for (const s of list) {
            const n = await planSession(tx, deps, s);
            rollCallsDrawn += n;
            if (n) sessionsDrawn++;
          }
          if (rollCallsDrawn)
            await appendAudit(
              tx,
              { actor: null, requestId: `rollcall.plan-day:${d}` },
              {
                action: 'rollcall.day_planned',
                targetType: 'institution',
                targetId: institutionId,
                institutionId,
                data: { day: d, sessions: sessionsDrawn, rollCalls: rollCallsDrawn },
              },
              clock.now(),
            );
          return { rollCallsDrawn, sessionsDrawn };
        });
        planned += counts.rollCallsDrawn;
        drawnSessions += counts.sessionsDrawn;
      }
      return { day: d, sessions: drawnSessions, planned, missed: await markEnded() };
    },

    /**
     * A scheduled roll-call fell due (its 'rollcall.fire' job). Still 'scheduled' and its session
     * hosted by a live node: `{ fire: true }`, the caller hands it to that node (Redis pub/sub), and a
     * second look is queued a minute on (a lost message is sent again; the node's sweep is the other
     * backstop). Not hosted by any node: marked 'missed' (the session was not live when it fell due),
     * audited. Anything else (fired already, missed already): nothing to do.
     */
    async fireScheduled(
      rollCallId: string,
      host: { isLive(sessionId: string): Promise<boolean> },
    ): Promise<{ fire: boolean; sessionId: string | null; status: string | null }> {
      const [rc] = await db.select().from(rollCalls).where(eq(rollCalls.id, rollCallId)).limit(1);
      if (!rc) return { fire: false, sessionId: null, status: null };
      if (rc.status !== 'scheduled') return { fire: false, sessionId: rc.sessionId, status: rc.status };
      if (await host.isLive(rc.sessionId)) {
        await db.transaction((tx) =>
          deps.jobs.enqueue(
            tx,
            'rollcall.fire',
            { rollCallId },
            { jobId: `${rollCallId}:recheck`, runAt: new Date(clock.now().getTime() + RECHECK_AFTER_MS) },
          ),
        );
        return { fire: true, sessionId: rc.sessionId, status: 'scheduled' };
      }
      const missed = await db.transaction(async (tx) => {
        const [row] = await tx
          .update(rollCalls)
          .set({ status: 'missed' })
          .where(and(eq(rollCalls.id, rollCallId), eq(rollCalls.status, 'scheduled')))
          .returning();
        if (!row) return null;
        await appendAudit(
          tx,
          { actor: null, requestId: `rollcall.fire:${rollCallId}` },
          {
            action: 'rollcall.missed',
            targetType: 'roll_call',
            targetId: rollCallId,
            institutionId: row.institutionId,
            data: { classId: row.classId, sessionId: row.sessionId, dueAt: row.dueAt?.toISOString() ?? null },
          },
          clock.now(),
        );
        return row;
      });
      return { fire: false, sessionId: rc.sessionId, status: missed ? 'missed' : null };
    },

    /**
     * The live node's backstop: scheduled roll-calls of `sessionIds` (the rooms it hosts) that fell
     * due and were not fired (a lost message, Redis away when the job ran).
     */
    async dueScheduled(sessionIds: readonly string[]): Promise<Array<{ id: string; sessionId: string }>> {
      if (!sessionIds.length) return [];
      return db
        .select({ id: rollCalls.id, sessionId: rollCalls.sessionId })
        .from(rollCalls)
        .where(
          and(
            inArray(rollCalls.sessionId, [...sessionIds]),
            eq(rollCalls.status, 'scheduled'),
            lte(rollCalls.dueAt, clock.now()),
          ),
        )
        .orderBy(asc(rollCalls.dueAt))
        .limit(50);
    },
  };
}
export type RollCallService = ReturnType<typeof createRollCallService>;
