import type { Page } from 'playwright-core';
import type { RecordingManifest } from '@seafarer/contracts';
import { mediaGaps, unaccountedSeconds } from '../helpers/manifest';
import {
  framesBy,
  openRoom,
  startClassroom,
  waitFramesRising,
  waitState,
  type Classroom,
} from '../helpers/classroom';

/**
 * A class that outgrows one router: with room for three participants per router and two workers,
 * the instructor and two trainees share the first router, the third trainee and the officer get a
 * second router on the other worker, and streams are piped between the two (mediasoup pipeToRouter).
 */
let room: Classroom;
let instructor: Page;
let trainees: Page[];
let officer: Page;
let ids: { instructor: string; trainees: string[] };

type W = {
  __live: {
    self: { id: string };
    joinedAt: number[];
    main: { source: string; peerId: string | null };
    request(n: string, d: unknown): Promise<unknown>;
  };
};
const live = (p: Page) => p.evaluate(() => (globalThis as unknown as W).__live.joinedAt.length);
const sfuRoom = () => room.live.signaling.rooms.get(room.sessionId)!;

beforeAll(async () => {
  room = await startClassroom({ live: { LIVE_WORKERS: '2', LIVE_ROUTER_MAX_PEERS: '3' } });
  instructor = await openRoom(room, room.w.usernames.instructor);
  await waitState(instructor, 'joined');
  trainees = [];
  for (const t of room.trainees) {
    const p = await openRoom(room, t.username);
    await waitState(p, 'joined');
    trainees.push(p);
  }
  officer = await openRoom(room, room.w.usernames.officer);
  await waitState(officer, 'joined');
  const me = (p: Page) => p.evaluate(() => (globalThis as unknown as W).__live.self.id);
  ids = { instructor: await me(instructor), trainees: await Promise.all(trainees.map(me)) };
}, 120_000);
afterAll(() => room?.close(), 180_000);

describe('a class spread over two routers', () => {
  it('[JS-8] the third trainee and the officer land on a second router on the other worker; everyone receives across it', async () => {
    const r = sfuRoom();
    expect(r.routers).toHaveLength(2);
    expect(r.routers[0]!.worker.pid).not.toBe(r.routers[1]!.worker.pid);
    const routerOf = (id: string) => r.peers.get(id)!.router;
    expect(routerOf(ids.instructor)).toBe(r.routers[0]!.router);
    expect(routerOf(ids.trainees[0]!)).toBe(r.routers[0]!.router);
    expect(routerOf(ids.trainees[1]!)).toBe(r.routers[0]!.router);
    expect(routerOf(ids.trainees[2]!)).toBe(r.routers[1]!.router);

    // Piped to the second router: the instructor's picture reaches the third trainee and the officer.
    for (const p of trainees) await waitFramesRising(p, [`${ids.instructor}:camera`]);
    // Piped back: the instructor sees every trainee, the officer sees everyone.
    const everyTrainee = ids.trainees.map((id) => `${id}:camera`);
    await waitFramesRising(instructor, everyTrainee);
    await waitFramesRising(officer, [`${ids.instructor}:camera`, ...everyTrainee]);
  });

  it('[VC-1] a trainee on the second router on the main picture reaches the trainees of the first', async () => {
    const star = ids.trainees[2]!;
    await instructor.evaluate(
      (id) => (globalThis as unknown as W).__live.request('main.set', { source: 'trainee', peerId: id }),
      star,
    );
    await waitFramesRising(trainees[0]!, [`${star}:camera`]);
    await instructor.evaluate(() =>
      (globalThis as unknown as W).__live.request('main.set', { source: 'camera' }),
    );
  });

  it('[REL-1] [VC-2] the second worker dies: only its people join again, the others and the recording carry on', async () => {
    const r = sfuRoom();
    const second = r.routers[1]!.worker;
    const firstRouter = r.routers[0]!.router;
    const before = new Map<Page, Record<string, number>>();
    for (const p of [instructor, trainees[0]!, trainees[1]!]) before.set(p, await framesBy(p));
    process.kill(second.pid, 'SIGKILL');
    const killedAt = Date.now();
    // The third trainee and the officer come back by themselves and receive again.
    for (const p of [trainees[2]!, officer])
      await p.waitForFunction(() => (globalThis as unknown as W).__live.joinedAt.length >= 2, undefined, {
        timeout: 10_000,
      });
    await waitFramesRising(trainees[2]!, [`${ids.instructor}:camera`], {}, 15_000);
    // The instructor receives the third trainee through a new consumer, whose count starts again at 0
    // (measured against the old consumer's count, this waited for ~90 frames more, not for the picture).
    await waitFramesRising(instructor, [`${ids.trainees[2]}:camera`], {}, 15_000);
    expect(Date.now() - killedAt).toBeLessThan(10_000);
    // Everyone on the first router kept their connection and their pictures.
    for (const p of [instructor, trainees[0]!, trainees[1]!]) expect(await live(p)).toBe(1);
    await waitFramesRising(trainees[0]!, [`${ids.instructor}:camera`], before.get(trainees[0]!));
    expect(sfuRoom().routers[0]!.router).toBe(firstRouter);
    expect(firstRouter.closed).toBe(false);

    // Ending the class: the recording has one segment and no gap.
    await instructor.evaluate(() => (globalThis as unknown as W).__live.request('session.end', {}));
    const end = Date.now() + 60_000;
    let rec = await room.t.app.core.recordings.get(room.sessionId);
    while (!rec && Date.now() < end) {
      await new Promise((res) => setTimeout(res, 250));
      rec = await room.t.app.core.recordings.get(room.sessionId);
    }
    const m = rec!.manifest as RecordingManifest;
    expect(mediaGaps(m)).toEqual([]);
    expect(unaccountedSeconds(m)).toBe(0);
    // Segments start only with the session and with the instructor's own tracks, never a rebind.
    expect(m.segments.map((seg) => seg.reason)).not.toContain('rebind');
  }, 90_000);
});
