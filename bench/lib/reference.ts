import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import type { Interface } from 'node:readline';
import { startCHelper, stopCHelper } from './c-helper';

export interface ReferenceCounters {
  /** RTP packets received on the forwarder's socket. */
  rx: number;
  /** Packets sent (one per packet per route). */
  tx: number;
  txErrors: number;
  /** The socket's kernel drop counter (SO_RXQ_OVFL). */
  rxDrops: number;
  /** getrusage(RUSAGE_SELF) of the forwarder, microseconds: what worker.getResourceUsage() reads for the SFU. */
  cpuUs: number;
  sysUs: number;
  /** CLOCK_MONOTONIC, microseconds. */
  atUs: number;
}

/**
 * The reference forwarder (reference.c), compiled on first use into a temporary directory: one UDP
 * socket in, one sendmsg() per packet per route out, routes given by SSRC.
 */
export class ReferenceForwarder {
  private waiting: Array<{ resolve: (c: ReferenceCounters) => void; reject: (e: Error) => void }> = [];

  private constructor(
    private readonly proc: ChildProcessWithoutNullStreams,
    private readonly lines: Interface,
    readonly port: number,
    private readonly dir: string,
  ) {
    lines.on('line', (line) => {
      if (!line.startsWith('SNAP ')) return;
      const [rx, tx, txErrors, rxDrops, utime, stime, at] = line.slice(5).split(' ').map(Number) as number[];
      this.waiting.shift()?.resolve({
        rx: rx!,
        tx: tx!,
        txErrors: txErrors!,
        rxDrops: rxDrops!,
        cpuUs: utime! + stime!,
        sysUs: stime!,
        atUs: at!,
      });
    });
    proc.once('exit', () => {
      for (const w of this.waiting.splice(0)) w.reject(new Error('the reference forwarder exited'));
    });
  }

  get pid(): number {
    return this.proc.pid!;
  }

  static async start(): Promise<ReferenceForwarder> {
    const h = await startCHelper('reference', [String(8 * 1024 * 1024)]);
    if (!h.first.startsWith('PORT ')) {
      stopCHelper(h);
      throw new Error(h.first);
    }
    return new ReferenceForwarder(h.proc, h.lines, Number(h.first.slice(5)), h.dir);
  }

  /** Packets of `inSsrc` go to 127.0.0.1:`port` with the SSRC `outSsrc`, one send per route. */
  route(inSsrc: number, port: number, outSsrc: number): void {
    this.proc.stdin.write(`R ${inSsrc} ${port} ${outSsrc}\n`);
  }

  counters(): Promise<ReferenceCounters> {
    if (this.proc.exitCode !== null || this.proc.signalCode !== null)
      return Promise.reject(new Error('the reference forwarder is not running'));
    return new Promise((resolve, reject) => {
      this.waiting.push({ resolve, reject });
      this.proc.stdin.write('S\n');
    });
  }

  close(): void {
    stopCHelper({ proc: this.proc, lines: this.lines, dir: this.dir });
  }
}
