import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { unlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type * as Mediasoup from 'mediasoup';
import type { Logger } from 'pino';
import { buildSdp, reserveUdpPortPairs, udpPortsBoundBy, type SdpVideo } from '@seafarer/media';

type Router = Mediasoup.types.Router;
type Producer = Mediasoup.types.Producer;

/** One decoded frame of a live stream, as the server saw it (JS-13.2: never supplied by the client). */
export interface StillGrab {
  jpeg: Buffer;
  /** When the frame was decoded (ffmpeg wrote it out). */
  at: Date;
  width: number;
  height: number;
}

/** A grab that did not give a picture: timeout, no decodable frame, ffmpeg missing, the producer gone. */
export class StillGrabError extends Error {
  constructor(
    message: string,
    readonly reason: 'timeout' | 'no_frame' | 'failed',
  ) {
    super(message);
    this.name = 'StillGrabError';
  }
}

/**
 * ffmpegs decoding stills at once on this node; the others wait their turn (a 150-trainee roll-call).
 * A grab mostly waits (ffmpeg's start, the keyframe): bench:rollcall's 150 stills on a quiet 2-core
 * VM took p95 36 s at 4, 17.6 s at 8 and 9.5 s at 16, with the node's event-loop p99 delay at 12, 27
 * and 67 ms (one run each): 8 halves the wait and keeps the delay under the fan-out's 50 ms target.
 */
export const MAX_CONCURRENT_GRABS = 8;
const MAX_CONCURRENT = MAX_CONCURRENT_GRABS;
const DEFAULT_TIMEOUT_MS = 8_000;
/** Plain RTP has no PLI from ffmpeg: the grab asks mediasoup for a keyframe this often until it has one. */
const KEYFRAME_EVERY_MS = 1_000;
/** A still is small; anything larger is not what we asked for. */
const MAX_JPEG_BYTES = 8 * 1024 * 1024;

let running = 0;
const waiting: Array<() => void> = [];

async function slot<T>(fn: () => Promise<T>): Promise<T> {
  if (running >= MAX_CONCURRENT) await new Promise<void>((resolve) => waiting.push(resolve));
  else running++;
  try {
    return await fn();
  } finally {
    const next = waiting.shift();
    // The slot passes straight to the next waiter (running stays as it is), or is given back.
    if (next) next();
    else running--;
  }
}

/** Grabs waiting for a free ffmpeg and grabs running now (for the bench and /healthz). */
export function stillGrabLoad(): { running: number; waiting: number } {
  return { running, waiting: waiting.length };
}

/** The width and height of a baseline or progressive JPEG, from its SOF marker; null if it has none. */
export function jpegSize(jpeg: Buffer): { width: number; height: number } | null {
  if (jpeg.length < 4 || jpeg[0] !== 0xff || jpeg[1] !== 0xd8) return null;
  let i = 2;
  while (i + 9 < jpeg.length) {
    if (jpeg[i] !== 0xff) return null;
    const marker = jpeg[i + 1]!;
    if (marker === 0xff) {
      i++;
      continue;
    }
    const length = jpeg.readUInt16BE(i + 2);
    // SOF0..SOF15 except DHT (C4), JPG (C8) and DAC (CC).
    if (marker >= 0xc0 && marker <= 0xcf && ![0xc4, 0xc8, 0xcc].includes(marker))
      return { height: jpeg.readUInt16BE(i + 5), width: jpeg.readUInt16BE(i + 7) };
    i += 2 + length;
  }
  return null;
}

/** What ffmpeg can take: the router's video codecs without RTX, RTCP feedback or header extensions. */
function grabCapabilities(router: Router): Mediasoup.types.RtpCapabilities {
  return {
    codecs: (router.rtpCapabilities.codecs ?? [])
      .filter((c) => c.kind === 'video' && !c.mimeType.toLowerCase().endsWith('/rtx'))
      .map((c) => ({ ...c, rtcpFeedback: [] })),
    headerExtensions: [],
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * One still of a live video producer, grabbed by the server (JS-13.2, JS-7.2): a paused consumer on a
 * PlainTransport of the producer's own router sends plain RTP to an ffmpeg that decodes ONE frame to
 * JPEG on its stdout; once ffmpeg listens the consumer resumes and asks for keyframes until the frame
 * is out. A simulcast producer gives its highest layer (the trainee's full picture). At most four run
 * at once per node, the rest queue. Times out after `timeoutMs` (8 s) of its own run; the transport and
 * ffmpeg are closed in every case. Rejects with StillGrabError.
 */
export function grabStill(opts: {
  router: Router;
  producer: Producer;
  listenIp: string;
  ports: { min: number; max: number };
  log: Logger;
  timeoutMs?: number;
}): Promise<StillGrab> {
  return slot(() => grabOnce(opts));
}

async function grabOnce(opts: {
  router: Router;
  producer: Producer;
  listenIp: string;
  ports: { min: number; max: number };
  log: Logger;
  timeoutMs?: number;
}): Promise<StillGrab> {
  const { router, producer, listenIp, log } = opts;
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const deadline = Date.now() + timeoutMs;
  if (producer.kind !== 'video') throw new StillGrabError('a still needs a video producer', 'failed');
  if (producer.closed || router.closed) throw new StillGrabError('the stream has ended', 'failed');

  const sdpFile = path.join(os.tmpdir(), `seafarer-still-${randomBytes(6).toString('hex')}.sdp`);
  let transport: Mediasoup.types.PlainTransport | null = null;
  let child: ReturnType<typeof spawn> | null = null;
  let keyframes: NodeJS.Timeout | null = null;
  let timer: NodeJS.Timeout | null = null;
  try {
    const [pair] = await reserveUdpPortPairs(1, opts.ports);
    transport = await router.createPlainTransport({ listenIp, rtcpMux: false, comedia: false });
    await transport.connect({ ip: listenIp, port: pair!.rtp, rtcpPort: pair!.rtcp });
    const consumer = await transport.consume({
      producerId: producer.id,
      rtpCapabilities: grabCapabilities(router),
      paused: true,
    });
    const codec = consumer.rtpParameters.codecs[0];
    const mime = codec?.mimeType.toLowerCase();
    if (!codec || (mime !== 'video/vp8' && mime !== 'video/h264'))
      throw new StillGrabError(`cannot decode ${codec?.mimeType ?? 'nothing'}`, 'failed');
    const video: SdpVideo = {
      payloadType: codec.payloadType,
      codec: mime === 'video/vp8' ? 'VP8' : 'H264',
      clockRate: codec.clockRate,
      port: pair!.rtp,
      rtcpPort: pair!.rtcp,
      ...(mime === 'video/h264' && {
        fmtp: Object.entries(codec.parameters ?? {})
          .map(([k, v]) => `${k}=${String(v)}`)
          .join(';'),
      }),
    };
    await writeFile(sdpFile, buildSdp({ ip: listenIp, video }));

    const proc = spawn(
      'ffmpeg',
      [
        ...['-hide_banner', '-nostdin', '-loglevel', 'error'],
        ...['-protocol_whitelist', 'file,udp,rtp', '-localaddr', listenIp],
        ...['-fpsprobesize', '0', '-i', sdpFile],
        ...['-map', '0:v:0', '-frames:v', '1', '-f', 'image2pipe', '-vcodec', 'mjpeg', '-q:v', '3', 'pipe:1'],
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    child = proc;
    const chunks: Buffer[] = [];
    let size = 0;
    let stderr = '';
    proc.stdout!.on('data', (d: Buffer) => {
      size += d.length;
      if (size <= MAX_JPEG_BYTES) chunks.push(d);
    });
    proc.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr = (stderr + d).slice(-4_096)));
    const exited = new Promise<{ code: number | null; error?: Error }>((resolve) => {
      proc.once('error', (error) => resolve({ code: null, error }));
      proc.once('close', (code) => resolve({ code }));
    });
    const timedOut = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), Math.max(0, deadline - Date.now()));
    });

    // Media sent before ffmpeg has bound its port is lost, the keyframe with it: wait until it listens.
    const listening = (async () => {
      for (;;) {
        if (proc.exitCode !== null || proc.signalCode !== null) return false;
        const bound = proc.pid === undefined ? null : await udpPortsBoundBy(proc.pid);
        if (bound === null) {
          await sleep(300);
          return true;
        }
        if (bound.has(pair!.rtp)) return true;
        if (Date.now() > deadline) return false;
        await sleep(25);
      }
    })();
    const first = await Promise.race([listening, exited, timedOut]);
    if (first === 'timeout') throw new StillGrabError('ffmpeg did not listen in time', 'timeout');
    if (first === true) {
      await consumer.resume();
      const ask = () => void consumer.requestKeyFrame().catch(() => undefined);
      ask();
      keyframes = setInterval(ask, KEYFRAME_EVERY_MS);
    }
    const end = await Promise.race([exited, timedOut]);
    if (end === 'timeout') throw new StillGrabError(`no frame within ${timeoutMs} ms`, 'timeout');
    if (end.error) throw new StillGrabError(`ffmpeg could not start: ${end.error.message}`, 'failed');
    const jpeg = Buffer.concat(chunks);
    const dims = end.code === 0 && size <= MAX_JPEG_BYTES ? jpegSize(jpeg) : null;
    if (!dims)
      throw new StillGrabError(
        `no frame decoded (ffmpeg ${end.code}): ${stderr.trim().split('\n').slice(-2).join(' | ')}`,
        'no_frame',
      );
    return { jpeg, at: new Date(), ...dims };
  } catch (err) {
    if (err instanceof StillGrabError) throw err;
    throw new StillGrabError((err as Error).message, 'failed');
  } finally {
    if (timer) clearTimeout(timer);
    if (keyframes) clearInterval(keyframes);
    if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    transport?.close();
    await unlink(sdpFile).catch(() => undefined);
    log.debug({ producerId: producer.id }, 'still grab finished');
  }
}
