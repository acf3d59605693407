import { createAccessTokens, fixedClock, signingKeys } from '@seafarer/core';
import { createSigner } from 'fast-jwt';
import { startTestApp, type TestApp } from './helpers/app';
import { createWorld, type World } from './helpers/world';

/**
 * SEC-2: every kind of bad input gets a 4xx with a code and a zh-CN/en message, never a 5xx, and
 * changes nothing.
 */
let t: TestApp;
let w: World;
beforeAll(async () => {
  t = await startTestApp({ BODY_LIMIT_BYTES: '4096' });
  w = await createWorld(t);
});
afterAll(() => t.close());

type Attempt = {
  name: string;
  method: string;
  path: string;
  body?: unknown;
  rawBody?: string;
  headers?: Record<string, string>;
  token?: string | null;
};

const item = {
  code: 'Z77',
  nameZh: '测试',
  nameEn: 'Test',
  kind: 'theory',
  licensedScale: 10,
  syllabusHours: 8,
  syllabusVersion: '2021',
};

function attempts(): Attempt[] {
  const lic = `/api/v1/institutions/${w.institutionId}/licences`;
  const items = `/api/v1/licences/${w.licenceId}/training-items`;
  const patchItem = `/api/v1/training-items/${w.theoryItemId}`;
  const staff = `/api/v1/institutions/${w.institutionId}/staff`;
  const qual = `/api/v1/staff/${w.instructorId}/qualification`;
  const forged = createSigner({
    key: 'x'.repeat(40),
    algorithm: 'HS256',
    iss: 'seafarer-api',
    aud: 'seafarer',
  })({ sub: w.instructorId, sid: w.instructorId });
  const expired = createAccessTokens(
    signingKeys(t.config.JWT_SECRET).accessToken,
    60,
    fixedClock('2020-01-01T00:00:00Z'),
  ).sign({
    sub: w.instructorId,
    sid: w.instructorId,
  }).token;
  const unsigned = `${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${Buffer.from(JSON.stringify({ sub: w.instructorId, sid: w.instructorId })).toString('base64url')}.`;
  const big = 'x'.repeat(5000);
  const a: Attempt[] = [];
  for (const [path, method, good] of [
    [lic, 'POST', { number: 'BAD-1', issuedOn: '2025-01-01', expiresOn: '2026-01-01' }],
    [items, 'POST', item],
    [patchItem, 'PATCH', { licensedScale: 20 }],
    [
      staff,
      'POST',
      { username: 'bad.one', displayName: 'X', roles: ['instructor'], initialPassword: 'Harbour-Pilot-2026' },
    ],
    [qual, 'PUT', { teachingSince: '2010-01-01', certificates: [] }],
  ] as const) {
    a.push(
      { name: 'malformed JSON', method, path, rawBody: '{"number": "A", ' },
      { name: 'empty JSON body', method, path, rawBody: '' },
      { name: 'JSON array instead of object', method, path, rawBody: '[1,2,3]' },
      { name: 'unknown field', method, path, body: { ...good, isAdmin: true } },
      { name: 'oversized body', method, path, body: { ...good, padding: big } },
      {
        name: 'wrong content type',
        method,
        path,
        rawBody: 'number=1',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      },
      { name: 'no token', method, path, body: good, token: null },
      { name: 'forged token', method, path, body: good, token: forged },
      { name: 'expired token', method, path, body: good, token: expired },
      { name: 'alg=none token', method, path, body: good, token: unsigned },
      { name: 'garbage token', method, path, body: good, token: 'not.a.token' },
    );
  }
  a.push(
    {
      name: 'wrong type: number as string',
      method: 'POST',
      path: items,
      body: { ...item, licensedScale: '10' },
    },
    { name: 'wrong type: negative scale', method: 'POST', path: items, body: { ...item, licensedScale: -1 } },
    { name: 'wrong enum', method: 'POST', path: items, body: { ...item, kind: 'online' } },
    {
      name: 'impossible date',
      method: 'POST',
      path: lic,
      body: { number: 'BAD-2', issuedOn: '2025-02-30', expiresOn: '2026-01-01' },
    },
    {
      name: 'expiry before issue',
      method: 'POST',
      path: lic,
      body: { number: 'BAD-3', issuedOn: '2026-01-01', expiresOn: '2025-01-01' },
    },
    {
      name: 'future teaching-since',
      method: 'PUT',
      path: qual,
      body: { teachingSince: '2999-01-01', certificates: [] },
    },
    { name: 'empty patch', method: 'PATCH', path: patchItem, body: {} },
    {
      name: 'not a uuid in path',
      method: 'PATCH',
      path: '/api/v1/training-items/1%27%20or%201=1',
      body: { licensedScale: 20 },
    },
    {
      name: 'login with wrong types',
      method: 'POST',
      path: '/api/v1/auth/login',
      body: { username: 1, password: true },
      token: null,
    },
    {
      name: 'login malformed',
      method: 'POST',
      path: '/api/v1/auth/login',
      rawBody: '{username:',
      token: null,
    },
    {
      name: 'refresh with forged token',
      method: 'POST',
      path: '/api/v1/auth/refresh',
      body: { refreshToken: 'forged-refresh-token-value' },
      token: null,
    },
    { name: 'unknown route', method: 'GET', path: '/api/v1/nothing-here' },
  );
  return a;
}

async function snapshot(): Promise<string> {
  const a = w.as.platform;
  return JSON.stringify(
    await Promise.all([
      a.call('GET', `/api/v1/institutions/${w.institutionId}/licences`),
      a.call('GET', `/api/v1/institutions/${w.institutionId}/training-items`),
      a.call('GET', `/api/v1/institutions/${w.institutionId}/staff`),
      a.institutions.auditEvents(w.institutionId, { limit: 500 }),
    ]),
  );
}

describe('bad input', () => {
  it('[SEC-2] malformed JSON, wrong types, unknown fields, oversized bodies and bad tokens get a coded 4xx and change nothing', async () => {
    const before = await snapshot();
    const list = attempts();
    expect(list.length).toBeGreaterThan(60);
    const results: string[] = [];
    for (const at of list) {
      const client = at.token === undefined ? w.as.admin : t.client.withToken(at.token);
      const res = await client.raw(at.method, at.path, {
        body: at.body,
        rawBody: at.rawBody,
        headers: at.headers,
      });
      const body = res.body as { code?: string; message?: { zh?: string; en?: string }; requestId?: string };
      const ok =
        res.status >= 400 &&
        res.status < 500 &&
        !!body?.code &&
        !!body.message?.zh &&
        !!body.message?.en &&
        body.requestId === res.headers.get('x-request-id');
      if (!ok) results.push(`${at.name} ${at.method} ${at.path} -> ${res.status} ${res.text.slice(0, 200)}`);
    }
    expect(results).toEqual([]);
    expect(await snapshot()).toBe(before);
  });

  it('[SEC-2] each kind gets its own code', async () => {
    const lic = `/api/v1/institutions/${w.institutionId}/licences`;
    const cases: Array<[Attempt, number, string]> = [
      [{ name: '', method: 'POST', path: lic, rawBody: '{"number": ' }, 400, 'MALFORMED_JSON'],
      [
        {
          name: '',
          method: 'POST',
          path: lic,
          body: { number: 'X', issuedOn: '2025-01-01', expiresOn: '2026-01-01', extra: 1 },
        },
        400,
        'VALIDATION',
      ],
      [
        {
          name: '',
          method: 'POST',
          path: lic,
          body: { number: 'X'.repeat(5000), issuedOn: '2025-01-01', expiresOn: '2026-01-01' },
        },
        413,
        'PAYLOAD_TOO_LARGE',
      ],
      [
        { name: '', method: 'POST', path: lic, rawBody: 'a=1', headers: { 'content-type': 'text/plain' } },
        415,
        'UNSUPPORTED_MEDIA_TYPE',
      ],
      [{ name: '', method: 'GET', path: lic, token: null }, 401, 'UNAUTHENTICATED'],
      [{ name: '', method: 'GET', path: lic, token: 'a.b.c' }, 401, 'TOKEN_INVALID'],
      [
        {
          name: '',
          method: 'GET',
          path: lic,
          token: createAccessTokens(
            signingKeys(t.config.JWT_SECRET).accessToken,
            60,
            fixedClock('2020-01-01T00:00:00Z'),
          ).sign({
            sub: w.instructorId,
            sid: w.instructorId,
          }).token,
        },
        401,
        'TOKEN_EXPIRED',
      ],
    ];
    for (const [at, status, code] of cases) {
      const client = at.token === undefined ? w.as.admin : t.client.withToken(at.token);
      const res = await client.raw(at.method, at.path, {
        body: at.body,
        rawBody: at.rawBody,
        headers: at.headers,
      });
      expect(`${res.status} ${(res.body as { code: string }).code}`).toBe(`${status} ${code}`);
    }
  });

  it('[SEC-2] a validation error names the offending field', async () => {
    const res = await w.as.admin.raw('POST', `/api/v1/licences/${w.licenceId}/training-items`, {
      body: { ...item, licensedScale: '10' },
    });
    expect(res.status).toBe(400);
    expect(JSON.stringify((res.body as { details: unknown }).details)).toContain('/licensedScale');
  });
});

describe('rate limits', () => {
  it('[SEC-2] [TM-3] login attempts beyond the per-minute limit get 429 RATE_LIMITED from Redis-backed counters', async () => {
    const limited = await startTestApp({ LOGIN_RATE_LIMIT_PER_MINUTE: '3' });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 5; i++)
        statuses.push(
          (
            await limited.client.raw('POST', '/api/v1/auth/login', {
              body: { username: 'nobody', password: 'Nothing-1234' },
            })
          ).status,
        );
      expect(statuses).toEqual([401, 401, 401, 429, 429]);
      const res = await limited.client.raw('POST', '/api/v1/auth/login', {
        body: { username: 'nobody', password: 'Nothing-1234' },
      });
      expect(res.body).toMatchObject({
        code: 'RATE_LIMITED',
        message: { zh: expect.any(String), en: expect.any(String) },
      });
      expect(res.headers.get('retry-after')).toBeTruthy();
    } finally {
      await limited.close();
    }
  });
});
