import { EventEmitter } from 'node:events';
import type * as Mediasoup from 'mediasoup';
import type { Logger } from 'pino';

type Worker = Mediasoup.types.Worker;

export interface WorkerPoolEvents {
  /** A worker died and `replacement` took its slot (REL-1): rooms on `dead` must be rebuilt. */
  replaced: [dead: Worker, replacement: Worker];
}

/**
 * One mediasoup worker per core. A worker that dies is replaced in its slot at once, and the pool says
 * so; it never holds rooms itself (mediasoup-demo's ownership tree: a child does not know its parent).
 */
export class WorkerPool extends EventEmitter<WorkerPoolEvents> {
  private readonly workers: Worker[] = [];
  private next = 0;
  private closed = false;

  private constructor(
    private readonly mediasoup: typeof Mediasoup,
    private readonly settings: Mediasoup.types.WorkerSettings,
    private readonly log: Logger,
  ) {
    super();
  }

  static async create(
    mediasoup: typeof Mediasoup,
    size: number,
    settings: Mediasoup.types.WorkerSettings,
    log: Logger,
  ): Promise<WorkerPool> {
    const pool = new WorkerPool(mediasoup, settings, log);
    for (let i = 0; i < size; i++) pool.workers.push(await pool.spawn(i));
    return pool;
  }

  private async spawn(slot: number): Promise<Worker> {
    const worker = await this.mediasoup.createWorker({ ...this.settings, appData: { slot } });
    worker.on('died', (err) => {
      void this.onDied(slot, worker, err).catch((e: unknown) =>
        this.log.error({ slot, err: e }, 'replacing a dead mediasoup worker failed'),
      );
    });
    this.log.info({ slot, pid: worker.pid }, 'mediasoup worker started');
    return worker;
  }

  private async onDied(slot: number, dead: Worker, err: Error) {
    if (this.closed) return;
    this.log.error({ slot, pid: dead.pid, err: err.message }, 'mediasoup worker died; replacing it');
    for (let attempt = 1; ; attempt++) {
      let replacement: Worker;
      try {
        replacement = await this.spawn(slot);
      } catch (e) {
        this.log.error({ slot, attempt, err: (e as Error).message }, 'could not start a replacement worker');
        await new Promise((r) => setTimeout(r, Math.min(5000, 200 * attempt)));
        if (this.closed) return;
        continue;
      }
      this.workers[slot] = replacement;
      // A listener that throws is its own failure, not a reason to start yet another worker.
      this.emit('replaced', dead, replacement);
      return;
    }
  }

  /** Round-robin: each new room goes to the next worker. */
  pick(): Worker {
    const w = this.workers[this.next % this.workers.length]!;
    this.next++;
    return w;
  }

  /** For a room's next router: the next worker it does not use yet, if there is one. */
  pickAvoiding(inUse: readonly Worker[]): Worker {
    for (let i = 0; i < this.workers.length; i++) {
      const w = this.pick();
      if (!inUse.includes(w)) return w;
    }
    return this.pick();
  }

  get all(): readonly Worker[] {
    return this.workers;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const w of this.workers) w.close();
  }
}
