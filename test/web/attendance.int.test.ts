import { mkdirSync } from 'node:fs';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { livePresenceEvents, recordings, rollCallResponses, rollCalls } from '@seafarer/db';
import { china, movableClock } from '../helpers/clock';
import { rosterCsv, trainees } from '../helpers/roster';
import { createWorld, signIn } from '../helpers/world';
import { browserSuite, SIZES, pageAs } from './web';

/**
 * JS-13.2 / JS-15 / JS-16 in Chromium: the manager's attendance sheet of a day (a table on a laptop, one
 * card per trainee on a phone), a withheld roll-call decided with 判定 Decide, the trainee's evidence
 * timeline with "未应答 09:30" one click from the replay at that moment, and the trainee's appeal of
 * their own withheld roll-call. The live room's records are written through the database handle as the
 * live service writes them (test/attendance.int.test.ts makes them through the real socket).
 */
const clock = movableClock();
const s = browserSuite({ REFRESH_TOKEN_TTL_SECONDS: String(90 * 86_400) }, { clock });
const SHOTS = '/tmp/helpers/shots/attendance';
mkdirSync(SHOTS, { recursive: true });

describe.each(SIZES)('attendance pages at $name size', (size) => {
  it(`[JS-13.2] [JS-15] [JS-16] the manager's attendance sheet, a decision, the evidence timeline to the replay, the trainee's appeal (${size.name})`, async () => {
    clock.reset();
    const w = await createWorld(s.t);
    await w.as.manager.raw('POST', `/api/v1/classes/${w.classId}/roster/import`, {
      rawBody: rosterCsv(trainees(2, size.name === 'phone' ? 960 : 950)),
      headers: { 'content-type': 'text/csv' },
    });
    const slips = await w.as.manager.call<{
      issued: Array<{ username: string; name: string; oneTimePassword: string }>;
    }>('POST', `/api/v1/classes/${w.classId}/accounts/issue`);
    const [a, b] = await Promise.all(
      slips.issued.map((x) => signIn(s.t.client, x.username, x.oneTimePassword)),
    );
    const [aId, bId] = await Promise.all([a!, b!].map(async (c) => (await c.auth.me()).accountId));
    await w.as.manager.call('POST', `/api/v1/classes/${w.classId}/plan/file`);
    await w.as.officer.call('POST', `/api/v1/classes/${w.classId}/plan/review`, {
      body: { decision: 'confirm' },
    });
    const day = w.firstSessionDate;
    const at = (hhmm: string) => china(day, `${hhmm}:00`);
    // Trainee A was present 08:30–10:30 and missed the 09:30 roll-call; trainee B never came.
    const db = s.t.app.core.db;
    const base = { classId: w.classId, sessionId: w.sessionId };
    await db.insert(livePresenceEvents).values(
      (['join', 'mic.on', 'camera.on', 'leave'] as const).map((event, i) => ({
        ...base,
        accountId: aId!,
        role: 'trainee',
        event,
        at: i < 3 ? at('08:30') : at('10:30'),
        data: {},
      })),
    );
    const [rc] = await db
      .insert(rollCalls)
      .values({
        ...base,
        institutionId: w.institutionId,
        origin: 'instructor',
        startedBy: w.instructorId,
        status: 'closed',
        windowS: 60,
        firedAt: at('09:30'),
        closesAt: at('09:31'),
        closedAt: at('09:33'),
      })
      .returning();
    await db.insert(rollCallResponses).values([
      { rollCallId: rc!.id, accountId: aId!, outcome: 'absent', decidedAt: at('09:33') },
      { rollCallId: rc!.id, accountId: bId!, outcome: 'not_in_room', decidedAt: at('09:33') },
    ]);
    // The session's recording: 08:30–09:00 and, after a 10-minute gap, 09:10–12:30.
    await db.insert(recordings).values({
      ...base,
      institutionId: w.institutionId,
      status: 'ready',
      manifest: {
        sessionId: w.sessionId,
        startedAt: at('08:30').toISOString(),
        endedAt: at('12:30').toISOString(),
        segments: [
          { startedAt: at('08:30').toISOString(), endedAt: at('09:00').toISOString() },
          { startedAt: at('09:10').toISOString(), endedAt: at('12:30').toISOString() },
        ],
        gaps: [],
      },
      replayKey: `replays/${w.sessionId}.webm`,
    });
    const now = at('13:00');
    clock.set(now);

    // The manager's sheet of that day.
    const m = await pageAs(s.t, s.browser, w.usernames.manager, size);
    await m.p.clock.setFixedTime(now);
    await m.p.goto(`${s.t.baseUrl}/app/manager.html#/class/${w.classId}/attendance`);
    const rowA = m.p.locator(`[data-testid="attendance-table"] tr[data-account="${aId}"]`);
    await rowA.waitFor();
    expect(await m.p.getByTestId('attendance-day').inputValue()).toBe(day);
    const textA = await rowA.innerText();
    for (const want of [
      slips.issued[0]!.name,
      '第 1 次 08:30–12:30',
      '在线 Online 08:30–10:30 · 120 分钟 min',
      '早退 120 分钟 left 120 min early',
      '09:30 点名：未应答 No answer',
      '学时暂扣，待判定 Minutes withheld, awaiting decision',
      '本次 This session 1.5 学时 h（90 分钟 min）',
      '累计 So far 1.5 / 16 学时 h · 37%',
      '低于 90% Below 90 %',
    ])
      expect(textA).toContain(want);
    expect(await m.p.locator(`tr[data-account="${bId}"]`).innerText()).toContain('缺勤 Absent');
    expect(await rowA.getAttribute('data-flagged')).toBe('true');
    expect(await m.p.getByTestId('attendance-flagged').innerText()).toContain('2 名学员');
    if (size.name === 'phone') {
      // One card per trainee: the row is as wide as the screen, the cells stacked with their labels.
      const box = (await rowA.boundingBox())!;
      expect(box.width).toBeLessThanOrEqual(390);
      expect(
        await rowA
          .locator('td')
          .nth(2)
          .evaluate(
            (td) =>
              (
                globalThis as unknown as { getComputedStyle(e: unknown, p: string): { content: string } }
              ).getComputedStyle(td, '::before').content,
          ),
      ).toContain('出勤 Attendance');
    }
    await m.p.screenshot({ path: path.join(SHOTS, `manager-sheet-${size.name}.png`), fullPage: true });
    // The day's sheet downloads as the XLSX the API makes.
    const [file] = await Promise.all([
      m.p.waitForEvent('download'),
      m.p.getByRole('button', { name: '下载当日考勤表 Download the day (XLSX)' }).click(),
    ]);
    expect(file.suggestedFilename()).toBe(`C${w.code}-attendance-${day}.xlsx`);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(await file.path());
    expect(String(wb.getWorksheet('考勤表 Attendance')!.getCell('A1').value)).toContain(
      '考勤表 Attendance sheet',
    );

    // 判定 Decide: credit the withheld minutes with a note.
    await rowA.getByRole('button', { name: '判定 Decide' }).click();
    await rowA.locator('textarea').fill('教员确认该学员在场');
    await rowA.getByRole('button', { name: '认定学时 Credit' }).click();
    await m.p
      .locator(`tr[data-account="${aId}"]`, { hasText: '已判定认定学时 Decided: minutes credited' })
      .waitFor();
    expect(await m.p.locator(`tr[data-account="${aId}"]`).innerText()).toContain(
      '本次 This session 2 学时 h（120 分钟 min）',
    );

    // The evidence timeline: "未应答 09:30" → the replay at 09:30 (30 min + 20 min recorded = 3000 s).
    await m.p.locator(`tr[data-account="${aId}"] a.timeline-link`).click();
    await m.p.getByTestId('timeline').waitFor();
    expect(await m.p.getByTestId('timeline-name').innerText()).toContain(slips.issued[0]!.name);
    const items = await m.p.locator('[data-testid="timeline"] > li').allInnerTexts();
    expect(items.map((x) => x.split('\n')[0])).toEqual([
      '08:30:00 进入课堂 Joined',
      '08:30:00 打开麦克风 Microphone on',
      '08:30:00 打开摄像头 Camera on',
      '09:30:00 点名：未应答 Roll-call: No answer',
      '10:30:00 离开课堂 Left',
      "13:00:00 班主任判定：认定学时 Manager's decision: Credit the minutes",
    ]);
    const missed = m.p.locator('[data-testid="timeline"] > li[data-event="absent"]');
    const replay = missed.locator('a.replay');
    expect(await replay.innerText()).toBe('▶ 回放 09:30 Replay at 09:30');
    expect(await replay.getAttribute('href')).toBe(
      `/app/replay.html?class=${w.classId}&session=${w.sessionId}#t=3000`,
    );
    await m.p.screenshot({ path: path.join(SHOTS, `timeline-${size.name}.png`), fullPage: true });
    await replay.click();
    await m.p.waitForURL(/replay\.html/);
    // The replay page asks for its signed URL and starts the video at that moment.
    type Video = { src: string; currentTime: number };
    const video = m.p.locator('#replay');
    await m.p.waitForFunction((el) => !!(el as unknown as Video).src, await video.elementHandle());
    expect(await video.evaluate((el) => (el as unknown as Video).currentTime)).toBe(3000);
    expect(m.errors).toEqual([]);

    // The officer of the jurisdiction: the class's attendance (read only: no Decide) and the same timeline.
    const o = await pageAs(s.t, s.browser, w.usernames.officer, size);
    await o.p.clock.setFixedTime(now);
    await o.p.goto(`${s.t.baseUrl}/app/officer.html#/class/${w.classId}/attendance`);
    const officerRow = o.p.locator(`[data-testid="attendance-table"] tr[data-account="${bId}"]`);
    await officerRow.waitFor();
    expect(await officerRow.innerText()).toContain('09:30 点名：不在课堂 Not in the room');
    expect(await o.p.getByRole('button', { name: '判定 Decide' }).count()).toBe(0);
    await o.p.locator(`tr[data-account="${aId}"] a.timeline-link`).click();
    const officerMissed = o.p.locator('[data-testid="timeline"] > li[data-event="absent"] a.replay');
    await officerMissed.waitFor();
    expect(await officerMissed.getAttribute('href')).toContain('#t=3000');
    await o.p.screenshot({ path: path.join(SHOTS, `officer-timeline-${size.name}.png`), fullPage: true });
    expect(o.errors).toEqual([]);

    // The trainee B appeals their own withheld roll-call on their class card.
    const tb = await pageAs(s.t, s.browser, slips.issued[1]!.username, size);
    await tb.p.clock.setFixedTime(now);
    await tb.p.goto(`${s.t.baseUrl}/app/`);
    const card = tb.p.locator(`section.class-card[data-class="${w.classId}"]`);
    const item = card.locator(`[data-testid="withheld"] li[data-subject="${rc!.id}"]`);
    await item.waitFor();
    expect(await item.innerText()).toContain('09:30 点名：不在课堂 Not in the room · 学时暂扣，待判定');
    await item.getByRole('button', { name: '申诉 Appeal' }).click();
    await item.locator('textarea').fill('当时网络中断，已向班主任报告');
    await item.getByRole('button', { name: '提交申诉 Submit appeal' }).click();
    await card
      .locator('.appeal-state', { hasText: '已申诉，待班主任判定 Appealed; awaiting the class manager' })
      .waitFor();
    expect(await card.locator('.appeal-open').count()).toBe(0);
    await tb.p.screenshot({ path: path.join(SHOTS, `trainee-appeal-${size.name}.png`), fullPage: true });
    expect(tb.errors).toEqual([]);
  });
});
