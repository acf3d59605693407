import { Value } from '@sinclair/typebox/value';
import type { TSchema } from '@sinclair/typebox';
import { sql } from 'drizzle-orm';
import { dropDatabase, runMigrations } from '@seafarer/db';
import type { Client } from '@seafarer/sdk';
import type { RouteEntry } from '../services/api/src/plugins/access';
import { startTestApp, type TestApp } from './helpers/app';
import {
  addChecksFixture,
  addIdentityFixture,
  addLiveRecordsFixture,
  createWorld,
  NEW_PASSWORD,
  signIn,
  type IdentityFixture,
  type LiveRecordsFixture,
  type World,
} from './helpers/world';
import { addExamSweepFixture } from './helpers/exams';

/**
 * SEC-1: generated from the route table. Every non-public route is called by every role of a foreign
 * institution (and by the officer of a foreign jurisdiction), with path ids that belong to institution A;
 * every route with two or more path ids is called again with the ids mixed (the caller's own parent with
 * A's child, A's parent with the caller's own child). Scoped routes must answer 403/404; no answer may
 * contain any of A's identifiers; and no row of any table may change except the callers' own (their
 * sign-ins). The test runs on a database of its own, so that "every table" means every table.
 */
let t: TestApp;
let dbUrl: string;
let home: Tenant;
let foreign: Tenant;

const FOREIGN_ROLES = ['admin', 'manager', 'instructor', 'trainee', 'officer'] as const;
type CallerRole = (typeof FOREIGN_ROLES)[number];

/** One institution of the matrix: its world, a class with a roster, a taught session and their ids. */
interface Tenant {
  w: World;
  identity: IdentityFixture;
  live: LiveRecordsFixture;
  /** Callers by role; the trainee is on the roster of `identity.classId` (a trainee who can reach a class). */
  callers: Record<CallerRole, Client>;
  usernames: Record<CallerRole, string>;
  /** Every account of the tenant. */
  accountIds: string[];
  /** Path parameter -> the tenant's id for it. */
  ids: Record<string, string> & Record<'institutionId' | 'classId' | 'sessionId', string>;
}

async function tenant(): Promise<Tenant> {
  const w = await createWorld(t);
  const identity = await addIdentityFixture(t, w);
  const live = await addLiveRecordsFixture(t, w, identity);
  const checks = await addChecksFixture(t, w, identity);
  const exam = await addExamSweepFixture(t, w, identity);
  const callers = {
    admin: w.as.admin,
    manager: w.as.manager,
    instructor: w.as.instructor,
    trainee: identity.trainee,
    officer: w.as.officer,
  };
  const usernames = { ...w.usernames, trainee: identity.traineeUsername };
  const me = await Promise.all([...Object.values(callers), w.as.platform].map((c) => c.auth.me()));
  return {
    w,
    identity,
    live,
    callers,
    usernames,
    accountIds: [
      ...new Set([
        ...me.map((m) => m.accountId),
        w.instructorId,
        w.juniorInstructorId,
        w.traineeId,
        identity.traineeAccountId,
      ]),
    ],
    ids: {
      institutionId: w.institutionId,
      licenceId: w.licenceId,
      itemId: w.theoryItemId,
      accountId: w.instructorId,
      // The class with a roster, a verification and a taught session (presence, chat, a replay).
      classId: identity.classId,
      sessionId: identity.sessionId,
      version: '1',
      entryId: identity.entryId,
      verificationId: identity.verificationId,
      evidenceId: identity.stillId,
      ...checks,
      ...exam,
      traineeId: identity.traineeAccountId,
    },
  };
}

beforeAll(async () => {
  const url = new URL(process.env.DATABASE_URL!);
  url.pathname = `${url.pathname}_sec1`;
  dbUrl = url.toString();
  await runMigrations(dbUrl);
  t = await startTestApp({ DATABASE_URL: dbUrl });
  home = await tenant();
  foreign = await tenant();
});
afterAll(async () => {
  await t?.close();
  if (dbUrl && !process.env.KEEP_TEST_DB) await dropDatabase(dbUrl);
});

const paramsOf = (url: string) => [...url.matchAll(/:([A-Za-z]+)/g)].map((m) => m[1]!);

/** `url` with its i-th path parameter taken from `from[i]`. */
function pathFor(url: string, from: Tenant | Tenant[]): string {
  let i = 0;
  return url.replace(/:([A-Za-z]+)/g, (_m, name: string) => {
    const source = Array.isArray(from) ? from[i]! : from;
    i++;
    const id = source.ids[name];
    if (!id) throw new Error(`The SEC-1 matrix has no fixture for path parameter :${name} (${url}); add one`);
    return id;
  });
}

/** A schema-shaped body where TypeBox can make one (patterned strings it cannot), else {}. */
const bodyFor = (route: RouteEntry) => {
  const schema = route.schema?.body as TSchema | undefined;
  if (!schema) return undefined;
  try {
    return Value.Create(schema);
  } catch {
    return {};
  }
};

/** Strings that must never appear in an answer to a foreign caller. */
function secretsOf(x: Tenant): string[] {
  return [
    ...Object.entries(x.ids)
      .filter(([k]) => k !== 'version')
      .map(([, v]) => v),
    x.w.classId,
    x.w.sessionId,
    x.w.practicalItemId,
    x.identity.idPhotoId,
    ...x.accountIds,
    x.w.usernames.admin,
    x.w.usernames.manager,
    x.usernames.trainee,
    `Test Maritime School ${x.w.code}`,
    x.live.chatText,
    x.live.questionText,
    x.live.replayMarker,
  ];
}

type Snapshot = Map<string, string[]>;

/** Every row of every table of the database (the table list read from the catalogue, not written here). */
async function snapshot(): Promise<Snapshot> {
  const db = t.app.core.db;
  const tables = await db.execute<{ name: string }>(
    sql`select table_name as name from information_schema.tables
        where table_schema = 'public' and table_type = 'BASE TABLE' order by 1`,
  );
  const out: Snapshot = new Map();
  for (const { name } of tables.rows) {
    const rows = await db.execute<{ r: string }>(
      sql.raw(`select to_jsonb(x)::text as r from "${name.replace(/"/g, '""')}" x`),
    );
    out.set(
      name,
      rows.rows.map((r) => r.r),
    );
  }
  return out;
}

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;

/**
 * The foreign callers' own rows: those naming one of their accounts, then (to a fixed point) those
 * naming such a row's id (a refresh token names only its sign-in session).
 */
function ownIdsOf(snapshots: Snapshot[]): Set<string> {
  const rows = snapshots.flatMap((s) =>
    [...s.values()]
      .flat()
      .map((r) => ({ id: (JSON.parse(r) as { id?: unknown }).id, refs: r.match(UUID) ?? [] })),
  );
  const own = new Set(foreign.accountIds);
  for (let grew = true; grew;) {
    grew = false;
    for (const row of rows)
      if (typeof row.id === 'string' && !own.has(row.id) && row.refs.some((id) => own.has(id))) {
        own.add(row.id);
        grew = true;
      }
  }
  return own;
}

/**
 * Rows added or removed between two snapshots that are not the foreign callers' own: a changed row
 * must be one of the callers' own (their sign-ins, sessions and the audit of those) and name none of
 * A's identifiers. Everything else, A's rows above all, must be exactly as it was.
 */
function unexplainedChanges(before: Snapshot, after: Snapshot): string[] {
  const own = ownIdsOf([before, after]);
  const homeIds = secretsOf(home);
  const out: string[] = [];
  for (const table of new Set([...before.keys(), ...after.keys()])) {
    const b = new Set(before.get(table) ?? []);
    const a = new Set(after.get(table) ?? []);
    const changed = [
      ...[...b].filter((r) => !a.has(r)).map((r) => `- ${r}`),
      ...[...a].filter((r) => !b.has(r)).map((r) => `+ ${r}`),
    ];
    for (const row of changed)
      if (!(row.match(UUID) ?? []).some((id) => own.has(id)) || homeIds.some((id) => row.includes(id)))
        out.push(`${table}: ${row.slice(0, 400)}`);
  }
  return out;
}

/** Runs `calls`, and requires every table to hold afterwards what it held before (save the callers' own rows). */
async function expectNothingOfHomeChanged(calls: () => Promise<void>) {
  const before = await snapshot();
  // Every table of the schema (27 when this was written), and A's rows in those a leak would touch.
  expect(before.size).toBeGreaterThanOrEqual(25);
  for (const table of [
    'classes',
    'roster_entries',
    'class_sessions',
    'live_presence_events',
    'live_interactions',
    'recordings',
    'identity_verifications',
    'evidence_files',
    'audit_events',
  ])
    expect(
      `${table}: ${(before.get(table) ?? []).some((r) => r.includes(home.ids.classId) || r.includes(home.ids.institutionId))}`,
    ).toBe(`${table}: true`);
  await calls();
  expect(unexplainedChanges(before, await snapshot())).toEqual([]);
}

interface Probe {
  route: RouteEntry;
  role: CallerRole;
  path: string;
  label: string;
}

/** Calls `probe` as the foreign role; returns what was wrong with the answer. */
async function check(p: Probe, expectRefusal: boolean): Promise<string[]> {
  // Self-service routes act on the caller's own session; give each call a session of its own.
  const caller: Client = p.route.url.startsWith('/api/v1/auth/')
    ? await signIn(t.client, foreign.usernames[p.role], NEW_PASSWORD)
    : foreign.callers[p.role];
  const res = await caller.raw(p.route.method, p.path, { body: bodyFor(p.route) });
  const where = `${p.route.method} ${p.route.url} ${p.label} as foreign ${p.role} -> ${res.status}`;
  const failures: string[] = [];
  if (res.status >= 500) failures.push(`${where}: server error`);
  if (expectRefusal && res.status !== 403 && res.status !== 404) failures.push(`${where}: expected 403/404`);
  if (res.status >= 400 && !(res.body as { code?: string })?.code)
    failures.push(`${where}: error without a code`);
  const leaked = secretsOf(home).filter((s) => res.text.includes(s));
  if (leaked.length > 0) failures.push(`${where}: leaked ${leaked.join(', ')}`);
  return failures;
}

const scopedOf = (r: RouteEntry) =>
  typeof r.access === 'object' && 'roles' in r.access && r.access.scope !== undefined;
const apiRoutes = () =>
  t.app.routeTable.filter((r) => r.access !== 'public' && 'roles' in r.access && r.url.startsWith('/api/'));

async function signInAgain() {
  // logout-all ends every session of those accounts, so sign them in again.
  for (const role of FOREIGN_ROLES) {
    const c = await signIn(t.client, foreign.usernames[role], NEW_PASSWORD);
    foreign.callers[role] = c;
  }
}

describe('tenant isolation matrix', () => {
  it('[SEC-1] every path parameter of every route is declared with the kind of resource it names', () => {
    const undeclared = t.app.routeTable
      .filter((r) => paramsOf(r.url).length > 0)
      .filter((r) => {
        if (r.access === 'public') return true;
        if ('capability' in r.access) return false;
        const declared = Object.keys(r.access.scope ?? {});
        return paramsOf(r.url).some((p) => !declared.includes(p));
      })
      .map((r) => `${r.method} ${r.url}`);
    expect(undeclared).toEqual([]);
  });

  it('[SEC-1] every route declares the schema of its successful answers, so none carries an undeclared field', () => {
    // Routes the docs UI and the static web client register, and the bare redirect of `/`, have no body of ours.
    const ours = t.app.routeTable.filter(
      (r) => !/^\/(docs|app|favicon\.ico)(\/|$)/.test(r.url) && r.url !== '/',
    );
    expect(ours.length).toBeGreaterThanOrEqual(50);
    const undeclared = ours
      .filter(
        (r) =>
          !Object.keys((r.schema?.response as object | undefined) ?? {}).some((c) => /^2(\d\d|xx)$/.test(c)),
      )
      .map((r) => `${r.method} ${r.url}`);
    expect(undeclared).toEqual([]);
  });

  it("[SEC-1] no route gives a foreign institution or jurisdiction any of A's data or changes it", async () => {
    const routes = apiRoutes();
    expect(routes.length).toBeGreaterThanOrEqual(25);
    const failures: string[] = [];
    let calls = 0;
    await expectNothingOfHomeChanged(async () => {
      for (const route of routes) {
        for (const role of FOREIGN_ROLES) {
          const path = pathFor(route.url, home);
          failures.push(...(await check({ route, role, path, label: "(A's ids)" }, scopedOf(route))));
          calls++;
        }
        if (route.url.startsWith('/api/v1/auth/')) await signInAgain();
      }
    });
    expect(failures).toEqual([]);
    expect(calls).toBe(routes.length * FOREIGN_ROLES.length);
  });

  it("[SEC-1] a route with two or more path ids refuses the caller's own parent with A's child, and A's parent with the caller's own child", async () => {
    const routes = apiRoutes().filter((r) => paramsOf(r.url).length >= 2);
    expect(routes.map((r) => r.url)).toEqual(
      expect.arrayContaining([
        '/api/v1/classes/:classId/sessions/:sessionId/presence',
        '/api/v1/classes/:classId/sessions/:sessionId/interactions',
        '/api/v1/classes/:classId/sessions/:sessionId/join-grant',
        '/api/v1/classes/:classId/sessions/:sessionId/replay-url',
      ]),
    );
    const failures: string[] = [];
    const tried = new Set<string>();
    await expectNothingOfHomeChanged(async () => {
      for (const route of routes) {
        const n = paramsOf(route.url).length;
        const allOwn = pathFor(route.url, foreign);
        const allHome = pathFor(route.url, home);
        for (let k = 1; k < n; k++) {
          const cases = [
            {
              label: `(own first ${k}, then A's)`,
              from: [...Array(n).keys()].map((i) => (i < k ? foreign : home)),
            },
            {
              label: `(A's first ${k}, then own)`,
              from: [...Array(n).keys()].map((i) => (i < k ? home : foreign)),
            },
          ];
          for (const c of cases) {
            const path = pathFor(route.url, c.from);
            // A parameter that is no id (a version number) is the same in both tenants: nothing is mixed.
            if (path === allOwn || path === allHome) continue;
            tried.add(`${route.method} ${route.url} ${c.label}`);
            for (const role of FOREIGN_ROLES)
              failures.push(...(await check({ route, role, path, label: c.label }, true)));
          }
        }
      }
    });
    expect(failures).toEqual([]);
    expect(tried.size).toBeGreaterThanOrEqual(8);
  });

  it("[SEC-1] a path id that belongs to another parent of the caller's own institution is refused too (each child must be of the parent named before it)", async () => {
    // A's other class and its session: the same institution, so only the parent-child check can refuse.
    const other: Tenant = {
      ...home,
      ids: { ...home.ids, classId: home.w.classId, sessionId: home.w.sessionId },
    };
    const routes = apiRoutes().filter((r) => paramsOf(r.url).length >= 2);
    const roleName = {
      admin: 'institution_admin',
      manager: 'class_manager',
      officer: 'maritime_officer',
    } as const;
    const failures: string[] = [];
    let tried = 0;
    for (const route of routes) {
      const n = paramsOf(route.url).length;
      const role = (['admin', 'manager', 'officer'] as const).find((r) =>
        (route.access as { roles: readonly string[] }).roles.includes(roleName[r]),
      );
      if (!role) continue;
      for (let k = 1; k < n; k++)
        for (const [first, rest] of [
          [other, home],
          [home, other],
        ] as const) {
          const path = pathFor(
            route.url,
            [...Array(n).keys()].map((i) => (i < k ? first : rest)),
          );
          if (path === pathFor(route.url, home) || path === pathFor(route.url, other)) continue;
          tried++;
          const res = await home.callers[role].raw(route.method, path, { body: bodyFor(route) });
          const where = `${route.method} ${path} as A's ${role} -> ${res.status}`;
          if (res.status !== 404) failures.push(`${where}: expected 404`);
          for (const x of [home.live.chatText, home.identity.traineeAccountId])
            if (res.text.includes(x)) failures.push(`${where}: answered with ${x}`);
        }
    }
    expect(failures).toEqual([]);
    expect(tried).toBeGreaterThanOrEqual(8);
  });

  it('[SEC-1] the replay capability route plays nothing of A for a foreign token, an altered one or a forged one', async () => {
    // The foreign manager's own, valid URL for their own session: the fixture is a real, ready replay.
    // (Issuing it may also set a cookie binding the URL to the browser; the callers present it too.)
    const res = await foreign.callers.manager.raw(
      'POST',
      `/api/v1/classes/${foreign.ids.classId}/sessions/${foreign.ids.sessionId}/replay-url`,
    );
    expect(res.status).toBe(200);
    const issued = res.body as { url: string };
    const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0]!;
    const withCookie = cookie ? { headers: { cookie } } : {};
    const own = await foreign.callers.manager.raw('GET', issued.url, withCookie);
    expect(own.status).toBe(200);
    expect(own.text).toBe(foreign.live.replayMarker);
    const token = issued.url.replace(/^\/replay\//, '');
    expect(token).not.toBe(issued.url);
    const flip = (s: string) => s.slice(0, -1) + (s.endsWith('A') ? 'B' : 'A');
    const variants = {
      "own token with A's session id": token.split(foreign.ids.sessionId).join(home.ids.sessionId),
      'own token with its signature altered': flip(token),
      "A's session id with an empty signature": `${home.ids.sessionId}.x.9999999999.1.`,
      garbage: 'not-a-token',
    };
    expect(variants["own token with A's session id"]).not.toBe(token);
    const failures: string[] = [];
    await expectNothingOfHomeChanged(async () => {
      for (const [label, v] of Object.entries(variants))
        for (const role of FOREIGN_ROLES) {
          const res = await foreign.callers[role].raw('GET', `/replay/${encodeURIComponent(v)}`, withCookie);
          const where = `GET /replay/:token (${label}) as foreign ${role} -> ${res.status}`;
          if (res.status < 400 || res.status >= 500) failures.push(`${where}: expected a 4xx`);
          const leaked = secretsOf(home).filter((s) => res.text.includes(s));
          if (leaked.length > 0) failures.push(`${where}: leaked ${leaked.join(', ')}`);
        }
    });
    expect(failures).toEqual([]);
  });

  it("[SEC-1] the same scoped reads succeed for A's own roles (the fixtures point at real data)", async () => {
    const reads = t.app.routeTable.filter((r) => r.method === 'GET' && scopedOf(r));
    expect(reads.length).toBeGreaterThanOrEqual(8);
    const roleName = {
      admin: 'institution_admin',
      manager: 'class_manager',
      officer: 'maritime_officer',
      instructor: 'instructor',
      trainee: 'trainee',
    } as const;
    for (const route of reads) {
      const rule = route.access as { roles: readonly string[] };
      const role = (['admin', 'manager', 'officer', 'instructor', 'trainee'] as const).find((r) =>
        rule.roles.includes(roleName[r]),
      )!;
      const res = await home.callers[role].raw('GET', pathFor(route.url, home));
      expect(`${route.url} as ${role}: ${res.status}`).toBe(`${route.url} as ${role}: 200`);
    }
    // The taught session's records are there to be leaked: the class's staff read them.
    const base = `/api/v1/classes/${home.ids.classId}/sessions/${home.ids.sessionId}`;
    const presence = await home.w.as.manager.raw('GET', `${base}/presence`);
    expect(presence.text).toContain(home.identity.traineeAccountId);
    const chat = await home.w.as.manager.raw('GET', `${base}/interactions`);
    expect(chat.text).toContain(home.live.chatText);
  });

  it('[SEC-1] an officer sees only institutions in their jurisdiction', async () => {
    const mine = await home.w.as.officer.institutions.list();
    expect(mine.items.map((i) => i.id)).toEqual([home.w.institutionId]);
    const res = await home.w.as.officer.raw('GET', `/api/v1/institutions/${foreign.w.institutionId}`);
    expect(res.status).toBe(404);
  });
});
