import { createHmac } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import pino from 'pino';
import type { ClassView } from '@seafarer/contracts';
import { createOutboundDelivery } from '@seafarer/core';
import { channelsFromConfig } from '../services/worker/src/channels';
import { startProcessors } from '../services/worker/src/processors';
import { startTestApp, type TestApp } from './helpers/app';
import { chinaDate, createWorld, planFor, PASSWORD, signIn, type World } from './helpers/world';
import { rosterCsv, trainees } from './helpers/roster';

const SECRET = 'webhook-test-secret-0123456789abcdef';
const mails: Array<{ to: string; raw: string }> = [];
const hooks: Array<{ valid: boolean; body: { kind: string; recipient: { username: string } } }> = [];
let smtp: SMTPServer;
let hookServer: http.Server;
let t: TestApp;
let w: World;
let worker: ReturnType<typeof startProcessors>;

beforeAll(async () => {
  smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    onData(stream, session, done) {
      let raw = '';
      stream.on('data', (c: Buffer) => (raw += c.toString('utf8')));
      stream.on('end', () => {
        mails.push({ to: session.envelope.rcptTo.map((r) => r.address).join(','), raw });
        done();
      });
    },
  });
  await new Promise<void>((r) => smtp.listen(0, '127.0.0.1', r));
  hookServer = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      const m = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(String(req.headers['x-seafarer-signature']));
      hooks.push({
        valid: !!m && createHmac('sha256', SECRET).update(`${m[1]}.${body}`).digest('hex') === m[2],
        body: JSON.parse(body),
      });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => hookServer.listen(0, '127.0.0.1', r));
  t = await startTestApp({
    SMTP_URL: `smtp://127.0.0.1:${(smtp.server.address() as AddressInfo).port}`,
    SMTP_FROM: 'training@example.test',
    WEBHOOK_URL: `http://127.0.0.1:${(hookServer.address() as AddressInfo).port}/hooks`,
    WEBHOOK_SECRET: SECRET,
  });
  w = await createWorld(t);
  // The worker service's own processors, on this app's queue.
  const delivery = createOutboundDelivery({
    db: t.app.core.db,
    clock: t.app.core.clock,
    channels: channelsFromConfig(t.config),
  });
  worker = startProcessors({
    core: t.app.core,
    delivery,
    log: pino({ level: 'silent' }),
    queue: { redisUrl: t.config.REDIS_URL, prefix: t.config.QUEUE_PREFIX },
    storageDir: t.config.STORAGE_DIR,
  });
});
afterAll(async () => {
  await worker.close();
  await t.close();
  await new Promise<void>((r) => smtp.close(r));
  hookServer.close();
});

/** Polls until `what` yields a value (the worker delivers asynchronously). */
async function until<T>(what: () => T | undefined | Promise<T | undefined>, ms = 15_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await what();
    if (v) return v;
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('outbound notifications', () => {
  it('[TM-1] with no channel configured, nothing leaves the platform', async () => {
    const none = createOutboundDelivery({
      db: t.app.core.db,
      clock: t.app.core.clock,
      channels: channelsFromConfig({ SMTP_URL: '', SMTP_FROM: 'x@y.z', WEBHOOK_URL: '', WEBHOOK_SECRET: '' }),
    });
    expect(none.channelNames).toEqual([]);
    const [n] = (await w.as.manager.call<{ items: Array<{ id: string }> }>('GET', '/api/v1/notifications'))
      .items;
    expect(await none.deliver(n?.id ?? '00000000-0000-4000-8000-000000000000')).toEqual({
      sent: [],
      skipped: [],
    });
    expect(() =>
      channelsFromConfig({
        SMTP_URL: '',
        SMTP_FROM: '',
        WEBHOOK_URL: 'http://127.0.0.1:9/x',
        WEBHOOK_SECRET: '',
      }),
    ).toThrow(/signed/);
  });

  it('[TM-1] a filing decision reaches the class manager in the app, by e-mail (SMTP) and by signed webhook', async () => {
    const mgr = await w.as.admin.institutions.createStaff(w.institutionId, {
      username: `mail-${w.code.toLowerCase()}`,
      displayName: '邮件班主任',
      roles: ['class_manager'],
      email: `manager-${w.code.toLowerCase()}@example.test`,
      initialPassword: PASSWORD,
    });
    const manager = await signIn(t.client, `mail-${w.code.toLowerCase()}`);
    const c = await manager.call<ClassView>('POST', `/api/v1/institutions/${w.institutionId}/classes`, {
      body: {
        trainingItemId: w.theoryItemId,
        code: `N1-${w.code}`,
        name: '通知测试班',
        plan: planFor(w.instructorId, mgr.accountId, chinaDate(20)),
      },
    });
    await manager.call('POST', `/api/v1/classes/${c.id}/plan/file`);
    await w.as.officer.call('POST', `/api/v1/classes/${c.id}/plan/review`, {
      body: { decision: 'reject', reason: '教学内容须补充船舶保安意识' },
    });

    const inbox = await manager.call<{ items: Array<{ kind: string }> }>('GET', '/api/v1/notifications');
    expect(inbox.items.map((n) => n.kind)).toContain('class.rejected');
    const mail = await until(() =>
      mails.find((m) => m.to === `manager-${w.code.toLowerCase()}@example.test`),
    );
    expect(mail.raw).toContain('Subject:');
    expect(mail.raw).toMatch(/=\?UTF-8\?|Class N1-/);
    const hook = await until(() =>
      hooks.find(
        (h) =>
          h.body.kind === 'class.rejected' && h.body.recipient.username === `mail-${w.code.toLowerCase()}`,
      ),
    );
    expect(hook.valid).toBe(true);
  });

  it('[TM-1] confirming a class schedules a reminder an hour before each session; it reaches the enrolled trainees', async () => {
    const staff = await w.as.admin.call<{ items: Array<{ accountId: string; username: string }> }>(
      'GET',
      `/api/v1/institutions/${w.institutionId}/staff`,
    );
    const managerId = staff.items.find((s) => s.username === w.usernames.manager)!.accountId;
    const c = await w.as.manager.call<ClassView>('POST', `/api/v1/institutions/${w.institutionId}/classes`, {
      body: {
        trainingItemId: w.theoryItemId,
        code: `N2-${w.code}`,
        name: '提醒测试班',
        plan: planFor(w.instructorId, managerId, chinaDate(12)),
      },
    });
    await w.as.manager.raw('POST', `/api/v1/classes/${c.id}/roster/import`, {
      rawBody: rosterCsv(trainees(1, 700)),
      headers: { 'content-type': 'text/csv' },
    });
    const slips = await w.as.manager.call<{ issued: Array<{ username: string; oneTimePassword: string }> }>(
      'POST',
      `/api/v1/classes/${c.id}/accounts/issue`,
    );
    await w.as.manager.call('POST', `/api/v1/classes/${c.id}/plan/file`);
    await w.as.officer.call('POST', `/api/v1/classes/${c.id}/plan/review`, { body: { decision: 'confirm' } });

    const first = c.current.sessions[0]!;
    // Written to the outbox by the confirmation; the worker's relay puts them in BullMQ (REL-2).
    const queue = worker.producer.queue;
    const job = await until(() => queue.getJob(`session-reminder_${first.id}`));
    expect(job?.name).toBe('session.reminder');
    expect(
      Math.abs(job!.timestamp + job!.opts.delay! - (Date.parse(first.startsAt) - 3600_000)),
    ).toBeLessThan(60_000);
    for (const s of c.current.sessions)
      expect(await until(() => queue.getJob(`session-reminder_${s.id}`))).toBeTruthy();

    await job!.promote();
    const trainee = await signIn(t.client, slips.issued[0]!.username, slips.issued[0]!.oneTimePassword);
    const found = await until(async () =>
      (
        await trainee.call<{ items: Array<{ kind: string; title: { zh: string } }> }>(
          'GET',
          '/api/v1/notifications',
        )
      ).items.find((n) => n.kind === 'session.reminder'),
    );
    expect(found.title.zh).toContain('第 1 次课');
  });

  it('[JS-11.1] [VC-4] the officers of the jurisdiction are told of a new plan and roster filing, in the app and over the configured channels; other officers are not', async () => {
    const other = await createWorld(t);
    const staff = await w.as.admin.call<{ items: Array<{ accountId: string; username: string }> }>(
      'GET',
      `/api/v1/institutions/${w.institutionId}/staff`,
    );
    const managerId = staff.items.find((s) => s.username === w.usernames.manager)!.accountId;
    const first = chinaDate(14);
    const c = await w.as.manager.call<ClassView>('POST', `/api/v1/institutions/${w.institutionId}/classes`, {
      body: {
        trainingItemId: w.theoryItemId,
        code: `N3-${w.code}`,
        name: '报备通知班',
        plan: planFor(w.instructorId, managerId, first),
      },
    });
    const inboxOf = async (who: typeof w.as.officer) =>
      (
        await who.call<{
          items: Array<{
            kind: string;
            title: { zh: string; en: string };
            body: { zh: string };
            data: { classId: string };
          }>;
        }>('GET', '/api/v1/notifications')
      ).items.filter((n) => n.data.classId === c.id);
    expect(await inboxOf(w.as.officer)).toEqual([]); // a draft is nobody's business yet

    await w.as.manager.call('POST', `/api/v1/classes/${c.id}/plan/file`);
    const [planFiled] = await inboxOf(w.as.officer);
    expect(planFiled).toMatchObject({ kind: 'filing.plan_filed' });
    expect(planFiled!.title.zh).toContain(`测试航海学校${w.code}`);
    expect(planFiled!.title.zh).toContain('报备通知班');
    expect(planFiled!.title.en).toContain(`N3-${w.code}`);
    // The first session in China time, as the officer's calendar reads it.
    expect(planFiled!.body.zh).toContain(`首次课 ${first} 08:30（北京时间）`);

    await w.as.manager.raw('POST', `/api/v1/classes/${c.id}/roster/import`, {
      rawBody: rosterCsv(trainees(1, 800)),
      headers: { 'content-type': 'text/csv' },
    });
    await w.as.manager.call('POST', `/api/v1/classes/${c.id}/roster/file`);
    const kinds = (await inboxOf(w.as.officer)).map((n) => n.kind).sort();
    expect(kinds).toEqual(['filing.plan_filed', 'filing.roster_filed']);
    expect((await inboxOf(w.as.officer)).find((n) => n.kind === 'filing.roster_filed')!.body.zh).toContain(
      `名册 1 人，首次课 ${first} 08:30（北京时间）`,
    );
    // The officer of another jurisdiction hears nothing of it.
    expect(await inboxOf(other.as.officer)).toEqual([]);
    // The configured channel (the signed webhook) carries it too.
    for (const kind of ['filing.plan_filed', 'filing.roster_filed']) {
      const hook = await until(() =>
        hooks.find((h) => h.body.kind === kind && h.body.recipient.username === w.usernames.officer),
      );
      expect(hook.valid).toBe(true);
    }
    expect(hooks.some((h) => h.body.recipient.username === other.usernames.officer)).toBe(false);
  });
});
