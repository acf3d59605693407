import { and, asc, eq, inArray } from 'drizzle-orm';
import { accounts, liveInteractions, livePresenceEvents, people, rosterEntries, type Db } from '@seafarer/db';
import type { InteractionView, PresenceView } from '@seafarer/contracts';
import { appendAudit } from '../audit/audit.repo';
import type { Clock } from '../shared/clock';
import { AppError } from '../shared/errors';
import { summarizePresence } from './presence';
import { findStanding, insertClosure, insertRemoval } from './session-standing.repo';

/** The audit context of an act in a live room (the live service has no HTTP request). */
const liveCtx = (sessionId: string, accountId: string | null, role: string) =>
  ({
    actor: accountId ? { accountId, roles: [role] } : null,
    requestId: `live:${sessionId}`,
  }) as never;

export interface PresenceRecord {
  /** The event's own id (presence-journal.ts): a retried write stores it once. */
  id?: string;
  classId: string;
  sessionId: string;
  accountId: string;
  role: string;
  event: string;
  at: Date;
  data?: Record<string, unknown>;
}

/** The live classroom's records: presence log, interactions, and the audited session actions (VC-3). */
export function createLiveLogService(deps: { db: Db; clock: Clock }) {
  const { db, clock } = deps;
  return {
    async recordPresence(records: PresenceRecord[]): Promise<void> {
      if (records.length > 0)
        await db
          .insert(livePresenceEvents)
          .values(records.map((r) => ({ ...r, data: r.data ?? {} })))
          .onConflictDoNothing({ target: livePresenceEvents.id });
    },

    async recordInteraction(r: {
      classId: string;
      sessionId: string;
      accountId: string;
      kind: 'chat' | 'question' | 'hand';
      text?: string | null;
    }) {
      const [row] = await db
        .insert(liveInteractions)
        .values({ ...r, text: r.text ?? null, at: clock.now() })
        .returning();
      return row!;
    },

    async answerQuestion(sessionId: string, questionId: string, by: string) {
      const [row] = await db
        .update(liveInteractions)
        .set({ answeredAt: clock.now(), answeredBy: by })
        .where(
          and(
            eq(liveInteractions.id, questionId),
            eq(liveInteractions.sessionId, sessionId),
            eq(liveInteractions.kind, 'question'),
          ),
        )
        .returning();
      if (!row) throw new AppError('NOT_FOUND');
      return row;
    },

    /** VC-3: who did what to the session (ended it, removed or muted someone), audited. */
    async recordSessionAction(a: {
      actorAccountId: string;
      actorRole: string;
      institutionId?: string | null;
      action: string;
      classId: string;
      sessionId: string;
      data?: Record<string, unknown>;
    }) {
      await db.transaction((tx) =>
        appendAudit(
          tx,
          {
            actor: { accountId: a.actorAccountId, roles: [a.actorRole] } as never,
            requestId: `live:${a.sessionId}`,
          },
          {
            action: a.action,
            targetType: 'class_session',
            targetId: a.sessionId,
            institutionId: a.institutionId ?? null,
            data: { classId: a.classId, ...a.data },
          },
          clock.now(),
        ),
      );
    },

    /** VC-3 / TM-2, for admission on any live node: has the session ended, was this person removed. */
    standing: (sessionId: string, accountId: string) => findStanding(db, sessionId, accountId),

    /**
     * VC-3: the session ends for good, on record before anyone is told: the closure row and its audit
     * event in one transaction. False when it had already ended (nothing written twice).
     */
    async endSession(e: {
      classId: string;
      sessionId: string;
      institutionId: string;
      /** The instructor; null when the timetable ends it. */
      by: { accountId: string; role: string } | null;
      data?: Record<string, unknown>;
    }): Promise<boolean> {
      const at = clock.now();
      return db.transaction(async (tx) => {
        const fresh = await insertClosure(tx, {
          sessionId: e.sessionId,
          classId: e.classId,
          reason: e.by ? 'host' : 'timetable',
          endedBy: e.by?.accountId ?? null,
          endedAt: at,
        });
        if (fresh)
          await appendAudit(
            tx,
            liveCtx(e.sessionId, e.by?.accountId ?? null, e.by?.role ?? 'system'),
            {
              action: e.by ? 'live.session_ended' : 'live.session_closed_by_timetable',
              targetType: 'class_session',
              targetId: e.sessionId,
              institutionId: e.institutionId,
              data: { classId: e.classId, ...e.data },
            },
            at,
          );
        return fresh;
      });
    },

    /** TM-2: a trainee removed from the session, on record (with its audit event) before being sent away. */
    async removeFromSession(e: {
      classId: string;
      sessionId: string;
      institutionId: string;
      accountId: string;
      by: { accountId: string; role: string };
    }): Promise<void> {
      const at = clock.now();
      await db.transaction(async (tx) => {
        if (
          await insertRemoval(tx, {
            sessionId: e.sessionId,
            classId: e.classId,
            accountId: e.accountId,
            removedBy: e.by.accountId,
            removedAt: at,
          })
        )
          await appendAudit(
            tx,
            liveCtx(e.sessionId, e.by.accountId, e.by.role),
            {
              action: 'live.peer_removed',
              targetType: 'class_session',
              targetId: e.sessionId,
              institutionId: e.institutionId,
              data: { classId: e.classId, peerId: e.accountId },
            },
            at,
          );
      });
    },

    /** JS-8: each participant's present time and current state, from the presence log. */
    async sessionPresence(classId: string, sessionId: string): Promise<PresenceView[]> {
      const rows = await db
        .select({ e: livePresenceEvents, name: people.displayName })
        .from(livePresenceEvents)
        .innerJoin(accounts, eq(accounts.id, livePresenceEvents.accountId))
        .innerJoin(people, eq(people.id, accounts.personId))
        // SEC-1: the session is read within the class the route names, never by its id alone.
        .where(and(eq(livePresenceEvents.classId, classId), eq(livePresenceEvents.sessionId, sessionId)))
        .orderBy(asc(livePresenceEvents.at));
      const byAccount = new Map<
        string,
        { name: string; role: string; events: Array<{ event: string; at: Date }> }
      >();
      for (const { e, name } of rows) {
        const entry = byAccount.get(e.accountId) ?? { name, role: e.role, events: [] };
        entry.events.push({ event: e.event, at: e.at });
        byAccount.set(e.accountId, entry);
      }
      const now = clock.now();
      return [...byAccount.entries()].map(([accountId, p]) => {
        const s = summarizePresence(p.events, now);
        return {
          accountId,
          name: p.name,
          role: p.role as PresenceView['role'],
          present: s.present,
          presentMinutes: Math.round((s.presentMs / 60_000) * 10) / 10,
          intervals: s.intervals,
          events: p.events.map((e) => ({ event: e.event, at: e.at.toISOString() })),
        };
      });
    },

    /** The class's roster as the room shows it: who is expected (name, and the account once issued). */
    async roster(classId: string): Promise<Array<{ accountId: string | null; name: string }>> {
      return db
        .select({ accountId: rosterEntries.accountId, name: rosterEntries.name })
        .from(rosterEntries)
        .where(eq(rosterEntries.classId, classId))
        .orderBy(asc(rosterEntries.name));
    },

    async sessionInteractions(
      classId: string,
      sessionId: string,
      kinds: Array<InteractionView['kind']> = ['chat', 'question', 'hand'],
    ): Promise<InteractionView[]> {
      const rows = await db
        .select({ i: liveInteractions, name: people.displayName })
        .from(liveInteractions)
        .innerJoin(accounts, eq(accounts.id, liveInteractions.accountId))
        .innerJoin(people, eq(people.id, accounts.personId))
        .where(
          and(
            eq(liveInteractions.classId, classId),
            eq(liveInteractions.sessionId, sessionId),
            inArray(liveInteractions.kind, kinds),
          ),
        )
        .orderBy(asc(liveInteractions.at));
      return rows.map(({ i, name }) => ({
        id: i.id,
        kind: i.kind as InteractionView['kind'],
        accountId: i.accountId,
        name,
        text: i.text,
        at: i.at.toISOString(),
        answeredAt: i.answeredAt?.toISOString() ?? null,
      }));
    },
  };
}
export type LiveLogService = ReturnType<typeof createLiveLogService>;
