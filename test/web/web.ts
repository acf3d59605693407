import { mkdirSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { startTestApp, type TestApp } from '../helpers/app';
import { launchChromium, signedInPage } from '../helpers/classroom';

/** The two screens every page is walked at: a laptop and a phone. */
export const SIZES = [
  { name: 'desktop', viewport: { width: 1366, height: 768 } },
  { name: 'phone', viewport: { width: 390, height: 844 } },
] as const;
export type Size = (typeof SIZES)[number];

const SHOTS = process.env.SHOTS_DIR ?? 'test-results/web';
mkdirSync(SHOTS, { recursive: true });

/** A signed-in page at a size, collecting page errors (an uncaught error fails the walk). */
export async function pageAs(
  t: TestApp,
  browser: Browser,
  username: string,
  { viewport }: Size,
  opts: { password?: string } = {},
): Promise<{ p: Page; errors: string[] }> {
  const p = await signedInPage(t, browser, username, {
    device: {
      viewport,
      deviceScaleFactor: 1,
      isMobile: viewport.width < 500,
      hasTouch: viewport.width < 500,
    },
    ...(opts.password ? { password: opts.password } : {}),
  });
  const errors: string[] = [];
  p.on('pageerror', (e) => errors.push(e.message));
  // A page that asks the API for what its role may not have (401/403) is a page bug too.
  p.on('response', (r) => {
    if ((r.status() === 401 || r.status() === 403) && r.url().includes('/api/'))
      errors.push(`${r.status()} ${r.request().method()} ${new URL(r.url()).pathname}`);
  });
  p.on('dialog', (d) => void d.accept());
  return { p, errors };
}

/** A fresh browser page at a size, not signed in. */
export async function anonymousPage(browser: Browser, { viewport }: Size) {
  const context = await browser.newContext({
    viewport,
    isMobile: viewport.width < 500,
    hasTouch: viewport.width < 500,
  });
  const p = await context.newPage();
  const errors: string[] = [];
  p.on('pageerror', (e) => errors.push(e.message));
  p.on('dialog', (d) => void d.accept());
  return { p, errors };
}

export const shot = (p: Page, name: string) => p.screenshot({ path: `${SHOTS}/${name}.png`, fullPage: true });

/** The visible text of the page body. */
export const bodyText = (p: Page) => p.innerText('body');

/** The API and one Chromium for a browser test file, started in its beforeAll and closed in its afterAll. */
export function browserSuite(...app: Parameters<typeof startTestApp>): { t: TestApp; browser: Browser } {
  const suite = {} as { t: TestApp; browser: Browser };
  beforeAll(async () => {
    suite.t = await startTestApp(...app);
    suite.browser = await launchChromium();
  }, 60_000);
  afterAll(async () => {
    await suite.browser?.close();
    await suite.t?.close();
  });
  return suite;
}
