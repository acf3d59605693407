import Fastify from 'fastify';
import { sql } from 'drizzle-orm';
import type { Client } from '@seafarer/sdk';
import { dropDatabase, runMigrations } from '@seafarer/db';
import { STORABLE_TEXT_PATTERN } from '@seafarer/contracts';
import type { RouteEntry } from '../services/api/src/plugins/access';
import errorHandling from '../services/api/src/plugins/errors';
import { startTestApp, type TestApp } from './helpers/app';
import {
  addChecksFixture,
  addIdentityFixture,
  addLiveRecordsFixture,
  createWorld,
  type World,
} from './helpers/world';
import { addExamSweepFixture } from './helpers/exams';
import { residentId, rosterCsv } from './helpers/roster';

/**
 * SEC-2: never a 500 for bad input. Generated from the route table and each route's schemas: for every
 * route, every string field of its body, query and path is sent with NUL and with unpaired surrogates,
 * every integer field with values beyond what an int4 column holds (and a fraction), every date with a
 * year PostgreSQL has no room for. Each answer must be a coded 4xx; where the caller may call the route,
 * a body or query field must be refused by validation (400 VALIDATION naming the field, not 403), and
 * after the whole sweep every row of every table must be what it was. The test runs on a database of
 * its own, so that "every table" means every table.
 */
let t: TestApp;
let dbUrl: string;
let w: World;
/** Signed-in callers by role name, one per role of the platform. */
let callers: Record<string, Client>;
/** Path parameter -> a real id of the world's data, so that access passes and validation is reached. */
let ids: Record<string, string>;

beforeAll(async () => {
  const url = new URL(process.env.DATABASE_URL!);
  url.pathname = `${url.pathname}_sec2`;
  dbUrl = url.toString();
  await runMigrations(dbUrl);
  t = await startTestApp({ DATABASE_URL: dbUrl });
  w = await createWorld(t);
  const identity = await addIdentityFixture(t, w);
  await addLiveRecordsFixture(t, w, identity);
  const checks = await addChecksFixture(t, w, identity);
  const exam = await addExamSweepFixture(t, w, identity);
  callers = {
    platform_admin: w.as.platform,
    institution_admin: w.as.admin,
    class_manager: w.as.manager,
    instructor: w.as.instructor,
    maritime_officer: w.as.officer,
    trainee: identity.trainee,
  };
  const replay = await w.as.manager.call<{ url: string }>(
    'POST',
    `/api/v1/classes/${identity.classId}/sessions/${identity.sessionId}/replay-url`,
  );
  ids = {
    institutionId: w.institutionId,
    licenceId: w.licenceId,
    itemId: w.theoryItemId,
    accountId: w.instructorId,
    classId: identity.classId,
    sessionId: identity.sessionId,
    version: '1',
    entryId: identity.entryId,
    verificationId: identity.verificationId,
    evidenceId: identity.stillId,
    ...checks,
    ...exam,
    traineeId: identity.traineeAccountId,
    token: replay.url.replace(/^\/replay\//, ''),
  };
});
afterAll(async () => {
  await t?.close();
  if (dbUrl && !process.env.KEEP_TEST_DB) await dropDatabase(dbUrl);
});

type Schema = Record<string, unknown> & {
  type?: string | string[];
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  anyOf?: Schema[];
  pattern?: string;
  format?: string;
};

/** A leaf of a request schema: where it sits (a JSON pointer) and what it is. */
interface Leaf {
  pointer: string;
  kind: 'string' | 'integer' | 'number';
  schema: Schema;
}

const isNull = (s: Schema) => s.type === 'null';
const isLiteralUnion = (s: Schema) => !!s.anyOf && s.anyOf.every((b) => b.const !== undefined);

/** Strings that fit the whitelist patterns of the contracts; the first that fits a pattern is used. */
const PATTERN_SAMPLES = [
  '08:30',
  'C1',
  'JX',
  '913200000000000000',
  'abc',
  '13800000000',
  '1',
  // A sponsor's invitation token (JS-14).
  'sponsorTokenSample_0123456789',
];

function sampleString(s: Schema): string {
  if (s.const !== undefined) return String(s.const);
  const min = (s.minLength as number | undefined) ?? 1;
  switch (s.format) {
    case 'uuid':
      return '00000000-0000-4000-8000-000000000000';
    case 'date':
      return '2030-01-01';
    case 'date-time':
      return '2030-01-01T00:00:00.000Z';
    case 'email':
      return 'someone@example.cn';
  }
  if (!s.pattern || s.pattern === STORABLE_TEXT_PATTERN) return 'x'.repeat(min);
  const fit = PATTERN_SAMPLES.find((x) => new RegExp(s.pattern!, 'u').test(x) && x.length >= min);
  if (!fit) throw new Error(`The SEC-2 sweep has no sample string for pattern ${s.pattern}; add one`);
  return fit;
}

/**
 * A value valid for `s` (every optional field filled in, one item per array), and the string and
 * integer leaves under it. The sweep replaces one leaf at a time, so that it is the only thing wrong.
 */
function walk(s: Schema, pointer: string, leaves: Leaf[]): unknown {
  if (s.anyOf) {
    if (isLiteralUnion(s)) {
      const v = s.anyOf[0]!.const;
      if (typeof v === 'string') leaves.push({ pointer, kind: 'string', schema: s });
      return v;
    }
    return walk(
      s.anyOf.find((b) => !isNull(b))!,
      pointer,
      leaves,
    );
  }
  if (s.const !== undefined) {
    if (typeof s.const === 'string') leaves.push({ pointer, kind: 'string', schema: s });
    return s.const;
  }
  const type = Array.isArray(s.type) ? s.type[0] : s.type;
  switch (type) {
    case 'object': {
      const out: Record<string, unknown> = {};
      for (const [k, sub] of Object.entries(s.properties ?? {}))
        out[k] = walk(sub, `${pointer}/${k}`, leaves);
      return out;
    }
    case 'array':
      return [...Array(Math.max(1, (s.minItems as number | undefined) ?? 1)).keys()].map((i) =>
        walk(s.items!, `${pointer}/${i}`, i === 0 ? leaves : []),
      );
    case 'string':
      leaves.push({ pointer, kind: 'string', schema: s });
      return sampleString(s);
    case 'integer':
      leaves.push({ pointer, kind: 'integer', schema: s });
      return Math.max(1, (s.minimum as number | undefined) ?? 1);
    case 'number':
      leaves.push({ pointer, kind: 'number', schema: s });
      return Math.max(1, (s.minimum as number | undefined) ?? 1);
    case 'boolean':
      return true;
    default:
      return {};
  }
}

/** What each kind of leaf is tried with. */
const BAD_STRINGS: Array<[string, string]> = [
  ['NUL', '\u0000'],
  ['NUL inside text', 'ab\u0000cd'],
  ['lone high surrogate', '\uD800'],
  ['lone low surrogate', 'x\uDC00'],
  ['surrogates reversed', '\uDC00\uD800'],
];
const INT4_MAX = 2147483647;
const BAD_INTEGERS: Array<[string, number]> = [
  ['int4 max + 1', 2147483648],
  ['int4 min - 1', -2147483649],
  ['1e20', 1e20],
  ['a fraction', 1.5],
];
/**
 * Integer fields whose column is a bigint (read as a JS number): they hold more than int4, up to
 * 2^53 - 1. Every other integer field must be bounded within int4.
 */
const BIGINT_FIELDS = ['GET /api/v1/institutions/:institutionId/audit-events querystring/beforeSeq'];
/** The bad integers of one field: a value the field may legally hold (a bigint's 2^31) is no bad value. */
const badIntegersOf = (s: Schema) =>
  BAD_INTEGERS.filter(
    ([, v]) =>
      !Number.isInteger(v) ||
      v > ((s.maximum as number | undefined) ?? INT4_MAX) ||
      v < ((s.minimum as number | undefined) ?? -INT4_MAX - 1),
  );
/** A number field (a double precision column holds any JSON number): beyond the bounds it declares. */
const badNumbersOf = (s: Schema): Array<[string, number]> => [
  ...(s.maximum !== undefined ? [['1e20', 1e20] as [string, number]] : []),
  ...(s.minimum !== undefined || s.exclusiveMinimum !== undefined
    ? [['-1e20', -1e20] as [string, number]]
    : []),
];
/** The bad values of a numeric leaf. */
const badNumericOf = (leaf: Leaf) =>
  leaf.kind === 'integer' ? badIntegersOf(leaf.schema) : badNumbersOf(leaf.schema);
/** In a URL: NUL, and an unpaired surrogate as UTF-8 would spell it (CESU-8; not valid UTF-8). */
const BAD_URL_STRINGS: Array<[string, string]> = [
  ['NUL', '%00'],
  ['NUL inside text', 'ab%00cd'],
  ['lone surrogate', '%ED%A0%80'],
];
const badUrlNumericOf = (leaf: Leaf): Array<[string, string]> =>
  badNumericOf(leaf).map(([label, v]) => [label, String(v)]);
/** Longer than the router takes (its maxParamLength is 300). */
const TOO_LONG = 'x'.repeat(400);

/** `value` at `pointer` of a copy of `base`. */
function replaced(base: unknown, pointer: string, value: unknown): unknown {
  if (pointer === '') return value;
  const copy = structuredClone(base) as Record<string, unknown>;
  const keys = pointer.slice(1).split('/');
  let at: Record<string, unknown> = copy;
  for (const k of keys.slice(0, -1)) at = at[k] as Record<string, unknown>;
  at[keys.at(-1)!] = value;
  return copy;
}

const query = (q: Record<string, string>) =>
  Object.entries(q)
    .map(([k, v]) => `${k}=${v}`)
    .join('&');

interface Probe {
  route: RouteEntry;
  part: 'body' | 'querystring' | 'params';
  field: string;
  label: string;
  path: string;
  body?: unknown;
}

/** The roles a route admits (public routes: anyone, signed in or not). */
const rolesOf = (r: RouteEntry): readonly string[] | 'public' =>
  r.access === 'public' ? 'public' : 'capability' in r.access ? 'public' : r.access.roles;

/** Every probe of one route, built from its schemas. */
function probesOf(route: RouteEntry): Probe[] {
  const schema = (route.schema ?? {}) as { body?: Schema; querystring?: Schema; params?: Schema };
  const params: Record<string, string> = {};
  const paramLeaves: Leaf[] = [];
  if (schema.params) walk(schema.params, '', paramLeaves);
  const pathWith = (name?: string, value?: string) =>
    route.url.replace(/:([A-Za-z]+)/g, (_m, p: string) => {
      if (p === name) return value!;
      const id = ids[p] ?? params[p];
      if (!id)
        throw new Error(`The SEC-2 sweep has no fixture for path parameter :${p} (${route.url}); add one`);
      return encodeURIComponent(id);
    });
  const baseQuery: Record<string, string> = {};
  const queryLeaves: Leaf[] = [];
  if (schema.querystring) {
    const q = walk(schema.querystring, '', queryLeaves) as Record<string, unknown>;
    // Only the required ones: an optional filter left out is the ordinary call.
    for (const k of schema.querystring.required ?? []) baseQuery[k] = encodeURIComponent(String(q[k]));
  }
  const url = (q: Record<string, string>, p = pathWith()) => (Object.keys(q).length ? `${p}?${query(q)}` : p);
  const bodyLeaves: Leaf[] = [];
  const baseBody = schema.body ? walk(schema.body, '', bodyLeaves) : undefined;
  const out: Probe[] = [];
  for (const leaf of bodyLeaves) {
    const bad: Array<[string, unknown]> = leaf.kind === 'string' ? [...BAD_STRINGS] : badNumericOf(leaf);
    if (leaf.schema.format === 'date') bad.push(['year 0000', '0000-01-01']);
    if (leaf.schema.format === 'uuid')
      bad.push(['urn:uuid: prefix', `urn:uuid:${sampleString(leaf.schema)}`]);
    for (const [label, value] of bad)
      out.push({
        route,
        part: 'body',
        field: leaf.pointer,
        label,
        path: url(baseQuery),
        body: replaced(baseBody, leaf.pointer, value),
      });
  }
  for (const leaf of queryLeaves) {
    const name = leaf.pointer.slice(1);
    const bad: Array<[string, string]> =
      leaf.kind === 'string' ? [...BAD_URL_STRINGS] : badUrlNumericOf(leaf);
    if (leaf.schema.format === 'date') bad.push(['year 0000', '0000-01-01']);
    for (const [label, value] of bad)
      out.push({
        route,
        part: 'querystring',
        field: leaf.pointer,
        label,
        path: url({ ...baseQuery, [name]: value }),
        body: baseBody,
      });
  }
  for (const leaf of paramLeaves) {
    const name = leaf.pointer.slice(1);
    const bad: Array<[string, string]> =
      leaf.kind === 'string' ? [...BAD_URL_STRINGS, ['too long', TOO_LONG]] : badUrlNumericOf(leaf);
    for (const [label, value] of bad)
      out.push({
        route,
        part: 'params',
        field: leaf.pointer,
        label,
        path: url(baseQuery, pathWith(name, value)),
        body: baseBody,
      });
  }
  return out;
}

/** Every row of every table of the database (the table list read from the catalogue). */
async function snapshot(): Promise<Map<string, string[]>> {
  const db = t.app.core.db;
  const tables = await db.execute<{ name: string }>(
    sql`select table_name as name from information_schema.tables
        where table_schema = 'public' and table_type = 'BASE TABLE' order by 1`,
  );
  const out = new Map<string, string[]>();
  for (const { name } of tables.rows) {
    const rows = await db.execute<{ r: string }>(
      sql.raw(`select to_jsonb(x)::text as r from "${name.replace(/"/g, '""')}" x order by 1`),
    );
    out.set(
      name,
      rows.rows.map((r) => r.r),
    );
  }
  return out;
}

function changes(before: Map<string, string[]>, after: Map<string, string[]>): string[] {
  const out: string[] = [];
  for (const table of new Set([...before.keys(), ...after.keys()])) {
    const b = new Set(before.get(table) ?? []);
    const a = new Set(after.get(table) ?? []);
    for (const r of b) if (!a.has(r)) out.push(`${table}: - ${r.slice(0, 300)}`);
    for (const r of a) if (!b.has(r)) out.push(`${table}: + ${r.slice(0, 300)}`);
  }
  return out;
}

type ErrorAnswer = {
  code?: string;
  message?: { zh?: string; en?: string };
  details?: Array<{ in?: string; path?: string; rule?: string }>;
};

/** The routes of the API and the replay capability route, each with the caller that may call it. */
function sweptRoutes(): Array<{ route: RouteEntry; caller: Client; role: string }> {
  return t.app.routeTable
    .filter((r) => r.url.startsWith('/api/') || r.url.startsWith('/replay/'))
    .map((route) => {
      const roles = rolesOf(route);
      if (roles === 'public') return { route, caller: t.client, role: 'anyone' };
      const role = Object.keys(callers).find((r) => roles.includes(r));
      if (!role) throw new Error(`No caller of the SEC-2 sweep may call ${route.method} ${route.url}`);
      return { route, caller: callers[role]!, role };
    });
}

describe('bad input, generated from the route table', () => {
  it('[SEC-2] every string field of every route refuses NUL and unpaired surrogates, every integer field values beyond int4 and fractions: a coded 4xx, validation reached, nothing changed', async () => {
    const routes = sweptRoutes();
    expect(routes.length).toBeGreaterThanOrEqual(50);
    const before = await snapshot();
    expect(before.size).toBeGreaterThanOrEqual(25);
    const failures: string[] = [];
    // Every integer field is bounded by what its column holds.
    for (const { route } of routes)
      for (const [part, schema] of Object.entries(
        (route.schema ?? {}) as Record<string, Schema | undefined>,
      ).filter(([k]) => ['body', 'querystring', 'params'].includes(k))) {
        const leaves: Leaf[] = [];
        walk(schema!, '', leaves);
        for (const leaf of leaves.filter((l) => l.kind === 'integer')) {
          const name = `${route.method} ${route.url} ${part}${leaf.pointer}`;
          const max = leaf.schema.maximum as number | undefined;
          if (max === undefined || (max > INT4_MAX && !BIGINT_FIELDS.includes(name)))
            failures.push(`${name}: maximum ${max} is more than an int4 column holds`);
        }
      }
    const reached = new Set<string>();
    const fields = new Set<string>();
    let probes = 0;
    for (const { route, caller, role } of routes) {
      for (const p of probesOf(route)) {
        probes++;
        fields.add(`${route.method} ${route.url} ${p.part}${p.field}`);
        const res = await caller.raw(route.method, p.path, { body: p.body });
        const body = res.body as ErrorAnswer;
        const where = `${route.method} ${route.url} ${p.part}${p.field} (${p.label}) as ${role} -> ${res.status} ${res.text.slice(0, 160)}`;
        if (p.part === 'querystring' && p.label === 'lone surrogate' && res.status < 400) {
          // A URL cannot carry half a surrogate pair: the query decoder makes it storable text, and an
          // answer that found nothing for it is right (the snapshot below shows it changed nothing).
          continue;
        }
        if (res.status < 400 || res.status >= 500) {
          failures.push(`${where}: expected a 4xx`);
          continue;
        }
        if (!body?.code || !body.message?.zh || !body.message?.en) {
          failures.push(`${where}: no code or message`);
          continue;
        }
        if (p.part === 'params') {
          // Access is decided before validation: a path id that names nothing is NOT_FOUND, which is
          // also what a caller of another tenant gets; the capability route has no access step.
          const expected = rolesOf(route) === 'public' ? ['VALIDATION'] : ['VALIDATION', 'NOT_FOUND'];
          if (!expected.includes(body.code)) failures.push(`${where}: expected ${expected.join(' or ')}`);
          if (body.code === 'VALIDATION') reached.add(`${route.method} ${route.url}`);
          continue;
        }
        const first = body.details?.[0];
        if (res.status !== 400 || body.code !== 'VALIDATION') {
          failures.push(`${where}: expected 400 VALIDATION (validation reached)`);
          continue;
        }
        reached.add(`${route.method} ${route.url}`);
        const field = `${p.part}${p.field}`;
        if (first?.in !== p.part || (first.path ?? '') !== (p.field || '/'))
          failures.push(`${where}: the refusal names ${first?.in}${first?.path}, not ${field}`);
        if (!body.message.zh.includes(field) || !body.message.en.includes(field))
          failures.push(`${where}: the message does not name ${field}`);
      }
    }
    expect(failures).toEqual([]);
    expect(changes(before, await snapshot())).toEqual([]);
    // The sweep is what it claims: many fields, and validation reached on every route that has one.
    expect(probes).toBeGreaterThan(500);
    expect(fields.size).toBeGreaterThan(100);
    const withInput = routes.filter(({ route }) => {
      const schema = route.schema as { body?: unknown; querystring?: unknown } | undefined;
      return schema?.body !== undefined || schema?.querystring !== undefined;
    });
    expect(withInput.length).toBeGreaterThanOrEqual(25);
    expect(
      withInput.filter(({ route }) => !reached.has(`${route.method} ${route.url}`)).map((r) => r.route.url),
    ).toEqual([]);
  });
});

describe('bad input: the two cases found', () => {
  it('[SEC-2] a NUL byte or an unpaired surrogate in a group message is a 400 VALIDATION naming body/body, and no message is stored', async () => {
    const path = `/api/v1/classes/${ids.classId}/messages`;
    const before = await w.as.manager.call<{ items: unknown[] }>('GET', path);
    for (const text of ['\u0000', 'hello\u0000world', '\uD800', 'x\uDFFFy']) {
      const res = await w.as.manager.raw('POST', path, { body: { body: text } });
      const body = res.body as ErrorAnswer;
      expect(`${res.status} ${body.code}`).toBe('400 VALIDATION');
      expect(body.message?.zh).toContain('body/body');
      expect(body.message?.en).toContain('body/body');
      expect(body.details?.[0]).toMatchObject({ in: 'body', path: '/body', rule: 'storableText' });
    }
    // Text with a real (paired) surrogate — an emoji — is storable and is stored as sent.
    const ok = await w.as.manager.raw('POST', path, { body: { body: '收到 😀' } });
    expect(ok.status).toBe(201);
    const after = await w.as.manager.call<{ items: Array<{ body: string }> }>('GET', path);
    expect(after.items.length).toBe(before.items.length + 1);
    expect(after.items.map((m) => m.body)).toContain('收到 😀');
  });

  it('[SEC-2] a plan version beyond int4 (2147483648) in the diff path is a coded 4xx, not 500', async () => {
    for (const v of ['2147483648', '2147483647', '99999999999999999999', '-2147483649', '1.5', '1e20']) {
      const res = await w.as.manager.raw('GET', `/api/v1/classes/${ids.classId}/versions/${v}/diff`);
      const body = res.body as ErrorAnswer;
      expect(`${v}: ${res.status} ${body.code}`).toMatch(
        new RegExp(`^${v.replace('.', '\\.')}: (400 VALIDATION|404 NOT_FOUND)$`),
      );
      expect(body.message?.zh && body.message.en).toBeTruthy();
    }
    const ok = await w.as.manager.raw('GET', `/api/v1/classes/${ids.classId}/versions/1/diff`);
    expect(ok.status).toBe(200);
  });
});

describe('bad input in a spreadsheet', () => {
  it('[SEC-2] a roster file with NUL, bytes that are not UTF-8 or numbers beyond int4 in its cells is refused with a code, and nothing is imported', async () => {
    const path = `/api/v1/classes/${w.classId}/roster`;
    const before = await w.as.manager.call<{ items: unknown[] }>('GET', path);
    const row = { name: '学员', idNumber: residentId(901), phone: '13900000901' };
    const files: Array<[string, Buffer]> = [
      ['NUL in a name', Buffer.from(rosterCsv([{ ...row, name: '学\u0000员' }]))],
      ['NUL in an education', Buffer.from(rosterCsv([{ ...row, education: '高\u0000中' }]))],
      [
        'an unpaired surrogate as UTF-8 would spell it',
        Buffer.concat([
          Buffer.from(rosterCsv([{ ...row, name: '@@' }]).split('@@')[0]!),
          Buffer.from([0xed, 0xa0, 0x80]),
          Buffer.from(rosterCsv([{ ...row, name: '@@' }]).split('@@')[1]!),
        ]),
      ],
      ['service months beyond int4', Buffer.from(rosterCsv([{ ...row, serviceMonths: 2147483648 }]))],
      ['service months 1e20', Buffer.from(rosterCsv([{ ...row, serviceMonths: 1e20 }]))],
    ];
    const failures: string[] = [];
    for (const [label, file] of files) {
      const res = await w.as.manager.raw('POST', `/api/v1/classes/${w.classId}/roster/import`, {
        rawBody: file as unknown as string,
        headers: { 'content-type': 'text/csv' },
      });
      const body = res.body as ErrorAnswer;
      if (res.status < 400 || res.status >= 500 || !body?.code || !body.message?.zh)
        failures.push(`${label} -> ${res.status} ${res.text.slice(0, 200)}`);
    }
    expect(failures).toEqual([]);
    const after = await w.as.manager.call<{ items: unknown[] }>('GET', path);
    expect(after.items.length).toBe(before.items.length);
  });
});

describe('the last safety net', () => {
  it('[SEC-2] a value PostgreSQL refuses (NUL in text or jsonb, int4 out of range, not a uuid) is a coded 400, not a 500, should one ever get past the validators', async () => {
    // The API's own error handling in a bare server, with a route that hands PostgreSQL what it is sent.
    const app = Fastify({ logger: false });
    await app.register(errorHandling);
    const db = t.app.core.db;
    const queries: Record<string, (v: string) => ReturnType<typeof sql>> = {
      text: (v) => sql`select ${v}::text as x`,
      jsonb: (v) => sql`select ${JSON.stringify({ v })}::jsonb as x`,
      int4: (v) => sql`select ${v}::int4 as x`,
      uuid: (v) => sql`select ${v}::uuid as x`,
    };
    app.post<{ Body: { kind: string; value: string } }>('/probe', async (req) => {
      await db.execute(queries[req.body.kind]!(req.body.value));
      return { ok: true };
    });
    try {
      const cases: Array<[string, string, string]> = [
        ['text', 'a\u0000b', '22021'],
        ['jsonb', 'a\u0000b', '22P05'],
        ['int4', '2147483648', '22003'],
        ['uuid', 'urn:uuid:00000000-0000-4000-8000-000000000000', '22P02'],
      ];
      for (const [kind, value, sqlState] of cases) {
        const res = await app.inject({ method: 'POST', url: '/probe', payload: { kind, value } });
        const body = res.json() as ErrorAnswer & { details?: Array<{ sqlState?: string }> };
        expect(`${kind}: ${res.statusCode} ${body.code} ${body.details?.[0]?.sqlState}`).toBe(
          `${kind}: 400 VALIDATION ${sqlState}`,
        );
        expect(body.message?.zh && body.message.en).toBeTruthy();
      }
      const fine = await app.inject({ method: 'POST', url: '/probe', payload: { kind: 'int4', value: '7' } });
      expect(fine.statusCode).toBe(200);
    } finally {
      await app.close();
    }
  });
});
