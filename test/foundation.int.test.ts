import { startTestApp, type TestApp } from './helpers/app';
import { createWorld, type World } from './helpers/world';

let t: TestApp;
let w: World;
beforeAll(async () => {
  t = await startTestApp();
  w = await createWorld(t);
});
afterAll(() => t.close());

describe('foundation smoke', () => {
  it('answers /healthz and /readyz with PostgreSQL and Redis checked', async () => {
    expect((await t.client.raw('GET', '/healthz')).status).toBe(200);
    const ready = await t.client.raw('GET', '/readyz');
    expect(ready.status).toBe(200);
    expect(ready.body).toMatchObject({
      status: 'ok',
      checks: { postgres: { ok: true }, redis: { ok: true } },
    });
  });
  it('serves the OpenAPI document and its UI at /docs', async () => {
    const doc = await t.client.raw('GET', '/docs/json');
    expect(doc.status).toBe(200);
    expect(Object.keys((doc.body as { paths: object }).paths)).toContain('/api/v1/auth/login');
    expect((await t.client.raw('GET', '/docs/')).status).toBe(200);
  });
  it('the institution admin sees their institution and items', async () => {
    const me = await w.as.admin.auth.me();
    expect(me.institutionId).toBe(w.institutionId);
    const items = await w.as.admin.call<{ items: Array<{ code: string }> }>(
      'GET',
      `/api/v1/institutions/${w.institutionId}/training-items`,
    );
    expect(items.items.map((i) => i.code)).toEqual(['Z01', 'Z02']);
  });
});
