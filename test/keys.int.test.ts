import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import { io as connect } from 'socket.io-client';
import { loadConfig } from '@seafarer/config';
import { createAccessTokens, createJoinGrants, signingKeys, systemClock } from '@seafarer/core';
import { createClient } from '@seafarer/sdk';
import { buildApp } from '../services/api/src/app';
import { buildLiveServer, type LiveServer } from '../services/live/src/app';
import { startTestApp, type TestApp } from './helpers/app';
import { movableClock } from './helpers/clock';
import { confirmedClass, freePorts, type ConfirmedClass } from './helpers/cluster';
import { NEW_PASSWORD, PASSWORD, platformAdmin } from './helpers/world';

/** Every line a logger writes, kept to be searched. */
function logSink() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      lines.push(...chunk.toString().split('\n').filter(Boolean));
      cb();
    },
  });
  return { lines, stream, text: () => lines.join('\n') };
}

const apiLog = logSink();
const liveLog = logSink();
let t: TestApp;
let live: LiveServer;
let liveUrl: string;
let cls: ConfirmedClass;

beforeAll(async () => {
  const storage = mkdtempSync(path.join(os.tmpdir(), 'seafarer-keys-'));
  const prefix = `test-${randomBytes(4).toString('hex')}`;
  live = await buildLiveServer({
    config: loadConfig({
      ...process.env,
      LIVE_WORKERS: '1',
      STORAGE_DIR: storage,
      QUEUE_PREFIX: prefix,
    }),
    log: pino({ level: 'debug' }, liveLog.stream),
  });
  liveUrl = `http://127.0.0.1:${await live.listen(0, '127.0.0.1')}`;
  // The API as startTestApp builds it, with its request log captured (info: every request is logged).
  const config = loadConfig({
    ...process.env,
    LOG_LEVEL: 'info',
    RATE_LIMIT_PER_MINUTE: '100000',
    LOGIN_RATE_LIMIT_PER_MINUTE: '100000',
    REFRESH_TOKEN_TTL_SECONDS: String(90 * 86_400),
    STORAGE_DIR: storage,
    QUEUE_PREFIX: prefix,
    LIVE_PUBLIC_URL: liveUrl,
  });
  const clock = movableClock();
  const app = await buildApp({
    config,
    clock,
    logger: { level: 'info', stream: apiLog.stream },
    rateLimitNamespace: `rl:test:${randomBytes(6).toString('hex')}:`,
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const baseUrl = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
  t = { app, config, baseUrl, client: createClient({ baseUrl }), close: () => app.close() };
  cls = await confirmedClass(t, clock, { code: 'K', name: '密钥测试班', rosterSeed: 700 });
}, 120_000);
afterAll(async () => {
  await live?.close();
  await t?.close();
}, 60_000);

/** Tries to join the live node with `grant`: 'admitted', or the refusal's code. */
function admission(grant: string): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(liveUrl, { auth: { grant }, transports: ['websocket'], reconnection: false });
    const done = (outcome: string) => {
      socket.close();
      resolve(outcome);
    };
    socket.on('admission.ready', () => done('admitted'));
    socket.on('connect_error', (e: Error & { data?: { code?: string } }) => done(e.data?.code ?? e.message));
  });
}

const claimsOf = async (who = cls.trainees[0]!) => {
  const me = await who.auth.me();
  return {
    sub: me.accountId,
    name: me.displayName,
    cls: cls.classId,
    ses: cls.sessionId,
    role: 'trainee' as const,
    hidden: false,
    end: Date.now() + 3_600_000,
    cap: 3,
    inst: cls.w.institutionId,
  };
};

describe('separate signing keys', () => {
  it('[SEC-3] an access token is refused as a join grant and as a replay link, and a join grant as an access token', async () => {
    const grant = (await cls.grant(cls.trainees[0]!)).grant;
    expect(await admission(grant)).toBe('admitted');
    const access = cls.trainees[0]!.token!;
    expect(await admission(access)).toBe('TOKEN_INVALID');
    const asBearer = await t.client.withToken(grant).raw('GET', '/api/v1/auth/me');
    expect(asBearer.status).toBe(401);
    expect(asBearer.body).toMatchObject({ code: 'TOKEN_INVALID' });
    const asReplay = await fetch(`${t.baseUrl}/replay/${access}`);
    expect(asReplay.status).toBe(401);
    expect(await asReplay.json()).toMatchObject({ code: 'TOKEN_INVALID' });
    // A grant is longer than any replay token: refused before it is even read (the router's parameter
    // limit), with a coded answer.
    const tooLong = await fetch(`${t.baseUrl}/replay/${grant}`);
    expect(tooLong.status).toBe(400);
    expect(await tooLong.json()).toMatchObject({ code: 'VALIDATION' });
  });

  it('[SEC-3] a grant signed with the access-token key or the master secret is refused by the live node; an access token signed with the join-grant key by the API', async () => {
    const master = t.config.JWT_SECRET;
    const keys = signingKeys(master);
    const claims = await claimsOf();
    expect(await admission(createJoinGrants(keys.joinGrant, systemClock).sign(claims).grant)).toBe(
      'admitted',
    );
    expect(await admission(createJoinGrants(keys.accessToken, systemClock).sign(claims).grant)).toBe(
      'TOKEN_INVALID',
    );
    expect(await admission(createJoinGrants(Buffer.from(master), systemClock).sign(claims).grant)).toBe(
      'TOKEN_INVALID',
    );
    const me = await cls.trainees[0]!.auth.me();
    const sid = (
      await cls.trainees[0]!.call<{ items: Array<{ id: string; current: boolean }> }>(
        'GET',
        '/api/v1/auth/sessions',
      )
    ).items.find((s) => s.current)!.id;
    const forge = (key: Buffer) =>
      createAccessTokens(key, 600, t.app.core.clock).sign({ sub: me.accountId, sid }).token;
    expect((await t.client.withToken(forge(keys.accessToken)).raw('GET', '/api/v1/auth/me')).status).toBe(
      200,
    );
    for (const key of [keys.joinGrant, keys.replayUrl, Buffer.from(master)]) {
      const res = await t.client.withToken(forge(key)).raw('GET', '/api/v1/auth/me');
      expect(res.status).toBe(401);
      expect(res.body).toMatchObject({ code: 'TOKEN_INVALID' });
    }
  });

  it('[SEC-3] [TM-4] the request logs hold no access or refresh token, join grant, replay token or ?token= value', async () => {
    const pair = await t.client.auth.login({ username: cls.issued[1]!.username, password: NEW_PASSWORD });
    const refreshed = await t.client.auth.refresh(pair.refreshToken);
    const api = t.client.withToken(refreshed.accessToken);
    const grant = (await cls.grant(api)).grant;
    expect(await admission(grant)).toBe('admitted');
    const queryToken = randomBytes(24).toString('base64url');
    expect((await api.raw('GET', '/api/v1/auth/me', { query: { token: queryToken } })).status).toBe(200);
    // A replay URL's shape: session.account.expiry.binding-hash.download.signature.
    const replayToken = [
      cls.sessionId,
      pair.account.accountId,
      '9999999999',
      randomBytes(32).toString('base64url'),
      '0',
    ]
      .concat(randomBytes(32).toString('base64url'))
      .join('.');
    expect((await fetch(`${t.baseUrl}/replay/${replayToken}?download=1`)).status).toBe(401);
    // pino writes asynchronously: let the last lines land.
    await new Promise((r) => setTimeout(r, 200));
    const text = apiLog.text();
    expect(text).toContain('"url":"/replay/[redacted]?download=1"');
    expect(text).toContain('token=[redacted]');
    for (const secret of [
      pair.accessToken,
      pair.refreshToken,
      refreshed.accessToken,
      refreshed.refreshToken,
      grant,
      queryToken,
      replayToken,
      replayToken.split('.').pop()!,
    ])
      expect(text).not.toContain(secret);
    expect(liveLog.text()).not.toContain(grant);
  });
});

describe('rate limits without Redis', () => {
  let redis: ChildProcess;
  let port: number;
  let own: TestApp;

  beforeAll(async () => {
    [port] = (await freePorts(1)) as [number];
    redis = spawn(
      'redis-server',
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      { stdio: 'ignore' },
    );
    // Up when it answers a PING.
    const { Redis } = await import('ioredis');
    for (let i = 0; ; i++) {
      const probe = new Redis({ port, host: '127.0.0.1', lazyConnect: true, retryStrategy: () => null });
      probe.on('error', () => {});
      try {
        await probe.connect();
        await probe.ping();
        probe.disconnect();
        break;
      } catch {
        probe.disconnect();
        if (i > 50) throw new Error('private redis-server did not start');
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    own = await startTestApp({ REDIS_URL: `redis://127.0.0.1:${port}/0` });
  }, 60_000);
  afterAll(async () => {
    await own?.close();
    if (redis && redis.exitCode === null) redis.kill('SIGTERM');
  });

  it('[TM-3] while Redis is down the login limit fails closed (coded 503, nobody signed in); the general limit stays open', async () => {
    const admin = await platformAdmin(own);
    expect((await admin.auth.me()).roles).toContain('platform_admin');
    const username = (await admin.auth.me()).username;
    // The same credentials sign in while Redis is up.
    const password = await own.client.auth
      .login({ username, password: PASSWORD })
      .then(() => PASSWORD)
      .catch(() => NEW_PASSWORD);
    expect(
      (await own.client.raw('POST', '/api/v1/auth/login', { body: { username, password } })).status,
    ).toBe(200);
    await new Promise<void>((resolve) => {
      redis.once('exit', () => resolve());
      redis.kill('SIGTERM');
    });
    const login = await own.client.raw('POST', '/api/v1/auth/login', {
      body: { username, password },
    });
    expect(login.status).toBe(503);
    expect(login.body).toMatchObject({ code: 'SERVICE_UNAVAILABLE' });
    expect((login.body as { message: { zh: string; en: string } }).message.zh).toMatch(/登录/);
    expect(login.text).not.toMatch(/accessToken|refreshToken/);
    expect(login.headers.get('retry-after')).toBeTruthy();
    // Everything else is only rate-limited while Redis is up: a signed-in request still works.
    const me = await admin.raw('GET', '/api/v1/auth/me');
    expect(me.status).toBe(200);
  }, 60_000);
});
