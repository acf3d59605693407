import { randomBytes } from 'node:crypto';
import pino from 'pino';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { createOutboundDelivery, type OutboundChannel } from '@seafarer/core';
import { startProcessors } from '../../services/worker/src/processors';
import { loadConfig } from '@seafarer/config';
import { buildLiveServer, type LiveServer } from '../../services/live/src/app';
import { startTestApp, type TestApp } from './app';
import { movableClock } from './clock';
import { confirmedClass } from './cluster';
import { NEW_PASSWORD, type World } from './world';

/** Debian's Chromium with a fake camera and microphone (a moving test pattern and a beep). */
export const launchChromium = () =>
  chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--use-fake-device-for-media-stream',
      '--use-fake-ui-for-media-stream',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--autoplay-policy=no-user-gesture-required',
      '--disable-background-timer-throttling',
      '--disable-renderer-backgrounding',
    ],
  });

export interface Classroom {
  t: TestApp;
  live: LiveServer;
  w: World;
  classId: string;
  sessionId: string;
  /** The three trainees on the roster (the class's scale), with their chosen passwords. */
  trainees: Array<{ username: string; name: string }>;
  browser: Browser;
  close(): Promise<void>;
}

/**
 * A confirmed class with a full roster, the API and the live service running for real (port 0), and
 * the API's clock inside the first session's timetable window.
 */
export async function startClassroom(
  opts: {
    live?: Record<string, string>;
    /** The worker's outbound notification channels (none by default). */
    channels?: OutboundChannel[];
  } = {},
): Promise<Classroom> {
  const clock = movableClock();
  // API, live service and worker share the storage (recordings) and the job queue, as in a deployment.
  const shared = {
    STORAGE_DIR: mkdtempSync(path.join(os.tmpdir(), 'seafarer-live-')),
    QUEUE_PREFIX: `test-${randomBytes(4).toString('hex')}`,
  };
  const liveConfig = loadConfig({
    ...process.env,
    LOG_LEVEL: 'silent',
    LIVE_WORKERS: '1',
    ...opts.live,
    ...shared,
  });
  const live = await buildLiveServer({
    config: liveConfig,
    log: pino({ level: process.env.LIVE_LOG ?? 'silent' }),
  });
  const livePort = await live.listen(0, '127.0.0.1');
  const t = await startTestApp(
    {
      LIVE_PUBLIC_URL: `http://127.0.0.1:${livePort}`,
      REFRESH_TOKEN_TTL_SECONDS: String(90 * 86_400),
      ...shared,
    },
    { clock },
  );
  // The worker service's own processors (recording post-processing among them).
  const delivery = createOutboundDelivery({
    db: t.app.core.db,
    clock: t.app.core.clock,
    channels: opts.channels ?? [],
  });
  const worker = startProcessors({
    core: t.app.core,
    delivery,
    log: pino({ level: 'silent' }),
    queue: { redisUrl: t.config.REDIS_URL, prefix: shared.QUEUE_PREFIX },
    storageDir: shared.STORAGE_DIR,
  });
  const cls = await confirmedClass(t, clock, { code: 'L', name: '直播测试班', rosterSeed: 300 });
  const browser = await launchChromium();
  return {
    t,
    live,
    w: cls.w,
    classId: cls.classId,
    sessionId: cls.sessionId,
    trainees: cls.issued,
    browser,
    async close() {
      await browser.close();
      await live.close();
      await worker.close();
      await t.close();
    },
  };
}

export interface RoomPageOptions {
  noCamera?: boolean;
  /** The room's data-saver mode (`&lite=1`: small video, fewer layers); on unless set false. */
  lite?: boolean;
  password?: string;
  /** Screen and input of the device (a phone: small viewport, touch, high pixel ratio). */
  device?: {
    viewport: { width: number; height: number };
    deviceScaleFactor: number;
    isMobile: boolean;
    hasTouch: boolean;
  };
}

/** Signs in through the API and opens the live room page in its own browser context. */
export async function openRoom(room: Classroom, username: string, opts: RoomPageOptions = {}): Promise<Page> {
  const page = await signedInPage(room.t, room.browser, username, opts);
  await page.goto(
    `${room.t.baseUrl}/app/room.html?class=${room.classId}&session=${room.sessionId}${opts.lite === false ? '' : '&lite=1'}`,
  );
  return page;
}

/** A page in its own browser context, signed in as `username` (token in sessionStorage, as the web client keeps it). */
export async function signedInPage(
  t: TestApp,
  browser: Browser,
  username: string,
  opts: RoomPageOptions = {},
): Promise<Page> {
  const pair = await t.client.auth.login({ username, password: opts.password ?? NEW_PASSWORD });
  const context = await browser.newContext(opts.device ?? {});
  // These callbacks run in the page, where the DOM exists; node's types do not know it.
  type PageGlobals = {
    sessionStorage: { setItem(k: string, v: string): void };
    navigator: { mediaDevices: { getUserMedia(c?: { audio?: unknown; video?: unknown }): Promise<unknown> } };
  };
  await context.addInitScript(
    (token: string) => (globalThis as unknown as PageGlobals).sessionStorage.setItem('accessToken', token),
    pair.accessToken,
  );
  if (opts.noCamera)
    // A laptop without a camera: the browser offers a microphone only.
    await context.addInitScript(() => {
      const media = (globalThis as unknown as PageGlobals).navigator.mediaDevices;
      const original = media.getUserMedia.bind(media);
      media.getUserMedia = (c) => original({ audio: c?.audio ?? true, video: false });
    });
  return context.newPage();
}

export interface StreamStats {
  peerId: string;
  source: string;
  kind: string;
  framesDecoded: number;
  packetsReceived: number;
  bytesReceived: number;
  totalAudioEnergy: number;
}
type LiveWindow = {
  __live: {
    state: string;
    stats(): Promise<StreamStats[]>;
    peers: Map<string, { name: string; role: string }>;
    observers: number;
  };
};

export const liveState = (page: Page) =>
  page.evaluate(() => (globalThis as unknown as LiveWindow).__live.state);
export const waitState = (page: Page, state: string, timeout = 20_000) =>
  page.waitForFunction((s) => (globalThis as unknown as LiveWindow).__live?.state === s, state, { timeout });

/** Decoded video frames per (peer, source) as the page's receivers report them. */
export const framesBy = async (page: Page) =>
  Object.fromEntries(
    (await page.evaluate(() => (globalThis as unknown as LiveWindow).__live.stats()))
      .filter((s) => s.kind === 'video')
      .map((s) => [`${s.peerId}:${s.source}`, s.framesDecoded]),
  );

/** Waits until the session's recording has its replay (or failed), as the worker leaves it. */
export async function waitRecording(room: Classroom, timeout = 60_000) {
  const end = Date.now() + timeout;
  for (;;) {
    const rec = await room.t.app.core.recordings.get(room.sessionId);
    if (rec && (rec.status === 'ready' || rec.status === 'failed')) return rec;
    if (Date.now() > end) throw new Error(`recording not processed: ${rec?.status ?? 'none'}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** Waits until every listed video key has decoded more frames than `after` (or any, when absent). */
export async function waitFramesRising(
  page: Page,
  keys: string[],
  after: Record<string, number> = {},
  timeout = 20_000,
) {
  const end = Date.now() + timeout;
  for (;;) {
    const now = await framesBy(page);
    if (keys.every((k) => (now[k] ?? 0) > (after[k] ?? 0))) return now;
    if (Date.now() > end)
      throw new Error(
        `frames not rising for ${keys.filter((k) => (now[k] ?? 0) <= (after[k] ?? 0)).join(', ')}: ${JSON.stringify(now)}`,
      );
    await new Promise((r) => setTimeout(r, 250));
  }
}

export const peerNames = (page: Page) =>
  page.evaluate(() =>
    [...(globalThis as unknown as LiveWindow).__live.peers.values()].map((p) => `${p.role}:${p.name}`),
  );

/** What the page's receivers report per `peerId:source` (packets, bytes, audio energy, frames). */
export const streamStats = async (page: Page): Promise<Record<string, StreamStats>> =>
  Object.fromEntries(
    (await page.evaluate(() => (globalThis as unknown as LiveWindow).__live.stats())).map((s) => [
      `${s.peerId}:${s.source}`,
      s,
    ]),
  );

/** Waits until a received audio stream's packets and bytes rise past `after` and it carries sound (energy > 0). */
export async function waitAudioRising(page: Page, key: string, after?: StreamStats, timeout = 20_000) {
  const end = Date.now() + timeout;
  for (;;) {
    const now = (await streamStats(page))[key];
    if (
      now &&
      now.packetsReceived > (after?.packetsReceived ?? 0) + 20 &&
      now.bytesReceived > (after?.bytesReceived ?? 0) &&
      now.totalAudioEnergy > (after?.totalAudioEnergy ?? 0)
    )
      return now;
    if (Date.now() > end) throw new Error(`audio not arriving for ${key}: ${JSON.stringify(now)}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/**
 * What the page's MAIN picture element shows: whose stream (the remote stream's `peerId:source`, or
 * 'local:camera' for the own camera), its decoded size, and frames presented during `ms` (counted with
 * requestVideoFrameCallback and the element's playback quality).
 */
export async function mainPicture(page: Page, ms = 1500) {
  type V = {
    srcObject: { getVideoTracks(): Array<{ id: string }> } | null;
    videoWidth: number;
    getVideoPlaybackQuality(): { totalVideoFrames: number };
    requestVideoFrameCallback(cb: () => void): number;
  };
  type W = {
    document: { querySelector(s: string): V | null };
    __live: {
      remote: Map<string, { peerId: string; source: string; consumer: { track: { id: string } } }>;
      producers: Map<string, { track: { id: string } | null }>;
    };
  };
  return page.evaluate(async (ms) => {
    const w = globalThis as unknown as W;
    const v = w.document.querySelector('#main video:not(.self)');
    if (!v) return { shows: null, videoWidth: 0, frames: 0, totalFramesRise: 0 };
    const track = v.srcObject?.getVideoTracks()[0]?.id;
    let shows: string | null = null;
    for (const r of w.__live.remote.values())
      if (r.consumer.track.id === track) shows = `${r.peerId}:${r.source}`;
    for (const [source, p] of w.__live.producers) if (p.track?.id === track) shows = `local:${source}`;
    let frames = 0;
    let stop = false;
    const tick = () => {
      frames++;
      if (!stop) v.requestVideoFrameCallback(tick);
    };
    v.requestVideoFrameCallback(tick);
    const before = v.getVideoPlaybackQuality().totalVideoFrames;
    await new Promise((r) => setTimeout(r, ms));
    stop = true;
    return {
      shows,
      videoWidth: v.videoWidth,
      frames,
      totalFramesRise: v.getVideoPlaybackQuality().totalVideoFrames - before,
    };
  }, ms);
}

/** Waits until the main picture shows `key` with frames decoding (videoWidth > 0, frames presented). */
export async function waitMainPicture(page: Page, key: string, timeout = 20_000) {
  const end = Date.now() + timeout;
  for (;;) {
    const m = await mainPicture(page);
    if (m.shows === key && m.videoWidth > 0 && m.frames >= 3 && m.totalFramesRise >= 3) return m;
    if (Date.now() > end) throw new Error(`main picture is not ${key} decoding: ${JSON.stringify(m)}`);
  }
}
