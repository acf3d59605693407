import type { JoinGrantView } from '@seafarer/contracts';
import type { Db } from '@seafarer/db';
import { appendAudit } from '../audit/audit.repo';
import * as classes from '../classes/classes.repo';
import type { StoredPlan } from '../classes/class-view';
import type { Clock } from '../shared/clock';
import type { Actor, Ctx } from '../shared/context';
import { AppError } from '../shared/errors';
import { findTrainingItem } from '../institution/institution.repo';
import { createJoinGrants, type LiveRole } from './join-grant';
import { decideGrant, enforce } from './room-policy';
import { findStanding } from './session-standing.repo';

/** How early before a session the room opens, and how long after its end it stays joinable. */
export const ROOM_OPENS_BEFORE_MINUTES = 30;
export const ROOM_CLOSES_AFTER_MINUTES = 30;

/**
 * The span in which a session's live room admits (the join grant's check, and what the pages show as
 * the way in): from ROOM_OPENS_BEFORE_MINUTES before its start to ROOM_CLOSES_AFTER_MINUTES after its end.
 */
export function joinWindow(session: { startsAt: Date; endsAt: Date }): { opensAt: Date; closesAt: Date } {
  return {
    opensAt: new Date(session.startsAt.getTime() - ROOM_OPENS_BEFORE_MINUTES * 60_000),
    closesAt: new Date(session.endsAt.getTime() + ROOM_CLOSES_AFTER_MINUTES * 60_000),
  };
}

/** Whether `at` is inside the session's join window (both ends included). */
export function insideJoinWindow(session: { startsAt: Date; endsAt: Date }, at: Date): boolean {
  const { opensAt, closesAt } = joinWindow(session);
  return at.getTime() >= opensAt.getTime() && at.getTime() <= closesAt.getTime();
}

export function createLiveAccessService(deps: {
  db: Db;
  clock: Clock;
  /** The join-grant key (`signingKeys(JWT_SECRET).joinGrant`). */
  secret: Buffer;
  liveUrl: string;
  /** Several live nodes: the node that hosts (or should host) a session; null means `liveUrl`. */
  locateLiveNode?: (sessionId: string) => Promise<string | null>;
}) {
  const { db, clock } = deps;
  const grants = createJoinGrants(deps.secret, clock);

  return {
    grants,
    /**
     * JS-11.3 / JS-5: the room opens only for a confirmed class, for a session of its confirmed plan,
     * within the timetable window; trainees must be on the roster (JS-6). Officers join hidden (JS-16).
     * Every grant is audited (every officer sit-in included).
     */
    async issueJoinGrant(
      ctx: Ctx & { actor: Actor },
      classId: string,
      sessionId: string,
    ): Promise<JoinGrantView> {
      const c = await classes.findClass(db, classId);
      if (!c) throw new AppError('NOT_FOUND');
      if (!c.confirmedVersionId || c.confirmedVersionId !== c.currentVersionId)
        throw new AppError('CLASS_NOT_CONFIRMED');
      const session = await classes.findSession(db, sessionId);
      if (!session || session.classId !== classId || session.versionId !== c.confirmedVersionId)
        throw new AppError('NOT_FOUND');
      if (!insideJoinWindow(session, clock.now())) {
        const w = joinWindow(session);
        throw new AppError('OUTSIDE_TIMETABLE', {
          details: {
            startsAt: session.startsAt.toISOString(),
            endsAt: session.endsAt.toISOString(),
            joinOpensAt: w.opensAt.toISOString(),
            joinClosesAt: w.closesAt.toISOString(),
          },
        });
      }
      const version = (await classes.findVersion(db, c.confirmedVersionId))!;
      const plan = version.plan as StoredPlan;
      const a = ctx.actor;
      let role: LiveRole;
      if (a.roles.includes('maritime_officer')) role = 'observer';
      else if (a.roles.includes('instructor') && plan.instructors.includes(a.accountId)) role = 'instructor';
      else if (a.roles.includes('class_manager') || a.roles.includes('institution_admin'))
        role = 'class_manager';
      else if (a.roles.includes('trainee')) {
        if (!(await classes.isOnRoster(db, classId, a.accountId))) throw new AppError('NOT_ON_ROSTER');
        role = 'trainee';
      } else throw new AppError('FORBIDDEN');
      // VC-3 / TM-2: an ended session, or a trainee removed from it, gets no grant (persisted; any node).
      enforce(decideGrant(await findStanding(db, sessionId, a.accountId), role));
      // JS-6: the room admits no more trainees than the class's scale within today's licensed scale.
      const item = await findTrainingItem(db, c.trainingItemId);
      const cap = Math.min(version.scale, item?.licensedScale ?? 0);
      const hidden = role === 'observer';
      // Without the map (Redis unreachable) any node will do: a wrong one redirects (ROOM_ON_OTHER_NODE).
      const liveUrl = (await deps.locateLiveNode?.(sessionId).catch(() => null)) ?? deps.liveUrl;
      const { grant, expiresAt } = grants.sign({
        sub: a.accountId,
        name: a.displayName,
        cls: classId,
        ses: sessionId,
        role,
        hidden,
        end: session.endsAt.getTime(),
        cap,
        inst: c.institutionId,
      });
      await db.transaction((tx) =>
        appendAudit(
          tx,
          ctx,
          {
            action: hidden ? 'live.observer_grant' : 'live.join_grant',
            targetType: 'class_session',
            targetId: sessionId,
            institutionId: c.institutionId,
            data: { classId, role },
          },
          clock.now(),
        ),
      );
      return {
        grant,
        expiresAt: expiresAt.toISOString(),
        liveRole: role,
        hidden,
        classId,
        sessionId,
        liveUrl,
      };
    },
  };
}
export type LiveAccessService = ReturnType<typeof createLiveAccessService>;
