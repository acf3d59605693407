import { randomInt } from 'node:crypto';
import ExcelJS from 'exceljs';
import type { IssueAccountsResult, RosterEntryView } from '@seafarer/contracts';
import type { Db, Tx } from '@seafarer/db';
import { hashPassword } from '../auth/passwords';
import { checkRosterFilingDeadline } from '../filing';
import type { NotificationService } from '../notify/notifications.service';
import { insertAccount, insertPerson, usernameTaken } from '../people/people.repo';
import { validateRosterFile, type RowError } from '../roster';
import { type Clock, shanghaiDate } from '../shared/clock';
import type { Actor, Ctx } from '../shared/context';
import { AppError } from '../shared/errors';
import { maskIdNumber, maskPhone, type PiiCipher } from '../shared/pii';
import { auditedWrite } from '../shared/tx';
import type { StoredPlan } from './class-view';
import * as repo from './classes.repo';

type AuthedCtx = Ctx & { actor: Actor };

// No 0/O, 1/l/I: one-time passwords are read off paper.
const UPPER = 'ABCDEFGHJKLMNPQRSTUVWXYZ';
const LOWER = 'abcdefghijkmnopqrstuvwxyz';
const DIGIT = '23456789';
const pick = (set: string) => set[randomInt(set.length)]!;
/** e.g. "Kp7w-Xq3m-Ra5t-Hn8e": upper, lower and digits by construction, so it passes the policy. */
export const oneTimePassword = () =>
  Array.from({ length: 4 }, () => pick(UPPER) + pick(LOWER) + pick(DIGIT) + pick(LOWER)).join('-');

export function createRosterService(deps: {
  db: Db;
  clock: Clock;
  pii: PiiCipher;
  notifications: NotificationService;
}) {
  const { db, clock, pii, notifications } = deps;

  /** JS-6: the roster never exceeds the class's planned scale, itself within the licensed scale. */
  async function capacityOf(tx: Tx | Db, c: repo.ClassRow) {
    const v = (await repo.findVersion(tx, c.currentVersionId!))!;
    const item = (await repo.findItemWithInstitution(tx, c.trainingItemId))!.item;
    return { version: v, capacity: Math.min(v.scale, item.licensedScale), licensedScale: item.licensedScale };
  }

  return {
    /**
     * JS-15 / SEC-2: validates every row (GB 11643 check digit, birth date, mobile numbers, enumerations,
     * duplicates in the file and the class, capacity) and imports all rows or none.
     */
    async importRoster(ctx: AuthedCtx, classId: string, data: Uint8Array) {
      return auditedWrite(db, clock, ctx, async (tx) => {
        const c = await repo.findClassForUpdate(tx, classId);
        if (!c) throw new AppError('NOT_FOUND');
        const { capacity } = await capacityOf(tx, c);
        const existing = await repo.listRoster(tx, classId);
        const checked = await validateRosterFile(data, {
          today: shanghaiDate(clock.now()),
          existingIdNumbers: new Set(existing.map((r) => pii.decrypt(r.e.idNumberEnc))),
          capacity,
          alreadyEnrolled: existing.length,
        });
        if (!checked.ok) {
          const whole = checked.errors.length === 1 && checked.errors[0]!.code === 'SPREADSHEET_INVALID';
          const errors: RowError[] = checked.errors;
          throw new AppError(whole ? 'SPREADSHEET_INVALID' : 'ROSTER_INVALID', {
            ...(whole && { message: { zh: errors[0]!.zh, en: errors[0]!.en } }),
            details: { errors, errorCount: errors.length },
          });
        }
        const rows = [];
        for (const r of checked.rows) {
          const person = await insertPerson(tx, {
            institutionId: c.institutionId,
            displayName: r.name,
            idType: r.idType,
            idNumberEnc: pii.encrypt(r.idNumber),
            idNumberHash: pii.lookupHash(r.idNumber),
            phoneEnc: pii.encrypt(r.phone),
          });
          rows.push({
            classId,
            institutionId: c.institutionId,
            personId: person.id,
            name: r.name,
            idType: r.idType,
            idNumberEnc: person.idNumberEnc!,
            idNumberHash: person.idNumberHash!,
            idNumberMasked: maskIdNumber(r.idNumber),
            phoneEnc: person.phoneEnc!,
            phoneMasked: maskPhone(r.phone),
            education: r.education,
            seafaring: {
              serviceMonths: r.serviceMonths ?? null,
              currentCertificate: r.currentCertificate ?? null,
              certificateNumber: r.certificateNumber ?? null,
              lastVessel: r.lastVessel ?? null,
            },
            createdAt: clock.now(),
          });
        }
        await repo.insertRosterEntries(tx, rows);
        // An enrolment change after the roster was filed must be filed again (JS-11.2).
        const refile = c.rosterFiledAt !== null;
        if (refile) await repo.updateClass(tx, classId, { rosterFiledAt: null, rosterFiledCount: null });
        return {
          result: { imported: rows.length, total: existing.length + rows.length },
          audit: {
            action: 'roster.imported',
            targetType: 'class',
            targetId: classId,
            institutionId: c.institutionId,
            data: { imported: rows.length, total: existing.length + rows.length, refilingRequired: refile },
          },
        };
      });
    },

    async listRoster(classId: string): Promise<RosterEntryView[]> {
      const [rows, verifications] = await Promise.all([
        repo.listRoster(db, classId),
        repo.latestVerificationStatus(db, classId),
      ]);
      const latest = new Map(verifications.map((v) => [v.entryId, v.status]));
      return rows.map(({ e, username }) => ({
        id: e.id,
        name: e.name,
        idType: e.idType,
        idNumberMasked: e.idNumberMasked,
        phoneMasked: e.phoneMasked,
        education: e.education,
        seafaring: e.seafaring,
        accountId: e.accountId,
        username,
        hasIdPhoto: e.idPhotoEvidenceId !== null,
        identityStatus: latest.get(e.id) ?? null,
        createdAt: e.createdAt.toISOString(),
      }));
    },

    /** JS-11.2 / JS-6: the roster is filed before the first session, within the class's scale. */
    async fileRoster(ctx: AuthedCtx, classId: string) {
      await auditedWrite(db, clock, ctx, async (tx) => {
        const c = await repo.findClassForUpdate(tx, classId);
        if (!c) throw new AppError('NOT_FOUND');
        const { version, capacity } = await capacityOf(tx, c);
        const n = await repo.rosterCount(tx, classId);
        if (n === 0)
          throw new AppError('PRECONDITION_FAILED', {
            message: { zh: '名册为空，不能备案', en: 'The roster is empty' },
          });
        if (n > capacity)
          throw new AppError('CAPACITY_EXCEEDED', {
            message: {
              zh: `名册 ${n} 人超过班级规模 ${capacity} 人`,
              en: `The roster has ${n} trainees; the class allows ${capacity}`,
            },
          });
        const first = (await repo.listSessions(tx, version.id))[0]!;
        const deadline = checkRosterFilingDeadline(clock.now(), first.startsAt);
        if (!deadline.ok)
          throw new AppError('DEADLINE_PASSED', {
            message: { zh: deadline.problem.zh, en: deadline.problem.en },
          });
        await repo.updateClass(tx, classId, { rosterFiledAt: clock.now(), rosterFiledCount: n });
        return {
          result: null,
          audit: {
            action: 'roster.filed',
            targetType: 'class',
            targetId: classId,
            institutionId: c.institutionId,
            data: { trainees: n },
          },
        };
      });
    },

    /**
     * JS-12 / TM-1: one account per trainee on the roster, with a one-time password shown once (for the
     * printed slips) and a forced change at first sign-in. Each trainee gets an invitation in the app.
     */
    async issueAccounts(ctx: AuthedCtx, classId: string): Promise<IssueAccountsResult> {
      const out = await auditedWrite(db, clock, ctx, async (tx) => {
        const c = await repo.findClassForUpdate(tx, classId);
        if (!c) throw new AppError('NOT_FOUND');
        const entries = await repo.listRoster(tx, classId);
        const issued: IssueAccountsResult['issued'] = [];
        let seq = 0;
        for (const { e } of entries) {
          if (e.accountId) continue;
          let username: string;
          do username = `${c.code.toLowerCase()}-${String(++seq).padStart(3, '0')}`;
          while (await usernameTaken(tx, username));
          const password = oneTimePassword();
          const account = await insertAccount(tx, {
            personId: e.personId,
            username,
            passwordHash: await hashPassword(password),
            roles: ['trainee'],
            institutionId: c.institutionId,
            mustChangePassword: true,
          });
          await repo.linkRosterAccount(tx, e.id, account.id);
          issued.push({
            rosterEntryId: e.id,
            name: e.name,
            idNumberMasked: e.idNumberMasked,
            username,
            oneTimePassword: password,
          });
        }
        const sessions = await repo.listSessions(tx, c.currentVersionId!);
        const first = sessions[0]!;
        const ids = await notifications.notify(tx, await repo.rosterAccountIds(tx, classId), {
          kind: 'class.invitation',
          title: { zh: `欢迎参加 ${c.name}`, en: `Welcome to ${c.name}` },
          body: {
            zh: `共 ${sessions.length} 次课，首次课 ${first.date}。上课须开启摄像头和麦克风，请提前完成设备检测。`,
            en: `${sessions.length} sessions; the first is on ${first.date}. Camera and microphone are required; run the device check beforehand.`,
          },
          data: {
            classId,
            sessions: sessions.map((s) => ({
              id: s.id,
              startsAt: s.startsAt.toISOString(),
              endsAt: s.endsAt.toISOString(),
              topic: s.topic,
            })),
          },
          dedupeKey: `invitation:${classId}`,
        });
        return {
          result: { issued, alreadyHadAccount: entries.length - issued.length, notificationIds: ids },
          // Usernames only: one-time passwords never reach the audit trail.
          audit: {
            action: 'trainee_accounts.issued',
            targetType: 'class',
            targetId: classId,
            institutionId: c.institutionId,
            data: { usernames: issued.map((i) => i.username) },
          },
        };
      });
      return {
        issued: out.issued,
        alreadyHadAccount: out.alreadyHadAccount,
        notice: {
          zh: '初始密码仅显示这一次，请立即打印或导出账户单；学员首次登录须修改密码。',
          en: 'One-time passwords are shown only now: print or export the slips; trainees must change them at first sign-in.',
        },
      };
    },

    /**
     * The filing package for the national maritime service platform: plan, teachers, hours and roster
     * (with full ID numbers and phones, so every export is audited as a read of personal data).
     */
    async filingPackage(ctx: AuthedCtx, classId: string, format: 'json' | 'xlsx') {
      const c = await repo.findClass(db, classId);
      if (!c) throw new AppError('NOT_FOUND');
      const version = (await repo.findVersion(db, c.confirmedVersionId ?? c.currentVersionId!))!;
      const plan = version.plan as StoredPlan;
      const [found, sessions, roster, people] = await Promise.all([
        repo.findItemWithInstitution(db, c.trainingItemId),
        repo.listSessions(db, version.id),
        repo.listRoster(db, classId),
        repo.findAccounts(db, [...plan.instructors, ...plan.managers.map((m) => m.accountId)]),
      ]);
      const nameOf = new Map(people.map((p) => [p.account.id, p.person.displayName]));
      const pkg = {
        institution: { nameZh: found!.institution.nameZh, creditCode: found!.institution.creditCode },
        class: {
          code: c.code,
          name: c.name,
          version: version.version,
          status: version.status,
          scale: version.scale,
          totalHours: version.totalHours,
          firstSessionDate: version.firstSessionDate,
        },
        trainingItem: {
          code: found!.item.code,
          nameZh: found!.item.nameZh,
          syllabusHours: found!.item.syllabusHours,
          syllabusVersion: found!.item.syllabusVersion,
        },
        teachers: plan.instructors.map((id) => ({
          name: nameOf.get(id) ?? id,
          override: plan.instructorOverrides.find((o) => o.accountId === id)?.reason ?? null,
        })),
        managers: plan.managers.map((m) => ({
          name: nameOf.get(m.accountId) ?? m.accountId,
          duties: m.duties,
        })),
        timetable: sessions.map((s) => ({
          seq: s.seq,
          date: s.date,
          startsAt: s.startsAt.toISOString(),
          endsAt: s.endsAt.toISOString(),
          topic: s.topic,
          instructor: nameOf.get(s.instructorAccountId) ?? '',
        })),
        roster: roster.map(({ e }) => ({
          name: e.name,
          idType: e.idType,
          idNumber: pii.decrypt(e.idNumberEnc),
          phone: pii.decrypt(e.phoneEnc),
          education: e.education,
          ...(e.seafaring as object),
        })),
      };
      await auditedWrite(db, clock, ctx, async () => ({
        result: null,
        audit: {
          action: 'filing_package.exported',
          targetType: 'class',
          targetId: classId,
          institutionId: c.institutionId,
          data: { format, version: version.version, trainees: roster.length },
        },
      }));
      if (format === 'json')
        return {
          contentType: 'application/json',
          filename: `${c.code}-filing.json`,
          body: Buffer.from(JSON.stringify(pkg, null, 2)),
        };
      const wb = new ExcelJS.Workbook();
      const sheet = (name: string, rows: Array<Record<string, unknown>>) => {
        const ws = wb.addWorksheet(name);
        const cols = Object.keys(rows[0] ?? {});
        ws.columns = cols.map((k) => ({ header: k, key: k, width: 18 }));
        for (const r of rows) ws.addRow(r);
      };
      sheet('班级 Class', [
        {
          ...pkg.institution,
          ...pkg.class,
          item: pkg.trainingItem.code,
          itemName: pkg.trainingItem.nameZh,
          syllabusHours: pkg.trainingItem.syllabusHours,
        },
      ]);
      sheet('课表 Timetable', pkg.timetable);
      sheet('教员 Teachers', [
        ...pkg.teachers.map((t) => ({ role: 'instructor', ...t })),
        ...pkg.managers.map((m) => ({ role: 'class_manager', name: m.name, override: m.duties })),
      ]);
      sheet('名册 Roster', pkg.roster.length > 0 ? pkg.roster : [{ name: '' }]);
      return {
        contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
        filename: `${c.code}-filing.xlsx`,
        body: Buffer.from(await wb.xlsx.writeBuffer()),
      };
    },
  };
}
export type RosterService = ReturnType<typeof createRosterService>;
