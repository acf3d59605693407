import { spawn } from 'node:child_process';

export interface ProcessResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Keeps only the end of a long stderr: ffmpeg's last lines say why it failed. */
const MAX_STDERR = 16_384;

/**
 * Runs a command to completion and keeps its output; rejects only when it cannot be started.
 * `timeoutMs` kills it after that long; `maxMemoryMb` caps its address space (`ulimit -v`), so a
 * runaway process fails on its own instead of taking the machine's memory.
 */
export function runProcess(
  command: string,
  args: readonly string[],
  opts: { timeoutMs?: number; maxMemoryMb?: number } = {},
): Promise<ProcessResult> {
  return new Promise((resolve, reject) => {
    const child =
      opts.maxMemoryMb === undefined
        ? spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] })
        : spawn(
            '/bin/sh',
            ['-c', 'ulimit -v "$0" && exec "$@"', String(opts.maxMemoryMb * 1024), command, ...args],
            { stdio: ['ignore', 'pipe', 'pipe'] },
          );
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr = (stderr + d).slice(-MAX_STDERR);
    });
    const timer =
      opts.timeoutMs === undefined ? undefined : setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs);
    child.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

/** The last few lines of a process's stderr, for an error message. */
export const tailOf = (text: string, lines = 5) => text.trim().split('\n').slice(-lines).join(' | ');
