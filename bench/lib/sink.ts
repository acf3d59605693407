import { spawn, execFileSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface, type Interface } from 'node:readline';

export interface SinkSnapshot {
  at: number;
  /** Packets the sink's own sockets dropped (kernel counters): the harness was too slow, not the SFU. */
  drops: number;
  streams: Map<number, { received: number; expected: number }>;
}

/**
 * The receiving side of every synthetic participant: sink.c, compiled on first use into a temporary
 * directory, counting RTP packets per SSRC from their clear-text headers.
 */
export class Sink {
  private waiting: Array<{ resolve: (s: SinkSnapshot) => void; reject: (e: Error) => void }> = [];
  private current: SinkSnapshot | null = null;

  private constructor(
    private readonly proc: ChildProcessWithoutNullStreams,
    private readonly lines: Interface,
    readonly ports: number[],
    private readonly dir: string,
  ) {
    lines.on('line', (line) => this.onLine(line));
    proc.once('exit', () => {
      for (const w of this.waiting.splice(0)) w.reject(new Error('the sink exited'));
    });
  }

  get pid(): number {
    return this.proc.pid!;
  }

  static async start(sockets = 4): Promise<Sink> {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'sfu-bench-sink-'));
    const bin = path.join(dir, 'sink');
    try {
      execFileSync('cc', ['-O2', '-o', bin, path.join(__dirname, 'sink.c')], { stdio: 'pipe' });
    } catch (e) {
      rmSync(dir, { recursive: true, force: true });
      throw new Error(`cannot compile bench/lib/sink.c (a C compiler is needed): ${(e as Error).message}`);
    }
    const proc = spawn(bin, [String(sockets), String(8 * 1024 * 1024)], { stdio: 'pipe' });
    // Writing to a sink that is gone (killed with the process group, say) must not crash the benchmark.
    proc.stdin.on('error', () => undefined);
    const lines = createInterface({ input: proc.stdout });
    const ports = await new Promise<number[]>((resolve, reject) => {
      lines.once('line', (l) =>
        l.startsWith('PORTS ') ? resolve(l.slice(6).split(' ').map(Number)) : reject(new Error(l)),
      );
      proc.once('exit', (code) => reject(new Error(`sink exited: ${code}`)));
    });
    return new Sink(proc, lines, ports, dir);
  }

  snapshot(): Promise<SinkSnapshot> {
    if (this.proc.exitCode !== null || this.proc.signalCode !== null)
      return Promise.reject(new Error('the sink is not running'));
    return new Promise((resolve, reject) => {
      this.waiting.push({ resolve, reject });
      this.proc.stdin.write('S\n');
    });
  }

  private onLine(line: string) {
    if (line.startsWith('SNAP ')) {
      const [, drops] = line.split(' ');
      this.current = { at: performance.now(), drops: Number(drops), streams: new Map() };
    } else if (line === 'END') {
      const done = this.current!;
      this.current = null;
      this.waiting.shift()?.resolve(done);
    } else if (this.current) {
      const [ssrc, received, expected] = line.split(' ').map(Number) as [number, number, number];
      this.current.streams.set(ssrc, { received, expected });
    }
  }

  close(): void {
    try {
      this.proc.stdin.end('Q\n');
    } catch {
      // already gone
    }
    if (this.proc.exitCode === null) this.proc.kill();
    this.lines.close();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
