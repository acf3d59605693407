import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type * as Mediasoup from 'mediasoup';
import pino from 'pino';
import { concatSegments, probeDuration, probeStreams } from '@seafarer/media';
import { Value } from '@sinclair/typebox/value';
import { RecordingManifest as RecordingManifestSchema } from '@seafarer/contracts';
import { SessionRecorder, type RecordingManifest } from '../../services/live/src/recording/session-recorder';
import { mediaGaps, unaccountedSeconds } from '../helpers/manifest';

/**
 * The whole class is recorded (JS-8, VC-2) and survives a mediasoup worker death (REL-1): a real
 * mediasoup worker, a real ffmpeg playing the instructor (test picture + 440 Hz tone, VP8 + Opus over
 * plain RTP), and the real recorder's ffmpeg writing Matroska segments.
 */
jest.setTimeout(90_000);

type Router = Mediasoup.types.Router;
type Worker = Mediasoup.types.Worker;
type Producer = Mediasoup.types.Producer;

const log = pino({ level: process.env.RECORDING_TEST_LOG ?? 'silent' });
const MEDIA_CODECS: Mediasoup.types.RtpCodecCapability[] = [
  { kind: 'audio', mimeType: 'audio/opus', clockRate: 48000, channels: 2 },
  { kind: 'video', mimeType: 'video/VP8', clockRate: 90000 },
];
const AUDIO_SSRC = 11111111;
const VIDEO_SSRC = 22222222;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const sha256 = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');
const seconds = (from: string, to: string | null) => (Date.parse(to!) - Date.parse(from)) / 1000;

let mediasoup: typeof Mediasoup;
/** This run's recordings root; every recorder ffmpeg has it in its command line (pgrep -f). */
let dir: string;
const workers: Worker[] = [];
const feeds: Feed[] = [];
/** Every worker and feed the file started, for the final clean-up check. */
const everyWorker: Worker[] = [];
const everyFeed: Feed[] = [];
const recorders: SessionRecorder[] = [];

beforeAll(async () => {
  // mediasoup reads MEDIASOUP_WORKER_BIN when it loads: name the locally built worker first.
  process.env.MEDIASOUP_WORKER_BIN ??= execFileSync(
    'bash',
    [path.resolve(__dirname, '../../infra/mediasoup/build-worker.sh'), '--print-path'],
    { encoding: 'utf8' },
  )
    .trim()
    .split('\n')
    .pop();
  mediasoup = await import('mediasoup');
  dir = mkdtempSync(path.join(os.tmpdir(), 'seafarer-recording-test-'));
});

afterEach(async () => {
  await Promise.all(recorders.splice(0).map((r) => r.stop()));
  await Promise.all(feeds.splice(0).map((f) => f.close()));
  for (const w of workers.splice(0)) w.close();
});

afterAll(() => {
  if (dir && !process.env.KEEP_RECORDINGS) rmSync(dir, { recursive: true, force: true });
});

async function newRouter(): Promise<{ worker: Worker; router: Router }> {
  // mediasoup's ports stay below the recorder's default range (50000-59999).
  const worker = await mediasoup.createWorker({ logLevel: 'warn', rtcMinPort: 40000, rtcMaxPort: 49999 });
  workers.push(worker);
  everyWorker.push(worker);
  return { worker, router: await worker.createRouter({ mediaCodecs: MEDIA_CODECS }) };
}

interface Feed {
  audio: Producer;
  video: Producer;
  process: ChildProcess;
  close(): Promise<void>;
}

/**
 * The instructor: ffmpeg encodes a test picture (320x240, 15 fps, a keyframe every second because plain
 * RTP ffmpeg ignores PLI) and a tone, and sends them to two comedia PlainTransports with the SSRCs and
 * payload types the producers declare.
 */
async function startFeed(router: Router): Promise<Feed> {
  // ffmpeg sends RTCP from a socket of its own: with rtcp-mux, comedia would lock onto whichever came first.
  const plain = { listenIp: '127.0.0.1', rtcpMux: false, comedia: true };
  const audioTransport = await router.createPlainTransport(plain);
  const videoTransport = await router.createPlainTransport(plain);
  const audio = await audioTransport.produce({
    kind: 'audio',
    rtpParameters: {
      codecs: [
        {
          mimeType: 'audio/opus',
          payloadType: 100,
          clockRate: 48000,
          channels: 2,
          parameters: { 'sprop-stereo': 1 },
        },
      ],
      encodings: [{ ssrc: AUDIO_SSRC }],
    },
  });
  const video = await videoTransport.produce({
    kind: 'video',
    rtpParameters: {
      codecs: [{ mimeType: 'video/VP8', payloadType: 101, clockRate: 90000 }],
      encodings: [{ ssrc: VIDEO_SSRC }],
    },
  });
  const rtpUrl = (t: Mediasoup.types.PlainTransport) =>
    `rtp://127.0.0.1:${t.tuple.localPort}?rtcpport=${t.rtcpTuple!.localPort}&pkt_size=1200`;
  const child = spawn(
    'ffmpeg',
    [
      ...['-hide_banner', '-nostdin', '-loglevel', 'error'],
      ...['-re', '-f', 'lavfi', '-i', 'testsrc=size=320x240:rate=15'],
      ...['-re', '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000'],
      ...['-map', '0:v', '-c:v', 'libvpx', '-deadline', 'realtime', '-cpu-used', '8', '-b:v', '300k'],
      ...['-g', '15', '-keyint_min', '15', '-pix_fmt', 'yuv420p'],
      ...['-f', 'rtp', '-ssrc', String(VIDEO_SSRC), '-payload_type', '101', rtpUrl(videoTransport)],
      ...['-map', '1:a', '-c:a', 'libopus', '-ac', '2', '-ar', '48000', '-b:a', '48k'],
      ...['-f', 'rtp', '-ssrc', String(AUDIO_SSRC), '-payload_type', '100', rtpUrl(audioTransport)],
    ],
    { stdio: 'ignore' },
  );
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const feed: Feed = {
    audio,
    video,
    process: child,
    async close() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
      audioTransport.close();
      videoTransport.close();
    },
  };
  feeds.push(feed);
  everyFeed.push(feed);
  // Both producers must be receiving before the recorder starts.
  for (let i = 0; ; i++) {
    const [a, v] = await Promise.all([audio.getStats(), video.getStats()]);
    if ((a[0]?.byteCount ?? 0) > 0 && (v[0]?.byteCount ?? 0) > 0) break;
    if (i > 100) throw new Error('the instructor feed never reached mediasoup');
    await sleep(100);
  }
  return feed;
}

function newRecorder(router: Router, sessionId: string): SessionRecorder {
  const recorder = new SessionRecorder({ router, sessionId, dir, listenIp: '127.0.0.1', log });
  recorders.push(recorder);
  return recorder;
}

const recordInstructor = (recorder: SessionRecorder, feed: Feed) =>
  Promise.all([recorder.addProducer(feed.audio, 'mic'), recorder.addProducer(feed.video, 'camera')]);

async function waitFor<T>(probe: () => T | undefined, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error('timed out');
    await sleep(50);
  }
}

function expectHashedFiles(recorder: SessionRecorder, manifest: RecordingManifest) {
  for (const seg of manifest.segments) {
    const file = path.join(recorder.sessionDir, seg.file);
    expect(seg.sha256).toBe(sha256(file));
    expect(seg.bytes).toBe(readFileSync(file).length);
    expect(seg.endedAt).not.toBeNull();
  }
  // The manifest on disk is the one stop() returned.
  expect(JSON.parse(readFileSync(path.join(recorder.sessionDir, 'manifest.json'), 'utf8'))).toEqual(manifest);
}

describe('session recording', () => {
  it("[VC-2] [JS-8] records the instructor's audio and camera into hashed segments and one replay file of the expected duration", async () => {
    const { router } = await newRouter();
    const feed = await startFeed(router);
    const recorder = newRecorder(router, 'vc2-session');
    // JS-8: nobody can pause the recording: the recorder offers no way to (nothing that pauses,
    // suspends, mutes or stops a track on its own), and its manifest has no such state (below).
    const api = Object.getOwnPropertyNames(SessionRecorder.prototype);
    expect(api).toContain('stop');
    expect(api.filter((m) => /pause|suspend|mute|hold|removeProducer/i.test(m))).toEqual([]);
    await recordInstructor(recorder, feed);
    await sleep(6_000);
    const manifest = await recorder.stop();
    expect(await recorder.stop()).toBe(manifest); // idempotent

    expect(manifest.sessionId).toBe('vc2-session');
    expect(manifest.endedAt).not.toBeNull();
    expect(manifest.segments).toHaveLength(1);
    expect(manifest.segments[0]).toMatchObject({
      index: 0,
      file: 'segment-000.mkv',
      reason: 'session_started',
      endReason: 'stopped',
      tracks: ['mic', 'camera'],
    });
    // JS-8: nothing unaccounted for. Only the recorder's start (the producers' settle window and ffmpeg
    // starting) precedes the segment, and the manifest says so.
    expect(manifest.gaps).toEqual([
      { from: manifest.startedAt, to: manifest.segments[0]!.startedAt, reason: 'recorder_starting' },
    ]);
    expect(seconds(manifest.startedAt, manifest.segments[0]!.startedAt)).toBeLessThan(3);
    expect(unaccountedSeconds(manifest)).toBe(0);
    // The manifest is exactly the contract's shape: no 'paused' field, segment reason or gap reason exists.
    expect(
      [...Value.Errors(RecordingManifestSchema, manifest)].map((e) => `${e.path}: ${e.message}`),
    ).toEqual([]);
    expectHashedFiles(recorder, manifest);

    const recorded = manifest.segments.reduce((sum, s) => sum + seconds(s.startedAt, s.endedAt), 0);
    const replay = path.join(recorder.sessionDir, 'replay.mkv');
    const result = await concatSegments(
      manifest.segments.map((s) => path.join(recorder.sessionDir, s.file)),
      replay,
    );
    expect(result.method).toBe('copy');
    const duration = await probeDuration(replay);
    log.info({ recorded, duration, bytes: manifest.segments[0]!.bytes }, 'replay measured');
    expect(Math.abs(duration - recorded)).toBeLessThanOrEqual(1.5);
    const streams = await probeStreams(replay);
    expect(streams.map((s) => `${s.codecType}:${s.codecName}:${s.title ?? ''}`)).toEqual([
      'audio:opus:mic',
      'video:vp8:camera',
    ]);
  });

  it('[REL-1] a worker death mid-recording leaves two segments and the gap in the manifest', async () => {
    const first = await newRouter();
    const feed1 = await startFeed(first.router);
    const recorder = newRecorder(first.router, 'rel1-session');
    await recordInstructor(recorder, feed1);
    await sleep(3_000);

    const died = new Promise((resolve) => first.worker.once('died', resolve));
    const killedAt = Date.now();
    process.kill(first.worker.pid, 'SIGKILL');
    await died;
    const gap = await waitFor(() => mediaGaps(recorder.manifest())[0], 5_000);
    log.info({ latencyMs: Date.now() - killedAt, gap }, 'worker death noticed');
    expect(gap).toMatchObject({ reason: 'worker_died', to: null });
    await feed1.close();

    // The room is rebuilt on a new worker, as the worker pool does it.
    const second = await newRouter();
    await recorder.rebind(second.router);
    const feed2 = await startFeed(second.router);
    await recordInstructor(recorder, feed2);
    await sleep(4_000);
    const manifest = await recorder.stop();

    expect(manifest.segments).toHaveLength(2);
    const [seg0, seg1] = manifest.segments as [
      RecordingManifest['segments'][0],
      RecordingManifest['segments'][0],
    ];
    expect(seg0).toMatchObject({ index: 0, reason: 'session_started', endReason: 'worker_died' });
    expect(seg1).toMatchObject({
      index: 1,
      reason: 'rebind',
      endReason: 'stopped',
      tracks: ['mic', 'camera'],
    });
    expect(mediaGaps(manifest)).toHaveLength(1);
    expect(unaccountedSeconds(manifest)).toBe(0);
    const [g] = mediaGaps(manifest);
    expect(g!.reason).toBe('worker_died');
    // The gap lies between the segments: it opens where the first ends and closes once the second has media.
    const t = (iso: string | null) => Date.parse(iso!);
    expect(t(seg0.startedAt)).toBeLessThanOrEqual(t(g!.from));
    expect(t(seg0.endedAt)).toBeLessThanOrEqual(t(g!.from));
    expect(t(g!.from)).toBeLessThan(t(g!.to));
    expect(t(seg1.startedAt)).toBeLessThanOrEqual(t(g!.to));
    expect(t(g!.to)).toBeLessThanOrEqual(t(seg1.endedAt));
    expectHashedFiles(recorder, manifest);

    for (const seg of manifest.segments) {
      const duration = await probeDuration(path.join(recorder.sessionDir, seg.file));
      log.info(
        { index: seg.index, duration, span: seconds(seg.startedAt, seg.endedAt), bytes: seg.bytes },
        'segment',
      );
      expect(duration).toBeGreaterThan(0);
    }
    const replay = path.join(recorder.sessionDir, 'replay.mkv');
    await concatSegments(
      manifest.segments.map((s) => path.join(recorder.sessionDir, s.file)),
      replay,
    );
    const recorded = manifest.segments.reduce((sum, s) => sum + seconds(s.startedAt, s.endedAt), 0);
    expect(Math.abs((await probeDuration(replay)) - recorded)).toBeLessThanOrEqual(1.5);
  });

  it('[JS-8] a stretch without media is recorded as a no_media gap and closed when media returns', async () => {
    const { router } = await newRouter();
    const feed = await startFeed(router);
    const recorder = newRecorder(router, 'js8-silence');
    await recordInstructor(recorder, feed);
    await sleep(2_000);

    const pausedAt = Date.now();
    await Promise.all([feed.audio.pause(), feed.video.pause()]);
    const gap = await waitFor(() => mediaGaps(recorder.manifest())[0], 8_000);
    const latencyMs = Date.now() - pausedAt;
    log.info({ latencyMs, gap }, 'no_media gap noticed');
    expect(gap.reason).toBe('no_media');
    // More than 3 s without packets, seen by a 1 s heartbeat: 3-5 s, with slack for a busy machine.
    expect(latencyMs).toBeGreaterThan(2_500);
    expect(latencyMs).toBeLessThan(7_000);

    await Promise.all([feed.audio.resume(), feed.video.resume()]);
    await waitFor(() => mediaGaps(recorder.manifest())[0]?.to ?? undefined, 5_000);
    const manifest = await recorder.stop();
    expect(manifest.segments).toHaveLength(1);
    expect(mediaGaps(manifest)).toHaveLength(1);
    expect(unaccountedSeconds(manifest)).toBe(0);
    const [g] = mediaGaps(manifest);
    expect(seconds(g!.from, g!.to)).toBeGreaterThan(3);
    expectHashedFiles(recorder, manifest);
  });

  it('[VC-2] a screen share adds a segment with camera, screen and voice, and its end another, without gaps', async () => {
    const { router } = await newRouter();
    const feed = await startFeed(router);
    const screen = await startFeed(router); // its picture stands in for the shared screen
    const recorder = newRecorder(router, 'vc2-screen');
    await recordInstructor(recorder, feed);
    await sleep(2_000);
    await recorder.addProducer(screen.video, 'screen');
    await sleep(2_000);
    screen.video.close(); // the instructor stops sharing
    // Each segment hands over once its successor writes (after the next keyframe): wait for both.
    const handedOver = () => recorder.manifest().segments.filter((s) => s.endedAt !== null).length === 2;
    await waitFor(() => (handedOver() ? true : undefined), 15_000);
    await sleep(1_500);
    const manifest = await recorder.stop();

    expect(manifest.segments.map((s) => [s.reason, s.endReason, s.tracks.join('+')])).toEqual([
      ['session_started', 'producers_changed', 'mic+camera'],
      ['producers_changed', 'producers_changed', 'mic+camera+screen'],
      ['producers_changed', 'stopped', 'mic+camera'],
    ]);
    // Make before break: each segment records until the next one writes, so nothing is missing.
    expect(mediaGaps(manifest)).toEqual([]);
    expect(unaccountedSeconds(manifest)).toBe(0);
    const [s0, s1, s2] = manifest.segments;
    expect(Date.parse(s0!.endedAt!)).toBeGreaterThanOrEqual(Date.parse(s1!.startedAt));
    expect(Date.parse(s1!.endedAt!)).toBeGreaterThanOrEqual(Date.parse(s2!.startedAt));
    expectHashedFiles(recorder, manifest);
    const files = manifest.segments.map((s) => path.join(recorder.sessionDir, s.file));
    expect((await probeStreams(files[1]!)).map((s) => `${s.codecType}:${s.title ?? ''}`)).toEqual([
      'audio:mic',
      'video:camera',
      'video:screen',
    ]);
    const replay = path.join(recorder.sessionDir, 'replay.mkv');
    expect((await concatSegments(files, replay)).method).toBe('reencode');
    const recorded = manifest.segments.reduce((sum, s) => sum + seconds(s.startedAt, s.endedAt), 0);
    const duration = await probeDuration(replay);
    log.info({ recorded, duration }, 'screen-share replay measured');
    expect(Math.abs(duration - recorded)).toBeLessThanOrEqual(1.5);
  });

  it('[VC-2] joins segments whose tracks differ into one replay by re-encoding', async () => {
    // A segment with camera and voice, then one with voice only (the camera was switched off).
    const work = path.join(dir, 'layouts');
    mkdirSync(work);
    const make = (name: string, withVideo: boolean) =>
      execFileSync('ffmpeg', [
        ...['-hide_banner', '-nostdin', '-loglevel', 'error'],
        ...(withVideo ? ['-f', 'lavfi', '-i', 'testsrc=size=320x240:rate=15:duration=1'] : []),
        ...['-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000:duration=1'],
        ...(withVideo ? ['-c:v', 'libvpx', '-deadline', 'realtime', '-cpu-used', '8'] : []),
        ...['-c:a', 'libopus', '-f', 'matroska', path.join(work, name)],
      ]);
    make('segment-000.mkv', true);
    make('segment-001.mkv', false);
    const replay = path.join(work, 'replay.mkv');
    const result = await concatSegments(
      [path.join(work, 'segment-000.mkv'), path.join(work, 'segment-001.mkv')],
      replay,
    );
    expect(result.method).toBe('reencode');
    expect(Math.abs((await probeDuration(replay)) - 2)).toBeLessThanOrEqual(0.5);
    expect((await probeStreams(replay)).map((s) => s.codecType).sort()).toEqual(['audio', 'video']);
  });

  it('[REL-1] [VC-2] a segment cut off after its first frame still joins, at once, into a bounded replay', async () => {
    // A worker death right after a segment started leaves one video frame and no duration in the
    // file. Joined with segments of other tracks, its silence must last about one frame, not for
    // ever (an unbounded filter once grew ffmpeg by ~800 MB/s; reencodeGraph's unit test has the
    // zero-duration case itself).
    const work = path.join(dir, 'cut-off');
    mkdirSync(work);
    const ff = (...args: string[]) =>
      execFileSync('ffmpeg', ['-hide_banner', '-nostdin', '-loglevel', 'error', ...args]);
    const full = path.join(work, 'segment-000.mkv');
    const cut = path.join(work, 'segment-001.mkv');
    ff(
      ...['-f', 'lavfi', '-i', 'testsrc=size=320x240:rate=15:duration=1'],
      ...['-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000:duration=1'],
      ...['-c:v', 'libvpx', '-deadline', 'realtime', '-cpu-used', '8', '-c:a', 'libopus'],
      ...['-f', 'matroska', full],
    );
    // `-live 1`: no duration in the header, as in a file whose writer was killed.
    ff(
      ...['-f', 'lavfi', '-i', 'testsrc=size=320x240:rate=15', '-frames:v', '1'],
      ...['-c:v', 'libvpx', '-f', 'matroska', '-live', '1', cut],
    );
    expect(await probeDuration(cut)).toBeLessThanOrEqual(0.07);
    const replay = path.join(work, 'replay.mkv');
    const started = Date.now();
    const result = await concatSegments([full, cut], replay, { timeoutMs: 30_000 });
    expect(result.method).toBe('reencode');
    expect(Date.now() - started).toBeLessThan(30_000);
    const duration = await probeDuration(replay);
    expect(duration).toBeGreaterThanOrEqual(1);
    expect(duration).toBeLessThanOrEqual(1.5);
  });

  it('[REL-1] leaves no ffmpeg running and every worker closed', async () => {
    await Promise.all(recorders.splice(0).map((r) => r.stop()));
    await Promise.all(feeds.splice(0).map((f) => f.close()));
    expect(() => execFileSync('pgrep', ['-f', dir], { encoding: 'utf8' })).toThrow(); // exit 1: none
    for (const w of workers.splice(0)) w.close();
    expect(everyWorker.length).toBeGreaterThan(0);
    expect(everyWorker.every((w) => w.closed)).toBe(true);
    expect(everyFeed.every((f) => f.process.exitCode !== null || f.process.signalCode !== null)).toBe(true);
  });
});
