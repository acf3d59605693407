import { and, asc, eq, inArray } from 'drizzle-orm';
import {
  ATTENDANCE_DECISION_LABELS,
  CHECK_STATE_LABELS,
  ROLL_CALL_OUTCOME_LABELS,
  SPOT_CHECK_VERDICT_LABELS,
  SUBJECT_KIND_LABELS,
  TIMELINE_EVENT_LABELS,
  VERIFICATION_STATUS_LABELS,
  type AppealBody,
  type AttendanceCheckView,
  type AttendanceReviewResult,
  type AttendanceReviewView,
  type ClassAttendanceView,
  type DecisionBody,
  type DirectDecisionBody,
  type LocalizedText,
  type OwnWithheldItem,
  type SessionAttendanceView,
  type TimelineEntry,
  type TimelineView,
} from '@seafarer/contracts';
import {
  attendanceReviews,
  classes,
  identityVerifications,
  institutions,
  liveInteractions,
  livePresenceEvents,
  recordings,
  rollCallResponses,
  rollCalls,
  rosterEntries,
  spotCheckItems,
  spotChecks,
  type Db,
  type DbOrTx,
  type Tx,
} from '@seafarer/db';
import { chinaHhMm, formatShanghaiDateTime } from '../filing/china-time';
import type { StoredPlan } from '../classes/class-view';
import * as repo from '../classes/classes.repo';
import type { NotificationService } from '../notify/notifications.service';
import { summarizePresence } from '../live/presence';
import type { Clock } from '../shared/clock';
import type { Actor, Ctx } from '../shared/context';
import { AppError } from '../shared/errors';
import { auditedWrite } from '../shared/tx';
import { attendanceSheetXlsx } from './attendance-sheet';
import {
  EARLY_LEAVE_GRACE_MIN,
  LATE_GRACE_MIN,
  MINUTES_PER_HOUR,
  REQUIRED_ATTENDANCE_RATIO,
  WITHHOLD_WINDOW_MIN,
  checkWithholds,
  classTotals,
  sessionAttendance,
  sessionStatusLabel,
  type CheckInput,
  type CheckKind,
  type ReviewDecision,
} from './credited-hours';
import { replayLink, replayOffsetS, type ManifestTimes } from './timeline';
import { quizTimelineFacts } from '../quizzes/quiz.service';

type AuthedCtx = Ctx & { actor: Actor };

/** The rule in words, as every page and sheet states it (credited-hours.ts holds it in code). */
export const CREDITED_HOURS_RULE: LocalizedText = {
  zh:
    `出勤分钟按课表时间内摄像头与麦克风均开启的在线时间计算；开课 ${LATE_GRACE_MIN} 分钟后进入为迟到，下课前 ${EARLY_LEAVE_GRACE_MIN} 分钟以前离开为早退。` +
    `点名未应答、未开摄像头、不在课堂，或身份抽查人证不符、未检测到人脸，该时刻前后各 ${WITHHOLD_WINDOW_MIN} 分钟内的出勤分钟暂不认定，待班主任判定（认定则计入，不予认定则扣除）。` +
    `认定学时 = 出勤分钟 − 暂扣分钟，每 ${MINUTES_PER_HOUR} 分钟为 1 学时；认定学时低于已上课时 ${REQUIRED_ATTENDANCE_RATIO * 100}% 的学员予以标注。`,
  en:
    `Minutes present are the minutes within the timetable with camera and microphone on; arriving more than ${LATE_GRACE_MIN} min after the start is late, leaving more than ${EARLY_LEAVE_GRACE_MIN} min before the end is leaving early. ` +
    `A roll-call not answered, with the camera off or not in the room, or an identity spot check that does not match or sees no face, withholds the minutes present within ${WITHHOLD_WINDOW_MIN} min either side of it until a class manager decides (credit gives them back, withhold confirms). ` +
    `Credited hours = (minutes present − minutes withheld) / ${MINUTES_PER_HOUR}; a trainee credited with less than ${REQUIRED_ATTENDANCE_RATIO * 100}% of the teaching held so far is flagged.`,
};

const iso = (d: Date | null) => (d ? d.toISOString() : null);

interface CheckFact {
  kind: CheckKind;
  id: string;
  sessionId: string;
  accountId: string;
  at: Date;
  result: string | null;
  stillEvidenceId: string | null;
  answeredAt?: Date | null;
}
type ReviewRow = typeof attendanceReviews.$inferSelect;

const reviewKey = (kind: string, subjectId: string, accountId: string) => `${kind}:${subjectId}:${accountId}`;

function reviewView(r: ReviewRow): AttendanceReviewView {
  const decision = (r.decision as ReviewDecision | null) ?? null;
  return {
    id: r.id,
    appealText: r.appealText,
    appealedAt: iso(r.appealedAt),
    decision,
    decisionLabel: decision ? ATTENDANCE_DECISION_LABELS[decision] : null,
    decisionNote: r.decisionNote,
    decidedAt: iso(r.decidedAt),
  };
}

/** A coded value's zh/en name; the code itself (both sides) when the table does not know it. */
const labelIn = (table: Readonly<Record<string, LocalizedText>>, code: string): LocalizedText =>
  Object.prototype.hasOwnProperty.call(table, code) ? table[code]! : { zh: code, en: code };

const resultLabel = (kind: CheckKind, result: string | null): LocalizedText =>
  result === null
    ? { zh: '进行中', en: 'Open' }
    : kind === 'roll_call'
      ? labelIn(ROLL_CALL_OUTCOME_LABELS, result)
      : labelIn(SPOT_CHECK_VERDICT_LABELS, result);

/** Rows grouped by a key, each group in the rows' order. */
function groupBy<T>(rows: readonly T[], key: (row: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const r of rows) {
    const k = key(r);
    const list = out.get(k);
    if (list) list.push(r);
    else out.set(k, [r]);
  }
  return out;
}

/** Everything the rule reads for one class (optionally one trainee), in one pass. */
async function loadFacts(db: DbOrTx, classId: string, accountId?: string) {
  const [c] = await db
    .select({ cls: classes, institutionName: institutions.nameZh })
    .from(classes)
    .innerJoin(institutions, eq(institutions.id, classes.institutionId))
    .where(eq(classes.id, classId))
    .limit(1);
  if (!c) throw new AppError('NOT_FOUND');
  const versionId = c.cls.confirmedVersionId ?? c.cls.currentVersionId;
  const one = <T>(col: T) => (accountId ? [eq(col as never, accountId)] : []);
  const [sessions, roster, events, rc, sc, reviews] = await Promise.all([
    versionId ? repo.listSessions(db, versionId) : Promise.resolve([]),
    db
      .select({ id: rosterEntries.id, name: rosterEntries.name, accountId: rosterEntries.accountId })
      .from(rosterEntries)
      .where(and(eq(rosterEntries.classId, classId), ...one(rosterEntries.accountId)))
      .orderBy(asc(rosterEntries.createdAt), asc(rosterEntries.id)),
    db
      .select({
        sessionId: livePresenceEvents.sessionId,
        accountId: livePresenceEvents.accountId,
        event: livePresenceEvents.event,
        at: livePresenceEvents.at,
      })
      .from(livePresenceEvents)
      .where(and(eq(livePresenceEvents.classId, classId), ...one(livePresenceEvents.accountId)))
      .orderBy(asc(livePresenceEvents.at)),
    db
      .select({
        id: rollCalls.id,
        sessionId: rollCalls.sessionId,
        firedAt: rollCalls.firedAt,
        accountId: rollCallResponses.accountId,
        outcome: rollCallResponses.outcome,
        stillEvidenceId: rollCallResponses.stillEvidenceId,
        answeredAt: rollCallResponses.answeredAt,
      })
      .from(rollCallResponses)
      .innerJoin(rollCalls, eq(rollCalls.id, rollCallResponses.rollCallId))
      .where(and(eq(rollCalls.classId, classId), ...one(rollCallResponses.accountId))),
    db
      .select({
        id: spotChecks.id,
        sessionId: spotChecks.sessionId,
        createdAt: spotChecks.createdAt,
        accountId: spotCheckItems.accountId,
        verdict: spotCheckItems.verdict,
        stillEvidenceId: spotCheckItems.stillEvidenceId,
        stillAt: spotCheckItems.stillAt,
      })
      .from(spotCheckItems)
      .innerJoin(spotChecks, eq(spotChecks.id, spotCheckItems.spotCheckId))
      .where(and(eq(spotChecks.classId, classId), ...one(spotCheckItems.accountId))),
    db
      .select()
      .from(attendanceReviews)
      .where(and(eq(attendanceReviews.classId, classId), ...one(attendanceReviews.accountId))),
  ]);
  const checks: CheckFact[] = [
    ...rc
      .filter((r) => r.firedAt)
      .map((r) => ({
        kind: 'roll_call' as const,
        id: r.id,
        sessionId: r.sessionId,
        accountId: r.accountId,
        at: r.firedAt!,
        result: r.outcome,
        stillEvidenceId: r.stillEvidenceId,
        answeredAt: r.answeredAt,
      })),
    ...sc.map((s) => ({
      kind: 'spot_check' as const,
      id: s.id,
      sessionId: s.sessionId,
      accountId: s.accountId,
      at: s.stillAt ?? s.createdAt,
      result: s.verdict,
      stillEvidenceId: s.stillEvidenceId,
    })),
  ].sort((a, b) => a.at.getTime() - b.at.getTime());
  return {
    cls: c.cls,
    institutionName: c.institutionName,
    sessions,
    roster,
    events,
    checks,
    // By trainee and session, so that a class of hundreds reads each person's rows without a scan.
    eventsBy: groupBy(events, (e) => `${e.accountId}:${e.sessionId}`),
    checksBy: groupBy(checks, (c) => `${c.accountId}:${c.sessionId}`),
    reviews: new Map(reviews.map((r) => [reviewKey(r.subjectKind, r.subjectId, r.accountId), r])),
  };
}
type Facts = Awaited<ReturnType<typeof loadFacts>>;

/** One trainee's sessions by the rule (credited-hours.ts), as views. */
function traineeSessions(f: Facts, accountId: string | null, now: Date): SessionAttendanceView[] {
  return f.sessions.map((s) => {
    const own = (accountId && f.eventsBy.get(`${accountId}:${s.id}`)) || [];
    const facts = (accountId && f.checksBy.get(`${accountId}:${s.id}`)) || [];
    const reviewOf = (c: CheckFact) => f.reviews.get(reviewKey(c.kind, c.id, c.accountId)) ?? null;
    const inputs: CheckInput[] = facts.map((c) => ({
      kind: c.kind,
      id: c.id,
      at: c.at,
      result: c.result,
      decision: (reviewOf(c)?.decision as ReviewDecision | null) ?? null,
    }));
    const r = sessionAttendance({
      startsAt: s.startsAt,
      endsAt: s.endsAt,
      present: own.length ? summarizePresence(own, now).intervals : [],
      checks: inputs,
      now,
    });
    const checks: AttendanceCheckView[] = r.checks.map((c, i) => {
      const fact = facts[i]!;
      const review = reviewOf(fact);
      return {
        kind: c.kind,
        kindLabel: SUBJECT_KIND_LABELS[c.kind],
        subjectId: c.id,
        at: c.at.toISOString(),
        time: chinaHhMm(c.at),
        result: c.result,
        resultLabel: resultLabel(c.kind, c.result),
        state: c.state,
        stateLabel: CHECK_STATE_LABELS[c.state],
        withheldMinutes: c.minutes,
        stillEvidenceId: fact.stillEvidenceId,
        review: review ? reviewView(review) : null,
      };
    });
    return {
      sessionId: s.id,
      seq: s.seq,
      date: s.date,
      start: chinaHhMm(s.startsAt),
      end: chinaHhMm(s.endsAt),
      plannedMinutes: r.plannedMinutes,
      presentMinutes: r.presentMinutes,
      firstPresent: r.firstPresentAt ? chinaHhMm(r.firstPresentAt) : null,
      lastPresent: r.lastPresentAt ? chinaHhMm(r.lastPresentAt) : null,
      lateMinutes: r.lateMinutes,
      leftEarlyMinutes: r.leftEarlyMinutes,
      absent: r.absent,
      status: sessionStatusLabel(r),
      withheldMinutes: r.withheldMinutes,
      pendingMinutes: r.pendingMinutes,
      creditedMinutes: r.creditedMinutes,
      creditedHours: r.creditedHours,
      heldMinutes: r.heldMinutes,
      checks,
    };
  });
}

function classView(f: Facts, now: Date, date: string | null): ClassAttendanceView {
  const keep = (s: { date: string }) => date === null || s.date === date;
  return {
    classId: f.cls.id,
    classCode: f.cls.code,
    className: f.cls.name,
    institutionName: f.institutionName,
    date,
    requiredRatio: REQUIRED_ATTENDANCE_RATIO,
    rule: CREDITED_HOURS_RULE,
    sessions: f.sessions.filter(keep).map((s) => ({
      sessionId: s.id,
      seq: s.seq,
      date: s.date,
      start: chinaHhMm(s.startsAt),
      end: chinaHhMm(s.endsAt),
    })),
    trainees: f.roster.map((e) => {
      const sessions = traineeSessions(f, e.accountId, now);
      return {
        accountId: e.accountId,
        rosterEntryId: e.id,
        name: e.name,
        sessions: sessions.filter(keep),
        totals: classTotals(sessions),
      };
    }),
  };
}

/** The subject of an appeal or decision: one trainee's roll-call answer or spot-check item in this class. */
async function findSubject(
  db: DbOrTx,
  classId: string,
  kind: CheckKind,
  subjectId: string,
  accountId: string,
): Promise<{ sessionId: string; result: string | null; institutionId: string }> {
  const rows =
    kind === 'roll_call'
      ? await db
          .select({
            sessionId: rollCalls.sessionId,
            result: rollCallResponses.outcome,
            institutionId: rollCalls.institutionId,
          })
          .from(rollCallResponses)
          .innerJoin(rollCalls, eq(rollCalls.id, rollCallResponses.rollCallId))
          .where(
            and(
              eq(rollCalls.id, subjectId),
              eq(rollCalls.classId, classId),
              eq(rollCallResponses.accountId, accountId),
            ),
          )
          .limit(1)
      : await db
          .select({
            sessionId: spotChecks.sessionId,
            result: spotCheckItems.verdict,
            institutionId: spotChecks.institutionId,
          })
          .from(spotCheckItems)
          .innerJoin(spotChecks, eq(spotChecks.id, spotCheckItems.spotCheckId))
          .where(
            and(
              eq(spotChecks.id, subjectId),
              eq(spotChecks.classId, classId),
              eq(spotCheckItems.accountId, accountId),
            ),
          )
          .limit(1);
  const r = rows[0];
  if (!r)
    throw new AppError('NOT_FOUND', {
      message: {
        zh: '本班没有该学员的这次点名或抽查记录',
        en: 'No such roll-call or spot check of this trainee in this class',
      },
    });
  if (!checkWithholds(kind, r.result))
    throw new AppError('PRECONDITION_FAILED', {
      message: {
        zh: '这次点名或抽查没有暂扣学时，无需申诉或判定',
        en: 'This roll-call or spot check withholds no minutes; there is nothing to appeal or decide',
      },
    });
  return r;
}

const ALREADY_DECIDED = new AppError('CONFLICT', {
  message: { zh: '该项已经判定，不能再次更改', en: 'This item has already been decided' },
});

function resultOf(r: ReviewRow): AttendanceReviewResult {
  return {
    ...reviewView(r),
    subjectKind: r.subjectKind as CheckKind,
    subjectId: r.subjectId,
    accountId: r.accountId,
    sessionId: r.sessionId,
  };
}

/** Inserts the review row of a subject unless there is one; either way returns it locked for this transaction. */
async function reviewRowFor(
  tx: Tx,
  v: { classId: string; sessionId: string; accountId: string; subjectKind: CheckKind; subjectId: string },
): Promise<{ row: ReviewRow; created: boolean }> {
  const [created] = await tx.insert(attendanceReviews).values(v).onConflictDoNothing().returning();
  if (created) return { row: created, created: true };
  const [row] = await tx
    .select()
    .from(attendanceReviews)
    .where(
      and(
        eq(attendanceReviews.subjectKind, v.subjectKind),
        eq(attendanceReviews.subjectId, v.subjectId),
        eq(attendanceReviews.accountId, v.accountId),
      ),
    )
    .for('update');
  return { row: row!, created: false };
}

export function createAttendanceService(deps: {
  db: Db;
  clock: Clock;
  /** Appeals are told to the class's managers, decisions to the trainee (in the same transaction). */
  notifications?: Pick<NotificationService, 'notify'>;
}) {
  const { db, clock, notifications } = deps;

  /** The class managers named in the plan that runs (the confirmed one, else the current). */
  async function managersOf(tx: Tx, classId: string): Promise<string[]> {
    const c = await repo.findClass(tx, classId);
    const versionId = c?.confirmedVersionId ?? c?.currentVersionId;
    const v = versionId ? await repo.findVersion(tx, versionId) : undefined;
    return ((v?.plan as StoredPlan | undefined)?.managers ?? []).map((m) => m.accountId);
  }

  /** What the item is, in words: '2026-12-07 10:00 点名（未开摄像头）'. */
  async function itemWords(tx: Tx, row: ReviewRow, result: string | null) {
    const kind = row.subjectKind as CheckKind;
    const [at] =
      kind === 'roll_call'
        ? await tx.select({ at: rollCalls.firedAt }).from(rollCalls).where(eq(rollCalls.id, row.subjectId))
        : await tx
            .select({ at: spotChecks.createdAt })
            .from(spotChecks)
            .where(eq(spotChecks.id, row.subjectId));
    const when = at?.at ? formatShanghaiDateTime(at.at).slice(0, 16) : '';
    const what = SUBJECT_KIND_LABELS[kind];
    const r = resultLabel(kind, result);
    return { zh: `${when} ${what.zh}（${r.zh}）`, en: `${when} ${what.en} (${r.en})` };
  }

  async function decideRow(
    ctx: AuthedCtx,
    tx: Tx,
    row: ReviewRow,
    body: DecisionBody,
    subject: { institutionId: string; result: string | null },
  ) {
    const { institutionId, result } = subject;
    if (row.decision) throw ALREADY_DECIDED;
    const [done] = await tx
      .update(attendanceReviews)
      .set({
        decision: body.decision,
        decisionNote: body.note,
        decidedBy: ctx.actor.accountId,
        decidedAt: clock.now(),
      })
      .where(eq(attendanceReviews.id, row.id))
      .returning();
    if (notifications) {
      const words = await itemWords(tx, row, result);
      const d = ATTENDANCE_DECISION_LABELS[body.decision];
      await notifications.notify(tx, [row.accountId], {
        kind: 'attendance.decided',
        title: { zh: `考勤判定：${d.zh}`, en: `Attendance decision: ${d.en}` },
        body: {
          zh: `${words.zh}：${d.zh}。说明：${body.note}`,
          en: `${words.en}: ${d.en}. Note: ${body.note}`,
        },
        data: { classId: row.classId, reviewId: row.id, decision: body.decision },
        dedupeKey: `attendance-decided:${row.id}`,
      });
    }
    return {
      result: resultOf(done!),
      audit: {
        action: 'attendance.decided',
        targetType: 'attendance_review',
        targetId: row.id,
        institutionId,
        data: {
          classId: row.classId,
          sessionId: row.sessionId,
          accountId: row.accountId,
          subjectKind: row.subjectKind,
          subjectId: row.subjectId,
          decision: body.decision,
          appealed: row.appealedAt !== null,
        },
      },
    };
  }

  return {
    /** JS-13.2 / JS-15: the class's attendance per trainee and session (one day's sessions with `date`). */
    async classAttendance(classId: string, date?: string): Promise<ClassAttendanceView> {
      return classView(await loadFacts(db, classId), clock.now(), date ?? null);
    },

    /** JS-13.2: the attendance sheet (XLSX) of the class, or of one day of it. */
    async attendanceSheet(classId: string, date?: string): Promise<{ file: Buffer; filename: string }> {
      const view = classView(await loadFacts(db, classId), clock.now(), date ?? null);
      return {
        file: await attendanceSheetXlsx(view, clock.now()),
        filename: `${view.classCode}-attendance${date ? `-${date}` : ''}.xlsx`,
      };
    },

    /** The trainee's own sessions by the rule, and their withheld items with the appeal state. */
    async ownAttendance(classId: string, accountId: string) {
      const f = await loadFacts(db, classId, accountId);
      const sessions = traineeSessions(f, accountId, clock.now());
      const withheld: OwnWithheldItem[] = sessions.flatMap((s) =>
        s.checks
          .filter((c) => c.state !== 'none')
          .map((c) => ({
            ...c,
            sessionId: s.sessionId,
            seq: s.seq,
            date: s.date,
            mayAppeal: c.state === 'pending' && !c.review?.appealedAt,
          })),
      );
      return {
        sessions,
        totals: classTotals(sessions),
        withheld,
      };
    },

    /** JS-15: a trainee appeals one of their own withheld items, once. Audited. */
    async appeal(ctx: AuthedCtx, classId: string, body: AppealBody): Promise<AttendanceReviewResult> {
      const accountId = ctx.actor.accountId;
      return auditedWrite(db, clock, ctx, async (tx) => {
        const subject = await findSubject(tx, classId, body.subjectKind, body.subjectId, accountId);
        const { row } = await reviewRowFor(tx, {
          classId,
          sessionId: subject.sessionId,
          accountId,
          subjectKind: body.subjectKind,
          subjectId: body.subjectId,
        });
        if (row.decision) throw ALREADY_DECIDED;
        if (row.appealedAt)
          throw new AppError('CONFLICT', {
            message: { zh: '该项已经申诉过，请等待班主任判定', en: 'This item has already been appealed' },
          });
        const [done] = await tx
          .update(attendanceReviews)
          .set({ appealText: body.text, appealedAt: clock.now() })
          .where(eq(attendanceReviews.id, row.id))
          .returning();
        if (notifications) {
          const [who] = await tx
            .select({ name: rosterEntries.name })
            .from(rosterEntries)
            .where(and(eq(rosterEntries.classId, classId), eq(rosterEntries.accountId, accountId)))
            .limit(1);
          const words = await itemWords(tx, row, subject.result);
          await notifications.notify(tx, await managersOf(tx, classId), {
            kind: 'attendance.appealed',
            title: { zh: `考勤申诉：${who?.name ?? ''}`, en: `Attendance appeal: ${who?.name ?? ''}` },
            body: {
              zh: `${words.zh} 暂扣学时，学员申诉：${body.text}。请在考勤页判定。`,
              en: `${words.en} withheld minutes; the trainee appeals: ${body.text}. Decide on the attendance page.`,
            },
            data: { classId, reviewId: row.id, accountId },
            dedupeKey: `attendance-appealed:${row.id}`,
          });
        }
        return {
          result: resultOf(done!),
          audit: {
            action: 'attendance.appealed',
            targetType: 'attendance_review',
            targetId: row.id,
            institutionId: subject.institutionId,
            data: {
              classId,
              sessionId: subject.sessionId,
              subjectKind: body.subjectKind,
              subjectId: body.subjectId,
            },
          },
        };
      });
    },

    /** JS-15: the class manager's decision on an appealed (or otherwise opened) item. Audited. */
    async decide(
      ctx: AuthedCtx,
      classId: string,
      reviewId: string,
      body: DecisionBody,
    ): Promise<AttendanceReviewResult> {
      return auditedWrite(db, clock, ctx, async (tx) => {
        const [row] = await tx
          .select()
          .from(attendanceReviews)
          .where(and(eq(attendanceReviews.id, reviewId), eq(attendanceReviews.classId, classId)))
          .for('update');
        if (!row) throw new AppError('NOT_FOUND');
        const subject = await findSubject(
          tx,
          classId,
          row.subjectKind as CheckKind,
          row.subjectId,
          row.accountId,
        );
        return decideRow(ctx, tx, row, body, subject);
      });
    },

    /** JS-15: the manager decides a withheld item directly, without an appeal. Audited. */
    async decideDirect(
      ctx: AuthedCtx,
      classId: string,
      body: DirectDecisionBody,
    ): Promise<AttendanceReviewResult> {
      return auditedWrite(db, clock, ctx, async (tx) => {
        const subject = await findSubject(tx, classId, body.subjectKind, body.subjectId, body.accountId);
        const { row } = await reviewRowFor(tx, {
          classId,
          sessionId: subject.sessionId,
          accountId: body.accountId,
          subjectKind: body.subjectKind,
          subjectId: body.subjectId,
        });
        return decideRow(ctx, tx, row, body, subject);
      });
    },

    /**
     * JS-16 / JS-15: one chronological list of everything on record about one trainee in one class, each
     * moment with the replay at its offset when the session's recording has it.
     */
    async timeline(classId: string, accountId: string): Promise<TimelineView> {
      const f = await loadFacts(db, classId, accountId);
      const entry = f.roster[0];
      if (!entry) throw new AppError('NOT_FOUND');
      const sessionIds = f.sessions.map((s) => s.id);
      const [interactions, verifications, recs, quizAnswered] = await Promise.all([
        db
          .select({
            sessionId: liveInteractions.sessionId,
            kind: liveInteractions.kind,
            text: liveInteractions.text,
            at: liveInteractions.at,
          })
          .from(liveInteractions)
          .where(and(eq(liveInteractions.classId, classId), eq(liveInteractions.accountId, accountId))),
        db
          .select({
            id: identityVerifications.id,
            status: identityVerifications.status,
            source: identityVerifications.source,
            stillEvidenceId: identityVerifications.stillEvidenceId,
            createdAt: identityVerifications.createdAt,
            reviewedAt: identityVerifications.reviewedAt,
          })
          .from(identityVerifications)
          .where(
            and(
              eq(identityVerifications.classId, classId),
              eq(identityVerifications.rosterEntryId, entry.id),
            ),
          ),
        sessionIds.length
          ? db
              .select({
                sessionId: recordings.sessionId,
                status: recordings.status,
                manifest: recordings.manifest,
              })
              .from(recordings)
              .where(inArray(recordings.sessionId, sessionIds))
          : Promise.resolve([]),
        quizTimelineFacts(db, classId, accountId),
      ]);
      const seqOf = new Map(f.sessions.map((s) => [s.id, s.seq]));
      const replays = new Map(
        recs.filter((r) => r.status === 'ready').map((r) => [r.sessionId, r.manifest as ManifestTimes]),
      );
      const entries: TimelineEntry[] = [];
      const add = (
        at: Date,
        sessionId: string | null,
        kind: TimelineEntry['kind'],
        event: string,
        label: LocalizedText,
        extra: { detail?: string | null; evidenceId?: string | null } = {},
      ) => {
        // Appeals and decisions are made afterwards: their moment is not in the session's video.
        const manifest =
          sessionId && kind !== 'appeal' && kind !== 'decision' ? replays.get(sessionId) : undefined;
        const offset = manifest ? replayOffsetS(manifest, at) : null;
        entries.push({
          at: at.toISOString(),
          time: formatShanghaiDateTime(at),
          sessionId,
          sessionSeq: sessionId ? (seqOf.get(sessionId) ?? null) : null,
          kind,
          event,
          label,
          detail: extra.detail ?? null,
          evidenceId: extra.evidenceId ?? null,
          replayOffsetS: offset,
          replayLink: offset !== null && sessionId ? replayLink(classId, sessionId, offset) : null,
        });
      };
      for (const e of f.events)
        add(
          e.at,
          e.sessionId,
          'presence',
          e.event,
          TIMELINE_EVENT_LABELS[e.event] ?? { zh: e.event, en: e.event },
        );
      for (const c of f.checks) {
        const label = resultLabel(c.kind, c.result);
        const kindLabel = SUBJECT_KIND_LABELS[c.kind];
        add(
          c.at,
          c.sessionId,
          c.kind,
          c.result ?? 'open',
          { zh: `${kindLabel.zh}：${label.zh}`, en: `${kindLabel.en}: ${label.en}` },
          {
            evidenceId: c.stillEvidenceId,
            detail: c.answeredAt ? `应答 Answered ${chinaHhMm(c.answeredAt)}` : null,
          },
        );
        const review = f.reviews.get(reviewKey(c.kind, c.id, c.accountId));
        if (review?.appealedAt)
          add(review.appealedAt, c.sessionId, 'appeal', 'appeal', TIMELINE_EVENT_LABELS.appeal!, {
            detail: review.appealText,
          });
        if (review?.decidedAt && review.decision) {
          const d = ATTENDANCE_DECISION_LABELS[review.decision as ReviewDecision];
          add(
            review.decidedAt,
            c.sessionId,
            'decision',
            review.decision,
            { zh: `班主任判定：${d.zh}`, en: `Manager's decision: ${d.en}` },
            { detail: review.decisionNote },
          );
        }
      }
      for (const v of verifications) {
        const s = labelIn(VERIFICATION_STATUS_LABELS, v.status);
        add(
          v.createdAt,
          null,
          'identity',
          'verification.submitted',
          { zh: '提交身份核验', en: 'Identity check submitted' },
          {
            evidenceId: v.stillEvidenceId,
          },
        );
        if (v.reviewedAt)
          add(v.reviewedAt, null, 'identity', `verification.${v.status}`, {
            zh: `身份核验：${s.zh}`,
            en: `Identity check: ${s.en}`,
          });
      }
      for (const i of interactions)
        add(
          i.at,
          i.sessionId,
          'interaction',
          i.kind,
          TIMELINE_EVENT_LABELS[i.kind] ?? { zh: i.kind, en: i.kind },
          {
            detail: i.text,
          },
        );
      // JS-14: each quiz answered, with its score once the quiz closed (a daily grade).
      for (const q of quizAnswered) {
        const pts = q.score !== null ? `${q.score}/${q.max ?? q.totalScore}` : null;
        add(
          q.answeredAt,
          q.sessionId,
          'quiz',
          pts !== null ? 'quiz.scored' : 'quiz.answered',
          pts !== null
            ? { zh: `随堂测试 ${pts} 分`, en: `Quiz ${pts} points` }
            : { zh: '随堂测试 已提交', en: 'Quiz answered' },
          { detail: q.title || null },
        );
      }
      entries.sort((a, b) => a.at.localeCompare(b.at));
      return {
        classId,
        classCode: f.cls.code,
        className: f.cls.name,
        accountId,
        name: entry.name,
        entries,
      };
    },
  };
}
export type AttendanceService = ReturnType<typeof createAttendanceService>;

/** For the roster service's GET /me/classes/:classId/attendance: the same computation, read once. */
export type OwnAttendance = Awaited<ReturnType<AttendanceService['ownAttendance']>>;
