import type { Browser } from 'playwright-core';
import { startTestApp, type TestApp } from '../helpers/app';
import { launchChromium, signedInPage } from '../helpers/classroom';
import { createWorld, type World } from '../helpers/world';

let t: TestApp;
let w: World;
let browser: Browser;
beforeAll(async () => {
  t = await startTestApp();
  w = await createWorld(t);
  browser = await launchChromium();
}, 60_000);
afterAll(async () => {
  await browser.close();
  await t.close();
});

type Check = {
  canJoin: boolean;
  items: Array<{ id: string; status: string; message: { zh: string; en: string } }>;
};
const resultOf = async (username: string, noCamera = false) => {
  const page = await signedInPage(t, browser, username, { noCamera });
  await page.goto(`${t.baseUrl}/app/device-check.html`);
  await page.waitForFunction(
    () => !!(globalThis as unknown as { __deviceCheck?: unknown }).__deviceCheck,
    undefined,
    { timeout: 30_000 },
  );
  const r = await page.evaluate(() => (globalThis as unknown as { __deviceCheck: Check }).__deviceCheck);
  await page.context().close();
  return r;
};

describe('pre-class device and network check', () => {
  it("[JS-A] [JS-8] a trainee's camera, microphone and measured bandwidth are checked and explained in zh-CN and English", async () => {
    const r = await resultOf(w.usernames.trainee);
    const byId = Object.fromEntries(r.items.map((i) => [i.id, i]));
    expect(byId.camera?.status).toBe('ok');
    expect(byId.microphone?.status).toBe('ok');
    expect(byId.downstream?.message.zh).toMatch(/下行带宽 [\d.]+ Mbps/);
    expect(byId.upstream?.message.en).toMatch(/Upload [\d.]+ Mbps/);
    expect(r.canJoin).toBe(true);
  });

  it('[JS-A] [JS-8] a device without a camera is told it cannot attend', async () => {
    const r = await resultOf(w.usernames.trainee, true);
    expect(r.canJoin).toBe(false);
    expect(r.items.find((i) => i.id === 'camera')).toMatchObject({
      status: 'fail',
      message: { zh: expect.stringContaining('摄像头'), en: expect.stringContaining('camera') },
    });
  });

  it('[JS-A] [SEC-2] the bandwidth probe refuses absurd sizes', async () => {
    const res = await w.as.manager.raw('GET', '/api/v1/network-check/download', {
      query: { bytes: 1_000_000_000 },
    });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code: 'VALIDATION' });
  });
});
