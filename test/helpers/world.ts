import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { ClassView, PlanBody } from '@seafarer/contracts';
import {
  liveInteractions,
  livePresenceEvents,
  recordings,
  rollCallResponses,
  rollCalls,
  spotCheckItems,
  spotChecks,
  evaluationSurveys,
} from '@seafarer/db';
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

/** Another class of the world (the theory item, its manager and instructor, scale 3), made by the manager over HTTP. */
export async function addClassTo(
  w: World,
  opts: { code: string; name: string; firstDate: string },
): Promise<ClassView> {
  const staff = await w.as.admin.call<{ items: Array<{ accountId: string; username: string }> }>(
    'GET',
    `/api/v1/institutions/${w.institutionId}/staff`,
  );
  const managerId = staff.items.find((s) => s.username === w.usernames.manager)!.accountId;
  return w.as.manager.call<ClassView>('POST', `/api/v1/institutions/${w.institutionId}/classes`, {
    body: {
      trainingItemId: w.theoryItemId,
      code: opts.code,
      name: opts.name,
      plan: planFor(w.instructorId, managerId, opts.firstDate),
    },
  });
}

/**
 * A second class of the world with one trainee on its roster, an issued account, a registered ID photo
 * and one pending identity verification; all through the HTTP API.
 */
export async function addIdentityFixture(t: TestApp, w: World, seq = 1): Promise<IdentityFixture> {
  const klass = await addClassTo(w, {
    code: `I${seq}-${w.code}`,
    name: '身份核验班',
    firstDate: chinaDate(11),
  });
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
  await db.insert(livePresenceEvents).values(
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

/** The issue 11 records of a taught session: a roll-call, a spot check, an appeal, a finding with its correction. */
export interface ChecksFixture {
  rollCallId: string;
  spotCheckId: string;
  /** The trainee's appeal of their absence at the roll-call. */
  reviewId: string;
  oversightItemId: string;
  correctionId: string;
  /** QM-2: a question in the theory item's bank (through the API). */
  questionId: string;
  /** JS-14: the class's trainee evaluation survey (inserted: the class has not ended, so the API would refuse to open it). */
  surveyId: string;
}

/**
 * A closed roll-call of the taught session (the trainee absent, a still on file), a spot check of the
 * trainee, the trainee's appeal of the absence (through the API), and an officer's finding on the
 * institution with the institution's correction (through the API): the ids the route sweeps need.
 * The roll-call and spot-check rows are inserted as the live node stores them (the route sweeps test
 * the routes, not the live room; test/live/rollcall.int.test.ts and spotcheck.int.test.ts do that).
 */
export async function addChecksFixture(t: TestApp, w: World, f: IdentityFixture): Promise<ChecksFixture> {
  const db = t.app.core.db;
  const firedAt = new Date(Date.now() - 3600_000 + 10 * 60_000);
  const closesAt = new Date(firedAt.getTime() + 60_000);
  const base = { institutionId: w.institutionId, classId: f.classId, sessionId: f.sessionId };
  const [rc] = await db
    .insert(rollCalls)
    .values({
      ...base,
      origin: 'instructor',
      startedBy: w.instructorId,
      status: 'closed',
      windowS: 60,
      firedAt,
      closesAt,
      closedAt: new Date(closesAt.getTime() + 120_000),
      outcomesSha256: '0'.repeat(64),
    })
    .returning();
  await db.insert(rollCallResponses).values({
    rollCallId: rc!.id,
    accountId: f.traineeAccountId,
    rosterEntryId: f.entryId,
    outcome: 'absent',
    stillEvidenceId: f.stillId,
    stillAt: firedAt,
    decidedAt: new Date(closesAt.getTime() + 120_000),
  });
  const [sc] = await db
    .insert(spotChecks)
    .values({
      ...base,
      origin: 'instructor',
      startedBy: w.instructorId,
      seed: 'fixture',
      sampleSize: 1,
      population: [f.traineeAccountId],
    })
    .returning();
  await db.insert(spotCheckItems).values({
    spotCheckId: sc!.id,
    accountId: f.traineeAccountId,
    rosterEntryId: f.entryId,
    stillEvidenceId: f.stillId,
    stillAt: firedAt,
    verificationId: f.verificationId,
    verdict: 'pending',
  });
  const appeal = await f.trainee.call<{ id: string }>(
    'POST',
    `/api/v1/me/classes/${f.classId}/attendance-appeals`,
    {
      body: {
        subjectKind: 'roll_call',
        subjectId: rc!.id,
        text: '网络中断，未能及时应答 The network dropped',
      },
    },
  );
  const inst = `/api/v1/institutions/${w.institutionId}/oversight-items`;
  const item = await w.as.officer.call<{ id: string }>('POST', inst, {
    body: {
      kind: 'finding',
      title: '夹具缺陷 Fixture defect',
      detail: '签到记录不全',
      occurredOn: chinaDate(0),
      deadline: chinaDate(7),
    },
  });
  const evidence = await w.as.manager.call<{ id: string }>('POST', `${inst}/${item.id}/evidence`, {
    rawBody: png(`correction-${w.code}`) as unknown as string,
    headers: { 'content-type': 'image/png' },
  });
  const corrected = await w.as.manager.call<{ corrections: Array<{ id: string }> }>(
    'POST',
    `${inst}/${item.id}/corrections`,
    { body: { text: '已补全签到记录 Records completed', evidenceIds: [evidence.id] } },
  );
  const question = await w.as.manager.call<{ id: string }>(
    'POST',
    `/api/v1/training-items/${w.theoryItemId}/questions`,
    {
      body: {
        type: 'single',
        stem: `夹具题目 Fixture question ${w.code}`,
        options: [
          { key: 'A', text: '安全航速' },
          { key: 'B', text: '最高航速' },
        ],
        answer: { keys: ['A'] },
        chapter: '第一章',
        difficulty: 2,
        score: 2,
      },
    },
  );
  const [survey] = await db
    .insert(evaluationSurveys)
    .values({
      institutionId: w.institutionId,
      classId: f.classId,
      kind: 'trainee',
      opensAt: new Date(),
      closesAt: new Date(Date.now() + 14 * 86_400_000),
      createdBy: w.instructorId,
    })
    .returning();
  return {
    rollCallId: rc!.id,
    spotCheckId: sc!.id,
    reviewId: appeal.id,
    oversightItemId: item.id,
    correctionId: corrected.corrections[0]!.id,
    questionId: question.id,
    surveyId: survey!.id,
  };
}
