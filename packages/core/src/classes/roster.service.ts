import { randomInt } from 'node:crypto';
import type {
  FilingWarning,
  IssueAccountsResult,
  RosterEntryView,
  TraineeAttendanceView,
} from '@seafarer/contracts';
import type { Db, Tx } from '@seafarer/db';
import { hashPassword } from '../auth/passwords';
import { chinaHhMm, checkRosterFilingDeadline, formatChinaMinute } from '../filing';
import type { NotificationService } from '../notify/notifications.service';
import { summarizePresence } from '../live/presence';
import type { AttendanceService } from '../attendance/attendance.service';
import { insertAccount, insertPerson, usernameTaken } from '../people/people.repo';
import {
  fileError,
  tooComplex,
  validateRosterRows,
  type RosterFileResult,
  type RowError,
  type SpreadsheetProblem,
} from '../roster';
import { type Clock, shanghaiDate } from '../shared/clock';
import type { Actor, Ctx } from '../shared/context';
import { AppError } from '../shared/errors';
import { createParsePool, type ParsePool } from '../shared/parse-pool';
import { maskIdNumber, maskPhone, type PiiCipher } from '../shared/pii';
import { auditedWrite } from '../shared/tx';
import type { StoredPlan } from './class-view';
import { filingPackageJson, filingPackageXlsx, type FilingPackageInput } from './filing-package';
import { notifyOfficers } from './officer-notices';
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

/** A file-level refusal, with the same shape as before: one row-0 error naming what is wrong. */
function spreadsheetInvalid(problem: SpreadsheetProblem) {
  const { code, zh, en, reason } = problem;
  const errors: RowError[] = [fileError(code, zh, en)];
  return new AppError('SPREADSHEET_INVALID', {
    message: { zh, en },
    details: { errors, errorCount: 1, reason },
  });
}

export function createRosterService(deps: {
  db: Db;
  clock: Clock;
  pii: PiiCipher;
  notifications: NotificationService;
  /** SEC-2: where uploads are parsed (worker threads with time and memory budgets). */
  parsePool?: ParsePool;
  /** JS-15: the credited-hours computation the trainee's own attendance reads. */
  attendance: Pick<AttendanceService, 'ownAttendance'>;
}) {
  const { db, clock, pii, notifications } = deps;
  const parsePool = deps.parsePool ?? createParsePool();

  /**
   * SEC-2: the upload read into raw rows in the parse pool, off the event loop; a file over the pool's
   * time or memory budget is refused like any other unreadable file. A full pool is SERVICE_UNAVAILABLE.
   */
  async function readRosterFile(data: Uint8Array) {
    const outcome = await parsePool.run('roster', data);
    let file: RosterFileResult;
    if (outcome.ok) file = outcome.value;
    else if (outcome.limit === 'crashed')
      // parseRosterFile never throws; a dead worker is a parser bug on this input, still a bad file.
      file = {
        ok: false,
        problem: {
          code: 'SPREADSHEET_INVALID',
          reason: 'NOT_A_SPREADSHEET',
          zh: '无法读取该表格文件，请用模板填写后另存为 .xlsx 或 CSV UTF-8 文件',
          en: 'The spreadsheet cannot be read; fill in the template and save it as .xlsx or CSV UTF-8',
        },
      };
    else file = { ok: false, problem: tooComplex(outcome.limit, parsePool.settings.timeoutMs / 1000) };
    if (!file.ok) throw spreadsheetInvalid(file.problem);
    return file.rows;
  }

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
      // Read before the transaction: parsing holds no lock on the class and writes nothing.
      const raw = await readRosterFile(data);
      return auditedWrite(db, clock, ctx, async (tx) => {
        const c = await repo.findClassForUpdate(tx, classId);
        if (!c) throw new AppError('NOT_FOUND');
        const { capacity } = await capacityOf(tx, c);
        const existing = await repo.listRoster(tx, classId);
        const checked = validateRosterRows(raw, {
          today: shanghaiDate(clock.now()),
          existingIdNumbers: new Set(existing.map((r) => pii.decrypt(r.e.idNumberEnc))),
          capacity,
          alreadyEnrolled: existing.length,
        });
        if (!checked.ok) {
          const errors: RowError[] = checked.errors;
          throw new AppError('ROSTER_INVALID', { details: { errors, errorCount: errors.length } });
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

    /**
     * JS-11.2 / JS-6: the roster is filed before the first session, within the class's scale. Entries
     * without an ID photo do not stop the filing; the answer warns of them (NO_ID_PHOTO). The officers
     * of the jurisdiction are told (JS-16).
     */
    async fileRoster(ctx: AuthedCtx, classId: string): Promise<{ warnings: FilingWarning[] }> {
      return auditedWrite(db, clock, ctx, async (tx) => {
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
        const noPhoto = (await repo.listRoster(tx, classId)).filter(({ e }) => e.idPhotoEvidenceId === null);
        const warnings: FilingWarning[] =
          noPhoto.length === 0
            ? []
            : [
                {
                  code: 'NO_ID_PHOTO',
                  count: noPhoto.length,
                  message: {
                    zh: `名册已报备，但有 ${noPhoto.length} 名学员尚无证件照，无法进行身份核验；请尽快补传`,
                    en: `The roster was filed, but ${noPhoto.length} trainee(s) have no ID photo, so their identity cannot be checked; upload the photos soon`,
                  },
                },
              ];
        const { institution } = (await repo.findItemWithInstitution(tx, c.trainingItemId))!;
        const at = formatChinaMinute(first.startsAt);
        await notifyOfficers(notifications, tx, c, {
          kind: 'filing.roster_filed',
          title: {
            zh: `${institution.nameZh} 报备了学员名册：${c.name}（${c.code}）`,
            en: `${institution.nameEn} filed a roster: ${c.name} (${c.code})`,
          },
          body: {
            zh: `名册 ${n} 人，首次课 ${at}（北京时间）。`,
            en: `${n} trainees; first session ${at} (China time).`,
          },
          data: { trainees: n, firstSessionStartsAt: first.startsAt.toISOString() },
          dedupeKey: `roster-filed:${classId}:${clock.now().getTime()}`,
        });
        return {
          result: { warnings },
          audit: {
            action: 'roster.filed',
            targetType: 'class',
            targetId: classId,
            institutionId: c.institutionId,
            data: { trainees: n, withoutIdPhoto: noPhoto.length },
          },
        };
      });
    },
    /**
     * JS-8 / JS-12: the trainee's own attendance, session by session, against the timetable of the plan
     * that runs (the confirmed one, else the current). Present means connected with camera and
     * microphone on, as the officer's attendance reads it (summarizePresence).
     */
    async attendanceOf(classId: string, accountId: string): Promise<TraineeAttendanceView> {
      const c = await repo.findClass(db, classId);
      if (!c) throw new AppError('NOT_FOUND');
      const [sessions, events, own] = await Promise.all([
        repo.listSessions(db, c.confirmedVersionId ?? c.currentVersionId!),
        repo.presenceEventsOf(db, classId, accountId),
        // JS-15: credited minutes and withheld items by the one rule (attendance/credited-hours.ts).
        deps.attendance.ownAttendance(classId, accountId),
      ]);
      const ruled = new Map(own.sessions.map((s) => [s.sessionId, s]));
      const now = clock.now();
      const minutes = (ms: number) => Math.round((ms / 60_000) * 10) / 10;
      const rows = sessions.map((s) => {
        const mine = events.filter((e) => e.sessionId === s.id);
        return {
          sessionId: s.id,
          seq: s.seq,
          startsAt: s.startsAt.toISOString(),
          endsAt: s.endsAt.toISOString(),
          plannedMinutes: Math.round((s.endsAt.getTime() - s.startsAt.getTime()) / 60_000),
          attendedMinutes: mine.length === 0 ? 0 : minutes(summarizePresence(mine, now).presentMs),
          creditedMinutes: ruled.get(s.id)?.creditedMinutes ?? 0,
          withheldMinutes: ruled.get(s.id)?.withheldMinutes ?? 0,
        };
      });
      return {
        classId,
        plannedMinutes: rows.reduce((n, r) => n + r.plannedMinutes, 0),
        attendedMinutes: Math.round(rows.reduce((n, r) => n + r.attendedMinutes, 0) * 10) / 10,
        sessions: rows,
        creditedMinutes: own.totals.creditedMinutes,
        creditedHours: own.totals.creditedHours,
        withheldMinutes: own.totals.withheldMinutes,
        ratio: own.totals.ratio,
        flagged: own.totals.flagged,
        withheld: own.withheld,
      };
    },
    /**
     * JS-12 / TM-1: one account per trainee on the roster, with a one-time password shown once (for the
     * printed slips) and a forced change at first sign-in. Each trainee gets an invitation in the app.
     */
    async issueAccounts(
      ctx: AuthedCtx,
      classId: string,
      /** Where trainees sign in (PUBLIC_BASE_URL + '/app/'); the path alone when the caller has no base. */
      opts: { signInUrl?: string } = {},
    ): Promise<IssueAccountsResult> {
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
          result: {
            issued,
            alreadyHadAccount: entries.length - issued.length,
            notificationIds: ids,
            classCode: c.code,
            className: c.name,
            firstSession: first
              ? {
                  date: first.date,
                  start: chinaHhMm(first.startsAt),
                  end: chinaHhMm(first.endsAt),
                  startsAt: first.startsAt.toISOString(),
                  endsAt: first.endsAt.toISOString(),
                }
              : null,
          },
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
        signInUrl: opts.signInUrl ?? '/app/',
        classCode: out.classCode,
        className: out.className,
        firstSession: out.firstSession,
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
      const input: FilingPackageInput = {
        exportedAt: clock.now(),
        institution: { nameZh: found!.institution.nameZh, creditCode: found!.institution.creditCode },
        class: { code: c.code, name: c.name },
        version: {
          version: version.version,
          status: version.status,
          scale: version.scale,
          totalHours: version.totalHours,
          firstSessionDate: version.firstSessionDate,
          filedAt: version.filedAt,
          reviewedAt: version.reviewedAt,
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
          startsAt: s.startsAt,
          endsAt: s.endsAt,
          topic: s.topic,
          instructor: nameOf.get(s.instructorAccountId) ?? '',
        })),
        roster: roster.map(({ e }) => {
          const sea = (e.seafaring ?? {}) as Partial<Record<string, string | number | null>>;
          const text = (k: string) => (typeof sea[k] === 'string' ? (sea[k] as string) : null);
          return {
            name: e.name,
            idType: e.idType,
            idNumber: pii.decrypt(e.idNumberEnc),
            phone: pii.decrypt(e.phoneEnc),
            education: e.education,
            serviceMonths: typeof sea.serviceMonths === 'number' ? sea.serviceMonths : null,
            currentCertificate: text('currentCertificate'),
            certificateNumber: text('certificateNumber'),
            lastVessel: text('lastVessel'),
            hasIdPhoto: e.idPhotoEvidenceId !== null,
          };
        }),
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
          body: Buffer.from(JSON.stringify(filingPackageJson(input), null, 2)),
        };
      return {
        contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
        filename: `${c.code}-filing.xlsx`,
        body: await filingPackageXlsx(input),
      };
    },
  };
}
export type RosterService = ReturnType<typeof createRosterService>;
