import type { Certificate, ItemInstructorView, StaffRole, StaffView } from '@seafarer/contracts';
import type { Db, Tx } from '@seafarer/db';
import type { AuditInput } from '../audit/audit.repo';
import { hashPassword, assertStrongPassword } from '../auth/passwords';
import { activeSessionIds, revokeSessions } from '../auth/auth.repo';
import { findJurisdiction, findTrainingItem } from '../institution/institution.repo';
import { type Clock, shanghaiDate } from '../shared/clock';
import type { Actor, Ctx } from '../shared/context';
import { AppError } from '../shared/errors';
import { maskPhone, type PiiCipher } from '../shared/pii';
import { auditedWrite } from '../shared/tx';
import { meetsTeachingStandard, teachingYears } from './instructor-rules';
import * as repo from './people.repo';

type AuthedCtx = Ctx & { actor: Actor };

export function createPeopleService(deps: { db: Db; clock: Clock; pii: PiiCipher }) {
  const { db, clock, pii } = deps;
  const write = <T>(ctx: Ctx, fn: (tx: Tx) => Promise<{ result: T; audit: AuditInput }>) =>
    auditedWrite(db, clock, ctx, fn);
  const today = () => shanghaiDate(clock.now());

  function toStaffView(r: repo.StaffRow): StaffView {
    const since = r.qualification?.teachingSince ?? null;
    return {
      accountId: r.account.id,
      personId: r.person.id,
      username: r.account.username,
      displayName: r.person.displayName,
      roles: r.account.roles.filter((x): x is StaffRole => repo.STAFF_ROLE_LIST.includes(x)),
      status: r.account.status as StaffView['status'],
      phoneMasked: r.person.phoneEnc ? maskPhone(pii.decrypt(r.person.phoneEnc)) : null,
      teachingSince: since,
      teachingYears: teachingYears(since, today()),
      meetsTeachingStandard: meetsTeachingStandard(since, today()),
      certificates: (r.qualification?.certificates as Certificate[] | undefined) ?? [],
      lockedUntil:
        r.account.lockedUntil && r.account.lockedUntil > clock.now()
          ? r.account.lockedUntil.toISOString()
          : null,
    };
  }

  async function createAccount(
    tx: Tx,
    input: {
      username: string;
      displayName: string;
      initialPassword: string;
      roles: string[];
      institutionId: string | null;
      jurisdictionId: string | null;
      phone?: string;
      email?: string;
    },
  ) {
    if (await repo.usernameTaken(tx, input.username))
      throw new AppError('CONFLICT', { details: { field: 'username' } });
    assertStrongPassword(input.initialPassword, input.username);
    const person = await repo.insertPerson(tx, {
      institutionId: input.institutionId,
      displayName: input.displayName,
      phoneEnc: input.phone ? pii.encrypt(input.phone) : null,
      email: input.email ?? null,
    });
    return repo.insertAccount(tx, {
      personId: person.id,
      username: input.username,
      passwordHash: await hashPassword(input.initialPassword),
      roles: input.roles,
      institutionId: input.institutionId,
      jurisdictionId: input.jurisdictionId,
      // TM-1: an account handed out by someone else must choose its own password first.
      mustChangePassword: true,
    });
  }

  async function loadStaff(tx: Tx | Db, accountId: string) {
    const row = await repo.findStaff(tx, accountId);
    if (!row || !row.account.roles.some((r) => repo.STAFF_ROLE_LIST.includes(r)))
      throw new AppError('NOT_FOUND');
    return row;
  }

  return {
    toStaffView,

    async createStaff(
      ctx: AuthedCtx,
      institutionId: string,
      body: {
        username: string;
        displayName: string;
        roles: StaffRole[];
        phone?: string;
        email?: string;
        initialPassword: string;
        teachingSince?: string;
        certificates?: Certificate[];
      },
    ) {
      return write(ctx, async (tx) => {
        const account = await createAccount(tx, { ...body, institutionId, jurisdictionId: null });
        if (body.teachingSince)
          await repo.upsertQualification(
            tx,
            account.id,
            body.teachingSince,
            body.certificates ?? [],
            clock.now(),
          );
        const view = toStaffView((await repo.findStaff(tx, account.id))!);
        return {
          result: view,
          audit: {
            action: 'staff.created',
            targetType: 'account',
            targetId: account.id,
            institutionId,
            data: { username: view.username, roles: view.roles, teachingSince: view.teachingSince },
          },
        };
      });
    },

    async listStaff(institutionId: string) {
      return (await repo.listStaff(db, institutionId)).map(toStaffView);
    },

    async getStaff(accountId: string) {
      return toStaffView(await loadStaff(db, accountId));
    },

    async updateStaff(
      ctx: AuthedCtx,
      accountId: string,
      body: { displayName?: string; roles?: StaffRole[]; status?: 'active' | 'disabled' },
    ) {
      return write(ctx, async (tx) => {
        const before = await loadStaff(tx, accountId);
        if (body.displayName) await repo.updatePersonName(tx, before.person.id, body.displayName);
        if (body.roles || body.status)
          await repo.updateAccount(tx, accountId, {
            ...(body.roles && { roles: body.roles }),
            ...(body.status && { status: body.status }),
          });
        if (body.status === 'disabled')
          await revokeSessions(
            tx,
            await activeSessionIds(tx, accountId, clock.now()),
            'disabled',
            clock.now(),
          );
        const after = toStaffView((await repo.findStaff(tx, accountId))!);
        return {
          result: after,
          audit: {
            action: 'staff.updated',
            targetType: 'account',
            targetId: accountId,
            institutionId: before.account.institutionId,
            data: { change: body },
          },
        };
      });
    },

    /** JS-9: record the teaching-since date and certificates. */
    async setQualification(
      ctx: AuthedCtx,
      accountId: string,
      body: { teachingSince: string; certificates: Certificate[] },
    ) {
      if (body.teachingSince > today())
        throw new AppError('VALIDATION', {
          message: { zh: '从教起始日期不得晚于今天', en: 'teachingSince cannot be in the future' },
        });
      return write(ctx, async (tx) => {
        const row = await loadStaff(tx, accountId);
        await repo.upsertQualification(tx, accountId, body.teachingSince, body.certificates, clock.now());
        const after = toStaffView((await repo.findStaff(tx, accountId))!);
        return {
          result: after,
          audit: {
            action: 'instructor.qualification_recorded',
            targetType: 'account',
            targetId: accountId,
            institutionId: row.account.institutionId,
            data: { before: row.qualification?.teachingSince ?? null, ...body },
          },
        };
      });
    },

    /**
     * JS-9: an instructor with under three years of seafarer-training teaching is refused unless the
     * institution admin gives an explicit override with a reason; the override is audited as such.
     */
    async assignInstructor(
      ctx: AuthedCtx,
      itemId: string,
      body: { accountId: string; override?: { reason: string } },
    ): Promise<ItemInstructorView> {
      return write(ctx, async (tx) => {
        const item = await findTrainingItem(tx, itemId);
        if (!item) throw new AppError('NOT_FOUND');
        const staff = await repo.findStaff(tx, body.accountId);
        if (
          !staff ||
          staff.account.institutionId !== item.institutionId ||
          !staff.account.roles.includes('instructor')
        )
          throw new AppError('VALIDATION', {
            message: {
              zh: '该账户不是本机构的教员',
              en: 'The account is not an instructor of this institution',
            },
            details: { field: 'accountId' },
          });
        if (staff.account.status !== 'active')
          throw new AppError('PRECONDITION_FAILED', { details: { reason: 'account_disabled' } });
        if (await repo.findAssignment(tx, itemId, body.accountId)) throw new AppError('CONFLICT');
        const since = staff.qualification?.teachingSince ?? null;
        const qualified = meetsTeachingStandard(since, today());
        if (!qualified && !body.override)
          throw new AppError('INSTRUCTOR_UNQUALIFIED', {
            details: { teachingSince: since, teachingYears: teachingYears(since, today()), requiredYears: 3 },
          });
        const overrideReason = qualified ? null : body.override!.reason;
        const a = await repo.insertAssignment(tx, {
          itemId,
          accountId: body.accountId,
          overrideReason,
          assignedBy: ctx.actor.accountId,
          assignedAt: clock.now(),
        });
        return {
          result: {
            itemId,
            accountId: a.accountId,
            displayName: staff.person.displayName,
            teachingSince: since,
            overridden: overrideReason !== null,
            overrideReason,
            assignedAt: a.assignedAt.toISOString(),
          },
          audit: {
            action: overrideReason ? 'instructor.assigned_with_override' : 'instructor.assigned',
            targetType: 'training_item',
            targetId: itemId,
            institutionId: item.institutionId,
            data: { instructorAccountId: body.accountId, teachingSince: since, overrideReason },
          },
        };
      });
    },

    async listItemInstructors(itemId: string): Promise<ItemInstructorView[]> {
      return (await repo.listAssignments(db, itemId)).map((r) => ({
        itemId,
        accountId: r.a.accountId,
        displayName: r.displayName,
        teachingSince: r.teachingSince,
        overridden: r.a.overrideReason !== null,
        overrideReason: r.a.overrideReason,
        assignedAt: r.a.assignedAt.toISOString(),
      }));
    },

    /** Every maritime officer with their jurisdiction (the platform admin's list). */
    async listOfficers() {
      return (await repo.listOfficers(db)).map((r) => ({
        accountId: r.account.id,
        username: r.account.username,
        displayName: r.person.displayName,
        jurisdictionId: r.account.jurisdictionId!,
        status: r.account.status as 'active' | 'disabled',
      }));
    },

    async createOfficer(
      ctx: AuthedCtx,
      body: { username: string; displayName: string; jurisdictionId: string; initialPassword: string },
    ) {
      return write(ctx, async (tx) => {
        if (!(await findJurisdiction(tx, body.jurisdictionId)))
          throw new AppError('VALIDATION', { details: { field: 'jurisdictionId' } });
        const a = await createAccount(tx, { ...body, roles: ['maritime_officer'], institutionId: null });
        return {
          result: {
            accountId: a.id,
            username: a.username,
            displayName: body.displayName,
            jurisdictionId: body.jurisdictionId,
          },
          audit: {
            action: 'officer.created',
            targetType: 'account',
            targetId: a.id,
            jurisdictionId: body.jurisdictionId,
            data: { username: a.username },
          },
        };
      });
    },

    /**
     * Minimal trainee account (TM-3 needs one); the roster context adds identity and seafaring records.
     * Trainees are not staff, so they are created here rather than through createStaff.
     */
    async createTrainee(
      ctx: AuthedCtx,
      institutionId: string,
      body: { username: string; displayName: string; initialPassword: string },
    ) {
      return write(ctx, async (tx) => {
        const a = await createAccount(tx, {
          ...body,
          roles: ['trainee'],
          institutionId,
          jurisdictionId: null,
        });
        return {
          result: {
            accountId: a.id,
            personId: a.personId,
            username: a.username,
            displayName: body.displayName,
          },
          audit: {
            action: 'trainee_account.created',
            targetType: 'account',
            targetId: a.id,
            institutionId,
            data: { username: a.username },
          },
        };
      });
    },

    /**
     * Creates the platform's first administrator from the command line (demo seed, operations).
     * Idempotent by username; audited with no actor.
     */
    async bootstrapPlatformAdmin(input: { username: string; displayName: string; password: string }) {
      return write({ actor: null, requestId: 'bootstrap' }, async (tx) => {
        const existing = await repo.findAccountIdByUsername(tx, input.username);
        if (existing)
          return {
            result: { accountId: existing, created: false },
            audit: { action: 'platform_admin.bootstrap_skipped', targetType: 'account', targetId: existing },
          };
        const a = await createAccount(tx, {
          ...input,
          initialPassword: input.password,
          roles: ['platform_admin'],
          institutionId: null,
          jurisdictionId: null,
        });
        await repo.updateAccount(tx, a.id, { mustChangePassword: false });
        return {
          result: { accountId: a.id, created: true },
          audit: {
            action: 'platform_admin.bootstrapped',
            targetType: 'account',
            targetId: a.id,
            data: { username: a.username },
          },
        };
      });
    },

    /** For demo data only: lets a seeded account keep its printed password (audited as a waiver). */
    async waiveFirstPasswordChange(ctx: AuthedCtx, accountId: string) {
      return write(ctx, async (tx) => {
        const a = await repo.updateAccount(tx, accountId, { mustChangePassword: false });
        return {
          result: a.id,
          audit: {
            action: 'account.first_password_change_waived',
            targetType: 'account',
            targetId: a.id,
            institutionId: a.institutionId,
          },
        };
      });
    },

    /** Creates the first administrator of an institution (platform admin only). */
    async createInstitutionAdmin(
      ctx: AuthedCtx,
      institutionId: string,
      body: { username: string; displayName: string; initialPassword: string },
    ) {
      return this.createStaff(ctx, institutionId, { ...body, roles: ['institution_admin'] });
    },

    async unlockAccount(ctx: AuthedCtx, accountId: string) {
      return write(ctx, async (tx) => {
        const row = await loadStaff(tx, accountId);
        await repo.updateAccount(tx, accountId, { failedLoginCount: 0, lockedUntil: null });
        return {
          result: { ok: true as const },
          audit: {
            action: 'account.unlocked',
            targetType: 'account',
            targetId: accountId,
            institutionId: row.account.institutionId,
          },
        };
      });
    },

    /** TM-3: an administrator ends every session of a staff account (e.g. a lost phone). */
    async endAllSessions(ctx: AuthedCtx, accountId: string) {
      return write(ctx, async (tx) => {
        const row = await loadStaff(tx, accountId);
        const ids = await activeSessionIds(tx, accountId, clock.now());
        await revokeSessions(tx, ids, 'admin', clock.now());
        return {
          result: { revokedSessions: ids.length },
          audit: {
            action: 'auth.logout_all',
            targetType: 'account',
            targetId: accountId,
            institutionId: row.account.institutionId,
            data: { revokedSessionIds: ids, reason: 'admin' },
          },
        };
      });
    },
  };
}
export type PeopleService = ReturnType<typeof createPeopleService>;
