import type * as Mediasoup from 'mediasoup';
import type { MediaSource, ProducerInfo } from '@seafarer/contracts';
import { MEDIA_CODECS } from '../media/mediasoup';
import type { Peer } from './peer';

export interface MainPicture {
  source: 'camera' | 'screen' | 'trainee';
  peerId: string | null;
}

/**
 * One live session: one router on one worker, its peers, and the main picture. The room decides who
 * may receive which stream; the signaling layer only asks.
 */
export class Room {
  readonly peers = new Map<string, Peer>();
  main: MainPicture = { source: 'camera', peerId: null };
  ended = false;
  /** Peers removed by the instructor may not come back in this session. */
  readonly banned = new Set<string>();

  private constructor(
    readonly classId: string,
    readonly sessionId: string,
    readonly institutionId: string,
    readonly cap: number,
    public worker: Mediasoup.types.Worker,
    public router: Mediasoup.types.Router,
  ) {}

  static async create(
    worker: Mediasoup.types.Worker,
    ids: { classId: string; sessionId: string; institutionId: string; cap: number },
  ) {
    const router = await worker.createRouter({ mediaCodecs: MEDIA_CODECS });
    return new Room(ids.classId, ids.sessionId, ids.institutionId, ids.cap, worker, router);
  }

  /** REL-1: after a worker death, a fresh router on the replacement; every peer's media must be set up again. */
  async rebuild(worker: Mediasoup.types.Worker): Promise<void> {
    for (const p of this.peers.values()) {
      p.closeMedia();
      p.joined = false;
    }
    this.router = await worker.createRouter({ mediaCodecs: MEDIA_CODECS });
    this.worker = worker;
  }

  traineeCount(exceptId?: string): number {
    let n = 0;
    for (const p of this.peers.values()) if (p.role === 'trainee' && p.id !== exceptId) n++;
    return n;
  }

  visiblePeers(viewer: Peer): Peer[] {
    return [...this.peers.values()].filter((p) => p !== viewer && !p.hidden);
  }

  observerCount(): number {
    return [...this.peers.values()].filter((p) => p.hidden).length;
  }

  /**
   * Who receives what: teachers, managers and observers receive everything; trainees receive the
   * teachers' streams, the trainee on the main picture, and the voice of a trainee allowed to speak.
   */
  mayConsume(viewer: Peer, owner: Peer, source: MediaSource): boolean {
    if (viewer === owner) return false;
    if (viewer.role !== 'trainee') return true;
    if (owner.role === 'instructor' || owner.role === 'class_manager') return true;
    if (owner.role !== 'trainee') return false;
    if (source === 'mic') return owner.micAllowed;
    return this.main.source === 'trainee' && this.main.peerId === owner.id;
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

  findProducer(producerId: string): { owner: Peer; producer: Mediasoup.types.Producer } | null {
    for (const owner of this.peers.values()) {
      const producer = owner.producers.get(producerId);
      if (producer) return { owner, producer };
    }
    return null;
  }

  close(): void {
    for (const p of this.peers.values()) p.closeMedia();
    this.peers.clear();
    this.router.close();
  }
}
