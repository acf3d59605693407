import { rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from 'pino';
import { probeDuration, probeStreams, type StreamInfo } from './probe';
import { runProcess, tailOf } from './run-process';

/**
 * Why a replay could not be built. `deterministic`: the same segments would fail the same way again
 * (unreadable input, an ffmpeg error, a replay shorter than what was recorded), so trying again only
 * costs another re-encode; otherwise (ffmpeg killed by its time or memory limit) a retry may succeed.
 */
export class ReplayBuildError extends Error {
  readonly deterministic: boolean;
  /** What the segments hold, in seconds, and what the joined file measured (when it got that far). */
  readonly recordedS: number | undefined;
  readonly measuredS: number | undefined;
  constructor(message: string, opts: { deterministic: boolean; recordedS?: number; measuredS?: number }) {
    super(message);
    this.name = 'ReplayBuildError';
    this.deterministic = opts.deterministic;
    this.recordedS = opts.recordedS;
    this.measuredS = opts.measuredS;
  }
}

export interface ConcatResult {
  /** 'copy': packets joined as recorded; 'reencode': decoded and encoded again (VP8 + Opus). */
  method: 'copy' | 'reencode';
  outFile: string;
}

/** Single quotes in a concat-list path are closed, escaped and reopened. */
const listLine = (file: string) => `file '${path.resolve(file).replace(/'/g, `'\\''`)}'`;

const layoutOf = (streams: StreamInfo[]) => streams.map((s) => `${s.codecType}:${s.codecName}`).join(',');

async function ffmpeg(
  args: string[],
  timeoutMs: number,
): Promise<{ ok: boolean; killed: boolean; stderr: string }> {
  const r = await runProcess('ffmpeg', ['-hide_banner', '-nostdin', '-loglevel', 'error', '-y', ...args], {
    timeoutMs,
    // Joining streams through; a few hundred MB is the norm, whatever the class's length.
    maxMemoryMb: MAX_FFMPEG_MEMORY_MB,
  });
  return {
    ok: r.code === 0,
    killed: r.signal !== null,
    stderr: r.signal ? `killed after ${timeoutMs} ms (${r.signal})` : tailOf(r.stderr),
  };
}

const MAX_FFMPEG_MEMORY_MB = 4096;

/** The playing time of a written replay; 0 when it cannot be read. */
const measure = (outFile: string) => probeDuration(outFile).catch(() => 0);
/** The replay holds what was recorded: not empty, and no more than a second or 5 % short of it. */
const long = (measured: number, recordedSeconds: number) =>
  measured > 0 && measured >= recordedSeconds * 0.95 - 1;

/**
 * How long joining may take: generous for the recorded length (the re-encode runs far faster than
 * real time), and a stop for a process that would otherwise never end.
 */
const budgetMs = (recordedSeconds: number) => Math.max(120_000, Math.ceil(recordedSeconds * 2_000));

/**
 * Joins a session's segments into its one replay file (Matroska). Gaps are not filled: the replay is the
 * segments back to back, so replay time is recorded time; where and why media was missing is in the
 * manifest's gaps, not painted black into the picture.
 *
 * When every segment has the same tracks, the concat demuxer joins them with `-c copy` (fast, lossless).
 * When layouts differ (a camera switched off, a screen share added) or copying fails, the segments are
 * re-encoded through the concat filter: the first video and first audio track of each, scaled to the
 * first video's size; a segment without video or audio gets a black picture or silence for its own
 * length only, because the filter needs every input to have both.
 */
export async function concatSegments(
  files: readonly string[],
  outFile: string,
  opts: {
    log?: Logger;
    /** Each ffmpeg run's limit; by default from the recorded length. */ timeoutMs?: number;
  } = {},
): Promise<ConcatResult> {
  if (files.length === 0) throw new ReplayBuildError('concatSegments: no segments', { deterministic: true });
  // A segment ffprobe cannot read fails the build before anything is encoded: it would fail every time.
  const readable = async <T>(file: string, probe: (f: string) => Promise<T>) => {
    try {
      return await probe(file);
    } catch (err) {
      throw new ReplayBuildError(
        `concatSegments: segment ${path.basename(file)} cannot be read: ${(err as Error).message}`,
        { deterministic: true },
      );
    }
  };
  const layouts = await Promise.all(files.map((f) => readable(f, probeStreams)));
  const durations = await Promise.all(files.map((f) => probeDuration(f).catch(() => 0)));
  const recorded = durations.reduce((a, b) => a + (Number.isFinite(b) ? b : 0), 0);
  const timeoutMs = opts.timeoutMs ?? budgetMs(recorded);
  const sameLayout = layouts.every((l) => layoutOf(l) === layoutOf(layouts[0]!));

  if (sameLayout) {
    const listFile = `${outFile}.concat.txt`;
    await writeFile(listFile, files.map(listLine).join('\n') + '\n');
    try {
      const r = await ffmpeg(
        ['-f', 'concat', '-safe', '0', '-i', listFile, '-map', '0', '-c', 'copy', '-f', 'matroska', outFile],
        timeoutMs,
      );
      const measured = r.ok ? await measure(outFile) : 0;
      if (r.ok && long(measured, recorded)) return { method: 'copy', outFile };
      opts.log?.warn({ err: r.stderr, measured, recorded }, 'concat with -c copy failed; re-encoding');
    } finally {
      await rm(listFile, { force: true });
    }
  } else {
    opts.log?.info({ layouts: layouts.map(layoutOf) }, 'segments differ in tracks; re-encoding');
  }

  await reencodeSegments(files, layouts, durations, outFile, { recorded, timeoutMs });
  return { method: 'reencode', outFile };
}

async function reencodeSegments(
  files: readonly string[],
  layouts: StreamInfo[][],
  durations: number[],
  outFile: string,
  { recorded, timeoutMs }: { recorded: number; timeoutMs: number },
) {
  // The replay's size: the largest picture shown (a segment's header has the size of its first frame,
  // which may be a low simulcast layer), at most 1280x720, even.
  const shown = layouts.map(mainVideo).filter((v): v is StreamInfo => !!v?.width && !!v.height);
  const largest = shown.reduce<StreamInfo | undefined>(
    (a, v) => (!a || v.width! * v.height! > a.width! * a.height! ? v : a),
    undefined,
  );
  const anyAudio = layouts.some((l) => l.some((s) => s.codecType === 'audio'));
  const fit = largest ? Math.min(1, 1280 / largest.width!, 720 / largest.height!) : 1;
  const even = (n: number) => Math.max(2, 2 * Math.round((n * fit) / 2));
  const width = largest ? even(largest.width!) : 0;
  const height = largest ? even(largest.height!) : 0;
  // A fallback for a rare case: 15 fps is plenty for a lecture and keeps a 4-hour re-encode affordable.
  const fps = 15;

  const graph = reencodeGraph(layouts, durations, {
    width,
    height,
    fps,
    video: !!largest,
    audio: anyAudio,
  });

  const r = await ffmpeg(
    [
      // A picture that changes size mid-segment (the simulcast layer of Chromium's camera switching
      // between 1280x720 and 640x360 as its bandwidth estimate moves) must not rebuild the filter
      // graph: ffmpeg would start a fresh concat filter, whose timeline restarts at the first segment,
      // and the replay comes out short (a 28.8 s class gave 20.8 s). scale adapts to each frame itself.
      ...files.flatMap((f) => ['-reinit_filter', '0', '-i', f]),
      '-filter_complex',
      graph,
      ...(largest
        ? ['-map', '[outv]', '-c:v', 'libvpx', '-deadline', 'realtime', '-cpu-used', '8', '-b:v', '800k']
        : []),
      ...(anyAudio ? ['-map', '[outa]', '-c:a', 'libopus', '-b:a', '64k'] : []),
      '-f',
      'matroska',
      outFile,
    ],
    timeoutMs,
  );
  if (!r.ok) {
    await rm(outFile, { force: true });
    // Killed by its time or memory limit: a quieter machine may manage. An ffmpeg error would repeat.
    throw new ReplayBuildError(`concatSegments: re-encoding failed: ${r.stderr}`, {
      deterministic: !r.killed,
      recordedS: recorded,
    });
  }
  // ffmpeg may stop early and still exit 0 (out of memory inside a filter, say): check what it wrote.
  const measured = await measure(outFile);
  if (!long(measured, recorded)) {
    await rm(outFile, { force: true });
    throw new ReplayBuildError(
      `concatSegments: the re-encoded replay is ${measured.toFixed(1)} s, shorter than the ` +
        `${recorded.toFixed(1)} s recorded (segments: ${durations.map((d) => d.toFixed(1)).join(' + ')} s)` +
        (r.stderr ? `: ${r.stderr}` : ''),
      { deterministic: true, recordedS: recorded, measuredS: measured },
    );
  }
}

/**
 * The picture a segment shows in the replay: the shared screen while there is one (what the class was
 * looking at), otherwise the camera, otherwise its first video track.
 */
function mainVideo(layout: StreamInfo[]): StreamInfo | undefined {
  const videos = layout.filter((s) => s.codecType === 'video');
  return videos.find((s) => s.title === 'screen') ?? videos.find((s) => s.title === 'camera') ?? videos[0];
}

/**
 * The concat filter graph for a re-encode: each segment's main picture (see mainVideo) and first audio,
 * or generated black and silence of the segment's own length where it has none. Every input starts at
 * 0 and has no holes: the picture's first frame stands in until the first frame's time, and stretches
 * without packets (a muted microphone sends none) are filled with silence, so each segment lasts as
 * long in the replay as in its file. Outputs [outv] and/or [outa].
 */
export function reencodeGraph(
  layouts: StreamInfo[][],
  durations: number[],
  out: { width: number; height: number; fps: number; video: boolean; audio: boolean },
): string {
  const { width, height, fps } = out;
  const filters: string[] = [];
  const pads: string[] = [];
  layouts.forEach((layout, i) => {
    // At least one frame: a zero duration would make atrim (0 = no limit) pass endless silence, and
    // the concat filter would buffer the other inputs without end (a segment cut off by a worker
    // death right after its first frame probes as 0 s).
    const probed = durations[i];
    const d = Math.max(probed !== undefined && Number.isFinite(probed) ? probed : 0, 1 / fps).toFixed(3);
    if (out.video) {
      const main = mainVideo(layout);
      const v = main ? layout.filter((s) => s.codecType === 'video').indexOf(main) : -1;
      filters.push(
        main
          ? `[${i}:v:${v}]scale=${width}:${height}:force_original_aspect_ratio=decrease,` +
              `pad=${width}:${height}:(ow-iw)/2:(oh-ih)/2,setsar=1,fps=${fps}:start_time=0,format=yuv420p[v${i}]`
          : `color=c=black:s=${width}x${height}:r=${fps}:d=${d},format=yuv420p[v${i}]`,
      );
      pads.push(`[v${i}]`);
    }
    if (out.audio) {
      filters.push(
        layout.some((s) => s.codecType === 'audio')
          ? `[${i}:a:0]aresample=48000:async=1:first_pts=0,aformat=sample_fmts=fltp:channel_layouts=stereo[a${i}]`
          : `anullsrc=r=48000:cl=stereo,atrim=duration=${d}[a${i}]`,
      );
      pads.push(`[a${i}]`);
    }
  });
  const outs = `${out.video ? '[outv]' : ''}${out.audio ? '[outa]' : ''}`;
  filters.push(
    `${pads.join('')}concat=n=${layouts.length}:v=${out.video ? 1 : 0}:a=${out.audio ? 1 : 0}${outs}`,
  );
  return filters.join(';');
}
