import { startTestApp, type TestApp } from './helpers/app';
import { launchChromium } from './helpers/classroom';
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
  it('[SEC-1] every answer, refusals and unknown paths included, carries the security headers', async () => {
    for (const [path, status] of [
      ['/healthz', 200],
      ['/app/', 200],
      ['/api/v1/auth/me', 401],
      ['/no-such-page', 404],
    ] as const) {
      const res = await fetch(`${t.baseUrl}${path}`);
      expect(res.status).toBe(status);
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('x-frame-options')).toBe('SAMEORIGIN');
      expect(res.headers.get('content-security-policy')).toMatch(/default-src 'self'.*script-src 'self'/);
      expect(res.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    }
  });
  it('serves the OpenAPI document and its UI at /docs', async () => {
    const doc = await t.client.raw('GET', '/docs/json');
    expect(doc.status).toBe(200);
    expect(Object.keys((doc.body as { paths: object }).paths)).toContain('/api/v1/auth/login');
    expect((await t.client.raw('GET', '/docs/')).status).toBe(200);
  });
  it('[SEC-1] /docs renders in Chromium without CSP violations', async () => {
    const browser = await launchChromium();
    try {
      for (const viewport of [
        { width: 1366, height: 768 },
        { width: 390, height: 844 },
      ]) {
        const page = await browser.newPage({ viewport });
        const problems: string[] = [];
        page.on('console', (m) => {
          if (m.type() === 'error' || /Content Security Policy/i.test(m.text())) problems.push(m.text());
        });
        page.on('pageerror', (e) => problems.push(e.message));
        await page.goto(`${t.baseUrl}/docs/`);
        // The UI has rendered the API from /docs/json: its operations are listed.
        await page.locator('.opblock-summary-path', { hasText: '/api/v1/auth/login' }).first().waitFor();
        await page.waitForTimeout(300);
        await page.screenshot({ path: `${process.env.SHOTS_DIR ?? '/tmp'}/docs-${viewport.width}.png` });
        expect(problems).toEqual([]);
        await page.close();
      }
    } finally {
      await browser.close();
    }
    // The allowance is made for /docs only: the pages keep their own policy, without inline styles' hash
    // of the docs and without data: scripts.
    const docs = (await fetch(`${t.baseUrl}/docs/`)).headers.get('content-security-policy')!;
    const app = (await fetch(`${t.baseUrl}/app/`)).headers.get('content-security-policy')!;
    expect(docs).toMatch(/style-src 'self' 'unsafe-inline'/);
    expect(docs).not.toMatch(/ws:|wss:|blob:/);
    expect(app).toBe((await fetch(`${t.baseUrl}/healthz`)).headers.get('content-security-policy'));
    expect(app).toMatch(/script-src 'self'(;|$)/);
  }, 60_000);

  it('/favicon.ico is served', async () => {
    const res = await fetch(`${t.baseUrl}/favicon.ico`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/svg+xml');
    expect(await res.text()).toMatch(/^<svg[^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect((await fetch(`${t.baseUrl}/app/favicon.svg`)).status).toBe(200);
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
