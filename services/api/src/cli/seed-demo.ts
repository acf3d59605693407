import { loadConfig, type Config } from '@seafarer/config';
import { createDb, runMigrations } from '@seafarer/db';
import type { ClassView, PlanBody, QuestionBody } from '@seafarer/contracts';
import {
  computeCheckDigit,
  createCoreFromConfig,
  shanghaiDate,
  type Actor,
  type Clock,
  type Ctx,
} from '@seafarer/core';

/**
 * Seeds a demo: the Jiangsu MSA with a Nanjing branch, one qualified institution with a licence, a theory
 * and a practical item, one account per role, and a live demo class with a session running now.
 * Goes through the same use-cases as the API, so everything it writes is audited and every rule holds:
 * what the rules want done days before a class (filing, confirmation) is written as history, by the
 * same use-cases with a clock set back to that day. A second run changes nothing, except that a demo
 * class no longer running now is given a new timetable (amended, filed and confirmed again, as history).
 */
export const DEMO_PASSWORD = 'Demo-Harbour-2026';
/** The live demo class; its trainee's account is issued from the roster as `demo-001`. */
export const DEMO_CLASS_CODE = 'DEMO';

const DAY_MS = 86_400_000;
/** A clock running `ms` behind the real one. */
const behind = (ms: number): Clock => ({ now: () => new Date(Date.now() - ms) });

// Jobs the use-cases schedule go to the outbox with the instant they are due (REL-2); the worker relays
// them on real time, so a reminder planned from a clock in the past is due when planned (perhaps now).

export interface SeededDemo {
  users: string[];
  live: {
    classId: string;
    institutionId: string;
    code: string;
    trainee: string;
    now: { id: string; date: string; start: string; end: string };
    tomorrow: { id: string; date: string; start: string; end: string };
    /** JS-7.3: the demo class's exam, open now for its trainees; the item's exam standards page. */
    examId: string;
    trainingItemId: string;
  };
}

export async function seedDemo(config: Config): Promise<SeededDemo> {
  const handle = createDb(config.DATABASE_URL, { max: 2, applicationName: 'seafarer-seed' });
  // The institution and its people were set up a month ago (so the class history below comes after them).
  const setupClock = behind(30 * DAY_MS);
  const core = createCoreFromConfig(handle.db, config, setupClock);
  try {
    const root = await core.people.bootstrapPlatformAdmin({
      username: 'demo.platform',
      displayName: '平台管理员 Platform admin',
      password: DEMO_PASSWORD,
    });
    const actor: Actor = {
      accountId: root.accountId,
      personId: root.accountId,
      username: 'demo.platform',
      displayName: 'Platform admin',
      roles: ['platform_admin'],
      institutionId: null,
      jurisdictionId: null,
      jurisdictionPath: null,
      sessionId: 'seed',
      mustChangePassword: false,
    };
    const ctx: Ctx & { actor: Actor } = { actor, requestId: 'seed-demo' };

    const known = await core.institutions.listJurisdictions();
    const js =
      known.find((j) => j.code === 'JS') ??
      (await core.institutions.createJurisdiction(ctx, {
        code: 'JS',
        nameZh: '江苏海事局',
        nameEn: 'Jiangsu MSA',
      }));
    const nj =
      known.find((j) => j.code === 'JS-NJ') ??
      (await core.institutions.createJurisdiction(ctx, {
        code: 'JS-NJ',
        nameZh: '南京海事局',
        nameEn: 'Nanjing MSA',
        parentId: js.id,
      }));

    const seeded = (await core.institutions.listInstitutions(ctx)).some(
      (i) => i.creditCode === '91320100DEMO00001X',
    );
    if (!seeded) {
      const inst = await core.institutions.createInstitution(ctx, {
        nameZh: '江苏示范航海培训中心',
        nameEn: 'Jiangsu Demo Maritime Training Centre',
        jurisdictionId: nj.id,
        creditCode: '91320100DEMO00001X',
        onlineQualification: 'qualified',
      });
      const today = shanghaiDate(new Date());
      const licence = await core.institutions.createLicence(ctx, inst.id, {
        number: '苏船培许字(2024)001',
        issuedOn: `${Number(today.slice(0, 4)) - 2}-01-01`,
        expiresOn: `${Number(today.slice(0, 4)) + 3}-12-31`,
      });
      await core.institutions.createTrainingItem(ctx, licence.id, {
        code: 'Z01',
        nameZh: '基本安全-个人安全与社会责任',
        nameEn: 'Basic safety: personal safety and social responsibilities',
        kind: 'theory',
        licensedScale: 60,
        syllabusHours: 16,
        syllabusVersion: '2021',
      });
      await core.institutions.createTrainingItem(ctx, licence.id, {
        code: 'Z04',
        nameZh: '基本安全-消防（实操）',
        nameEn: 'Basic safety: fire prevention and fire fighting (practical)',
        kind: 'practical',
        licensedScale: 30,
        syllabusHours: 12,
        syllabusVersion: '2021',
      });
      const staff = [
        {
          username: 'demo.admin',
          displayName: '机构管理员 Institution admin',
          roles: ['institution_admin' as const],
        },
        {
          username: 'demo.manager',
          displayName: '班主任 Class manager',
          roles: ['class_manager' as const],
          phone: '13800000001',
        },
        {
          username: 'demo.instructor',
          displayName: '王教员 Instructor Wang',
          roles: ['instructor' as const],
          teachingSince: '2015-09-01',
        },
      ];
      const ids: string[] = [];
      for (const s of staff)
        ids.push(
          (await core.people.createStaff(ctx, inst.id, { ...s, initialPassword: DEMO_PASSWORD })).accountId,
        );
      ids.push(
        (
          await core.people.createTrainee(ctx, inst.id, {
            username: 'demo.trainee',
            displayName: '李学员 Trainee Li',
            initialPassword: DEMO_PASSWORD,
          })
        ).accountId,
      );
      ids.push(
        (
          await core.people.createOfficer(ctx, {
            username: 'demo.officer',
            displayName: '张检查员 Officer Zhang',
            jurisdictionId: js.id,
            initialPassword: DEMO_PASSWORD,
          })
        ).accountId,
      );
      // The demo is for looking around: its printed password keeps working.
      for (const id of ids) await core.people.waiveFirstPasswordChange(ctx, id);
    }
    const inst = (await core.institutions.listInstitutions(ctx)).find(
      (i) => i.creditCode === '91320100DEMO00001X',
    )!;
    const live = await seedLiveClass(config, handle.db, inst.id);
    Object.assign(live, await seedDemoExam(config, handle.db, inst.id, live.classId));
    return {
      users: [
        'demo.platform',
        'demo.admin',
        'demo.manager',
        'demo.instructor',
        'demo.trainee',
        'demo.officer',
      ],
      live,
    };
  } finally {
    await handle.close();
  }
}

/** China-time date and minutes of the day of an instant. */
const chinaTime = (at: Date) => {
  const shifted = new Date(at.getTime() + 8 * 3600_000);
  return {
    date: shifted.toISOString().slice(0, 10),
    minutes: shifted.getUTCHours() * 60 + shifted.getUTCMinutes(),
  };
};
const addDays = (date: string, n: number) =>
  new Date(Date.parse(`${date}T00:00:00Z`) + n * DAY_MS).toISOString().slice(0, 10);
const hhmm = (minutes: number) =>
  `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;

/**
 * The demo timetable: a session that started 15 minutes ago (to the 5 minutes) and runs four hours, two
 * tomorrow, and more after, enough for the item's 16 syllabus hours. A session lies within one day: late
 * in the evening (China time) today's is cut at 23:59 and the class goes on tomorrow from 00:00, a room
 * that opens half an hour before (ROOM_OPENS_BEFORE_MINUTES).
 */
function demoPlan(now: Date, instructorId: string, managerId: string): PlanBody {
  const { date: today, minutes } = chinaTime(now);
  const start = Math.max(0, Math.floor((minutes - 15) / 5) * 5);
  const end = Math.min(23 * 60 + 59, start + 4 * 60);
  const afterMidnight =
    end < start + 4 * 60 ? [{ date: addDays(today, 1), start: '00:00', end: '04:00' }] : [];
  const topics = [
    '个人安全与安全意识',
    '应急程序',
    '防止污染',
    '安全工作习惯',
    '有效沟通',
    '人际关系',
    '疲劳管理',
  ];
  const slots: Array<[number, string, string]> = [
    [1, '09:00', '12:00'],
    [1, '14:00', '17:00'],
    [2, '09:00', '12:00'],
    [2, '14:00', '17:00'],
    [3, '09:00', '12:00'],
    [3, '14:00', '17:00'],
  ];
  return {
    scale: 30,
    contentNote: '演示班级：今天正在上课，明天继续 Demo class: in session now, continues tomorrow',
    managers: [{ accountId: managerId, duties: '负责备案、名册、身份核验和班级群管理' }],
    sessions: [
      { date: today, start: hhmm(start), end: hhmm(end), topic: `第 1 讲 ${topics[0]}` },
      ...afterMidnight.map((s) => ({ ...s, topic: `第 1 讲（续）${topics[0]}` })),
      ...slots.map(([d, s, e], i) => ({
        date: addDays(today, d),
        start: s,
        end: e,
        topic: `第 ${i + 2} 讲 ${topics[i + 1]}`,
      })),
    ].map((s) => ({ ...s, instructorAccountId: instructorId })),
  };
}

/**
 * The demo class is live: a session whose room is open now (from half an hour before its start) with an
 * hour of teaching left, or as much as the China day has left (then tomorrow's 00:00 session takes
 * over), and one tomorrow. The one ending last is the room to print.
 */
function liveSessions(view: ClassView, now: Date) {
  const t = now.getTime();
  const { date: today, minutes } = chinaTime(now);
  const leftToday = (23 * 60 + 59 - minutes - 1) * 60_000;
  const need = Math.max(0, Math.min(3600_000, leftToday));
  const running = view.current.sessions
    .filter((s) => Date.parse(s.startsAt) - 30 * 60_000 <= t && Date.parse(s.endsAt) - t >= need)
    .sort((a, b) => Date.parse(b.endsAt) - Date.parse(a.endsAt))[0];
  const tomorrow = view.current.sessions.find((s) => s.date === addDays(today, 1) && s !== running);
  return running && tomorrow ? { running, tomorrow } : null;
}

/**
 * The live demo class, as it would have been prepared: four days ago (JS-11.1 wants a plan filed three
 * calendar days ahead) the class manager created it, imported the roster, issued the trainee's account
 * and filed plan and roster; the trainee changed the one-time password; the officer confirmed. Each
 * person signs in and acts through the same use-cases as the API, with the clock of that day.
 */
async function seedLiveClass(
  config: Config,
  db: Parameters<typeof createCoreFromConfig>[0],
  institutionId: string,
) {
  const ago = 4 * DAY_MS;
  const clock = behind(ago);
  // Access tokens are checked against the real time (not the injected clock): a token signed four days
  // ago lives four days longer here. Each sign-in is ended (logout) as soon as its work is done.
  const settings = { ...config, ACCESS_TOKEN_TTL_SECONDS: config.ACCESS_TOKEN_TTL_SECONDS + ago / 1000 };
  const core = createCoreFromConfig(db, settings, clock);
  const signIn = async (username: string, password = DEMO_PASSWORD) => {
    const pair = await core.auth.login({ actor: null, requestId: 'seed-demo' }, { username, password });
    const actor = await core.auth.authenticate(pair.accessToken);
    return { actor, requestId: 'seed-demo' } satisfies Ctx & { actor: Actor };
  };
  // Signed in only when there is something to do: a second run on a live class writes nothing.
  let signedIn: (Ctx & { actor: Actor }) | undefined;
  const manager = async () => (signedIn ??= await signIn('demo.manager'));
  const staff = await core.people.listStaff(institutionId);
  const id = (username: string) => staff.find((s) => s.username === username)!.accountId;
  const item = (await core.institutions.listTrainingItems(institutionId)).find((i) => i.code === 'Z01')!;
  const plan = () => demoPlan(new Date(), id('demo.instructor'), id('demo.manager'));

  const listed = (await core.classes.listClasses(institutionId)).find((c) => c.code === DEMO_CLASS_CODE);
  let view: ClassView;
  if (!listed)
    view = await core.classes.createClass(await manager(), institutionId, {
      trainingItemId: item.id,
      code: DEMO_CLASS_CODE,
      name: '基本安全（演示班）Basic safety (demo class)',
      plan: plan(),
    });
  else {
    view = await core.classes.getClass(listed.id);
    // A later day: the class gets a timetable running now (a new version, filed and confirmed again).
    if (!liveSessions(view, new Date()))
      view = await core.classes.amendPlan(await manager(), view.id, plan());
  }
  if (view.rosterCount === 0) {
    // Three trainees: demo-001 is the one to sign in as; the other two stay away, so a roll-call and the
    // attendance sheet show what an absence looks like (不在课堂 Not in the room).
    const id17 = ['32010219900315123', '32010519920708456', '32011319950121789'];
    const rows = [
      ['李学员 Trainee Li', '13912345678', '12', '值班水手'],
      ['王学员 Trainee Wang', '13912345679', '30', '值班机工'],
      ['赵学员 Trainee Zhao', '13912345680', '6', '无'],
    ];
    const csv = [
      '姓名,证件类型,证件号码,手机号,学历,海上服务月数,现持证书',
      ...rows.map(
        ([name, phone, months, cert], i) =>
          `${name},居民身份证,${id17[i]}${computeCheckDigit(id17[i]!)},${phone},高中,${months},${cert}`,
      ),
    ].join('\r\n');
    await core.roster.importRoster(await manager(), view.id, Buffer.from(csv));
  }
  const unissued = (await core.roster.listRoster(view.id)).some((e) => !e.accountId);
  const slips = unissued ? (await core.roster.issueAccounts(await manager(), view.id)).issued : [];
  for (const slip of slips) {
    // The trainee's first sign-in: the one-time password from the slip, changed to the demo password.
    const trainee = await signIn(slip.username, slip.oneTimePassword);
    await core.auth.changePassword(trainee, {
      currentPassword: slip.oneTimePassword,
      newPassword: DEMO_PASSWORD,
    });
    await core.auth.logout(trainee);
  }
  view = await core.classes.getClass(view.id);
  if (view.filingState === 'draft') view = await core.classes.filePlan(await manager(), view.id);
  if (!view.rosterFiledAt) await core.roster.fileRoster(await manager(), view.id);
  if (view.filingState === 'pending_review') {
    const officer = await signIn('demo.officer');
    view = await core.classes.review(officer, view.id, { decision: 'confirm' });
    await core.auth.logout(officer);
  }
  // JS-17: the officer's inspection four days ago found a defect, to be corrected within the week: the
  // officer's findings page and the institution's have an open item with its deadline.
  if ((await core.oversight.listForInstitution(institutionId)).length === 0) {
    const officer = await signIn('demo.officer');
    const found = shanghaiDate(clock.now());
    await core.oversight.recordItem(officer, institutionId, {
      kind: 'finding',
      title: '线上课堂身份核验记录不完整 Identity checks of online classes incompletely recorded',
      detail:
        "抽查发现部分学员的人证核验缺少复核结论，请补全并说明复核流程。Some trainees' identity checks lack a reviewer's decision: complete them and describe the review procedure.",
      occurredOn: found,
      deadline: addDays(shanghaiDate(new Date()), 5),
      classId: view.id,
    });
    await core.auth.logout(officer);
  }
  if (signedIn) await core.auth.logout(signedIn);

  const live = liveSessions(view, new Date());
  if (!live || view.filingState !== 'confirmed')
    throw new Error(`the demo class ${DEMO_CLASS_CODE} is not live: ${view.filingState}`);
  const trainee = (await core.roster.listRoster(view.id))[0]!.username!;
  const pick = (s: ClassView['current']['sessions'][number]) => ({
    id: s.id,
    date: s.date,
    start: s.start,
    end: s.end,
  });
  return {
    classId: view.id,
    institutionId,
    code: view.code,
    trainee,
    now: pick(live.running),
    tomorrow: pick(live.tomorrow),
    // Filled in by seedDemoExam.
    examId: '',
    trainingItemId: item.id,
  };
}

const DEMO_STANDARD = '基本安全结业考试标准（演示） Final exam standard (demo)';
const DEMO_EXAM = '基本安全结业考试（演示） Final exam (demo)';

/** A small bank of the demo item: every type, two chapters (QM-2). */
function demoQuestions(): QuestionBody[] {
  const ch1 = '第一章 避碰规则 Collision regulations';
  const ch2 = '第二章 船舶消防 Fire fighting';
  const single = (stem: string, options: string[], key: string, chapter = ch1): QuestionBody => ({
    type: 'single',
    stem,
    options: options.map((text, i) => ({ key: 'ABCD'[i]!, text })),
    answer: { keys: [key] },
    chapter,
    difficulty: 2,
    score: 2,
  });
  return [
    single(
      '能见度不良时船舶应使用何种航速？ In restricted visibility a vessel proceeds at…',
      ['最高航速 Full speed', '安全航速 Safe speed', '经济航速 Economical speed'],
      'B',
    ),
    single(
      '两船对遇时各应向哪一舷转向？ Two vessels meeting head-on each alter to…',
      ['右舷 Starboard', '左舷 Port', '不转向 Neither'],
      'A',
    ),
    single(
      '追越船是指从他船正横后大于多少度的方向赶上他船？ An overtaking vessel comes up from more than … abaft the beam',
      ['11.25°', '22.5°', '45°'],
      'B',
    ),
    single(
      '手提式二氧化碳灭火器不宜扑救哪类火灾？ A portable CO2 extinguisher is least suited to…',
      ['电气火 Electrical fire', '固体深位火 Deep-seated solid fire', '油类火 Oil fire'],
      'B',
      ch2,
    ),
    single(
      '发现火情后首先应当？ On discovering a fire, first…',
      ['报警 Raise the alarm', '逃生 Escape', '拍照 Take photos'],
      'A',
      ch2,
    ),
    {
      type: 'multiple',
      stem: '下列哪些属于机动船在航时显示的号灯？ Which lights does a power-driven vessel under way show?',
      options: [
        { key: 'A', text: '桅灯 Masthead light' },
        { key: 'B', text: '舷灯 Sidelights' },
        { key: 'C', text: '锚灯 Anchor light' },
        { key: 'D', text: '尾灯 Sternlight' },
      ],
      answer: { keys: ['A', 'B', 'D'] },
      chapter: ch1,
      difficulty: 3,
      score: 4,
    },
    {
      type: 'multiple',
      stem: '灭火的基本方法包括？ The basic ways of putting out a fire are…',
      options: [
        { key: 'A', text: '冷却 Cooling' },
        { key: 'B', text: '窒息 Smothering' },
        { key: 'C', text: '通风 Ventilating' },
        { key: 'D', text: '隔离 Starving' },
      ],
      answer: { keys: ['A', 'B', 'D'] },
      chapter: ch1,
      difficulty: 3,
      score: 4,
    },
    ...[
      ['让路船应及早采取大幅度的行动。 The give-way vessel takes early and substantial action.', true],
      ['直航船在任何情况下都不得采取行动。 The stand-on vessel may never act.', false],
      ['夜间航行应保持正规瞭望。 A proper look-out is kept at night.', true],
    ].map(([stem, value]): QuestionBody => ({
      type: 'true_false',
      stem: stem as string,
      answer: { value: value as boolean },
      chapter: ch1,
      difficulty: 1,
      score: 2,
    })),
    ...[
      '船舶抛锚停泊又称____。 A vessel lying at anchor is said to be ____.',
      '扑灭油类火灾常用____灭火剂。 Oil fires are commonly fought with ____.',
    ].map((stem, i): QuestionBody => ({
      type: 'fill_in',
      stem,
      answer:
        i === 0
          ? { accepted: ['锚泊'], synonyms: ['anchoring', 'at anchor'] }
          : { accepted: ['泡沫'], synonyms: ['foam'] },
      chapter: ch2,
      difficulty: 2,
      score: 3,
    })),
    {
      type: 'short_answer',
      stem: '简述机舱失火时的应急程序。 Outline the emergency procedure for an engine-room fire.',
      answer: {
        reference:
          '报警、停止通风、关闭防火门和燃油速闭阀、组织灭火 Alarm, stop ventilation, close fire doors and quick-closing valves, fight the fire',
      },
      chapter: ch2,
      difficulty: 3,
      score: 6,
    },
  ];
}

/**
 * JS-7.3 / QM-2: the demo item's question bank, an exam standard drafted by the class manager and
 * approved by the institution admin, and an exam of the demo class open now for its trainees (set by
 * the manager, on the real clock). A second run adds nothing while that exam is still open.
 */
async function seedDemoExam(
  config: Config,
  db: Parameters<typeof createCoreFromConfig>[0],
  institutionId: string,
  classId: string,
): Promise<{ examId: string; trainingItemId: string }> {
  const core = createCoreFromConfig(db, config);
  const sessions: Array<Ctx & { actor: Actor }> = [];
  const signIn = async (username: string) => {
    const pair = await core.auth.login(
      { actor: null, requestId: 'seed-demo' },
      { username, password: DEMO_PASSWORD },
    );
    const ctx = { actor: await core.auth.authenticate(pair.accessToken), requestId: 'seed-demo' };
    sessions.push(ctx);
    return ctx;
  };
  let manager: (Ctx & { actor: Actor }) | undefined;
  const asManager = async () => (manager ??= await signIn('demo.manager'));
  try {
    const item = (await core.institutions.listTrainingItems(institutionId)).find((i) => i.code === 'Z01')!;
    if ((await core.questionBank.list(item.id, { status: 'active' })).items.length === 0)
      for (const q of demoQuestions()) await core.questionBank.create(await asManager(), item.id, q);
    let standard = (await core.examStandards.list(item.id)).items.find((x) => x.name === DEMO_STANDARD);
    if (!standard) {
      const ch1 = '第一章 避碰规则 Collision regulations';
      const ch2 = '第二章 船舶消防 Fire fighting';
      standard = await core.examStandards.create(await asManager(), item.id, {
        name: DEMO_STANDARD,
        blueprint: {
          cells: [
            { chapter: ch1, type: 'single', difficulty: 2, count: 2, scorePerQuestion: 2 },
            { chapter: ch1, type: 'multiple', difficulty: 3, count: 1, scorePerQuestion: 4 },
            { chapter: ch1, type: 'true_false', difficulty: 1, count: 2, scorePerQuestion: 2 },
            { chapter: ch2, type: 'single', difficulty: 2, count: 1, scorePerQuestion: 2 },
            { chapter: ch2, type: 'fill_in', difficulty: 2, count: 1, scorePerQuestion: 3 },
            { chapter: ch2, type: 'short_answer', difficulty: 3, count: 1, scorePerQuestion: 6 },
          ],
        },
        passMark: { kind: 'percent', value: 60 },
        markingPolicy: { multiple: 'partial', fillIn: 'per_blank' },
        durationMinutes: 30,
        note: '演示用 For the demo',
      });
    }
    if (standard.currentVersionId === null && standard.draftVersion !== null)
      standard = await core.examStandards.decide(await signIn('demo.admin'), item.id, standard.id, {
        version: standard.draftVersion,
        decision: 'approve',
        note: '同意 Approved',
      });
    const open = (await core.exams.list(classId)).items.find(
      (e) => e.title === DEMO_EXAM && (e.state === 'open' || e.state === 'not_open'),
    );
    if (open) return { examId: open.id, trainingItemId: item.id };
    const now = Date.now();
    const exam = await core.exams.create(await asManager(), classId, {
      standardVersionId: standard.currentVersionId!,
      title: DEMO_EXAM,
      paperMode: 'per_candidate',
      opensAt: new Date(now - 5 * 60_000).toISOString(),
      closesAt: new Date(now + 3 * DAY_MS).toISOString(),
    });
    return { examId: exam.id, trainingItemId: item.id };
  } finally {
    for (const ctx of sessions) await core.auth.logout(ctx);
  }
}

/** What the start command prints: the accounts, and the live class's rooms with whom to sign in as. */
export function demoBanner(seeded: SeededDemo, appUrl: string): string {
  const roles = [
    'platform admin 平台管理员',
    'institution admin 机构管理员',
    'class manager 班主任',
    'instructor 教员',
    'trainee (no class) 学员（未分班）',
    'maritime officer 海事检查员',
  ];
  const { live } = seeded;
  const room = `${appUrl}/room.html?class=${live.classId}&session=${live.now.id}`;
  return [
    `演示账户 Demo accounts (password / 密码: ${DEMO_PASSWORD})`,
    ...seeded.users.map((u, i) => `  ${u.padEnd(18)} ${roles[i]}`),
    `  ${live.trainee.padEnd(18)} trainee of class ${live.code} 演示班学员`,
    '',
    `正在上课 Live now: class ${live.code}, ${live.now.date} ${live.now.start}–${live.now.end} (China time 北京时间); next ${live.tomorrow.date} ${live.tomorrow.start}`,
    `  Three browser windows, each: sign in at ${appUrl}/ as the account below, then open the room link`,
    `  (or press 进入课堂 Enter / 旁听 Sit in on the home page):`,
    `    instructor 教员        demo.instructor`,
    `    trainee 学员           ${live.trainee}`,
    `    officer 海事检查员      demo.officer (hidden observer 隐身旁听)`,
    `  Room 课堂 (the same link for all three 三个窗口同一链接) ${room}`,
    '',
    `点名与抽查 Roll-call and spot check: in the room, demo.instructor (or the officer) presses 点名 Roll-call or 抽查身份 Spot check;`,
    `  ${live.trainee}'s window shows the prompt; the roster's two other trainees are away (不在课堂 Not in the room).`,
    `  A random roll-call is also drawn for this session when the worker starts, and fires unannounced.`,
    `考勤 Attendance (demo.manager): ${appUrl}/manager.html#/class/${live.classId}/attendance (sheet, XLSX, each trainee's evidence timeline)`,
    `考试 Exam (open for three days 开放三天): ${live.trainee} opens ${appUrl}/exam.html?class=${live.classId}&exam=${live.examId}`,
    `  demo.manager: the class's exams ${appUrl}/manager.html#/class/${live.classId}/exams · standards (blueprints) ${appUrl}/manager.html#/standards/${live.trainingItemId} (demo.admin approves drafts)`,
    `海事监管 Oversight (demo.officer): dashboard ${appUrl}/officer.html · monitoring wall ${appUrl}/wall.html`,
    `  findings, measures, scoring ${appUrl}/officer.html#/findings/${live.institutionId} (the institution answers at ${appUrl}/manager.html#/findings)`,
  ].join('\n');
}

if (require.main === module) {
  const config = loadConfig();
  const at = process.argv.indexOf('--app-url');
  const appUrl = at > 0 ? process.argv[at + 1]! : `http://${config.API_HOST}:${config.API_PORT}/app`;
  runMigrations(config.DATABASE_URL)
    .then(() => seedDemo(config))
    .then((seeded) => console.log(demoBanner(seeded, appUrl)))
    .catch((err: unknown) => {
      console.error(err);
      process.exit(1);
    });
}
