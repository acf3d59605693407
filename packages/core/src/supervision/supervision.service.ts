import { and, asc, desc, eq, gte, inArray, isNotNull, like, lte, or } from 'drizzle-orm';
import {
  ANOMALY_KINDS,
  CHECK_ORIGIN_LABELS,
  GAP_REASON_LABELS,
  RECORDING_STATUS_LABELS,
  ROLL_CALL_OUTCOME_LABELS,
  SPOT_CHECK_VERDICT_LABELS,
  type AnomalyView,
  type LiveClassView,
  type LocalizedText,
  type OfficerDashboardView,
  type RecordingManifest,
  type RecordingReviewBody,
  type RecordingReviewView,
  type SupervisionQuery,
  type SupervisionSessionView,
} from '@seafarer/contracts';
import {
  accounts,
  classes,
  classPlanVersions,
  classSessions,
  institutions,
  jurisdictions,
  livePresenceEvents,
  liveSessionClosures,
  oversightItems,
  people,
  recordingReviews,
  recordings,
  rollCallResponses,
  rollCalls,
  rosterEntries,
  spotCheckItems,
  spotChecks,
  type Db,
  type DbOrTx,
} from '@seafarer/db';
import { addCalendarDays, formatShanghaiDateTime } from '../filing/china-time';
import { joinWindow } from '../live/live-access.service';
import { summarizePresence } from '../live/presence';
import type { Clock } from '../shared/clock';
import type { Actor, Ctx } from '../shared/context';
import { AppError } from '../shared/errors';
import { auditedWrite } from '../shared/tx';
import {
  ANOMALY_WINDOW_DAYS,
  cameraOffStretches,
  connectedAfter,
  isFailedSpotCheck,
  isLiveNow,
  isMissedRollCall,
  isOverdueRectification,
  repeatedAbsences,
} from './anomalies';

type Officer = Pick<Actor, 'jurisdictionPath' | 'roles'>;

/** The officer's jurisdiction and every one below it (as scope.ts's jurisdictionCovers). */
function covered(actor: Officer) {
  const path = actor.jurisdictionPath;
  if (!path) throw new AppError('FORBIDDEN');
  return or(eq(jurisdictions.path, path), like(jurisdictions.path, `${path}.%`));
}

/** China time 'HH:MM' of an instant. */
const hhmm = (d: Date) => formatShanghaiDateTime(d).slice(11, 16);
const mdhm = (d: Date) => formatShanghaiDateTime(d).slice(5, 16);
const chinaDate = (d: Date) => formatShanghaiDateTime(d).slice(0, 10);
const lt = (zh: string, en: string): LocalizedText => ({ zh, en });

interface SessionRow {
  sessionId: string;
  seq: number;
  date: string;
  startsAt: Date;
  endsAt: Date;
  topic: string;
  instructorAccountId: string;
  classId: string;
  classCode: string;
  className: string;
  institutionId: string;
  institutionNameZh: string;
}

/** Sessions of confirmed plans in the officer's jurisdiction overlapping [from, to]. */
function sessionsOverlapping(db: DbOrTx, actor: Officer, from: Date, to: Date): Promise<SessionRow[]> {
  return db
    .select({
      sessionId: classSessions.id,
      seq: classSessions.seq,
      date: classSessions.date,
      startsAt: classSessions.startsAt,
      endsAt: classSessions.endsAt,
      topic: classSessions.topic,
      instructorAccountId: classSessions.instructorAccountId,
      classId: classes.id,
      classCode: classes.code,
      className: classes.name,
      institutionId: institutions.id,
      institutionNameZh: institutions.nameZh,
    })
    .from(classSessions)
    .innerJoin(
      classes,
      and(eq(classes.id, classSessions.classId), eq(classes.confirmedVersionId, classSessions.versionId)),
    )
    .innerJoin(institutions, eq(institutions.id, classes.institutionId))
    .innerJoin(jurisdictions, eq(jurisdictions.id, institutions.jurisdictionId))
    .where(and(covered(actor), lte(classSessions.startsAt, to), gte(classSessions.endsAt, from)))
    .orderBy(asc(classSessions.startsAt));
}

async function presenceOf(db: DbOrTx, sessionIds: string[]) {
  if (sessionIds.length === 0) return [];
  return db
    .select({
      sessionId: livePresenceEvents.sessionId,
      accountId: livePresenceEvents.accountId,
      role: livePresenceEvents.role,
      event: livePresenceEvents.event,
      at: livePresenceEvents.at,
    })
    .from(livePresenceEvents)
    .where(inArray(livePresenceEvents.sessionId, sessionIds))
    .orderBy(asc(livePresenceEvents.at));
}

/** Trainees on each class's roster (with an account), by class: account id → name. */
async function rostersOf(db: DbOrTx, classIds: string[]) {
  const out = new Map<string, Map<string, string>>();
  if (classIds.length === 0) return out;
  const rows = await db
    .select({ classId: rosterEntries.classId, accountId: rosterEntries.accountId, name: rosterEntries.name })
    .from(rosterEntries)
    .where(and(inArray(rosterEntries.classId, classIds), isNotNull(rosterEntries.accountId)));
  for (const r of rows) {
    if (!out.has(r.classId)) out.set(r.classId, new Map());
    out.get(r.classId)!.set(r.accountId!, r.name);
  }
  return out;
}

async function namesOf(db: DbOrTx, accountIds: string[]) {
  if (accountIds.length === 0) return new Map<string, string>();
  const rows = await db
    .select({ id: accounts.id, name: people.displayName })
    .from(accounts)
    .innerJoin(people, eq(people.id, accounts.personId))
    .where(inArray(accounts.id, [...new Set(accountIds)]));
  return new Map(rows.map((r) => [r.id, r.name]));
}

const groupBy = <T, K>(rows: readonly T[], key: (r: T) => K) => {
  const m = new Map<K, T[]>();
  for (const r of rows) {
    const k = key(r);
    if (!m.has(k)) m.set(k, []);
    m.get(k)!.push(r);
  }
  return m;
};

/**
 * JS-16 / TM-6: the officer's dashboard of their jurisdiction (live classes, filings waiting,
 * attendance anomalies of the last 7 days, overdue rectifications), the monitoring wall's list of live
 * classes, and the supervision view of sessions with their recordings, gaps and reviews.
 */
export function createSupervisionService(deps: { db: Db; clock: Clock }) {
  const { db, clock } = deps;

  /** The anomalies of these sessions (all of one window), newest first. */
  async function anomaliesOf(
    sessions: SessionRow[],
    presence: Awaited<ReturnType<typeof presenceOf>>,
    rosters: Map<string, Map<string, string>>,
    now: Date,
  ): Promise<AnomalyView[]> {
    const out: AnomalyView[] = [];
    const bySession = new Map(sessions.map((s) => [s.sessionId, s]));
    const base = (s: SessionRow) => ({
      classId: s.classId,
      classCode: s.classCode,
      className: s.className,
      institutionNameZh: s.institutionNameZh,
      sessionId: s.sessionId,
      sessionSeq: s.seq,
    });
    const nameIn = (s: SessionRow, accountId: string) => rosters.get(s.classId)?.get(accountId) ?? null;
    const traineeEvents = groupBy(
      presence.filter((p) => p.role === 'trainee'),
      (p) => `${p.sessionId}/${p.accountId}`,
    );
    // Long camera-off, per trainee and session.
    for (const [key, events] of traineeEvents) {
      const [sessionId, accountId] = key.split('/') as [string, string];
      const s = bySession.get(sessionId)!;
      const until = new Date(Math.min(now.getTime(), joinWindow(s).closesAt.getTime()));
      for (const st of cameraOffStretches(events, until)) {
        const min = Math.round(st.ms / 60_000);
        out.push({
          kind: 'camera_off_long',
          ...base(s),
          accountId,
          traineeName: nameIn(s, accountId),
          at: st.from.toISOString(),
          detail: lt(
            `在课堂中未开摄像头 ${min} 分钟（${mdhm(st.from)}–${hhmm(st.to)}）`,
            `In the room with the camera off for ${min} min (${mdhm(st.from)}–${hhmm(st.to)} China time)`,
          ),
        });
      }
    }
    const ids = sessions.map((s) => s.sessionId);
    if (ids.length > 0) {
      // Missed roll-calls.
      const missed = await db
        .select({
          sessionId: rollCalls.sessionId,
          origin: rollCalls.origin,
          firedAt: rollCalls.firedAt,
          accountId: rollCallResponses.accountId,
          outcome: rollCallResponses.outcome,
        })
        .from(rollCallResponses)
        .innerJoin(rollCalls, eq(rollCalls.id, rollCallResponses.rollCallId))
        .where(inArray(rollCalls.sessionId, ids));
      for (const r of missed) {
        if (!isMissedRollCall(r.outcome)) continue;
        const s = bySession.get(r.sessionId)!;
        const when = r.firedAt ?? s.startsAt;
        const outcome = ROLL_CALL_OUTCOME_LABELS[r.outcome];
        const origin = CHECK_ORIGIN_LABELS[r.origin as keyof typeof CHECK_ORIGIN_LABELS];
        out.push({
          kind: 'roll_call_missed',
          ...base(s),
          accountId: r.accountId,
          traineeName: nameIn(s, r.accountId),
          at: when.toISOString(),
          detail: lt(
            `${mdhm(when)} 点名：${outcome.zh}${origin ? `（${origin.zh}）` : ''}`,
            `Roll-call at ${mdhm(when)} China time: ${outcome.en}${origin ? ` (${origin.en})` : ''}`,
          ),
        });
      }
      // Failed identity spot checks.
      const checks = await db
        .select({
          sessionId: spotChecks.sessionId,
          createdAt: spotChecks.createdAt,
          accountId: spotCheckItems.accountId,
          verdict: spotCheckItems.verdict,
          stillAt: spotCheckItems.stillAt,
        })
        .from(spotCheckItems)
        .innerJoin(spotChecks, eq(spotChecks.id, spotCheckItems.spotCheckId))
        .where(inArray(spotChecks.sessionId, ids));
      for (const c of checks) {
        if (!isFailedSpotCheck(c.verdict)) continue;
        const s = bySession.get(c.sessionId)!;
        const when = c.stillAt ?? c.createdAt;
        const verdict = SPOT_CHECK_VERDICT_LABELS[c.verdict];
        out.push({
          kind: 'spot_check_failed',
          ...base(s),
          accountId: c.accountId,
          traineeName: nameIn(s, c.accountId),
          at: when.toISOString(),
          detail: lt(
            `${mdhm(when)} 身份抽查：${verdict.zh}`,
            `Identity spot check at ${mdhm(when)} China time: ${verdict.en}`,
          ),
        });
      }
    }
    // Repeated absence, per class, over its sessions of the window that have ended.
    const attendees = new Map<string, Set<string>>();
    for (const [key, events] of groupBy(presence, (p) => `${p.sessionId}/${p.accountId}`)) {
      const [sessionId, accountId] = key.split('/') as [string, string];
      const s = bySession.get(sessionId)!;
      const role = events[0]!.role;
      // A teacher in the room makes the session held; a trainee counts as attending when present at all.
      const counts =
        role === 'trainee'
          ? summarizePresence(events, new Date(Math.min(now.getTime(), s.endsAt.getTime()))).presentMs > 0
          : role === 'instructor';
      if (!counts) continue;
      if (!attendees.has(sessionId)) attendees.set(sessionId, new Set());
      attendees.get(sessionId)!.add(role === 'trainee' ? accountId : `instructor:${accountId}`);
    }
    for (const [classId, ofClass] of groupBy(
      sessions.filter((s) => s.endsAt <= now),
      (s) => s.classId,
    )) {
      const roster = rosters.get(classId) ?? new Map<string, string>();
      const list = ofClass.map((s) => ({
        sessionId: s.sessionId,
        endsAt: s.endsAt,
        attendees: attendees.get(s.sessionId) ?? new Set<string>(),
      }));
      for (const a of repeatedAbsences(list, [...roster.keys()])) {
        const s = ofClass[0]!;
        const seqs = a.sessionIds.map((id) => bySession.get(id)!.seq).sort((x, y) => x - y);
        const latest = ofClass.find((x) => x.sessionId === a.sessionIds[a.sessionIds.length - 1]) ?? s;
        out.push({
          kind: 'repeated_absence',
          ...base(latest),
          accountId: a.accountId,
          traineeName: roster.get(a.accountId) ?? null,
          at: a.latest.toISOString(),
          detail: lt(
            `近 ${ANOMALY_WINDOW_DAYS} 天缺课 ${a.sessionIds.length} 次（第 ${seqs.join('、')} 次课）`,
            `Absent from ${a.sessionIds.length} sessions in the last ${ANOMALY_WINDOW_DAYS} days (sessions ${seqs.join(', ')})`,
          ),
        });
      }
    }
    return out.sort(
      (a, b) => b.at.localeCompare(a.at) || ANOMALY_KINDS.indexOf(a.kind) - ANOMALY_KINDS.indexOf(b.kind),
    );
  }

  /** The classes live now in the jurisdiction, each with its head count and its session's anomalies. */
  async function liveNow(actor: Officer, now: Date, window?: AnomalyView[]): Promise<LiveClassView[]> {
    // Sessions whose join window may hold now (it opens 30 min before and closes 15 after at most).
    const candidates = (
      await sessionsOverlapping(
        db,
        actor,
        new Date(now.getTime() - 3600_000),
        new Date(now.getTime() + 3600_000),
      )
    ).filter((s) => {
      const w = joinWindow(s);
      return now >= w.opensAt && now <= w.closesAt;
    });
    if (candidates.length === 0) return [];
    const ids = candidates.map((s) => s.sessionId);
    const [presence, closed, rosters, names] = await Promise.all([
      presenceOf(db, ids),
      db
        .select({ sessionId: liveSessionClosures.sessionId })
        .from(liveSessionClosures)
        .where(inArray(liveSessionClosures.sessionId, ids)),
      rostersOf(db, [...new Set(candidates.map((s) => s.classId))]),
      namesOf(db, [...new Set(candidates.map((s) => s.instructorAccountId))]),
    ]);
    const closedIds = new Set(closed.map((c) => c.sessionId));
    const bySessionPerson = groupBy(presence, (p) => `${p.sessionId}/${p.accountId}`);
    const anomalies = window ?? (await anomaliesOf(candidates, presence, rosters, now));
    const out: LiveClassView[] = [];
    for (const s of candidates) {
      let open = false;
      let instructorPresent = false;
      let traineesPresent = 0;
      for (const [key, events] of bySessionPerson) {
        if (!key.startsWith(`${s.sessionId}/`)) continue;
        const connected = connectedAfter(events);
        open ||= connected;
        const role = events[0]!.role;
        if (role === 'instructor' && connected) instructorPresent = true;
        if (role === 'trainee' && summarizePresence(events, now).present) traineesPresent++;
      }
      if (!isLiveNow({ ...s, ...joinWindow(s) }, now, { closed: closedIds.has(s.sessionId), open })) continue;
      out.push({
        classId: s.classId,
        classCode: s.classCode,
        className: s.className,
        institutionId: s.institutionId,
        institutionNameZh: s.institutionNameZh,
        sessionId: s.sessionId,
        sessionSeq: s.seq,
        topic: s.topic,
        startsAt: s.startsAt.toISOString(),
        endsAt: s.endsAt.toISOString(),
        instructorAccountId: s.instructorAccountId,
        instructorName: names.get(s.instructorAccountId) ?? '',
        roomOpen: open,
        instructorPresent,
        traineesPresent,
        rosterCount: rosters.get(s.classId)?.size ?? 0,
        anomalies: anomalies.filter((a) => a.sessionId === s.sessionId),
      });
    }
    return out;
  }

  function reviewView(
    r: typeof recordingReviews.$inferSelect,
    names: Map<string, string>,
  ): RecordingReviewView {
    return {
      id: r.id,
      classId: r.classId,
      sessionId: r.sessionId,
      reviewerId: r.reviewerId,
      reviewerName: names.get(r.reviewerId) ?? '',
      fromS: r.fromS,
      toS: r.toS,
      note: r.note,
      reviewedAt: r.reviewedAt.toISOString(),
    };
  }

  return {
    /** JS-16: GET /officer/dashboard. */
    async dashboard(actor: Officer): Promise<OfficerDashboardView> {
      const now = clock.now();
      const since = new Date(now.getTime() - ANOMALY_WINDOW_DAYS * 86_400_000);
      const sessions = (await sessionsOverlapping(db, actor, since, now)).filter((s) => s.startsAt <= now);
      const ids = sessions.map((s) => s.sessionId);
      const [presence, rosters] = await Promise.all([
        presenceOf(db, ids),
        rostersOf(db, [...new Set(sessions.map((s) => s.classId))]),
      ]);
      const anomalies = await anomaliesOf(sessions, presence, rosters, now);
      const live = await liveNow(actor, now);
      const filings = await db
        .select({
          classId: classes.id,
          classCode: classes.code,
          className: classes.name,
          institutionNameZh: institutions.nameZh,
          version: classPlanVersions.version,
          filedAt: classPlanVersions.filedAt,
          firstSessionDate: classPlanVersions.firstSessionDate,
        })
        .from(classPlanVersions)
        .innerJoin(
          classes,
          and(eq(classes.id, classPlanVersions.classId), eq(classes.currentVersionId, classPlanVersions.id)),
        )
        .innerJoin(institutions, eq(institutions.id, classes.institutionId))
        .innerJoin(jurisdictions, eq(jurisdictions.id, institutions.jurisdictionId))
        .where(and(covered(actor), eq(classPlanVersions.status, 'filed')))
        .orderBy(asc(classPlanVersions.firstSessionDate));
      const items = await db
        .select({ o: oversightItems, institutionNameZh: institutions.nameZh })
        .from(oversightItems)
        .innerJoin(institutions, eq(institutions.id, oversightItems.institutionId))
        .innerJoin(jurisdictions, eq(jurisdictions.id, institutions.jurisdictionId))
        .where(and(covered(actor), isNotNull(oversightItems.overdueAt)))
        .orderBy(asc(oversightItems.deadline));
      return {
        generatedAt: now.toISOString(),
        since: since.toISOString(),
        live,
        filings: filings.map((f) => ({ ...f, filedAt: f.filedAt?.toISOString() ?? null })),
        anomalies,
        overdue: items
          .filter((i) => isOverdueRectification(i.o))
          .map(({ o, institutionNameZh }) => ({
            itemId: o.id,
            institutionId: o.institutionId,
            institutionNameZh,
            classId: o.classId,
            title: o.title,
            deadline: o.deadline,
            overdueAt: o.overdueAt!.toISOString(),
            status: o.status,
          })),
      };
    },

    /** JS-16: GET /officer/wall — every class live now, with head count and anomalies. */
    async wall(actor: Officer) {
      const now = clock.now();
      return { generatedAt: now.toISOString(), items: await liveNow(actor, now) };
    },

    /** TM-6: GET /officer/sessions — sessions of [from, to] (China dates) with recordings, gaps, reviews. */
    async sessions(actor: Officer, q: SupervisionQuery): Promise<SupervisionSessionView[]> {
      const now = clock.now();
      const to = q.to ?? chinaDate(now);
      const from = q.from ?? addCalendarDays(to, -(ANOMALY_WINDOW_DAYS - 1));
      if (from > to)
        throw new AppError('VALIDATION', {
          message: lt('开始日期晚于结束日期', 'The start date is after the end date'),
        });
      if (addCalendarDays(from, 92) < to)
        throw new AppError('VALIDATION', {
          message: lt('查询范围最长 92 天', 'The range may span at most 92 days'),
        });
      const sessions = (
        await sessionsOverlapping(
          db,
          actor,
          new Date(`${from}T00:00:00+08:00`),
          new Date(`${addCalendarDays(to, 1)}T00:00:00+08:00`),
        )
      ).filter((s) => s.date >= from && s.date <= to && s.startsAt <= now);
      const ids = sessions.map((s) => s.sessionId);
      if (ids.length === 0) return [];
      const [recs, reviews] = await Promise.all([
        db.select().from(recordings).where(inArray(recordings.sessionId, ids)),
        db
          .select()
          .from(recordingReviews)
          .where(inArray(recordingReviews.sessionId, ids))
          .orderBy(desc(recordingReviews.reviewedAt)),
      ]);
      const names = await namesOf(db, [...new Set(reviews.map((r) => r.reviewerId))]);
      const recOf = new Map(recs.map((r) => [r.sessionId, r]));
      const reviewsOf = groupBy(reviews, (r) => r.sessionId);
      return sessions
        .map((s): SupervisionSessionView => {
          const rec = recOf.get(s.sessionId);
          const manifest = rec?.manifest as RecordingManifest | undefined;
          const status = rec?.status ?? 'none';
          const mine = (reviewsOf.get(s.sessionId) ?? []).map((r) => reviewView(r, names));
          return {
            classId: s.classId,
            classCode: s.classCode,
            className: s.className,
            institutionNameZh: s.institutionNameZh,
            sessionId: s.sessionId,
            sessionSeq: s.seq,
            date: s.date,
            startsAt: s.startsAt.toISOString(),
            endsAt: s.endsAt.toISOString(),
            topic: s.topic,
            recording: {
              status,
              statusLabel: RECORDING_STATUS_LABELS[status] ?? lt(status, status),
              durationS: rec?.replayDurationS ?? null,
              segments: manifest?.segments?.length ?? 0,
              gaps: (manifest?.gaps ?? []).map((g) => ({
                from: g.from,
                to: g.to,
                seconds: g.to ? Math.max(0, (Date.parse(g.to) - Date.parse(g.from)) / 1000) : null,
                reason: g.reason,
                reasonLabel: GAP_REASON_LABELS[g.reason] ?? lt(g.reason, g.reason),
              })),
              error: rec?.error ?? null,
            },
            reviewed: mine.length > 0,
            reviews: mine,
          };
        })
        .sort((a, b) => b.startsAt.localeCompare(a.startsAt));
    },

    /** TM-6: POST …/recording-reviews — the officer logs a review of a session's recording. Audited. */
    async logReview(
      ctx: Ctx & { actor: Actor },
      classId: string,
      sessionId: string,
      body: RecordingReviewBody,
    ): Promise<RecordingReviewView> {
      if (body.fromS !== undefined && body.toS !== undefined && body.toS < body.fromS)
        throw new AppError('VALIDATION', {
          message: lt('结束时间早于开始时间', 'The end of the stretch is before its start'),
        });
      const [rec] = await db
        .select({ institutionId: recordings.institutionId })
        .from(recordings)
        .where(and(eq(recordings.sessionId, sessionId), eq(recordings.classId, classId)))
        .limit(1);
      if (!rec)
        throw new AppError('PRECONDITION_FAILED', {
          message: lt('该课次没有录像', 'This session has no recording'),
        });
      const row = await auditedWrite(db, clock, ctx, async (tx) => {
        const [r] = await tx
          .insert(recordingReviews)
          .values({
            sessionId,
            classId,
            reviewerId: ctx.actor.accountId,
            fromS: body.fromS ?? null,
            toS: body.toS ?? null,
            note: body.note,
            reviewedAt: clock.now(),
          })
          .returning();
        return {
          result: r!,
          audit: {
            action: 'recording.reviewed',
            targetType: 'class_session',
            targetId: sessionId,
            institutionId: rec.institutionId,
            data: { classId, reviewId: r!.id, fromS: r!.fromS, toS: r!.toS },
          },
        };
      });
      return reviewView(row, new Map([[ctx.actor.accountId, ctx.actor.displayName]]));
    },

    /** TM-6: the review log of one session's recording, newest first. */
    async reviews(classId: string, sessionId: string): Promise<RecordingReviewView[]> {
      const rows = await db
        .select()
        .from(recordingReviews)
        .where(and(eq(recordingReviews.sessionId, sessionId), eq(recordingReviews.classId, classId)))
        .orderBy(desc(recordingReviews.reviewedAt));
      const names = await namesOf(db, [...new Set(rows.map((r) => r.reviewerId))]);
      return rows.map((r) => reviewView(r, names));
    },
  };
}
export type SupervisionService = ReturnType<typeof createSupervisionService>;
