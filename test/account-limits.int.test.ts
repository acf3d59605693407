import { randomBytes } from 'node:crypto';
import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createSigner } from 'fast-jwt';
import type { Client, RawResponse } from '@seafarer/sdk';
import { WEB_PUBLIC_DIR } from '@seafarer/web';
import { startTestApp, type TestApp } from './helpers/app';
import { createWorld, NEW_PASSWORD, PASSWORD, signIn, type World } from './helpers/world';

// The main app: generous request limits (the world is built through it), 3 failures lock.
let t: TestApp;
let w: World;
beforeAll(async () => {
  t = await startTestApp({ LOGIN_MAX_FAILURES: '3', LOGIN_LOCK_MINUTES: '15' });
  w = await createWorld(t);
});
afterAll(() => t.close());

let staffCounter = 0;
/** A fresh instructor account, signed in once (its first password change done). */
async function newStaff(): Promise<{ username: string; accountId: string; client: Client }> {
  const username = `acct-${++staffCounter}-${w.code.toLowerCase()}`;
  const created = await w.as.admin.institutions.createStaff(w.institutionId, {
    username,
    displayName: `教员${staffCounter}`,
    roles: ['instructor'],
    initialPassword: PASSWORD,
    teachingSince: '2015-01-01',
  });
  return { username, accountId: created.accountId, client: await signIn(t.client, username) };
}

const login = (app: TestApp, username: string, password: string, headers: Record<string, string> = {}) =>
  app.client.raw('POST', '/api/v1/auth/login', { body: { username, password }, headers });
const changePassword = (c: Client, currentPassword: string, newPassword = 'Quarterdeck-Watch-2031') =>
  c.raw('POST', '/api/v1/auth/password', { body: { currentPassword, newPassword } });
const codeOf = (r: RawResponse) => `${r.status} ${(r.body as { code?: string }).code ?? ''}`.trim();
const audit = async (action: string) =>
  (await w.as.admin.institutions.auditEvents(w.institutionId, { action })).items;

/** What a failed login shows the caller: status, body without the request id, and its headers. */
function visible(r: RawResponse) {
  const { requestId, ...body } = r.body as { requestId?: string };
  expect(requestId).toEqual(expect.any(String));
  const headers = [...r.headers.keys()].filter(
    (h) => !['date', 'x-request-id', 'content-length'].includes(h),
  );
  return { status: r.status, body, headers: headers.sort() };
}

describe('[TM-3] the current password of a password change is counted like a sign-in', () => {
  it('[TM-3] wrong current passwords lock the account (coded), end the guessing session, and the right one is refused while locked', async () => {
    const staff = await newStaff();
    const guesser = staff.client;
    // The owner's other device, opened with the password before the guessing started.
    const owner = t.client.withToken(
      (await t.client.auth.login({ username: staff.username, password: NEW_PASSWORD })).accessToken,
    );

    expect(codeOf(await changePassword(guesser, 'Wrong-Guess-0001'))).toBe('401 INVALID_CREDENTIALS');
    expect(codeOf(await changePassword(guesser, 'Wrong-Guess-0002'))).toBe('401 INVALID_CREDENTIALS');
    const third = await changePassword(guesser, 'Wrong-Guess-0003');
    expect(codeOf(third)).toBe('423 ACCOUNT_LOCKED');
    const lockedUntil = Date.parse((third.body as { details: { lockedUntil: string } }).details.lockedUntil);
    expect(lockedUntil - Date.now()).toBeGreaterThan(14 * 60_000);
    expect((third.body as { message: { zh: string; en: string } }).message.zh).toMatch(/锁定/);

    // The session that guessed is over; the owner's other session keeps working…
    expect(codeOf(await guesser.raw('GET', '/api/v1/auth/me'))).toBe('401 SESSION_ENDED');
    expect((await owner.auth.me()).username).toBe(staff.username);
    // …but while locked neither a password change nor a sign-in goes through, even with the right password.
    expect(codeOf(await changePassword(owner, NEW_PASSWORD))).toBe('423 ACCOUNT_LOCKED');
    expect(codeOf(await login(t, staff.username, NEW_PASSWORD))).toBe('423 ACCOUNT_LOCKED');

    const failed = (await audit('auth.password_change_failed')).filter((e) => e.targetId === staff.accountId);
    expect(failed).toHaveLength(2);
    const locked = (await audit('auth.account_locked')).find((e) => e.targetId === staff.accountId);
    expect(locked?.data).toMatchObject({ via: 'password_change', failures: 3 });

    await w.as.admin.staff.unlock(staff.accountId);
    expect(codeOf(await changePassword(owner, NEW_PASSWORD))).toBe('200');
  });

  it('[TM-3] the counter is shared: failed sign-ins and wrong current passwords add up to one lock', async () => {
    const staff = await newStaff();
    expect(codeOf(await login(t, staff.username, 'Wrong-Guess-0001'))).toBe('401 INVALID_CREDENTIALS');
    expect(codeOf(await login(t, staff.username, 'Wrong-Guess-0002'))).toBe('401 INVALID_CREDENTIALS');
    expect(codeOf(await changePassword(staff.client, 'Wrong-Guess-0003'))).toBe('423 ACCOUNT_LOCKED');
    expect(codeOf(await login(t, staff.username, NEW_PASSWORD))).toBe('423 ACCOUNT_LOCKED');
  });
});

describe('[SEC-1] a failed sign-in does not tell whether the account exists', () => {
  it('[SEC-1] unknown name, wrong password, locked and disabled accounts get one identical answer; only the right password hears why', async () => {
    const plain = await newStaff();
    const locked = await newStaff();
    const disabled = await newStaff();
    for (let i = 0; i < 3; i++) await login(t, locked.username, `Wrong-Guess-000${i}`);
    await w.as.admin.call('PATCH', `/api/v1/staff/${disabled.accountId}`, { body: { status: 'disabled' } });

    const answers = {
      unknown: await login(t, `nobody-${w.code.toLowerCase()}`, 'Wrong-Guess-0009'),
      wrongPassword: await login(t, plain.username, 'Wrong-Guess-0009'),
      locked: await login(t, locked.username, 'Wrong-Guess-0009'),
      disabled: await login(t, disabled.username, 'Wrong-Guess-0009'),
    };
    const expected = visible(answers.unknown);
    expect(expected.status).toBe(401);
    expect(expected.body).toEqual({
      code: 'INVALID_CREDENTIALS',
      message: { zh: '用户名或密码错误', en: 'Wrong username or password' },
    });
    for (const [kind, answer] of Object.entries(answers))
      expect({ kind, ...visible(answer) }).toEqual({ kind, ...expected });

    const lockedRight = await login(t, locked.username, NEW_PASSWORD);
    expect(codeOf(lockedRight)).toBe('423 ACCOUNT_LOCKED');
    expect((lockedRight.body as { details: { lockedUntil: string } }).details.lockedUntil).toEqual(
      expect.any(String),
    );
    expect(codeOf(await login(t, disabled.username, NEW_PASSWORD))).toBe('403 ACCOUNT_DISABLED');
  });

  it('[SEC-1] an unknown name costs the same password check as a known one (similar timing)', async () => {
    const known = await newStaff();
    const median = async (username: string) => {
      const ms: number[] = [];
      for (let i = 0; i < 5; i++) {
        const started = performance.now();
        await login(t, username, `Wrong-Timing-${i}`);
        ms.push(performance.now() - started);
        // Stay below the lock: a locked account is checked only for a while (see the next test).
        if (username === known.username && i % 2 === 1) await w.as.admin.staff.unlock(known.accountId);
      }
      return ms.sort((a, b) => a - b)[2]!;
    };
    const knownMs = await median(known.username);
    const unknownMs = await median(`ghost-${w.code.toLowerCase()}`);
    // Without the dummy check an unknown name answers in ~2 ms against ~30+ ms for argon2.
    expect(unknownMs / knownMs).toBeGreaterThan(0.5);
    expect(unknownMs / knownMs).toBeLessThan(2);
  });

  it('[SEC-1] while locked, only another LOGIN_MAX_FAILURES guesses are checked; then even the right password hears the generic answer', async () => {
    const staff = await newStaff();
    for (let i = 0; i < 6; i++)
      expect(codeOf(await login(t, staff.username, `Wrong-Guess-00${i}`))).toBe('401 INVALID_CREDENTIALS');
    // Six failures: three to lock, three more checked during the lock. Nothing is tested now.
    expect(codeOf(await login(t, staff.username, NEW_PASSWORD))).toBe('401 INVALID_CREDENTIALS');
    const failures = (await audit('auth.login_failed')).filter((e) => e.targetId === staff.accountId);
    expect(failures.some((e) => (e.data as { checked?: boolean }).checked === false)).toBe(true);
    await w.as.admin.staff.unlock(staff.accountId);
    expect(codeOf(await login(t, staff.username, NEW_PASSWORD))).toBe('200');
  });
});

describe('[SEC-1] rate limits by account, by address only when anonymous, proxies trusted by setting', () => {
  // Small limits; the local address is the trusted proxy, so X-Forwarded-For names the client.
  let p: TestApp;
  // The same limits, with a proxy that is not the one the requests come from.
  let u: TestApp;
  beforeAll(async () => {
    p = await startTestApp({
      RATE_LIMIT_PER_MINUTE: '5',
      LOGIN_RATE_LIMIT_PER_MINUTE: '3',
      TRUST_PROXY: '127.0.0.1',
    });
    u = await startTestApp({ RATE_LIMIT_PER_MINUTE: '5', TRUST_PROXY: '10.9.9.9' });
  });
  afterAll(async () => {
    await p?.close();
    await u?.close();
  });

  const from = (ip: string) => ({ 'x-forwarded-for': ip });
  const tokenOf = async (username: string) =>
    (await t.client.auth.login({ username, password: NEW_PASSWORD })).accessToken;
  const statuses = async (n: number, send: () => Promise<RawResponse>) => {
    const out: number[] = [];
    for (let i = 0; i < n; i++) out.push((await send()).status);
    return out;
  };

  it('[SEC-1] two signed-in accounts behind one address have their own budgets; a forged token spends the address’s', async () => {
    const [a, b] = [await newStaff(), await newStaff()];
    const [ta, tb] = [await tokenOf(a.username), await tokenOf(b.username)];
    const meAs = (token: string, headers: Record<string, string> = {}) =>
      p.client.raw('GET', '/api/v1/auth/me', { token, headers });

    // A spends its five requests from two addresses: the budget follows the account.
    expect(await statuses(3, () => meAs(ta, from('10.20.0.1')))).toEqual([200, 200, 200]);
    expect(await statuses(2, () => meAs(ta, from('10.20.0.2')))).toEqual([200, 200]);
    const refused = await meAs(ta, from('10.20.0.1'));
    expect(codeOf(refused)).toBe('429 RATE_LIMITED');
    // B, behind the same address, is still served.
    expect((await meAs(tb, from('10.20.0.1'))).status).toBe(200);

    // A token that claims to be B but is not signed with the API's key counts against its address.
    const forged = createSigner({
      key: randomBytes(32),
      algorithm: 'HS256',
      iss: 'seafarer-api',
      aud: 'seafarer',
    })({
      sub: b.accountId,
      sid: randomBytes(16).toString('hex'),
    });
    expect(await statuses(6, () => meAs(forged, from('10.20.0.9')))).toEqual([401, 401, 401, 401, 401, 429]);
    expect((await meAs(tb, from('10.20.0.9'))).status).toBe(200);
  });

  it('[SEC-1] anonymous requests are keyed by address, X-Forwarded-For believed only from a trusted proxy', async () => {
    const anon = (app: TestApp, ip: string) =>
      app.client.raw('GET', '/api/v1/auth/me', { headers: from(ip) }).then((r) => codeOf(r));
    expect(
      await statuses(5, () => p.client.raw('GET', '/api/v1/auth/me', { headers: from('10.30.0.1') })),
    ).toEqual([401, 401, 401, 401, 401]);
    expect(await anon(p, '10.30.0.1')).toBe('429 RATE_LIMITED');
    expect(await anon(p, '10.30.0.2')).toBe('401 UNAUTHENTICATED');

    // From an untrusted peer the header is ignored: five different claimed addresses share one bucket.
    for (let i = 1; i <= 5; i++) expect(await anon(u, `10.40.0.${i}`)).toBe('401 UNAUTHENTICATED');
    expect(await anon(u, '10.40.0.6')).toBe('429 RATE_LIMITED');
  });

  it('[SEC-1] /healthz and /readyz are never rate-limited', async () => {
    // `u`'s one address has spent its budget in the test before (or does now).
    await statuses(6, () => u.client.raw('GET', '/api/v1/auth/me'));
    expect(codeOf(await u.client.raw('GET', '/api/v1/auth/me'))).toBe('429 RATE_LIMITED');
    for (let i = 0; i < 20; i++) {
      for (const probe of ['/healthz', '/readyz']) {
        const r = await u.client.raw('GET', probe);
        expect({ probe, status: r.status }).toEqual({ probe, status: 200 });
        expect(r.headers.get('x-ratelimit-limit')).toBeNull();
      }
    }
  });

  it('[SEC-1] sign-in attempts are counted per username from all addresses, known or unknown alike', async () => {
    const known = await newStaff();
    const unknown = `nobody-else-${w.code.toLowerCase()}`;
    // Each attempt from another address: the per-address limit (also 3) never trips.
    let n = 0;
    const attempts = (username: string) =>
      statuses(4, () => login(p, username, 'Wrong-Guess-0001', from(`10.50.0.${++n}`)));
    const knownAnswers = await attempts(known.username);
    const unknownAnswers = await attempts(unknown);
    expect(knownAnswers).toEqual([401, 401, 401, 429]);
    expect(unknownAnswers).toEqual(knownAnswers);
    // Another name from a fresh address signs in.
    const other = await newStaff();
    expect(codeOf(await login(p, other.username, NEW_PASSWORD, from('10.70.0.1')))).toBe('200');
  });

  it('[TM-3] password changes are limited per account like sign-ins, before any password is checked', async () => {
    const [a, b] = [await newStaff(), await newStaff()];
    const asA = p.client.withToken(await tokenOf(a.username));
    // LOGIN_RATE_LIMIT_PER_MINUTE is 3 here, LOGIN_MAX_FAILURES the default 5: the limit comes first.
    const answers = await Promise.all(
      [1, 2, 3, 4].map((i) => changePassword(asA, `Wrong-Guess-000${i}`).then(codeOf)),
    );
    expect(answers.sort()).toEqual([
      '401 INVALID_CREDENTIALS',
      '401 INVALID_CREDENTIALS',
      '401 INVALID_CREDENTIALS',
      '429 RATE_LIMITED',
    ]);
    const asB = p.client.withToken(await tokenOf(b.username));
    expect(codeOf(await changePassword(asB, 'Wrong-Guess-0009'))).toBe('401 INVALID_CREDENTIALS');
  });

  it('[SEC-1] HSTS and upgrade-insecure-requests only over HTTPS (as a trusted proxy reports it)', async () => {
    // /healthz carries the same security headers as every answer, and no rate limit gets in the way.
    const page = (app: TestApp, headers: Record<string, string>) =>
      app.client.raw('GET', '/healthz', { headers: { ...headers, ...from('10.80.0.1') } });
    const viaTls = await page(p, { 'x-forwarded-proto': 'https' });
    expect(viaTls.status).toBe(200);
    expect(viaTls.headers.get('strict-transport-security')).toMatch(/max-age=\d+/);
    expect(viaTls.headers.get('content-security-policy')).toMatch(/upgrade-insecure-requests/);

    for (const plainHttp of [await page(p, {}), await page(u, { 'x-forwarded-proto': 'https' })]) {
      expect(plainHttp.status).toBe(200);
      expect(plainHttp.headers.get('strict-transport-security')).toBeNull();
      expect(plainHttp.headers.get('content-security-policy')).toMatch(/script-src 'self'/);
      expect(plainHttp.headers.get('content-security-policy')).not.toMatch(/upgrade-insecure-requests/);
    }
  });
});

describe('[SEC-1] production serves no source maps', () => {
  const buildDir = path.join(WEB_PUBLIC_DIR, 'build');
  const probe = `probe-${randomBytes(4).toString('hex')}.js.map`;
  let prod: TestApp;
  beforeAll(async () => {
    prod = await startTestApp({
      NODE_ENV: 'production',
      JWT_SECRET: randomBytes(32).toString('hex'),
      PII_KEY: randomBytes(32).toString('hex'),
    });
  });
  afterAll(async () => {
    await rm(path.join(buildDir, probe), { force: true });
    await prod?.close();
  });

  it('[SEC-1] the web build writes no source maps', async () => {
    const files = await readdir(buildDir);
    expect(files).toContain('room-page.js');
    expect(files.filter((f) => f.endsWith('.map'))).toEqual([]);
    expect(await readFile(path.join(buildDir, 'room-page.js'), 'utf8')).not.toMatch(/sourceMappingURL/);
  });

  it('[SEC-1] in production a map file left in the build is not served (elsewhere it is)', async () => {
    await writeFile(path.join(buildDir, probe), '{"version":3,"sources":["secret.ts"]}');
    expect((await t.client.raw('GET', `/app/build/${probe}`)).status).toBe(200);
    const r = await prod.client.raw('GET', `/app/build/${probe}`);
    expect(r.status).toBe(404);
    expect(r.text).not.toMatch(/secret\.ts/);
    expect((await prod.client.raw('GET', '/app/build/room-page.js')).status).toBe(200);
  });
});
