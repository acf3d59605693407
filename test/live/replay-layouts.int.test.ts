import { execFileSync, spawnSync } from 'node:child_process';
import { unaccountedSeconds } from '../helpers/manifest';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { Queue } from 'bullmq';
import type { Page } from 'playwright-core';
import { JOBS_QUEUE, type ClassView, type RecordingManifest } from '@seafarer/contracts';
import { webhookChannel } from '@seafarer/core';
import { probeDuration, probeStreams, sha256File } from '@seafarer/media';
import {
  openRoom,
  startClassroom,
  waitFramesRising,
  waitRecording,
  waitState,
  type Classroom,
} from '../helpers/classroom';

/**
 * VC-2 / JS-7.1: the replay of a class taught in real Chromium builds, whatever tracks its segments
 * hold: the instructor's camera alone for the first second (the microphone is published after it),
 * the microphone muted and unmuted, a screen shared and stopped, the camera published again, a
 * trainee on the main picture. The recording goes through the real live service, the real recorder
 * and the worker's real post-processing job.
 */
// Generous: the re-encode of a 720p replay shares two cores with the browsers (and other test files).
jest.setTimeout(600_000);

type LiveWindow = {
  __live: {
    self: { id: string };
    producers: Map<string, { id: string; track: { id: string } | null; paused: boolean }>;
    request(name: string, data: unknown): Promise<unknown>;
  };
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const seconds = (from: string, to: string | null) => (Date.parse(to!) - Date.parse(from)) / 1000;
const button = (page: Page, label: string) => page.locator('button', { hasText: label }).first();
const log = (what: unknown) => {
  if (process.env.REPLAY_TEST_LOG) console.log(JSON.stringify(what, null, 1));
};
/** The loudest sample of a file's audio, in dB (ffmpeg's volumedetect); -91 is digital silence. */
function maxVolumeDb(file: string): number {
  const out = spawnSync(
    'ffmpeg',
    ['-hide_banner', '-nostdin', '-i', file, '-map', '0:a', '-af', 'volumedetect', '-f', 'null', '-'],
    {
      encoding: 'utf8',
    },
  ).stderr;
  return Number(/max_volume: (-?[\d.]+) dB/.exec(out)?.[1] ?? -Infinity);
}

/** What the worker's webhook channel delivered (the class managers' outbound notifications). */
const hooks: Array<{ kind: string; data: { sessionId?: string }; recipient: { username: string } }> = [];
let hookServer: http.Server;
let room: Classroom;
beforeAll(async () => {
  hookServer = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      hooks.push(JSON.parse(body));
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => hookServer.listen(0, '127.0.0.1', r));
  const hookUrl = `http://127.0.0.1:${(hookServer.address() as AddressInfo).port}/hooks`;
  room = await startClassroom({
    channels: [webhookChannel(hookUrl, 'replay-layouts-webhook-secret-0123456789')],
  });
}, 120_000);
afterAll(async () => {
  await room?.close();
  await new Promise((r) => hookServer?.close(r));
}, 180_000);

async function waitFor<T>(probe: () => Promise<T | undefined>, what: string, timeoutMs: number): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(250);
  }
}

describe('replay of a class taught in Chromium', () => {
  it('[VC-2] [JS-7.1] a class with a camera-only first second, the microphone toggled, a screen shared and stopped, the camera re-published and a trainee on the main picture replays whole: its length is the recorded time less the gaps', async () => {
    const instructor = await openRoom(room, room.w.usernames.instructor, { lite: false });
    instructor.setDefaultTimeout(20_000);
    // A loaded machine (two cores, browsers of other test files) may take a while to admit them.
    await waitState(instructor, 'joined', 60_000);
    const trainee = await openRoom(room, room.trainees[0]!.username);
    await waitState(trainee, 'joined', 60_000);
    log('joined');
    const me = (p: Page) => p.evaluate(() => (globalThis as unknown as LiveWindow).__live.self.id);
    const [instructorId, traineeId] = [await me(instructor), await me(trainee)];
    await waitFramesRising(trainee, [`${instructorId}:camera`]);
    await waitFramesRising(instructor, [`${traineeId}:camera`]);

    // The trainee on the main picture, as the instructor sets it from the trainee grid.
    await instructor.locator(`[data-peer="${traineeId}"] button`, { hasText: '设为主画面' }).click();
    await sleep(1_000);
    // The microphone off and on again.
    log('microphone off and on');
    await button(instructor, '静音').click();
    await sleep(2_000);
    await button(instructor, '发言').click();
    await sleep(1_000);
    // A screen shared (Chromium's fake capture under --use-fake-ui-for-media-stream), then stopped.
    log('screen shared');
    await button(instructor, '共享屏幕').click();
    await waitFramesRising(trainee, [`${instructorId}:screen`]);
    await sleep(3_000);
    log('screen share stopped');
    await button(instructor, '停止共享').click();
    await sleep(3_000);
    // The camera published again (a new camera producer replaces the old one).
    log('camera published again');
    await instructor.evaluate(async () => {
      type Track = { id: string };
      const g = globalThis as unknown as {
        navigator: {
          mediaDevices: { getUserMedia(c: unknown): Promise<{ getVideoTracks(): Track[] }> };
        };
        __live: {
          send: { produce(o: unknown): Promise<unknown> };
          producers: Map<string, unknown>;
        };
      };
      const stream = await g.navigator.mediaDevices.getUserMedia({
        video: { width: { ideal: 1280 }, height: { ideal: 720 } },
      });
      const camera = await g.__live.send.produce({
        track: stream.getVideoTracks()[0],
        appData: { source: 'camera' },
      });
      g.__live.producers.set('camera', camera);
    });
    await sleep(4_000);
    await instructor.evaluate(() => (globalThis as unknown as LiveWindow).__live.request('session.end', {}));
    await waitState(instructor, 'ended', 60_000);

    log('session ended');
    const rec = await waitRecording(room, 480_000);
    const m = rec.manifest as RecordingManifest;
    const dir = path.join(room.t.config.STORAGE_DIR, 'recordings', room.sessionId);
    const segments = await Promise.all(
      m.segments.map(async (s) => ({
        tracks: s.tracks.join('+'),
        duration: await probeDuration(path.join(dir, s.file)),
      })),
    );
    const recordedS = seconds(m.startedAt, m.endedAt);
    const gapsS = m.gaps.reduce((sum, g) => sum + seconds(g.from, g.to ?? m.endedAt), 0);
    // Make before break: a segment records on until its successor has written its first keyframe, so
    // neighbours overlap by what the manifest shows (at most; the successor's file starts at that keyframe).
    const overlapS = m.segments
      .slice(1)
      .reduce((sum, s, i) => sum + Math.max(0, seconds(s.startedAt, m.segments[i]!.endedAt)), 0);
    const file = path.join(room.t.config.STORAGE_DIR, rec.replayKey ?? 'none');
    const replayS = rec.status === 'ready' ? await probeDuration(file) : null;
    log({
      status: rec.status,
      error: rec.error,
      recordedS,
      gapsS,
      overlapS,
      replayS,
      segments,
      gaps: m.gaps,
    });
    expect(rec.error).toBeNull();
    expect(rec.status).toBe('ready');

    // The session left segments of several layouts: the camera alone first, then with the
    // microphone, then with the screen as well, and without it again.
    expect(m.segments[0]!.tracks).toEqual(['camera']);
    expect(m.segments.map((s) => s.tracks.join('+'))).toEqual(
      expect.arrayContaining(['camera', 'mic+camera', 'mic+camera+screen']),
    );
    expect(m.segments.at(-1)!.tracks).toEqual(['mic', 'camera']);
    // The replay lasts what was recorded, less the gaps, plus no more than the handover overlaps
    // (within a few seconds: a gap is seen by a 1 s heartbeat), and as long as its segments back to back.
    expect(unaccountedSeconds(m)).toBe(0);
    expect(replayS!).toBeGreaterThan(recordedS - gapsS - 3);
    expect(replayS!).toBeLessThan(recordedS - gapsS + overlapS + 3);
    expect(Math.abs(replayS! - segments.reduce((sum, s) => sum + s.duration, 0))).toBeLessThan(1);
    expect(rec.replayDurationS).toBeCloseTo(replayS!, 1);
    expect(await sha256File(file)).toBe(rec.replaySha256);
    // Picture and sound: the instructor's microphone (Chromium's fake one beeps) is heard.
    expect((await probeStreams(file)).map((s) => s.codecType).sort()).toEqual(['audio', 'video']);
    expect(maxVolumeDb(file)).toBeGreaterThan(-30);
  });

  it('[VC-2] a replay that cannot be built (a corrupted segment) marks the recording failed with the measured length, tells the class managers, and leaves segments and manifest as the evidence', async () => {
    const cls = await room.w.as.manager.call<ClassView>('GET', `/api/v1/classes/${room.classId}`);
    const sessionId = cls.current!.sessions[1]!.id;
    const dir = path.join(room.t.config.STORAGE_DIR, 'recordings', sessionId);
    mkdirSync(dir, { recursive: true });
    const ff = (...args: string[]) =>
      execFileSync('ffmpeg', ['-hide_banner', '-nostdin', '-loglevel', 'error', '-y', ...args]);
    const vp8 = ['-c:v', 'libvpx', '-deadline', 'realtime', '-cpu-used', '8'];
    // The camera alone for 2 s, then camera and voice for 6 s, as the recorder writes them...
    ff(
      '-f',
      'lavfi',
      '-i',
      'testsrc=size=320x240:rate=15:duration=2',
      ...vp8,
      '-f',
      'matroska',
      `${dir}/segment-000.mkv`,
    );
    ff(
      ...['-f', 'lavfi', '-i', 'testsrc=size=320x240:rate=15:duration=6'],
      ...['-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000:duration=6'],
      ...vp8,
      ...['-c:a', 'libopus', '-f', 'matroska', `${dir}/segment-001.mkv`],
    );
    // ...but the second one damaged on disk before it was hashed: its header (and its 6 s) intact, its
    // clusters after the first second zeroed. It probes fine; it cannot be decoded to its end.
    const damaged = readFileSync(`${dir}/segment-001.mkv`);
    damaged.fill(0, Math.floor(damaged.length * 0.15), damaged.length - 2048);
    writeFileSync(`${dir}/segment-001.mkv`, damaged);

    const t0 = Date.parse('2026-01-01T00:30:00Z');
    const at = (s: number) => new Date(t0 + s * 1000).toISOString();
    const files = ['segment-000.mkv', 'segment-001.mkv'];
    const manifest: RecordingManifest = {
      sessionId,
      startedAt: at(0),
      endedAt: at(8),
      segments: await Promise.all(
        files.map(async (file, index) => ({
          index,
          file,
          startedAt: at(index === 0 ? 0 : 2),
          endedAt: at(index === 0 ? 2 : 8),
          bytes: readFileSync(`${dir}/${file}`).length,
          sha256: await sha256File(`${dir}/${file}`),
          reason: index === 0 ? ('session_started' as const) : ('producers_changed' as const),
          endReason: index === 0 ? ('producers_changed' as const) : ('stopped' as const),
          tracks: index === 0 ? ['camera' as const] : ['mic' as const, 'camera' as const],
        })),
      ),
      gaps: [],
    };
    writeFileSync(`${dir}/manifest.json`, JSON.stringify(manifest, null, 2) + '\n');
    const manifestSha = await sha256File(`${dir}/manifest.json`);

    // What the live service does when the session's room closes.
    await room.t.app.core.recordings.saveManifest(manifest, {
      classId: room.classId,
      institutionId: room.w.institutionId,
    });
    const rec = await waitFor(
      async () => {
        const r = await room.t.app.core.recordings.get(sessionId);
        return r?.status === 'failed' ? r : undefined;
      },
      'the recording to be marked failed',
      120_000,
    );
    // The reason says how long the replay came out and how long the recording is.
    const m = /the re-encoded replay is (\d+\.\d) s, shorter than the (\d+\.\d) s recorded/.exec(
      rec.error ?? '',
    );
    expect(m).not.toBeNull();
    expect(Number(m![1])).toBeLessThan(5);
    expect(Number(m![2])).toBeCloseTo(8, 0);
    expect(rec.replayKey).toBeNull();

    // The class manager sees it through the API: the replay link is refused with the reason...
    const refused = await room.w.as.manager.raw(
      'POST',
      `/api/v1/classes/${room.classId}/sessions/${sessionId}/replay-url`,
    );
    expect(refused.status).toBe(422);
    expect(refused.body).toMatchObject({
      code: 'PRECONDITION_FAILED',
      details: { status: 'failed', reason: rec.error },
    });
    expect((refused.body as { message: { zh: string } }).message.zh).toContain('回放生成失败');
    // ...and is notified, in the app and on the configured outbound channel (webhook).
    const inbox = await room.w.as.manager.call<{
      items: Array<{
        kind: string;
        data: { sessionId?: string; reason?: string };
        body: { zh: string; en: string };
      }>;
    }>('GET', '/api/v1/notifications');
    const note = inbox.items.find((n) => n.kind === 'recording.failed' && n.data.sessionId === sessionId);
    expect(note).toBeDefined();
    expect(note!.data.reason).toBe(rec.error);
    expect(note!.body.en).toContain(`${m![1]} s`);
    await waitFor(
      async () =>
        hooks.find(
          (h) =>
            h.kind === 'recording.failed' &&
            h.data.sessionId === sessionId &&
            h.recipient.username === room.w.usernames.manager,
        ),
      'the webhook delivery',
      30_000,
    );

    // The evidence stays: every segment as hashed in the manifest, the manifest as written, no replay.
    for (const s of manifest.segments) expect(await sha256File(path.join(dir, s.file))).toBe(s.sha256);
    expect(await sha256File(`${dir}/manifest.json`)).toBe(manifestSha);
    expect(() => readFileSync(`${dir}/replay.mkv`)).toThrow();

    // A failure that would only repeat is not re-encoded again: the job ran once, not five times.
    const queue = new Queue(JOBS_QUEUE, {
      connection: { url: room.t.config.REDIS_URL },
      prefix: room.t.config.QUEUE_PREFIX,
    });
    try {
      const jobs = (await queue.getJobs(['completed', 'failed', 'delayed', 'waiting', 'active'])).filter(
        (j) =>
          j.name === 'recording.postprocess' && (j.data as { sessionId: string }).sessionId === sessionId,
      );
      expect(jobs.map((j) => j.attemptsMade)).toEqual([1]);
    } finally {
      await queue.close();
    }
  });
});
