import type { Browser } from 'playwright-core';
import { startTestApp, type TestApp } from '../helpers/app';
import { launchChromium, signedInPage } from '../helpers/classroom';
import { rosterCsv, trainees } from '../helpers/roster';
import { createWorld, type World } from '../helpers/world';

/** The reference client's manager and officer pages, in real Chromium against the real API. */
let t: TestApp;
let w: World;
let browser: Browser;
const people = trainees(2, 900);
beforeAll(async () => {
  t = await startTestApp();
  w = await createWorld(t);
  await w.as.manager.raw('POST', `/api/v1/classes/${w.classId}/roster/import`, {
    rawBody: rosterCsv(people),
    headers: { 'content-type': 'text/csv' },
  });
  browser = await launchChromium();
}, 60_000);
afterAll(async () => {
  await browser.close();
  await t.close();
});

async function rosterPage(username: string, page: 'manager' | 'officer') {
  const p = await signedInPage(t, browser, username);
  const errors: string[] = [];
  p.on('pageerror', (e) => errors.push(e.message));
  p.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  await p.goto(`${t.baseUrl}/app/${page}.html#/class/${w.classId}/roster`);
  await p.waitForSelector(`text=${people[1]!.name}`, { timeout: 20_000 });
  return { p, errors, text: await p.innerText('body') };
}

describe('manager and officer pages', () => {
  it('[JS-12] [SEC-3] the class manager sees the roster with masked ID numbers and phones, and the ID-photo upload', async () => {
    const { p, errors, text } = await rosterPage(w.usernames.manager, 'manager');
    for (const r of people) {
      expect(text).toContain(r.name);
      expect(text).toContain(`${r.idNumber.slice(0, 4)}**********${r.idNumber.slice(-4)}`);
      expect(text).not.toContain(r.idNumber);
      expect(text).not.toContain(r.phone);
    }
    expect(await p.locator('input[type=file][accept="image/jpeg,image/png"]').count()).toBe(people.length);
    expect(errors).toEqual([]);
    await p.screenshot({ path: 'test-results/manager-roster.png', fullPage: true });
    await p.context().close();
  });

  it('[JS-16] [SEC-3] the officer reads the same roster, masked, without upload controls', async () => {
    const { p, errors, text } = await rosterPage(w.usernames.officer, 'officer');
    for (const r of people) {
      expect(text).toContain(r.name);
      expect(text).not.toContain(r.idNumber);
    }
    expect(await p.locator('input[type=file]').count()).toBe(0);
    expect(errors).toEqual([]);
    await p.context().close();
  });
});

describe('trainee landing page', () => {
  it('[JS-12] [JS-11.3] a trainee sees every session of their confirmed class, a countdown to each join window instead of a room link days early, the device check and no API docs', async () => {
    const slips = await w.as.manager.call<{ issued: Array<{ username: string; oneTimePassword: string }> }>(
      'POST',
      `/api/v1/classes/${w.classId}/accounts/issue`,
    );
    await w.as.manager.call('POST', `/api/v1/classes/${w.classId}/plan/file`);
    await w.as.officer.call('POST', `/api/v1/classes/${w.classId}/plan/review`, {
      body: { decision: 'confirm' },
    });
    const { signIn } = await import('../helpers/world');
    await signIn(t.client, slips.issued[0]!.username, slips.issued[0]!.oneTimePassword);
    const p = await signedInPage(t, browser, slips.issued[0]!.username);
    const errors: string[] = [];
    p.on('pageerror', (e) => errors.push(e.message));
    await p.goto(`${t.baseUrl}/app/`);
    const card = p.locator(`section.class-card[data-class="${w.classId}"]`);
    await card.waitFor({ timeout: 20_000 });
    // The full timetable: all four sessions, each counting down to its window (ten days away).
    expect(await card.locator('tbody tr').count()).toBe(4);
    expect(await card.locator('.countdown').count()).toBe(4);
    expect(await card.innerText()).toMatch(/天 .*后可进入 · opens in \d+ d \d+ h/);
    expect(await p.locator('a[href*="room.html"]').count()).toBe(0);
    expect(await p.locator('a[href="./device-check.html"]').count()).toBe(1);
    expect(await p.locator('a[href="/docs"]').count()).toBe(0);
    expect(errors).toEqual([]);
    await p.context().close();
  });
});
