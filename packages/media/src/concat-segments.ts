import { rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from 'pino';
import { probeDuration, probeStreams, type StreamInfo } from './probe';
import { runProcess, tailOf } from './run-process';

export interface ConcatResult {
  /** 'copy': packets joined as recorded; 'reencode': decoded and encoded again (VP8 + Opus). */
  method: 'copy' | 'reencode';
  outFile: string;
}

/** Single quotes in a concat-list path are closed, escaped and reopened. */
const listLine = (file: string) => `file '${path.resolve(file).replace(/'/g, `'\\''`)}'`;

const layoutOf = (streams: StreamInfo[]) => streams.map((s) => `${s.codecType}:${s.codecName}`).join(',');

async function ffmpeg(args: string[], timeoutMs: number): Promise<{ ok: boolean; stderr: string }> {
  const r = await runProcess('ffmpeg', ['-hide_banner', '-nostdin', '-loglevel', 'error', '-y', ...args], {
    timeoutMs,
    // Joining streams through; a few hundred MB is the norm, whatever the class's length.
    maxMemoryMb: MAX_FFMPEG_MEMORY_MB,
  });
  return { ok: r.code === 0, stderr: r.signal ? `killed after ${timeoutMs} ms (${r.signal})` : r.stderr };
}

const MAX_FFMPEG_MEMORY_MB = 4096;

/** The replay holds what was recorded: not empty, and no more than a second or 5 % short of it. */
async function complete(outFile: string, recordedSeconds: number): Promise<boolean> {
  const d = await probeDuration(outFile).catch(() => 0);
  return d > 0 && d >= recordedSeconds * 0.95 - 1;
}

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
  if (files.length === 0) throw new Error('concatSegments: no segments');
  const layouts = await Promise.all(files.map((f) => probeStreams(f)));
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
      if (r.ok && (await complete(outFile, recorded))) return { method: 'copy', outFile };
      opts.log?.warn({ err: tailOf(r.stderr) }, 'concat with -c copy failed; re-encoding');
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
  const firstVideo = layouts.flat().find((s) => s.codecType === 'video' && s.width && s.height);
  const anyAudio = layouts.some((l) => l.some((s) => s.codecType === 'audio'));
  const width = firstVideo?.width ?? 0;
  const height = firstVideo?.height ?? 0;
  // A fallback for a rare case: 15 fps is plenty for a lecture and keeps a 4-hour re-encode affordable.
  const fps = 15;

  const graph = reencodeGraph(layouts, durations, {
    width,
    height,
    fps,
    video: !!firstVideo,
    audio: anyAudio,
  });

  const r = await ffmpeg(
    [
      ...files.flatMap((f) => ['-i', f]),
      '-filter_complex',
      graph,
      ...(firstVideo
        ? ['-map', '[outv]', '-c:v', 'libvpx', '-deadline', 'realtime', '-cpu-used', '8', '-b:v', '800k']
        : []),
      ...(anyAudio ? ['-map', '[outa]', '-c:a', 'libopus', '-b:a', '64k'] : []),
      '-f',
      'matroska',
      outFile,
    ],
    timeoutMs,
  );
  if (!r.ok) throw new Error(`concatSegments: re-encoding failed: ${tailOf(r.stderr)}`);
  // ffmpeg may stop early and still exit 0 (out of memory inside a filter, say): check what it wrote.
  if (!(await complete(outFile, recorded)))
    throw new Error(
      `concatSegments: the re-encoded replay is shorter than the ${recorded.toFixed(1)} s recorded: ${tailOf(r.stderr)}`,
    );
}

/**
 * The concat filter graph for a re-encode: each segment's first video and audio, or generated black
 * and silence of the segment's own length where it has none. Outputs [outv] and/or [outa].
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
      filters.push(
        layout.some((s) => s.codecType === 'video')
          ? `[${i}:v:0]scale=${width}:${height}:force_original_aspect_ratio=decrease,` +
              `pad=${width}:${height}:(ow-iw)/2:(oh-ih)/2,setsar=1,fps=${fps},format=yuv420p[v${i}]`
          : `color=c=black:s=${width}x${height}:r=${fps}:d=${d},format=yuv420p[v${i}]`,
      );
      pads.push(`[v${i}]`);
    }
    if (out.audio) {
      filters.push(
        layout.some((s) => s.codecType === 'audio')
          ? `[${i}:a:0]aresample=48000,aformat=sample_fmts=fltp:channel_layouts=stereo[a${i}]`
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
