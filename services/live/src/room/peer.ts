import type * as Mediasoup from 'mediasoup';
import type { LiveRole, MediaSource, PeerInfo } from '@seafarer/contracts';

/** One person in one room, owning their transports, producers and consumers. */
export class Peer {
  readonly transports = new Map<string, Mediasoup.types.WebRtcTransport>();
  readonly producers = new Map<string, Mediasoup.types.Producer>();
  readonly consumers = new Map<string, Mediasoup.types.Consumer>();
  rtpCapabilities: Mediasoup.types.RtpCapabilities | null = null;
  /** The room's router this peer's transports are on (Room.routerFor), until its media closes. */
  router: Mediasoup.types.Router | null = null;
  handRaised = false;
  /** TM-2: trainees enter muted and may unmute only once the instructor allows it. */
  micAllowed: boolean;
  joined = false;
  /** The session's scheduled end (ms since the epoch, from the grant): the room's clock. */
  sessionEndsAt: number | null = null;

  constructor(
    readonly id: string,
    readonly name: string,
    readonly role: LiveRole,
    readonly hidden: boolean,
    public socketId: string,
  ) {
    this.micAllowed = role !== 'trainee';
  }

  producerOf(source: MediaSource): Mediasoup.types.Producer | undefined {
    for (const p of this.producers.values())
      if ((p.appData as { source: MediaSource }).source === source && !p.closed) return p;
    return undefined;
  }

  /** JS-8: a trainee counts as present only while publishing camera and microphone. */
  get present(): boolean {
    return this.joined && !!this.producerOf('camera') && !!this.producerOf('mic');
  }

  info(): PeerInfo {
    const mic = this.producerOf('mic');
    return {
      mic: !mic ? 'none' : mic.paused ? 'muted' : 'live',
      camera: !!this.producerOf('camera'),
      screen: !!this.producerOf('screen'),
      id: this.id,
      name: this.name,
      role: this.role,
      present: this.present,
      handRaised: this.handRaised,
      micAllowed: this.micAllowed,
    };
  }

  /** Closes every transport (which closes its producers and consumers). Idempotent. */
  closeMedia(): void {
    for (const t of this.transports.values()) t.close();
    this.transports.clear();
    this.producers.clear();
    this.consumers.clear();
    this.router = null;
  }
}
