import type * as Mediasoup from 'mediasoup';
import type { MainPicture, MediaSource, ProducerInfo } from '@seafarer/contracts';
import { mayConsume } from '@seafarer/core';
import { MEDIA_CODECS } from '../media/mediasoup';
import type { Peer } from './peer';

type Worker = Mediasoup.types.Worker;
type Router = Mediasoup.types.Router;
type Producer = Mediasoup.types.Producer;

export type { MainPicture };

/** One of a room's routers and the worker it runs on. */
export interface MediaRouter {
  worker: Worker;
  router: Router;
}

export interface RoomOptions {
  /**
   * Peers per router before the room opens another router (on another worker when the node has one)
   * and pipes the streams between them. Teachers always stay on the first router, with the recorder.
   */
  maxPeersPerRouter?: number;
  /** The worker for a new router; gets the workers the room already uses, to avoid them if it can. */
  pickWorker?(inUse: readonly Worker[]): Worker;
}

/** A producer piped from its own router into another one (mediasoup `pipeToRouter`). */
interface Pipe {
  from: Router;
  to: Router;
  done: Promise<unknown>;
}

/**
 * One live session: its routers (one, until the class outgrows it), its peers, and the main picture.
 * The room decides on which router a peer's media lives; who may receive which stream is core's
 * room policy, which the handlers ask.
 */
export class Room {
  readonly peers = new Map<string, Peer>();
  main: MainPicture = { source: 'camera', peerId: null };
  ended = false;
  /** Removals made on this node (persisted first; kept here for admission while PostgreSQL is away). */
  readonly removed = new Set<string>();
  /** [0] is the primary router: teachers and the recorder live there. */
  routers: MediaRouter[];
  private readonly pipes = new Map<string, Pipe>();
  private opening: Promise<MediaRouter> | null = null;

  private constructor(
    readonly classId: string,
    readonly sessionId: string,
    readonly institutionId: string,
    readonly cap: number,
    primary: MediaRouter,
    private readonly opts: RoomOptions,
  ) {
    this.routers = [primary];
  }

  static async create(
    worker: Worker,
    ids: { classId: string; sessionId: string; institutionId: string; cap: number },
    opts: RoomOptions = {},
  ) {
    const router = await worker.createRouter({ mediaCodecs: MEDIA_CODECS });
    return new Room(ids.classId, ids.sessionId, ids.institutionId, ids.cap, { worker, router }, opts);
  }

  /** The primary router (teachers, recorder) and its worker. */
  get router(): Router {
    return this.routers[0]!.router;
  }
  get worker(): Worker {
    return this.routers[0]!.worker;
  }

  /** REL-1: after the primary worker's death, a fresh router on the replacement; every peer's media must be set up again. */
  async rebuild(worker: Worker): Promise<void> {
    for (const p of this.peers.values()) {
      p.closeMedia();
      p.joined = false;
    }
    for (const r of this.routers) r.router.close();
    this.pipes.clear();
    this.routers = [{ worker, router: await worker.createRouter({ mediaCodecs: MEDIA_CODECS }) }];
  }

  /**
   * REL-1: a secondary router's worker died. Its peers lose their media (they join again and land on
   * a router that works); mediasoup closes the other end of each pipe, so viewers elsewhere drop
   * those pictures; the primary router, and the recording, go on untouched. Returns the peers affected.
   */
  dropRouter(router: Router): Peer[] {
    const affected = [...this.peers.values()].filter((p) => p.router === router);
    for (const p of affected) {
      p.closeMedia();
      p.joined = false;
    }
    for (const [key, pipe] of this.pipes)
      if (pipe.from === router || pipe.to === router) this.pipes.delete(key);
    if (!router.closed) router.close();
    this.routers = this.routers.filter((r) => r.router !== router);
    return affected;
  }

  /**
   * The router a peer's transports go on, chosen at its first transport: teachers on the primary;
   * others on the first router with room, or a new one when every router is full.
   */
  async routerFor(peer: Peer): Promise<Router> {
    if (peer.router && !peer.router.closed) return peer.router;
    const max = this.opts.maxPeersPerRouter ?? 0;
    let chosen: MediaRouter | undefined;
    if (max <= 0 || peer.role === 'instructor' || peer.role === 'class_manager') chosen = this.routers[0];
    else {
      for (;;) {
        chosen = this.routers.find((r) => this.peersOn(r.router) < max);
        if (chosen) break;
        // Opening is serialised: two newcomers at once never make two routers.
        this.opening ??= this.openRouter().finally(() => (this.opening = null));
        await this.opening;
      }
    }
    peer.router = chosen!.router;
    return peer.router;
  }

  private async openRouter(): Promise<MediaRouter> {
    const inUse = this.routers.map((r) => r.worker);
    const worker = this.opts.pickWorker?.(inUse) ?? this.worker;
    const r = { worker, router: await worker.createRouter({ mediaCodecs: MEDIA_CODECS }) };
    this.routers.push(r);
    return r;
  }

  peersOn(router: Router): number {
    let n = 0;
    for (const p of this.peers.values()) if (p.router === router) n++;
    return n;
  }

  /**
   * Makes `producer` (owned by `owner`) available on `target`: nothing to do on its own router;
   * elsewhere it is piped once (the piped producer keeps the id, and follows pause, resume and close).
   */
  async bring(owner: Peer, producer: Producer, target: Router): Promise<void> {
    const from = owner.router;
    if (!from || from === target) return;
    const key = `${producer.id}>${target.id}`;
    let pipe = this.pipes.get(key);
    if (!pipe) {
      const done = from.pipeToRouter({ producerId: producer.id, router: target });
      pipe = { from, to: target, done };
      this.pipes.set(key, pipe);
      producer.observer.once('close', () => this.pipes.delete(key));
      done.catch(() => this.pipes.delete(key));
    }
    await pipe.done;
  }

  /** Who receives what is core's rule (room-policy.ts); asked here for the room's own bookkeeping. */
  mayConsume(viewer: Peer, owner: Peer, source: MediaSource): boolean {
    return mayConsume(this, viewer, owner, source);
  }

  producerInfos(viewer: Peer): ProducerInfo[] {
    const out: ProducerInfo[] = [];
    for (const owner of this.peers.values())
      for (const p of owner.producers.values()) {
        const source = (p.appData as { source: MediaSource }).source;
        if (this.mayConsume(viewer, owner, source))
          out.push({ id: p.id, peerId: owner.id, kind: p.kind, source, paused: p.paused });
      }
    return out;
  }

  findProducer(producerId: string): { owner: Peer; producer: Producer } | null {
    for (const owner of this.peers.values()) {
      const producer = owner.producers.get(producerId);
      if (producer) return { owner, producer };
    }
    return null;
  }

  close(): void {
    for (const p of this.peers.values()) p.closeMedia();
    this.peers.clear();
    this.pipes.clear();
    for (const r of this.routers) r.router.close();
  }
}
