import { runProcess, tailOf } from './run-process';

export interface StreamInfo {
  index: number;
  codecType: string;
  codecName: string;
  width?: number;
  height?: number;
  /** The track's title tag (the recorder writes mic / camera / screen). */
  title?: string;
}

async function ffprobe(args: string[], file: string): Promise<string> {
  const r = await runProcess('ffprobe', ['-v', 'error', ...args, file], { timeoutMs: 60_000 });
  if (r.code !== 0) throw new Error(`ffprobe failed on ${file}: ${tailOf(r.stderr)}`);
  return r.stdout;
}

/** The playing time of a media file in seconds. */
export async function probeDuration(file: string): Promise<number> {
  const fromHeader = Number.parseFloat(
    await ffprobe(['-show_entries', 'format=duration', '-of', 'default=noprint_wrappers=1:nokey=1'], file),
  );
  if (Number.isFinite(fromHeader)) return fromHeader;
  // A Matroska file cut off by SIGKILL never got its duration written; its last packet still knows.
  const packets = await ffprobe(['-show_entries', 'packet=pts_time,duration_time', '-of', 'csv=p=0'], file);
  let end = 0;
  for (const line of packets.split('\n')) {
    const [pts, dur] = line.split(',').map((x) => Number.parseFloat(x));
    if (pts !== undefined && Number.isFinite(pts))
      end = Math.max(end, pts + (Number.isFinite(dur) ? dur! : 0));
  }
  return end;
}

/** The streams of a media file, in index order. */
export async function probeStreams(file: string): Promise<StreamInfo[]> {
  const out = JSON.parse(await ffprobe(['-show_streams', '-of', 'json'], file)) as {
    streams?: Array<{
      index: number;
      codec_type?: string;
      codec_name?: string;
      width?: number;
      height?: number;
      tags?: Record<string, string>;
    }>;
  };
  return (out.streams ?? []).map((s) => ({
    index: s.index,
    codecType: s.codec_type ?? 'unknown',
    codecName: s.codec_name ?? 'unknown',
    ...(s.width ? { width: s.width, height: s.height } : {}),
    ...(s.tags?.title || s.tags?.TITLE ? { title: s.tags.title ?? s.tags.TITLE } : {}),
  }));
}
