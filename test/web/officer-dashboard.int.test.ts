import { mkdirSync } from 'node:fs';
import type { ClassView } from '@seafarer/contracts';
import { livePresenceEvents, rollCallResponses, rollCalls } from '@seafarer/db';
import { china, movableClock } from '../helpers/clock';
import { confirmedClass, type ConfirmedClass } from '../helpers/cluster';
import { addDays } from '../helpers/world';
import { browserSuite, SIZES, bodyText, pageAs } from './web';

/**
 * JS-16 / TM-6 pages in Chromium: the officer's home is the dashboard (the class live now, the
 * anomalies of the last 7 days with the trainee's name and a link to their timeline), and the
 * recording-review page lists the sessions with their gaps and reasons, logs a review with a note and
 * shows it in the log. The presence log, roll-call outcome and recording are written as the live
 * service, the roll-call feature and the recorder write them (the real paths are test/supervision.int).
 */
const SHOTS = process.env.SHOTS_DIR ?? '/tmp/helpers/shots/D';
mkdirSync(SHOTS, { recursive: true });
const clock = movableClock();
const s = browserSuite({ REFRESH_TOKEN_TTL_SECONDS: String(90 * 86_400) }, { clock });

async function classWithHistory(
  seed: number,
): Promise<{ c: ConfirmedClass; day: string; sessions: string[] }> {
  clock.reset();
  const c = await confirmedClass(s.t, clock, { code: `D${seed}`, name: '监管页面测试班', rosterSeed: seed });
  const cls = await c.w.as.manager.call<ClassView>('GET', `/api/v1/classes/${c.classId}`);
  const day = cls.current.firstSessionDate;
  const sessions = cls.current.sessions.map((x) => x.id);
  const trainees = await Promise.all(c.trainees.map(async (t) => (await t.auth.me()).accountId));
  const db = s.t.app.core.db;
  const ev = (i: number, accountId: string, role: string, event: string, hhmm: string) => ({
    classId: c.classId,
    sessionId: sessions[i]!,
    accountId,
    role,
    event,
    at: china(addDays(day, i), `${hhmm}:00`),
    data: {},
  });
  const rows = [];
  for (const i of [0, 1]) {
    rows.push(ev(i, c.w.instructorId, 'instructor', 'join', '08:30'));
    for (const e of ['join', 'camera.on', 'mic.on']) rows.push(ev(i, trainees[0]!, 'trainee', e, '08:31'));
    rows.push(ev(i, trainees[0]!, 'trainee', 'leave', '12:30'));
    rows.push(ev(i, c.w.instructorId, 'instructor', 'leave', '12:30'));
  }
  rows.push(ev(2, c.w.instructorId, 'instructor', 'join', '08:30'));
  for (const e of ['join', 'camera.on', 'mic.on']) rows.push(ev(2, trainees[0]!, 'trainee', e, '08:31'));
  rows.push(ev(2, trainees[1]!, 'trainee', 'join', '08:40'));
  await db.insert(livePresenceEvents).values(rows);
  const [rc] = await db
    .insert(rollCalls)
    .values({
      institutionId: c.w.institutionId,
      classId: c.classId,
      sessionId: sessions[2]!,
      origin: 'scheduled',
      status: 'closed',
      windowS: 60,
      firedAt: china(addDays(day, 2), '09:10:00'),
    })
    .returning();
  await db.insert(rollCallResponses).values([
    { rollCallId: rc!.id, accountId: trainees[0]!, outcome: 'present' },
    { rollCallId: rc!.id, accountId: trainees[2]!, outcome: 'absent' },
  ]);
  const start = china(day, '08:30:00');
  const iso = (sec: number) => new Date(start.getTime() + sec * 1000).toISOString();
  await s.t.app.core.recordings.saveManifest(
    {
      sessionId: sessions[0]!,
      startedAt: iso(0),
      endedAt: iso(14_400),
      segments: [
        {
          index: 0,
          file: 'segment-0.webm',
          startedAt: iso(1),
          endedAt: iso(3600),
          bytes: 1,
          sha256: 'a'.repeat(64),
          reason: 'session_started',
          endReason: 'worker_died',
          tracks: ['mic', 'camera'],
        },
        {
          index: 1,
          file: 'segment-1.webm',
          startedAt: iso(3700),
          endedAt: iso(14_400),
          bytes: 1,
          sha256: 'b'.repeat(64),
          reason: 'recorder_restarted',
          endReason: 'stopped',
          tracks: ['mic', 'camera'],
        },
      ],
      gaps: [
        { from: iso(0), to: iso(1), reason: 'recorder_starting' },
        { from: iso(3600), to: iso(3700), reason: 'worker_died' },
      ],
    },
    { classId: c.classId, institutionId: c.w.institutionId },
  );
  await s.t.app.core.recordings.markReplay(sessions[0]!, {
    key: 'replays/none.webm',
    sha256: 'c'.repeat(64),
    bytes: 1,
    durationS: 14_299,
  });
  return { c, day, sessions };
}

describe.each(SIZES)('officer dashboard at $name size', (size) => {
  it(`[JS-16] [TM-6] the home shows the live class and the anomalies with names and timeline links; the review page shows gaps with reasons and logs a review (${size.name})`, async () => {
    const { c, day, sessions } = await classWithHistory(size.name === 'phone' ? 720 : 710);
    const now = china(addDays(day, 2), '09:20:00');
    clock.set(now);
    const { p, errors } = await pageAs(s.t, s.browser, c.w.usernames.officer, size);
    await p.clock.setFixedTime(now);
    await p.goto(`${s.t.baseUrl}/app/officer.html`);
    const dash = p.getByTestId('officer-dashboard');
    await dash.getByTestId('dash-summary').waitFor();
    expect(await dash.getByTestId('dash-summary').innerText()).toContain('直播中 1 个班');
    const live = await dash.getByTestId('dash-live').innerText();
    expect(live).toContain('监管页面测试班');
    expect(live).toContain('在线 1/3 人');
    const anomalies = dash.getByTestId('dash-anomalies');
    const text = await anomalies.innerText();
    expect(text).toContain('长时间未开摄像头');
    expect(text).toContain('多次缺课');
    expect(text).toContain('点名未到');
    expect(text).toContain('09:10 点名：未应答（系统随机）');
    expect(text).not.toMatch(/camera_off_long|roll_call_missed|[0-9a-f]{8}-[0-9a-f]{4}-/);
    expect(await anomalies.locator('a[href^="#/timeline/"]').count()).toBeGreaterThan(0);
    expect(
      await dash.locator(`a[href="./room.html?class=${c.classId}&session=${sessions[2]}"]`).count(),
    ).toBe(1);
    await p.screenshot({ path: `${SHOTS}/officer-dashboard-${size.name}.png`, fullPage: true });

    await p.getByRole('link', { name: '录像抽查 Recording reviews' }).click();
    const list = p.getByTestId('supervision-list');
    await list.getByTestId('supervision-table').waitFor();
    const rows = await list.innerText();
    expect(rows).toContain('回放可看 Replay ready');
    expect(rows).toContain('媒体服务进程中断 Media worker died');
    expect(rows).toContain('（100 秒 s）');
    expect(rows).toContain('未抽查 Not reviewed');
    const row = list.locator('tr', { hasText: '回放可看' });
    await row.getByText('记录抽查 Log review').click();
    await row.getByLabel('从第几分钟 From minute').fill('58');
    await row.getByLabel('到第几分钟 To minute').fill('63');
    await row.getByLabel('意见 Note').fill('中断处有缺口记录，前后画面完整');
    await row.getByRole('button', { name: '保存 Save' }).click();
    await list.getByText('中断处有缺口记录，前后画面完整').waitFor();
    expect(await bodyText(p)).toContain('海事检查员 · 第 58–63 分钟 min');
    await p.screenshot({ path: `${SHOTS}/officer-supervision-${size.name}.png`, fullPage: true });
    expect(errors).toEqual([]);
    await p.context().close();
  });
});
