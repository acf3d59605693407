import { mkdirSync } from 'node:fs';
import type { Page } from 'playwright-core';
import type { Consumer } from 'mediasoup/node/lib/types';
import { openRoom, signedInPage, startClassroom, waitState, type Classroom } from '../helpers/classroom';
import type { ClassView } from '@seafarer/contracts';
import type { movableClock } from '../helpers/clock';
import { planFor, signIn } from '../helpers/world';
import { SIZES } from './web';

/**
 * JS-16: the monitoring wall in real Chromium. An instructor (fake camera, three simulcast layers) and a
 * trainee in a live class, and a second class of the jurisdiction live at the same time, through the real SFU; the officer's wall shows the class as a tile whose video
 * decodes, with the head count, over a hidden observer connection that receives the instructor's camera
 * only, at spatial layer 0 (read on the server's own consumer); one click sits in.
 */
const SHOTS = process.env.SHOTS_DIR ?? '/tmp/helpers/shots/D';
mkdirSync(SHOTS, { recursive: true });
const DESKTOP = {
  viewport: { width: 1366, height: 768 },
  deviceScaleFactor: 1,
  isMobile: false,
  hasTouch: false,
};
let room: Classroom;
let instructor: Page;
let instructorId: string;
let second: { classId: string; sessionId: string };

type WallWindow = {
  document: {
    querySelector(s: string): {
      videoWidth: number;
      clientWidth: number;
      getVideoPlaybackQuality(): { totalVideoFrames: number };
    } | null;
  };
  __wall: Map<
    string,
    {
      client: {
        state: string;
        stats(): Promise<Array<{ kind: string; framesDecoded: number; peerId: string; source: string }>>;
      };
    }
  >;
};

/** The tile's video element: its decoded size and the frames it presented within 1.5 s. */
async function tileVideo(p: Page, sessionId: string) {
  return p.evaluate(async (sid) => {
    const w = globalThis as unknown as WallWindow;
    const v = w.document.querySelector(`article[data-session="${sid}"] video`);
    if (!v) return { videoWidth: 0, clientWidth: 0, frames: 0 };
    const before = v.getVideoPlaybackQuality().totalVideoFrames;
    await new Promise((r) => setTimeout(r, 1500));
    return {
      videoWidth: v.videoWidth,
      clientWidth: v.clientWidth,
      frames: v.getVideoPlaybackQuality().totalVideoFrames - before,
    };
  }, sessionId);
}

async function waitTileMoving(p: Page, sessionId: string, timeout = 40_000) {
  const end = Date.now() + timeout;
  for (;;) {
    const v = await tileVideo(p, sessionId);
    if (v.videoWidth > 0 && v.frames >= 3) return v;
    if (Date.now() > end) throw new Error(`tile not moving: ${JSON.stringify(v)}`);
  }
}

/** The officer's consumers on the server: what the SFU sends that tile, and at which layer. */
function observerConsumers(): Consumer[] {
  const sfu = room.live.signaling.rooms.get(room.sessionId)!;
  return [...sfu.peers.values()]
    .filter((p) => p.role === 'observer')
    .flatMap((p) => [...p.consumers.values()]);
}

/** A second class of the jurisdiction live at the same time, taught by the junior instructor (override). */
async function secondLiveClass(): Promise<{ classId: string; sessionId: string }> {
  const clock = room.t.app.core.clock as ReturnType<typeof movableClock>;
  const at = clock.now();
  clock.reset(); // made and filed in real time: the filing deadline holds
  const w = room.w;
  const first = (await w.as.manager.call<ClassView>('GET', `/api/v1/classes/${room.classId}`)).current;
  const staff = await w.as.admin.call<{ items: Array<{ accountId: string; username: string }> }>(
    'GET',
    `/api/v1/institutions/${w.institutionId}/staff`,
  );
  const managerId = staff.items.find((x) => x.username === w.usernames.manager)!.accountId;
  const c = await w.as.manager.call<ClassView>('POST', `/api/v1/institutions/${w.institutionId}/classes`, {
    body: {
      trainingItemId: w.theoryItemId,
      code: `W2-${w.code}`,
      name: '分会场直播班',
      plan: {
        ...planFor(w.juniorInstructorId, managerId, first.firstSessionDate),
        instructorOverrides: [
          { accountId: w.juniorInstructorId, reason: '新教员在资深教员指导下授课，经机构特批' },
        ],
      },
    },
  });
  await w.as.manager.call('POST', `/api/v1/classes/${c.id}/plan/file`);
  await w.as.officer.call('POST', `/api/v1/classes/${c.id}/plan/review`, { body: { decision: 'confirm' } });
  await signIn(room.t.client, w.usernames.junior); // the first sign-in sets NEW_PASSWORD
  clock.set(at);
  return { classId: c.id, sessionId: c.current.sessions[0]!.id };
}

beforeAll(async () => {
  room = await startClassroom();
  second = await secondLiveClass();
  instructor = await openRoom(room, room.w.usernames.instructor, { device: DESKTOP, lite: false });
  await waitState(instructor, 'joined', 60_000);
  instructorId = await instructor.evaluate(
    () => (globalThis as unknown as { __live: { self: { id: string } } }).__live.self.id,
  );
  const trainee = await openRoom(room, room.trainees[0]!.username);
  await waitState(trainee, 'joined', 60_000);
  const junior = await signedInPage(room.t, room.browser, room.w.usernames.junior, { device: DESKTOP });
  await junior.goto(`${room.t.baseUrl}/app/room.html?class=${second.classId}&session=${second.sessionId}`);
  await waitState(junior, 'joined', 60_000);
}, 300_000);
afterAll(() => room?.close(), 120_000);

describe.each(SIZES)('monitoring wall at $name size', (size) => {
  it(`[JS-16] the monitoring wall shows a moving thumbnail of each live class at the lowest layer, with its head count, and one click sits in (${size.name})`, async () => {
    const p = await signedInPage(room.t, room.browser, room.w.usernames.officer, {
      device: {
        viewport: size.viewport,
        deviceScaleFactor: 1,
        isMobile: size.viewport.width < 500,
        hasTouch: size.viewport.width < 500,
      },
    });
    const errors: string[] = [];
    p.on('pageerror', (e) => errors.push(e.message));
    await p.goto(`${room.t.baseUrl}/app/wall.html`);
    const tile = p.locator(`article[data-session="${room.sessionId}"]`);
    await tile.waitFor({ timeout: 30_000 });
    // Both live classes of the jurisdiction, each moving.
    await p.locator(`article[data-session="${second.sessionId}"]`).waitFor({ timeout: 30_000 });
    expect(await p.locator('article.tile').count()).toBe(2);
    await waitTileMoving(p, second.sessionId);
    // The head count the API gives: the one trainee present, of the roster's three.
    await tile.getByText('在线 1/3 人').waitFor({ timeout: 30_000 });
    const v = await waitTileMoving(p, room.sessionId);
    expect(v.clientWidth).toBeLessThanOrEqual(360);

    // The server sends the tile the instructor's camera only, at spatial layer 0.
    const end = Date.now() + 30_000;
    let seen: Array<{ owner: string; kind: string; preferred?: number; current?: number }> = [];
    for (;;) {
      const sfu = room.live.signaling.rooms.get(room.sessionId)!;
      seen = observerConsumers().map((c) => ({
        owner: sfu.findProducer(c.producerId)?.owner.id ?? '',
        kind: c.kind,
        preferred: c.preferredLayers?.spatialLayer,
        current: c.currentLayers?.spatialLayer,
      }));
      if (seen.length === 1 && seen[0]!.preferred === 0 && seen[0]!.current === 0) break;
      if (Date.now() > end) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    expect(seen).toEqual([{ owner: instructorId, kind: 'video', preferred: 0, current: 0 }]);
    // Still moving at layer 0: the frames keep coming.
    await waitTileMoving(p, room.sessionId);
    await p.screenshot({ path: `${SHOTS}/wall-${size.name}.png`, fullPage: true });

    // One click sits in: the room page, as the hidden observer.
    await tile.getByRole('link', { name: '旁听 Sit in' }).click();
    await p.waitForURL(/room\.html\?class=/);
    await waitState(p, 'joined', 60_000);
    expect(
      await p.evaluate(
        () => (globalThis as unknown as { __live: { self: { role: string; hidden: boolean } } }).__live.self,
      ),
    ).toMatchObject({ role: 'observer', hidden: true });
    expect(errors).toEqual([]);
    await p.context().close();
  }, 180_000);
});
