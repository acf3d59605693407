import type { Page } from 'playwright-core';
import {
  openRoom,
  signedInPage,
  startClassroom,
  waitRecording,
  waitState,
  type Classroom,
} from '../helpers/classroom';

/**
 * TM-4: a replay URL plays for the person and browser it was issued to, nowhere else. A short class is
 * taught in Chromium and recorded for real; its replay is then watched in the real replay page.
 */
let room: Classroom;

beforeAll(async () => {
  room = await startClassroom();
  const instructor = await openRoom(room, room.w.usernames.instructor);
  await waitState(instructor, 'joined');
  // A few seconds of camera and microphone, then the instructor ends the session for all.
  await new Promise((r) => setTimeout(r, 6000));
  await instructor.evaluate(() =>
    (
      globalThis as unknown as { __live: { request(n: string, d: unknown): Promise<unknown> } }
    ).__live.request('session.end', {}),
  );
  await waitState(instructor, 'ended');
  await instructor.context().close();
  const rec = await waitRecording(room, 150_000);
  expect(rec.status).toBe('ready');
}, 240_000);
afterAll(() => room?.close(), 180_000);

type Played = { frames: number; currentTime: number; readyState: number; error: number | null };
const videoState = (page: Page) =>
  page.evaluate((): Played => {
    const v = (
      globalThis as unknown as { document: { getElementById(id: string): unknown } }
    ).document.getElementById('replay') as {
      getVideoPlaybackQuality(): { totalVideoFrames: number };
      currentTime: number;
      readyState: number;
      error: { code: number } | null;
    };
    return {
      frames: v.getVideoPlaybackQuality().totalVideoFrames,
      currentTime: v.currentTime,
      readyState: v.readyState,
      error: v.error?.code ?? null,
    };
  });

describe('replay bound to its person', () => {
  it("[TM-4] the trainee's replay page decodes frames in its <video>; the same link in another browser is refused (403 REPLAY_NOT_YOURS, audited)", async () => {
    const trainee = room.trainees[0]!.username;
    const page = await signedInPage(room.t, room.browser, trainee);
    const issued = page.waitForResponse(
      (r) => r.url().endsWith('/replay-url') && r.request().method() === 'POST',
    );
    const media = page.waitForResponse((r) => r.url().includes('/replay/'));
    await page.goto(`${room.t.baseUrl}/app/replay.html?class=${room.classId}&session=${room.sessionId}`);
    const issuedRes = await issued;
    expect(issuedRes.status()).toBe(200);
    const { url } = (await issuedRes.json()) as { url: string };
    // The binding is an httpOnly cookie for that URL only: the page (and its scripts) never see it.
    const cookie = (await issuedRes.headerValue('set-cookie')) ?? '';
    expect(cookie).toMatch(/^replay_key=[\w-]{43}; /);
    expect(cookie).toContain(`Path=${url}`);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    expect(
      await page.evaluate(() => (globalThis as unknown as { document: { cookie: string } }).document.cookie),
    ).toBe('');
    const first = await media;
    expect(first.status()).toBe(206);
    expect(first.headers()['content-type']).toBe('video/x-matroska');
    expect(first.headers()['x-content-type-options']).toBe('nosniff');

    // Frames decode in the element, and it plays on.
    await page.evaluate(() =>
      (
        (
          globalThis as unknown as { document: { getElementById(id: string): unknown } }
        ).document.getElementById('replay') as { muted: boolean; play(): Promise<void> }
      ).play(),
    );
    await page.waitForFunction(
      () => {
        const v = (
          globalThis as unknown as { document: { getElementById(id: string): unknown } }
        ).document.getElementById('replay') as {
          getVideoPlaybackQuality(): { totalVideoFrames: number };
          currentTime: number;
        };
        return v.getVideoPlaybackQuality().totalVideoFrames >= 10 && v.currentTime > 0.5;
      },
      undefined,
      { timeout: 30_000 },
    );
    const played = await videoState(page);
    expect(played.error).toBeNull();
    expect(played.readyState).toBeGreaterThanOrEqual(2);

    // The link copied into another browser (the same trainee signed in there, even): refused.
    const other = await signedInPage(room.t, room.browser, trainee);
    await other.goto(`${room.t.baseUrl}/app/index.html`);
    const copied = await other.evaluate(async (u) => {
      const res = await fetch(u, { headers: { range: 'bytes=0-1023' } });
      return {
        status: res.status,
        body: (await res.json()) as { code: string; message: { zh: string; en: string } },
      };
    }, url);
    expect(copied.status).toBe(403);
    expect(copied.body.code).toBe('REPLAY_NOT_YOURS');
    expect(copied.body.message.zh).toMatch(/回放/);
    expect(copied.body.message.en).toMatch(/replay/i);
    // …and a <video> there pointed at it decodes nothing.
    const inOther = await other.evaluate(
      (u) =>
        new Promise<{ error: number | null; frames: number }>((resolve) => {
          const d = (
            globalThis as unknown as {
              document: { createElement(t: string): unknown; body: { append(e: unknown): void } };
            }
          ).document;
          const v = d.createElement('video') as {
            src: string;
            muted: boolean;
            error: { code: number } | null;
            onerror: () => void;
            onloadeddata: () => void;
            getVideoPlaybackQuality(): { totalVideoFrames: number };
          };
          const done = () =>
            resolve({ error: v.error?.code ?? null, frames: v.getVideoPlaybackQuality().totalVideoFrames });
          v.onerror = done;
          v.onloadeddata = done;
          v.muted = true;
          v.src = u;
          d.body.append(v);
        }),
      url,
    );
    expect(inOther.error).not.toBeNull();
    expect(inOther.frames).toBe(0);

    const refused = await room.w.as.officer.institutions.auditEvents(room.w.institutionId, {
      action: 'recording.replay_refused',
    });
    expect(refused.items.some((e) => e.targetId === room.sessionId)).toBe(true);
    await page.context().close();
    await other.context().close();
  }, 90_000);

  it('[TM-4] with its cookie the link serves ranges and refuses a trainee download; without it even the exact URL is refused', async () => {
    const trainee = await room.t.client.auth.login({
      username: room.trainees[1]!.username,
      password: 'Lighthouse-Keeper-2027',
    });
    const res = await room.t.client
      .withToken(trainee.accessToken)
      .raw('POST', `/api/v1/classes/${room.classId}/sessions/${room.sessionId}/replay-url`);
    expect(res.status).toBe(200);
    const { url } = res.body as { url: string };
    expect(JSON.stringify(res.body)).not.toMatch(/binding|replay_key/);
    const cookie = res.headers.get('set-cookie')!.split(';')[0]!;
    const part = await fetch(`${room.t.baseUrl}${url}`, { headers: { range: 'bytes=100-1123', cookie } });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toMatch(/^bytes 100-1123\/\d+$/);
    expect((await part.arrayBuffer()).byteLength).toBe(1024);
    const download = await fetch(`${room.t.baseUrl}${url}?download=1`, { headers: { cookie } });
    expect(download.status).toBe(403);
    expect(((await download.json()) as { code: string }).code).toBe('FORBIDDEN');
    const bare = await fetch(`${room.t.baseUrl}${url}`, { headers: { range: 'bytes=0-1023' } });
    expect(bare.status).toBe(403);
    expect(((await bare.json()) as { code: string }).code).toBe('REPLAY_NOT_YOURS');
    const wrong = await fetch(`${room.t.baseUrl}${url}`, {
      headers: { cookie: `replay_key=${'A'.repeat(43)}` },
    });
    expect(wrong.status).toBe(403);
  });
});
