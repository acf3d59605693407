import { spawn, type ChildProcess } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { statSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import type { Logger } from 'pino';
import { tailOf } from './run-process';
import { sdpEndpoints, type SdpEndpoints } from './sdp';
import { udpPortsBoundBy } from './udp-ports';

export interface SegmentWriter {
  readonly process: ChildProcess;
  readonly outFile: string;
  readonly sdpFile: string;
  /** Settles once ffmpeg has ended, for whatever reason. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** True once stop() was called: an exit after that is expected. */
  readonly stopping: boolean;
  /** Resolves once ffmpeg has bound every RTP and RTCP port of the SDP; rejects if it exits first. */
  ready(timeoutMs?: number): Promise<void>;
  /**
   * Ends the segment cleanly: an RTCP BYE on every stream makes ffmpeg see the end of its input and
   * finish the file; SIGINT, then SIGKILL, only if it does not. Idempotent.
   */
  stop(timeoutMs?: number): Promise<void>;
  /** The output file's size now; 0 before ffmpeg has written its header. */
  bytesWritten(): number;
}

/** Thrown by ready() when ffmpeg ends before listening, typically because a port was taken meanwhile. */
export class WriterExitedError extends Error {
  constructor(readonly stderr: string) {
    super(`ffmpeg exited before listening: ${tailOf(stderr)}`);
    this.name = 'WriterExitedError';
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** Said while ffmpeg probes the input (arrival jitter upsets its frame-rate guess); nothing is lost. */
const BENIGN = /DTS discontinuity in stream/;

/**
 * An empty receiver report followed by a BYE: the smallest compound RTCP packet ffmpeg's RTP demuxer
 * accepts (it ignores anything under 12 bytes). Once every stream has said BYE it reports end of input.
 */
const RTCP_BYE = Buffer.from([0x80, 201, 0, 1, 0, 0, 0, 0, 0x81, 203, 0, 1, 0, 0, 0, 0]);

async function sendBye(endpoints: SdpEndpoints): Promise<void> {
  const socket = createSocket(endpoints.ip.includes(':') ? 'udp6' : 'udp4');
  try {
    for (const s of endpoints.streams)
      await new Promise<void>((resolve) => socket.send(RTCP_BYE, s.rtcpPort, endpoints.ip, () => resolve()));
  } finally {
    socket.close();
  }
}

/**
 * The ffmpeg command line of one segment. Remux only (`-c copy`): VP8/H264 + Opus go into the file as
 * they came, which costs almost no CPU. Matroska rather than WebM because it also takes the H264 of
 * iPhones, and because a file cut off by a crash or SIGKILL is still playable up to its last cluster;
 * clusters close every second (`-cluster_time_limit 1000`) and reach the disk at once (`-flush_packets 1`).
 *
 * One ffmpeg reads every track of the segment from one SDP, so camera, screen and voice share a clock.
 */
export function segmentWriterArgs(
  sdpFile: string,
  outFile: string,
  opts: { localAddress: string; titles?: readonly string[] },
): string[] {
  const titles = opts.titles ?? [];
  return [
    '-hide_banner',
    '-nostdin',
    '-loglevel',
    'warning',
    '-protocol_whitelist',
    'file,udp,rtp',
    // Bind the RTP ports to the listen address only, not to every interface.
    '-localaddr',
    opts.localAddress,
    // Never give up on a silent input (the default ends the file after 10 s without packets): a muted
    // instructor is a gap in the manifest, not the end of the segment. stop() ends it with an RTCP BYE.
    '-listen_timeout',
    '-1',
    // Stamp packets with their arrival time. ffmpeg's RTP timestamps start each stream at its own first
    // packet and jump back once the first RTCP sender report re-aligns them (Matroska then clamps the
    // "non-monotonous DTS"); arrival time is monotonous, and one hop from mediasoup on the same host
    // keeps camera and voice within a few milliseconds.
    '-use_wallclock_as_timestamps',
    '1',
    // Write the header as soon as every track has shown a keyframe instead of first counting 20 frames
    // to guess a frame rate the copy does not need: a new segment is on disk sooner.
    '-fpsprobesize',
    '0',
    '-i',
    sdpFile,
    '-map',
    '0',
    '-c',
    'copy',
    ...titles.flatMap((t, i) => [`-metadata:s:${i}`, `title=${t}`]),
    '-f',
    'matroska',
    '-cluster_time_limit',
    '1000',
    '-flush_packets',
    '1',
    '-y',
    outFile,
  ];
}

/**
 * Starts ffmpeg receiving the plain RTP that `sdp` describes and remuxing it into `outFile`. The SDP is
 * written next to the output (`<outFile without extension>.sdp`) and kept: it documents the tracks.
 */
export async function startSegmentWriter(opts: {
  sdp: string;
  outFile: string;
  log: Logger;
  /** Track titles in stream order (the recorder uses mic / camera / screen). */
  titles?: readonly string[];
}): Promise<SegmentWriter> {
  const sdpFile = opts.outFile.replace(/\.[^./]+$/, '') + '.sdp';
  await writeFile(sdpFile, opts.sdp);
  const endpoints = sdpEndpoints(opts.sdp);
  const args = segmentWriterArgs(sdpFile, opts.outFile, {
    localAddress: endpoints.ip,
    ...(opts.titles ? { titles: opts.titles } : {}),
  });
  const child = spawn('ffmpeg', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  const log = opts.log.child({ ffmpegPid: child.pid, outFile: opts.outFile });
  log.debug({ args }, 'segment writer started');

  let stderr = '';
  let pending = '';
  child.stderr?.setEncoding('utf8').on('data', (d: string) => {
    stderr = (stderr + d).slice(-16_384);
    pending += d;
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines)
      if (line.trim()) log[BENIGN.test(line) ? 'debug' : 'warn']({ ffmpeg: line.trim() }, 'ffmpeg says');
  });

  let exitInfo: { code: number | null; signal: NodeJS.Signals | null } | null = null;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    // 'error' (ffmpeg missing) is followed by no 'exit'; both end the writer.
    child.once('error', (err) => {
      log.error({ err: err.message }, 'ffmpeg could not start');
      exitInfo ??= { code: null, signal: null };
      resolve(exitInfo);
    });
    child.once('exit', (code, signal) => {
      exitInfo ??= { code, signal };
      log.debug(exitInfo, 'segment writer exited');
      resolve(exitInfo);
    });
  });

  let stopping: Promise<void> | null = null;
  const exitedWithin = async (ms: number) => {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((r) => (timer = setTimeout(() => r('timeout'), ms)));
    const outcome = await Promise.race([exited, timeout]);
    clearTimeout(timer);
    return outcome;
  };
  const handle: SegmentWriter = {
    process: child,
    outFile: opts.outFile,
    sdpFile,
    exited,
    get stopping() {
      return stopping !== null;
    },
    async ready(timeoutMs = 10_000) {
      const ports = endpoints.streams.flatMap((s) => [s.port, s.rtcpPort]);
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        if (exitInfo) throw new WriterExitedError(stderr);
        const bound = child.pid === undefined ? null : await udpPortsBoundBy(child.pid);
        if (bound === null) {
          // No /proc to ask (not Linux): give ffmpeg the time it usually needs to open the SDP.
          await sleep(500);
          if (exitInfo) throw new WriterExitedError(stderr);
          return;
        }
        if (ports.every((p) => bound.has(p))) return;
        if (Date.now() > deadline) throw new Error(`ffmpeg did not bind ports ${ports.join(',')} in time`);
        await sleep(25);
      }
    },
    stop(timeoutMs = 5_000) {
      stopping ??= (async () => {
        if (exitInfo) return;
        await sendBye(endpoints).catch((err: Error) =>
          log.warn({ err: err.message }, 'could not send RTCP BYE'),
        );
        if ((await exitedWithin(timeoutMs)) !== 'timeout' || exitInfo) return;
        // No BYE got through (say ffmpeg was still opening the SDP). SIGINT ends ffmpeg cleanly at its
        // next packet; a second one also interrupts a read that waits for packets that will not come,
        // but then the file's trailer is lost, and SIGKILL is the last resort.
        log.warn({ timeoutMs }, 'ffmpeg did not end on RTCP BYE; interrupting it');
        for (const signal of ['SIGINT', 'SIGINT', 'SIGKILL'] as const) {
          child.kill(signal);
          if ((await exitedWithin(signal === 'SIGKILL' ? timeoutMs : 1_000)) !== 'timeout' || exitInfo)
            return;
        }
      })();
      return stopping;
    },
    bytesWritten() {
      try {
        return statSync(opts.outFile).size;
      } catch {
        return 0;
      }
    },
  };
  return handle;
}
