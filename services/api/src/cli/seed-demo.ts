import { loadConfig, type Config } from '@seafarer/config';
import { createDb, runMigrations } from '@seafarer/db';
import { createJobQueue } from '@seafarer/queue';
import { createCoreFromConfig, shanghaiDate, type Actor, type Ctx } from '@seafarer/core';

/**
 * Seeds a demo: the Jiangsu MSA with a Nanjing branch, one qualified institution with a licence, a theory
 * and a practical item, and one account per role. Idempotent: a second run changes nothing.
 * Goes through the same use-cases as the API, so everything it writes is audited.
 */
export const DEMO_PASSWORD = 'Demo-Harbour-2026';

export async function seedDemo(config: Config) {
  const handle = createDb(config.DATABASE_URL, { max: 2, applicationName: 'seafarer-seed' });
  const jobs = createJobQueue({ redisUrl: config.REDIS_URL, prefix: config.QUEUE_PREFIX });
  const core = createCoreFromConfig(handle.db, config, jobs);
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
    return ['demo.platform', 'demo.admin', 'demo.manager', 'demo.instructor', 'demo.trainee', 'demo.officer'];
  } finally {
    await jobs.close();
    await handle.close();
  }
}

if (require.main === module) {
  const config = loadConfig();
  runMigrations(config.DATABASE_URL)
    .then(() => seedDemo(config))
    .then((users) => {
      console.log('\n演示账户 Demo accounts (password / 密码: ' + DEMO_PASSWORD + ')');
      const roles = [
        'platform admin 平台管理员',
        'institution admin 机构管理员',
        'class manager 班主任',
        'instructor 教员',
        'trainee 学员',
        'maritime officer 海事检查员',
      ];
      users.forEach((u, i) => console.log(`  ${u.padEnd(18)} ${roles[i]}`));
    })
    .catch((err: unknown) => {
      console.error(err);
      process.exit(1);
    });
}
