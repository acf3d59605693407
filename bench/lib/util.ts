import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Nearest-rank percentile (p in 0..100) of a list; 0 for an empty list. */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

export const round = (v: number, digits = 2) => Math.round(v * 10 ** digits) / 10 ** digits;

/** Runs `fn` over `items` with at most `limit` calls in flight, keeping the order of results. */
export async function mapLimit<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const run = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, run));
  return out;
}

const CLK_TCK = 100;

/** User + system CPU milliseconds of a process (Linux /proc), or null when it cannot be read. */
export function procCpuMs(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may contain spaces) start after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const utime = Number(fields[11]);
    const stime = Number(fields[12]);
    return ((utime + stime) * 1000) / CLK_TCK;
  } catch {
    return null;
  }
}

/** The CPU list a process may run on (taskset), or null without taskset. */
export function affinityOf(pid: number): string | null {
  try {
    const out = execFileSync('taskset', ['-pc', String(pid)], { encoding: 'utf8' });
    return out.split(':').pop()!.trim();
  } catch {
    return null;
  }
}

/** Pins every thread of a process to `cpus` (e.g. "0"); false when taskset is missing or refused. */
export function pin(pid: number, cpus: string): boolean {
  try {
    execFileSync('taskset', ['-a', '-pc', cpus, String(pid)], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Direct child processes of `pid` that are still running (not zombies). */
export function childPids(pid: number): number[] {
  const out: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const [state, ppid] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(ppid) === pid && state !== 'Z') out.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

/** Resolves once `pid` has exited (or after `timeoutMs`). */
export async function waitExit(pid: number, timeoutMs = 3000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    const stat = (() => {
      try {
        return readFileSync(`/proc/${pid}/stat`, 'utf8');
      } catch {
        return null;
      }
    })();
    if (!stat || stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z')) return;
    await sleep(50);
  }
}

/** What the benchmark starts as child processes (kernel `comm` names, 15 characters at most). */
const OURS = /^(mediasoup-worke|sink|fwd-reference|chromium|chrome.*|ffmpeg)$/;

/**
 * Ends whatever this process started and did not stop (a recorder's ffmpeg after an interrupted
 * shutdown, say): SIGTERM by pid, then SIGKILL for those still there a moment later. Only the kinds
 * of process the benchmark starts are touched (tsx's esbuild service, for one, is left alone).
 */
export async function endLeftoverChildren(): Promise<number[]> {
  const ours = () =>
    childPids(process.pid).filter((pid) => {
      try {
        return OURS.test(readFileSync(`/proc/${pid}/comm`, 'utf8').trim());
      } catch {
        return false;
      }
    });
  const left = ours();
  for (const pid of left) process.kill(pid, 'SIGTERM');
  if (left.length) await sleep(1500);
  for (const pid of ours()) process.kill(pid, 'SIGKILL');
  return left;
}
