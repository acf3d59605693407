import type { Page } from 'playwright-core';
import {
  waitRecording,
  framesBy,
  openRoom,
  startClassroom,
  waitFramesRising,
  waitState,
  type Classroom,
} from '../helpers/classroom';

/** REL-1: a crashed media worker or a dropped network puts people back into the class by themselves. */
let room: Classroom;
let instructor: Page;
let trainees: Page[];
let ids: { instructor: string; trainees: string[] };

beforeAll(async () => {
  room = await startClassroom();
  instructor = await openRoom(room, room.w.usernames.instructor);
  await waitState(instructor, 'joined');
  trainees = [
    await openRoom(room, room.trainees[0]!.username),
    await openRoom(room, room.trainees[1]!.username),
  ];
  for (const p of trainees) await waitState(p, 'joined');
  const me = (p: Page) =>
    p.evaluate(() => (globalThis as unknown as { __live: { self: { id: string } } }).__live.self.id);
  ids = { instructor: await me(instructor), trainees: await Promise.all(trainees.map(me)) };
  for (const p of trainees) await waitFramesRising(p, [`${ids.instructor}:camera`]);
  await waitFramesRising(
    instructor,
    ids.trainees.map((id) => `${id}:camera`),
  );
}, 120_000);
afterAll(() => room?.close(), 180_000);

const everyoneReceiving = async (since: Map<Page, Record<string, number>>) => {
  await Promise.all([
    ...trainees.map((p) => waitFramesRising(p, [`${ids.instructor}:camera`], since.get(p) ?? {}, 15_000)),
    waitFramesRising(
      instructor,
      ids.trainees.map((id) => `${id}:camera`),
      since.get(instructor) ?? {},
      15_000,
    ),
  ]);
};

describe('recovery', () => {
  it('[REL-1] killing the mediasoup worker mid-class: a new worker starts and everyone is back and receiving within 10 s', async () => {
    const dead = room.live.pool.all[0]!;
    const deadPid = dead.pid;
    process.kill(deadPid, 'SIGKILL');
    const killedAt = Date.now();
    // Each page joins the rebuilt room by itself; its receivers then start again from zero.
    for (const p of [instructor, ...trainees])
      await p.waitForFunction(
        () =>
          (globalThis as unknown as { __live: { joinedAt: number[]; state: string } }).__live.joinedAt
            .length >= 2,
        undefined,
        { timeout: 10_000 },
      );
    await everyoneReceiving(new Map());
    const recoveredMs = Date.now() - killedAt;
    expect(room.live.pool.all[0]!.pid).not.toBe(deadPid);
    expect(recoveredMs).toBeLessThan(10_000);
    for (const p of [instructor, ...trainees])
      expect(
        await p.evaluate(
          () => (globalThis as unknown as { __live: { joinedAt: number[] } }).__live.joinedAt.length,
        ),
      ).toBe(2);
    // The presence log shows the media loss and the return, not a departure.
    const presence = await room.w.as.manager.call<{
      items: Array<{ accountId: string; present: boolean; events: Array<{ event: string }> }>;
    }>('GET', `/api/v1/classes/${room.classId}/sessions/${room.sessionId}/presence`);
    const t0 = presence.items.find((p) => p.accountId === ids.trainees[0])!;
    expect(t0.events.map((e) => e.event)).toEqual(expect.arrayContaining(['camera.off', 'camera.on']));
    expect(t0.present).toBe(true);
  });

  it('[REL-1] a trainee whose network drops is shown 重连中 to the instructor, rejoins by itself with a fresh grant and receives again', async () => {
    const p = trainees[1]!;
    const before = await framesBy(p);
    await p.context().setOffline(true);
    // The instructor sees them reconnecting, not vanished.
    const row = instructor.locator(`#participants li[data-peer="${ids.trainees[1]}"]`);
    await row.filter({ hasText: '重连中 Reconnecting' }).waitFor({ timeout: 20_000 });
    await waitState(p, 'rejoining', 20_000);
    expect(await p.locator('#state').textContent()).toContain('正在自动重连');
    await p.context().setOffline(false);
    await waitState(p, 'joined', 30_000);
    await row.filter({ hasText: '摄像头开 Camera on' }).waitFor({ timeout: 20_000 });
    expect(await row.textContent()).not.toContain('重连中');
    await waitFramesRising(p, [`${ids.instructor}:camera`], {}, 20_000);
    expect(Object.keys(before).length).toBeGreaterThan(0);
    const presence = await room.w.as.manager.call<{
      items: Array<{ accountId: string; events: Array<{ event: string }> }>;
    }>('GET', `/api/v1/classes/${room.classId}/sessions/${room.sessionId}/presence`);
    expect(presence.items.find((x) => x.accountId === ids.trainees[1])!.events.map((e) => e.event)).toContain(
      'network.drop',
    );
  });
});

describe('recording across a worker death', () => {
  it('[REL-1] [VC-2] the recording continues in a new segment and the manifest shows two segments and the gap', async () => {
    await instructor.evaluate(() =>
      (
        globalThis as unknown as { __live: { request(n: string, d: unknown): Promise<unknown> } }
      ).__live.request('session.end', {}),
    );
    const rec = await waitRecording(room, 150_000);
    const m = rec.manifest as {
      segments: Array<{ startedAt: string; endedAt: string; reason: string }>;
      gaps: Array<{ from: string; to: string; reason: string }>;
    };
    expect(m.segments.length).toBeGreaterThanOrEqual(2);
    const gap = m.gaps.find((g) => g.reason === 'worker_died');
    expect(gap).toBeDefined();
    const resumed = m.segments.find((s) => s.reason === 'rebind');
    expect(resumed).toBeDefined();
    expect(Date.parse(gap!.from)).toBeLessThanOrEqual(Date.parse(resumed!.startedAt));
    expect(rec.status).toBe('ready');
  }, 180_000);
});
