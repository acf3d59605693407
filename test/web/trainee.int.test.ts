import { china, movableClock } from '../helpers/clock';
import { rosterCsv, trainees } from '../helpers/roster';
import {
  NEW_PASSWORD,
  addIdentityFixture,
  addLiveRecordsFixture,
  chinaDate,
  createWorld,
} from '../helpers/world';
import { browserSuite, SIZES, anonymousPage, bodyText, pageAs, shot } from './web';

/**
 * The trainee's main flow in Chromium: first sign-in with the slip's password → their class with its
 * full timetable → the class group → the device check → the room link, open inside the join window.
 * The API's clock and the browser's stand five minutes before the first session.
 */
const clock = movableClock();
const s = browserSuite({ REFRESH_TOKEN_TTL_SECONDS: String(90 * 86_400) }, { clock });

describe.each(SIZES)('trainee at $name size', (size) => {
  it(`[JS-12] [JS-11.3] first sign-in with the slip, the class with all its sessions, the class group, the device check, and "进入课堂 Enter" only inside the join window (${size.name})`, async () => {
    clock.reset();
    const w = await createWorld(s.t);
    await w.as.manager.raw('POST', `/api/v1/classes/${w.classId}/roster/import`, {
      rawBody: rosterCsv(trainees(2, size.name === 'phone' ? 920 : 910)),
      headers: { 'content-type': 'text/csv' },
    });
    const slips = await w.as.manager.call<{ issued: Array<{ username: string; oneTimePassword: string }> }>(
      'POST',
      `/api/v1/classes/${w.classId}/accounts/issue`,
    );
    await w.as.manager.call('POST', `/api/v1/classes/${w.classId}/plan/file`);
    await w.as.officer.call('POST', `/api/v1/classes/${w.classId}/plan/review`, {
      body: { decision: 'confirm' },
    });
    const now = china(w.firstSessionDate, '08:25:00');
    clock.set(now);

    const { p, errors } = await anonymousPage(s.browser, size);
    await p.clock.setFixedTime(now);
    await p.goto(`${s.t.baseUrl}/app/`);
    const slip = slips.issued[0]!;
    await p.fill('#login input[name=username]', slip.username);
    await p.fill('#login input[name=password]', slip.oneTimePassword);
    await p.click('#login button[type=submit]');
    await p.getByText('首次登录请修改密码').waitFor();
    await p.fill('#change-password input[name=newPassword]', NEW_PASSWORD);
    await p.click('#change-password button[type=submit]');

    const card = p.locator(`section.class-card[data-class="${w.classId}"]`);
    await card.waitFor();
    expect(await card.locator('tbody tr').count()).toBe(4);
    const first = card.locator(`tbody tr[data-session="${w.sessionId}"]`);
    const enter = first.getByRole('link', { name: '进入课堂 Enter' });
    expect(await enter.getAttribute('href')).toBe(`./room.html?class=${w.classId}&session=${w.sessionId}`);
    // The later sessions count down to their windows; none of them offers the room yet.
    expect(await card.getByRole('link', { name: '进入课堂 Enter' }).count()).toBe(1);
    expect(await card.locator('.countdown').count()).toBe(3);
    expect(await card.innerText()).toMatch(/后可进入 · opens in 1 d \d+ h/);
    expect(await p.locator('a[href="/docs"]').count()).toBe(0);
    await shot(p, `trainee-home-${size.name}`);

    // The class group: trainees read and write it too.
    await card.getByText('班级群 Class group').click();
    await card.locator('.chat-form textarea').fill(`老师好，我是 ${slip.username}`);
    await card.getByRole('button', { name: '发送 Send' }).click();
    await card.locator('.msg.mine').getByText(`老师好，我是 ${slip.username}`).waitFor();
    expect(errors).toEqual([]);

    // The device check, then back home and into the room.
    await p.getByRole('link', { name: '课前设备检测 Device check' }).click();
    await p.waitForURL(/device-check\.html$/);
    expect(await bodyText(p)).toContain('设备与网络检测');
    await p.goBack();
    await card.waitFor();
    await card.getByRole('link', { name: '进入课堂 Enter' }).click();
    await p.waitForURL(new RegExp(`room\\.html\\?class=${w.classId}&session=${w.sessionId}$`));
    await p.context().close();
  });
});

describe.each(SIZES)('trainee attendance at $name size', (size) => {
  it(`[JS-12] [JS-8] the trainee's home counts the hours attended against the plan, and each past session's minutes (${size.name})`, async () => {
    clock.reset();
    const w = await createWorld(s.t);
    const f = await addIdentityFixture(s.t, w, size.name === 'phone' ? 4 : 3);
    await addLiveRecordsFixture(s.t, w, f);
    await w.as.manager.call('POST', `/api/v1/classes/${f.classId}/plan/file`);
    await w.as.officer.call('POST', `/api/v1/classes/${f.classId}/plan/review`, {
      body: { decision: 'confirm' },
    });
    const att = await f.trainee.call<{
      plannedMinutes: number;
      attendedMinutes: number;
      sessions: Array<{ sessionId: string; attendedMinutes: number }>;
    }>('GET', `/api/v1/me/classes/${f.classId}/attendance`);
    const { p, errors } = await pageAs(s.t, s.browser, f.traineeUsername, size);
    // The browser's day is after the first session: it is shown ended, with its minutes.
    await p.clock.setFixedTime(china(chinaDate(11), '20:00:00'));
    await p.goto(`${s.t.baseUrl}/app/`);
    const card = p.locator(`section.class-card[data-class="${f.classId}"]`);
    await card.waitFor();
    const hours = (m: number) => (Math.round((m / 60) * 100) / 100).toString();
    expect(await card.getByTestId('attendance').innerText()).toBe(
      `已出勤 Attended ${hours(att.attendedMinutes)} 学时 h / 计划 Planned ${hours(att.plannedMinutes)} 学时 h`,
    );
    expect(att.plannedMinutes).toBe(16 * 60);
    const first = Math.round(att.sessions.find((s) => s.sessionId === f.sessionId)!.attendedMinutes);
    expect(await card.locator(`tr[data-session="${f.sessionId}"]`).innerText()).toContain(
      `已结束 Ended · 出勤 ${first} 分钟 attended ${first} min`,
    );
    await shot(p, `trainee-attendance-${size.name}`);
    expect(errors).toEqual([]);
    await p.context().close();
  });
});
