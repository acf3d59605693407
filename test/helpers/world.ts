import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { ClassView, PlanBody } from '@seafarer/contracts';
import { liveInteractions, livePresenceEvents, recordings } from '@seafarer/db';
import type { Client } from '@seafarer/sdk';
import type { TestApp } from './app';
import { jpeg, png } from './images';
import { residentId, rosterCsv } from './roster';

export const PASSWORD = 'Harbour-Pilot-2026';
export const NEW_PASSWORD = 'Lighthouse-Keeper-2027';

const uniq = () => randomBytes(4).toString('hex').toUpperCase();

/** Signs in; a first sign-in that must change its password does so and continues with the new one. */
export async function signIn(client: Client, username: string, password = PASSWORD): Promise<Client> {
  const pair = await client.auth.login({ username, password });
  const authed = client.withToken(pair.accessToken);
  if (pair.account.mustChangePassword)
    await authed.auth.changePassword({ currentPassword: password, newPassword: NEW_PASSWORD });
  return authed;
}

let adminCounter = 0;
/** A platform administrator, bootstrapped the way the demo seed does it. */
export async function platformAdmin(t: TestApp): Promise<Client> {
  const username = `root-${process.pid}-${++adminCounter}-${uniq().toLowerCase()}`;
  await t.app.core.people.bootstrapPlatformAdmin({
    username,
    displayName: 'Platform admin',
    password: PASSWORD,
  });
  return signIn(t.client, username);
}

export interface World {
  code: string;
  jurisdictionId: string;
  institutionId: string;
  licenceId: string;
  theoryItemId: string;
  practicalItemId: string;
  instructorId: string;
  juniorInstructorId: string;
  traineeId: string;
  classId: string;
  sessionId: string;
  firstSessionDate: string;
  usernames: Record<'admin' | 'manager' | 'instructor' | 'junior' | 'trainee' | 'officer', string>;
  as: Record<'platform' | 'admin' | 'manager' | 'instructor' | 'trainee' | 'officer', Client>;
}

/** The China calendar date `days` from now. */
export const chinaDate = (days: number) =>
  new Date(Date.now() + 8 * 3600_000 + days * 86_400_000).toISOString().slice(0, 10);
export const addDays = (date: string, days: number) =>
  new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);

/** A plan of four 4-hour sessions (16 h, the theory item's syllabus hours) from `firstDate`. */
export function planFor(instructorId: string, managerId: string, firstDate: string, scale = 3): PlanBody {
  return {
    scale,
    managers: [{ accountId: managerId, duties: '负责备案、名册、身份核验和班级群管理' }],
    sessions: [0, 1, 2, 3].map((d) => ({
      date: addDays(firstDate, d),
      start: '08:30',
      end: '12:30',
      topic: `第 ${d + 1} 讲 个人安全`,
      instructorAccountId: instructorId,
    })),
  };
}

const yearsAgo = (n: number) => {
  const d = new Date();
  d.setUTCFullYear(d.getUTCFullYear() - n);
  return d.toISOString().slice(0, 10);
};

/**
 * One institution in its own jurisdiction, with a licence, a theory and a practical item, an officer,
 * an institution admin, a class manager, a seasoned and a junior instructor, a trainee, and a draft
 * class starting in ten days; all made through the HTTP API.
 */
export async function createWorld(
  t: TestApp,
  opts: { qualification?: 'qualified' | 'none' } = {},
): Promise<World> {
  const code = uniq();
  const platform = await platformAdmin(t);
  const j = await platform.jurisdictions.create({
    code: `J${code}`,
    nameZh: `测试海事局${code}`,
    nameEn: `Test MSA ${code}`,
  });
  const inst = await platform.institutions.create({
    nameZh: `测试航海学校${code}`,
    nameEn: `Test Maritime School ${code}`,
    jurisdictionId: j.id,
    creditCode: `91320000${code}AB`.slice(0, 18).padEnd(18, '0'),
    onlineQualification: opts.qualification ?? 'qualified',
  });
  const u = (role: string) => `${role}-${code.toLowerCase()}`;
  const usernames = {
    admin: u('admin'),
    manager: u('manager'),
    instructor: u('teacher'),
    junior: u('junior'),
    trainee: u('trainee'),
    officer: u('officer'),
  };
  await platform.institutions.createAdmin(inst.id, {
    username: usernames.admin,
    displayName: '机构管理员',
    initialPassword: PASSWORD,
  });
  await platform.officers.create({
    username: usernames.officer,
    displayName: '海事检查员',
    jurisdictionId: j.id,
    initialPassword: PASSWORD,
  });
  const admin = await signIn(t.client, usernames.admin);
  const licence = await admin.institutions.createLicence(inst.id, {
    number: `苏船培${code}`,
    issuedOn: yearsAgo(2),
    expiresOn: yearsAgo(-3),
  });
  const theory = await admin.licences.createItem(licence.id, {
    code: 'Z01',
    nameZh: '基本安全-个人安全与社会责任',
    nameEn: 'Personal safety and social responsibilities',
    kind: 'theory',
    licensedScale: 3,
    syllabusHours: 16,
    syllabusVersion: '2021',
  });
  const practical = await admin.licences.createItem(licence.id, {
    code: 'Z02',
    nameZh: '基本安全-消防实操',
    nameEn: 'Fire fighting (practical)',
    kind: 'practical',
    licensedScale: 30,
    syllabusHours: 12,
    syllabusVersion: '2021',
  });
  await admin.institutions.createStaff(inst.id, {
    username: usernames.manager,
    displayName: '班主任',
    roles: ['class_manager'],
    initialPassword: PASSWORD,
    phone: '13812345678',
  });
  const instructor = await admin.institutions.createStaff(inst.id, {
    username: usernames.instructor,
    displayName: '资深教员',
    roles: ['instructor'],
    initialPassword: PASSWORD,
    teachingSince: yearsAgo(5),
    certificates: [{ name: '船员培训教员证', number: `T-${code}`, issuedOn: yearsAgo(5) }],
  });
  const junior = await admin.institutions.createStaff(inst.id, {
    username: usernames.junior,
    displayName: '新教员',
    roles: ['instructor'],
    initialPassword: PASSWORD,
    teachingSince: yearsAgo(1),
  });
  const trainee = await admin.institutions.createTrainee(inst.id, {
    username: usernames.trainee,
    displayName: '学员甲',
    initialPassword: PASSWORD,
  });
  const staffList = await admin.call<{ items: Array<{ accountId: string; username: string }> }>(
    'GET',
    `/api/v1/institutions/${inst.id}/staff`,
  );
  const managerId = staffList.items.find((s) => s.username === usernames.manager)!.accountId;
  const klass = await admin.call<ClassView>('POST', `/api/v1/institutions/${inst.id}/classes`, {
    body: {
      trainingItemId: theory.id,
      code: `C${code}`,
      name: `基本安全培训班 ${code}`,
      plan: planFor(instructor.accountId, managerId, chinaDate(10)),
    },
  });
  return {
    code,
    jurisdictionId: j.id,
    institutionId: inst.id,
    licenceId: licence.id,
    theoryItemId: theory.id,
    practicalItemId: practical.id,
    instructorId: instructor.accountId,
    juniorInstructorId: junior.accountId,
    traineeId: trainee.accountId,
    classId: klass.id,
    sessionId: klass.current.sessions[0]!.id,
    firstSessionDate: klass.current.firstSessionDate,
    usernames,
    as: {
      platform,
      admin,
      manager: await signIn(t.client, usernames.manager),
      instructor: await signIn(t.client, usernames.instructor),
      trainee: await signIn(t.client, usernames.trainee),
      officer: await signIn(t.client, usernames.officer),
    },
  };
}

export interface IdentityFixture {
  classId: string;
  /** The first session of that class's plan. */
  sessionId: string;
  entryId: string;
  traineeAccountId: string;
  /** Signs in with NEW_PASSWORD (the one-time password was changed at the first sign-in). */
  traineeUsername: string;
  trainee: Client;
  idPhotoId: string;
  verificationId: string;
  stillId: string;
}

/**
 * A second class of the world with one trainee on its roster, an issued account, a registered ID photo
 * and one pending identity verification; all through the HTTP API.
 */
export async function addIdentityFixture(t: TestApp, w: World, seq = 1): Promise<IdentityFixture> {
  const staff = await w.as.admin.call<{ items: Array<{ accountId: string; username: string }> }>(
    'GET',
    `/api/v1/institutions/${w.institutionId}/staff`,
  );
  const managerId = staff.items.find((s) => s.username === w.usernames.manager)!.accountId;
  const klass = await w.as.manager.call<ClassView>(
    'POST',
    `/api/v1/institutions/${w.institutionId}/classes`,
    {
      body: {
        trainingItemId: w.theoryItemId,
        code: `I${seq}-${w.code}`,
        name: '身份核验班',
        plan: planFor(w.instructorId, managerId, chinaDate(11)),
      },
    },
  );
  const csv = rosterCsv([
    { name: '核验学员', idNumber: residentId(500 + seq), phone: `1360000${String(1000 + seq).slice(-4)}` },
  ]);
  await w.as.manager.raw('POST', `/api/v1/classes/${klass.id}/roster/import`, {
    rawBody: csv,
    headers: { 'content-type': 'text/csv' },
  });
  const [entry] = (
    await w.as.manager.call<{ items: Array<{ id: string }> }>('GET', `/api/v1/classes/${klass.id}/roster`)
  ).items;
  const slips = await w.as.manager.call<{ issued: Array<{ username: string; oneTimePassword: string }> }>(
    'POST',
    `/api/v1/classes/${klass.id}/accounts/issue`,
  );
  const trainee = await signIn(t.client, slips.issued[0]!.username, slips.issued[0]!.oneTimePassword);
  const me = await trainee.auth.me();
  const idPhoto = await w.as.manager.call<{ id: string }>(
    'PUT',
    `/api/v1/roster-entries/${entry!.id}/id-photo`,
    { rawBody: png('id') as unknown as string, headers: { 'content-type': 'image/png' } },
  );
  const v = await trainee.call<{ id: string; stillEvidenceId: string }>(
    'POST',
    `/api/v1/roster-entries/${entry!.id}/verifications`,
    {
      rawBody: jpeg('still') as unknown as string,
      headers: { 'content-type': 'image/jpeg' },
    },
  );
  return {
    classId: klass.id,
    sessionId: klass.current.sessions[0]!.id,
    entryId: entry!.id,
    traineeAccountId: me.accountId,
    traineeUsername: slips.issued[0]!.username,
    trainee,
    idPhotoId: idPhoto.id,
    verificationId: v.id,
    stillId: v.stillEvidenceId,
  };
}

export interface LiveRecordsFixture {
  sessionId: string;
  /** Text of the chat line and of the question, unique to this fixture (a leak of either is visible). */
  chatText: string;
  questionText: string;
  /** The replay file's content, unique to this fixture. */
  replayMarker: string;
}

/**
 * What a taught session leaves behind, for `f`'s class and session: a presence log (the trainee and the
 * instructor present for 40 minutes), a chat line, a question and a raised hand, and a ready replay
 * file. Written through the database handle as the live service and the worker write them, so tests
 * about who may read them need no live room.
 */
export async function addLiveRecordsFixture(
  t: TestApp,
  w: World,
  f: IdentityFixture,
): Promise<LiveRecordsFixture> {
  const db = t.app.core.db;
  const tag = `${w.code}-${uniq()}`;
  const at = (min: number) => new Date(Date.now() - 3600_000 + min * 60_000);
  const base = { classId: f.classId, sessionId: f.sessionId };
  const people = [
    { accountId: w.instructorId, role: 'instructor' },
    { accountId: f.traineeAccountId, role: 'trainee' },
  ];
  await db
    .insert(livePresenceEvents)
    .values(
      people.flatMap((p) =>
        ['join', 'camera.on', 'mic.on', 'leave'].map((event, i) => ({
          ...base,
          ...p,
          event,
          at: at(i < 3 ? i : 42),
          data: {},
        })),
      ),
    );
  const chatText = `chat-${tag}`;
  const questionText = `question-${tag}`;
  await db.insert(liveInteractions).values([
    { ...base, accountId: f.traineeAccountId, kind: 'chat', text: chatText, at: at(5) },
    { ...base, accountId: f.traineeAccountId, kind: 'question', text: questionText, at: at(6) },
    { ...base, accountId: f.traineeAccountId, kind: 'hand', text: null, at: at(7) },
  ]);
  const replayMarker = `replay-${tag}`;
  const replayKey = `replays/${f.sessionId}.webm`;
  await mkdir(path.join(t.config.STORAGE_DIR, 'replays'), { recursive: true });
  await writeFile(path.join(t.config.STORAGE_DIR, replayKey), replayMarker);
  await db.insert(recordings).values({
    ...base,
    institutionId: w.institutionId,
    status: 'ready',
    manifest: { sessionId: f.sessionId, segments: [] },
    replayKey,
    replaySha256: '0'.repeat(64),
    replayBytes: replayMarker.length,
    replayDurationS: 2400,
  });
  return { sessionId: f.sessionId, chatText, questionText, replayMarker };
}
