import { Value } from '@sinclair/typebox/value';
import type { TSchema } from '@sinclair/typebox';
import type { Client } from '@seafarer/sdk';
import type { RouteEntry } from '../services/api/src/plugins/access';
import { startTestApp, type TestApp } from './helpers/app';
import {
  addIdentityFixture,
  createWorld,
  NEW_PASSWORD,
  signIn,
  type IdentityFixture,
  type World,
} from './helpers/world';

/**
 * SEC-1: generated from the route table. Every non-public route is called by every role of a foreign
 * institution (and by the officer of a foreign jurisdiction), with path ids that belong to institution A.
 * Scoped routes must answer 403/404; no answer may contain any of A's identifiers; A's data and audit
 * trail must be unchanged afterwards.
 */
let t: TestApp;
let home: World;
let foreign: World;
let homeIdentity: IdentityFixture;
beforeAll(async () => {
  t = await startTestApp();
  [home, foreign] = await Promise.all([createWorld(t), createWorld(t)]);
  homeIdentity = await addIdentityFixture(t, home);
  await addIdentityFixture(t, foreign);
});
afterAll(() => t.close());

const FOREIGN_ROLES = ['admin', 'manager', 'instructor', 'trainee', 'officer'] as const;

function pathFor(url: string, w: World): string {
  const ids: Record<string, string> = {
    institutionId: w.institutionId,
    licenceId: w.licenceId,
    itemId: w.theoryItemId,
    accountId: w.instructorId,
    classId: w.classId,
    sessionId: w.sessionId,
    entryId: homeIdentity.entryId,
    verificationId: homeIdentity.verificationId,
    evidenceId: homeIdentity.stillId,
  };
  return url.replace(/:([A-Za-z]+)/g, (_m, name: string) => {
    if (name === 'version') return '1';
    const id = ids[name];
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

async function homeSnapshot(): Promise<string> {
  const a = home.as.platform;
  const parts = await Promise.all([
    a.institutions.get(home.institutionId),
    a.call('GET', `/api/v1/institutions/${home.institutionId}/licences`),
    a.call('GET', `/api/v1/institutions/${home.institutionId}/training-items`),
    a.call('GET', `/api/v1/institutions/${home.institutionId}/staff`),
    a.institutions.auditEvents(home.institutionId, { limit: 500 }),
  ]);
  return JSON.stringify(parts);
}

describe('tenant isolation matrix', () => {
  it('[SEC-1] every route that names a resource in its path declares the scope that resource is checked against', () => {
    const unscoped = t.app.routeTable
      .filter(
        (r) => r.url.includes(':') && (r.access === 'public' || ('roles' in r.access && !r.access.scope)),
      )
      .map((r) => `${r.method} ${r.url}`);
    expect(unscoped).toEqual([]);
  });

  it("[SEC-1] no route gives a foreign institution or jurisdiction any of A's data or changes it", async () => {
    const routes = t.app.routeTable.filter(
      (r) => r.access !== 'public' && 'roles' in r.access && r.url.startsWith('/api/'),
    );
    expect(routes.length).toBeGreaterThanOrEqual(25);
    const secrets = [
      home.institutionId,
      home.licenceId,
      home.theoryItemId,
      home.practicalItemId,
      home.instructorId,
      home.juniorInstructorId,
      home.traineeId,
      home.usernames.admin,
      home.usernames.manager,
      `Test Maritime School ${home.code}`,
    ];
    // Jurisdictions (maritime authority branches) are public reference data and not secrets.
    const before = await homeSnapshot();
    const failures: string[] = [];
    let calls = 0;

    for (const route of routes) {
      const scoped =
        typeof route.access === 'object' && 'scope' in route.access && route.access.scope !== undefined;
      for (const role of FOREIGN_ROLES) {
        // Self-service routes act on the caller's own session; give each call a session of its own.
        const caller: Client = route.url.startsWith('/api/v1/auth/')
          ? await signIn(t.client, foreign.usernames[role], NEW_PASSWORD)
          : foreign.as[role];
        const res = await caller.raw(route.method, pathFor(route.url, home), { body: bodyFor(route) });
        calls++;
        const where = `${route.method} ${route.url} as foreign ${role} -> ${res.status}`;
        if (res.status >= 500) failures.push(`${where}: server error`);
        if (scoped && res.status !== 403 && res.status !== 404) failures.push(`${where}: expected 403/404`);
        if (res.status >= 400 && !(res.body as { code?: string })?.code)
          failures.push(`${where}: error without a code`);
        const leaked = secrets.filter((s) => res.text.includes(s));
        if (leaked.length > 0) failures.push(`${where}: leaked ${leaked.join(', ')}`);
      }
      // logout-all ends every session of those accounts, so sign them in again.
      if (route.url.startsWith('/api/v1/auth/'))
        for (const role of FOREIGN_ROLES)
          foreign.as[role] = await signIn(t.client, foreign.usernames[role], NEW_PASSWORD);
    }
    expect(failures).toEqual([]);
    expect(calls).toBe(routes.length * FOREIGN_ROLES.length);
    expect(await homeSnapshot()).toBe(before);
  });

  it("[SEC-1] the same scoped reads succeed for A's own roles (the fixtures point at real data)", async () => {
    const reads = t.app.routeTable.filter(
      (r) => r.method === 'GET' && typeof r.access === 'object' && 'scope' in r.access && r.access.scope,
    );
    expect(reads.length).toBeGreaterThanOrEqual(8);
    for (const route of reads) {
      const rule = route.access as { roles: readonly string[] };
      const role = (['admin', 'manager', 'officer', 'instructor', 'trainee'] as const).find((r) =>
        rule.roles.includes(
          {
            admin: 'institution_admin',
            manager: 'class_manager',
            officer: 'maritime_officer',
            instructor: 'instructor',
            trainee: 'trainee',
          }[r],
        ),
      )!;
      const res = await home.as[role].raw('GET', pathFor(route.url, home));
      expect(`${route.url} as ${role}: ${res.status}`).toBe(`${route.url} as ${role}: 200`);
    }
  });

  it('[SEC-1] an officer sees only institutions in their jurisdiction', async () => {
    const mine = await home.as.officer.institutions.list();
    expect(mine.items.map((i) => i.id)).toEqual([home.institutionId]);
    const res = await home.as.officer.raw('GET', `/api/v1/institutions/${foreign.institutionId}`);
    expect(res.status).toBe(404);
  });
});
