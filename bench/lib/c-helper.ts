import { spawn, execFileSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface, type Interface } from 'node:readline';

/** A small C program of the benchmark (sink.c, reference.c) running, talking line by line on stdio. */
export interface CHelper {
  proc: ChildProcessWithoutNullStreams;
  lines: Interface;
  /** The first line it printed (its ports). */
  first: string;
  dir: string;
}

/** Compiles bench/lib/`name`.c into a temporary directory and starts it; resolves with its first line. */
export async function startCHelper(name: string, args: string[]): Promise<CHelper> {
  const dir = mkdtempSync(path.join(os.tmpdir(), `sfu-bench-${name}-`));
  const bin = path.join(dir, name === 'reference' ? 'fwd-reference' : name);
  try {
    execFileSync('cc', ['-O2', '-o', bin, path.join(__dirname, `${name}.c`)], { stdio: 'pipe' });
  } catch (e) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`cannot compile bench/lib/${name}.c (a C compiler is needed): ${(e as Error).message}`);
  }
  const proc = spawn(bin, args, { stdio: 'pipe' });
  // Writing to a helper that is gone (killed with the process group, say) must not crash the benchmark.
  proc.stdin.on('error', () => undefined);
  const lines = createInterface({ input: proc.stdout });
  const first = await new Promise<string>((resolve, reject) => {
    lines.once('line', resolve);
    proc.once('exit', (code) => reject(new Error(`${name} exited: ${code}`)));
  });
  return { proc, lines, first, dir };
}

/** Asks the helper to quit, kills it if it does not, and removes its directory. */
export function stopCHelper({ proc, lines, dir }: Pick<CHelper, 'proc' | 'lines' | 'dir'>): void {
  try {
    proc.stdin.end('Q\n');
  } catch {
    // already gone
  }
  if (proc.exitCode === null) proc.kill();
  lines.close();
  rmSync(dir, { recursive: true, force: true });
}
