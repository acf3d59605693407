import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import type { Interface } from 'node:readline';
import { startCHelper, stopCHelper } from './c-helper';

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
    const h = await startCHelper('sink', [String(sockets), String(8 * 1024 * 1024)]);
    if (!h.first.startsWith('PORTS ')) {
      stopCHelper(h);
      throw new Error(h.first);
    }
    return new Sink(h.proc, h.lines, h.first.slice(6).split(' ').map(Number), h.dir);
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
    stopCHelper({ proc: this.proc, lines: this.lines, dir: this.dir });
  }
}
