import { Device, types as ms } from 'mediasoup-client';
import { io, type Socket } from 'socket.io-client';
import type {
  JoinGrantView,
  JoinResult,
  LiveAckOf,
  LiveError,
  LiveEvents,
  LiveRequest,
  LiveRequestName,
  LiveResponse,
  MediaSource,
  PeerInfo,
  ProducerInfo,
} from '@seafarer/contracts';

export interface RemoteStream {
  consumer: ms.Consumer;
  peerId: string;
  source: MediaSource;
}

export interface LiveClientOptions {
  apiBase: string;
  token: () => string | null;
  classId: string;
  sessionId: string;
  /** Publish camera and microphone (false for observers and for a device-less check). */
  publish: { camera: boolean; mic: boolean };
  lite?: boolean;
  onChange(): void;
  onEvent?<E extends keyof LiveEvents>(event: E, data: LiveEvents[E]): void;
}

// Instructor: 720p in three layers; trainees: 360p in two (phones upload little).
const SIMULCAST = {
  instructor: [
    { scaleResolutionDownBy: 4, maxBitrate: 150_000 },
    { scaleResolutionDownBy: 2, maxBitrate: 500_000 },
    { scaleResolutionDownBy: 1, maxBitrate: 1_500_000 },
  ],
  other: [
    { scaleResolutionDownBy: 2, maxBitrate: 120_000 },
    { scaleResolutionDownBy: 1, maxBitrate: 400_000 },
  ],
};

/** Live nodes in a row that may send us on to another before the refusal is shown. */
const MAX_NODE_HOPS = 2;

/**
 * One participant's connection to a live session. Re-joins by itself after a network drop or a
 * media-server rebuild (REL-1): a fresh join grant is fetched on every (re)connection.
 */
export class LiveClient {
  socket: Socket | null = null;
  device: Device | null = null;
  send: ms.Transport | null = null;
  recv: ms.Transport | null = null;
  readonly producers = new Map<MediaSource, ms.Producer>();
  readonly remote = new Map<string, RemoteStream>();
  peers = new Map<string, PeerInfo>();
  self: JoinResult['self'] | null = null;
  main: JoinResult['main'] = { source: 'camera', peerId: null };
  observers = 0;
  micAllowed = false;
  state: 'connecting' | 'joined' | 'rejoining' | 'ended' | 'removed' | 'refused' = 'connecting';
  role: JoinGrantView['liveRole'] | null = null;
  lastError: LiveError | null = null;
  joinedAt: number[] = [];
  private localStream: MediaStream | null = null;
  private joining: Promise<void> | null = null;
  private readonly consuming = new Set<string>();
  private readonly early = new Map<string, ProducerInfo>();

  constructor(private readonly opts: LiveClientOptions) {}

  async grant(): Promise<JoinGrantView> {
    const res = await fetch(
      `${this.opts.apiBase}/api/v1/classes/${this.opts.classId}/sessions/${this.opts.sessionId}/join-grant`,
      {
        method: 'POST',
        headers: { authorization: `Bearer ${this.opts.token()}` },
      },
    );
    const body = (await res.json()) as JoinGrantView & { code?: string };
    if (!res.ok) throw Object.assign(new Error(body.code), { data: body });
    return body as JoinGrantView;
  }

  async start(): Promise<void> {
    let first: JoinGrantView;
    try {
      first = await this.grant();
    } catch (e) {
      this.fail((e as { data?: LiveClient['lastError'] }).data ?? null, 'refused');
      return;
    }
    this.role = first.liveRole;
    this.connect(first.liveUrl, first, 0);
  }

  /**
   * Connects to one live node. All of a session's peers share one node: a node that does not host
   * the session names the one that does (ROOM_ON_OTHER_NODE), and a node gone for good is replaced
   * by the one the API names now.
   */
  private connect(url: string, first: JoinGrantView | null, hops: number) {
    let grant = first;
    const socket = io(url, {
      forceNew: true,
      transports: ['websocket'],
      reconnectionDelay: 500,
      reconnectionDelayMax: 2000,
      // A fresh grant on every (re)connection: grants live two minutes.
      auth: (cb) => {
        if (grant) {
          cb({ grant: grant.grant });
          grant = null;
        } else
          this.grant().then(
            (g) => cb({ grant: g.grant }),
            () => cb({}),
          );
      },
    });
    this.socket = socket;
    const moveTo = (next: string) => {
      socket.removeAllListeners();
      socket.io.removeAllListeners();
      socket.disconnect();
      this.connect(next, null, hops + 1);
    };
    socket.on('connect', () => (hops = 0));
    // A service briefly unavailable (its database or Redis away) is tried again, not shown as a refusal.
    const retryLater = () => setTimeout(() => this.socket === socket && socket.connect(), 1500);
    socket.on('admission.ready', () => void this.join());
    socket.on('admission.refused', (err: LiveEvents['admission.refused']) => {
      if (err.retryable) return void retryLater();
      this.fail(err, 'refused');
    });
    socket.on('connect_error', (err: Error & { data?: LiveError & { details?: { url?: string } } }) => {
      const elsewhere = err.data?.details?.url;
      if (err.data?.code === 'ROOM_ON_OTHER_NODE' && elsewhere && hops < MAX_NODE_HOPS)
        return moveTo(elsewhere);
      if (err.data?.retryable && !socket.active) return void retryLater();
      if (err.data) this.fail(err.data, this.state === 'joined' ? 'rejoining' : 'refused');
    });
    let unreachable = 0;
    socket.io.on('reconnect_error', () => {
      if (++unreachable % 3 !== 0) return;
      this.grant().then(
        (g) => g.liveUrl !== url && this.socket === socket && moveTo(g.liveUrl),
        () => undefined,
      );
    });
    socket.on('disconnect', () => {
      if (this.state === 'joined') this.state = 'rejoining';
      this.teardownTransports();
      this.opts.onChange();
    });
    socket.on('room.reset', () => {
      this.state = 'rejoining';
      this.teardownTransports();
      void this.join();
    });
    socket.on('removed', (d: LiveEvents['removed']) =>
      this.finish(d.reason === 'replaced' ? 'removed' : 'removed', d),
    );
    socket.on('session.ended', (d: LiveEvents['session.ended']) => this.finish('ended', d));
    socket.on('peer.joined', (p: PeerInfo) => this.peers.set(p.id, p) && this.changed('peer.joined', p));
    socket.on('peer.updated', (p: PeerInfo) => this.peers.set(p.id, p) && this.changed('peer.updated', p));
    socket.on('peer.left', (d: { peerId: string }) => {
      this.peers.delete(d.peerId);
      for (const [id, r] of this.remote) if (r.peerId === d.peerId) this.remote.delete(id);
      this.changed('peer.left', d);
    });
    socket.on('producer.new', (p: ProducerInfo) => void this.consume(p));
    socket.on('consumer.closed', (d: { consumerId: string }) => {
      this.remote.get(d.consumerId)?.consumer.close();
      this.remote.delete(d.consumerId);
      this.changed('consumer.closed', d);
    });
    socket.on('main.changed', (m: JoinResult['main']) => {
      this.main = m;
      this.changed('main.changed', m);
    });
    socket.on('mic.allowed', (d: { allowed: boolean }) => {
      this.micAllowed = d.allowed;
      this.changed('mic.allowed', d);
    });
    socket.on('observers.changed', (d: { count: number }) => {
      this.observers = d.count;
      this.changed('observers.changed', d);
    });
    for (const e of ['chat.message', 'question.new', 'question.answered', 'producer.paused'] as const)
      socket.on(e, (d: LiveEvents[typeof e]) => {
        this.changed(e, d);
      });
  }

  private changed<E extends keyof LiveEvents>(event: E, data: LiveEvents[E]): true {
    this.opts.onEvent?.(event, data);
    this.opts.onChange();
    return true;
  }

  private fail(err: LiveClient['lastError'], state: LiveClient['state']) {
    this.lastError = err;
    this.state = state;
    this.opts.onChange();
  }

  private finish(state: 'ended' | 'removed', data: unknown) {
    this.state = state;
    if (this.reportTimer) clearInterval(this.reportTimer);
    this.teardownTransports();
    this.localStream?.getTracks().forEach((track) => track.stop());
    this.socket?.disconnect();
    this.opts.onEvent?.(state === 'ended' ? 'session.ended' : 'removed', data as never);
    this.opts.onChange();
  }

  request<N extends LiveRequestName>(name: N, data: LiveRequest<N>): Promise<LiveResponse<N>> {
    return new Promise((resolve, reject) => {
      this.socket!.timeout(10_000).emit(name, data, (err: Error | null, ack: LiveAckOf<N>) => {
        if (err) reject(err);
        else if (ack.ok) resolve(ack.data);
        else reject(Object.assign(new Error(ack.error.code), { data: ack.error }));
      });
    });
  }

  private join(): Promise<void> {
    // A join that meets a half-rebuilt room is simply tried again, as long as the connection lives.
    this.joining ??= this.doJoin()
      .catch((e: unknown) => {
        console.warn('join failed; retrying', e);
        this.teardownTransports();
        if (this.socket?.connected && this.state !== 'ended' && this.state !== 'removed')
          setTimeout(() => void this.join(), 1000);
      })
      .finally(() => (this.joining = null));
    return this.joining;
  }

  private async doJoin() {
    // mediasoup's own parameter objects travel as opaque JSON in the contract; mediasoup checks them.
    const { routerRtpCapabilities } = await this.request('room.capabilities', {});
    this.device = new Device();
    await this.device.load({ routerRtpCapabilities: routerRtpCapabilities as ms.RtpCapabilities });
    // JS-16: a silent observer publishes nothing.
    const want = this.role === 'observer' ? { camera: false, mic: false } : this.opts.publish;
    // The camera outlives transports (stopTracks: false), but a track the OS ended is acquired again.
    if (this.localStream?.getTracks().some((t) => t.readyState === 'ended')) this.localStream = null;
    if ((want.camera || want.mic) && !this.localStream) {
      const size = this.opts.lite
        ? { width: { ideal: 320 }, height: { ideal: 180 } }
        : this.role === 'instructor'
          ? { width: { ideal: 1280 }, height: { ideal: 720 } }
          : { width: { ideal: 640 }, height: { ideal: 360 } };
      this.localStream = await navigator.mediaDevices.getUserMedia({
        video: want.camera && { ...size, frameRate: { ideal: this.opts.lite ? 15 : 25 } },
        audio: want.mic,
      });
    }
    const hasCam = !!this.localStream?.getVideoTracks()[0];
    const hasMic = !!this.localStream?.getAudioTracks()[0];
    // Producers announced from now until the receive transport exists are consumed with the join's list.
    this.early.clear();
    const joined: JoinResult = await this.request('room.join', {
      rtpCapabilities: this.device.rtpCapabilities,
      device: { camera: hasCam, mic: hasMic },
    });
    this.self = joined.self;
    this.micAllowed = joined.self.micAllowed;
    this.peers = new Map(joined.peers.map((p) => [p.id, p]));
    this.main = joined.main;
    this.observers = joined.observers ?? 0;
    this.remote.clear();
    this.recv = await this.transport('recv');
    // Receiving does not wait for publishing: the instructor's picture comes as soon as it can.
    const receiving = Promise.all(
      [
        ...joined.producers,
        ...[...this.early.values()].filter((e) => !joined.producers.some((p) => p.id === e.id)),
      ].map((p) => this.consume(p)),
    );
    this.early.clear();
    if (joined.self.role !== 'observer' && (hasCam || hasMic)) {
      this.send = await this.transport('send');
      const simulcast = this.opts.lite
        ? SIMULCAST.other
        : joined.self.role === 'instructor'
          ? SIMULCAST.instructor
          : SIMULCAST.other;
      if (hasCam)
        this.producers.set(
          'camera',
          await this.send.produce({
            track: this.localStream!.getVideoTracks()[0]!,
            encodings: simulcast,
            appData: { source: 'camera' },
          }),
        );
      if (hasMic)
        this.producers.set(
          'mic',
          await this.send.produce({
            track: this.localStream!.getAudioTracks()[0]!,
            appData: { source: 'mic' },
            stopTracks: false,
          }),
        );
    }
    await receiving;
    this.state = 'joined';
    this.joinedAt.push(Date.now());
    this.opts.onChange();
    this.reportTimer ??= setInterval(() => void this.report(), 5000);
  }

  /** Which box each remote video is shown in (set by the page) for layer selection. */
  viewWidth: (consumerId: string) => number | undefined = () => undefined;
  private reportTimer: ReturnType<typeof setInterval> | null = null;

  /** Tells the SFU the downlink and the video sizes, so it sends each video's fitting simulcast layer. */
  private async report() {
    if (this.state !== 'joined' || !this.recv) return;
    let bitrateKbps: number | undefined;
    (await this.recv.getStats()).forEach(
      (s: { type: string; nominated?: boolean; availableIncomingBitrate?: number }) => {
        if (s.type === 'candidate-pair' && s.nominated && s.availableIncomingBitrate)
          bitrateKbps = s.availableIncomingBitrate / 1000;
      },
    );
    const views: Record<string, number> = {};
    for (const [id, r] of this.remote) if (r.consumer.kind === 'video') views[id] = this.viewWidth(id) ?? 0;
    await this.request('stats.report', { ...(bitrateKbps !== undefined && { bitrateKbps }), views }).catch(
      () => undefined,
    );
  }

  private async transport(direction: 'send' | 'recv'): Promise<ms.Transport> {
    const info = (await this.request('transport.create', { direction })) as ms.TransportOptions;
    const t =
      direction === 'send' ? this.device!.createSendTransport(info) : this.device!.createRecvTransport(info);
    t.on('connect', ({ dtlsParameters }, ok, fail) =>
      this.request('transport.connect', { transportId: t.id, dtlsParameters }).then(() => ok(), fail),
    );
    if (direction === 'send')
      t.on('produce', ({ kind, rtpParameters, appData }, ok, fail) =>
        this.request('produce', {
          transportId: t.id,
          kind,
          rtpParameters,
          source: (appData as { source: MediaSource }).source,
        }).then(({ id }) => ok({ id }), fail),
      );
    t.on('connectionstatechange', (state) => {
      if (state === 'failed')
        this.request('transport.restartIce', { transportId: t.id }).then(
          ({ iceParameters }) => t.restartIce({ iceParameters: iceParameters as ms.IceParameters }),
          () => undefined,
        );
    });
    return t;
  }

  private async consume(p: ProducerInfo) {
    if (!this.recv) {
      // Announced while (re)joining, before the receive transport exists: consumed once it does.
      this.early.set(p.id, p);
      return;
    }
    if (this.consuming.has(p.id) || [...this.remote.values()].some((r) => r.consumer.producerId === p.id))
      return;
    // The join's producer list and a 'producer.new' may name the same producer at once.
    this.consuming.add(p.id);
    try {
      const info = await this.request('consume', { producerId: p.id });
      const consumer = await this.recv.consume({
        id: info.id,
        producerId: info.producerId,
        kind: info.kind,
        rtpParameters: info.rtpParameters as ms.RtpParameters,
      });
      this.remote.set(consumer.id, { consumer, peerId: info.peerId, source: info.source });
      await this.request('consumer.resume', { consumerId: consumer.id });
      this.opts.onChange();
    } catch (e) {
      console.warn('consume failed', p.id, e);
    } finally {
      this.consuming.delete(p.id);
    }
  }

  private teardownTransports() {
    this.send?.close();
    this.recv?.close();
    this.send = null;
    this.recv = null;
    this.producers.clear();
    for (const r of this.remote.values()) r.consumer.close();
    this.remote.clear();
  }

  async setMic(on: boolean) {
    const mic = this.producers.get('mic');
    if (!mic) return;
    await this.request(on ? 'producer.resume' : 'producer.pause', { producerId: mic.id });
    if (on) mic.resume();
    else mic.pause();
    this.opts.onChange();
  }

  /** Turns the camera off (the server logs it: attendance stops counting, JS-8) or on again. */
  async setCamera(on: boolean): Promise<void> {
    const cam = this.producers.get('camera');
    if (!on && cam) {
      this.producers.delete('camera');
      cam.close();
      await this.request('producer.close', { producerId: cam.id });
    } else if (on && !cam && this.send) {
      const [track] = (await navigator.mediaDevices.getUserMedia({ video: true })).getVideoTracks();
      const lite = this.opts.lite || this.role !== 'instructor';
      this.producers.set(
        'camera',
        await this.send.produce({
          track: track!,
          encodings: lite ? SIMULCAST.other : SIMULCAST.instructor,
          appData: { source: 'camera' },
        }),
      );
    }
    this.opts.onChange();
  }

  async shareScreen(): Promise<void> {
    const stream = await navigator.mediaDevices.getDisplayMedia({ video: true });
    const track = stream.getVideoTracks()[0]!;
    // Stopped from the browser's own "stop sharing" bar: the screen producer goes too.
    track.addEventListener('ended', () => void this.stopScreen());
    this.producers.set('screen', await this.send!.produce({ track, appData: { source: 'screen' } }));
    this.opts.onChange();
  }

  /** Ends the screen share: the producer closes here and on the server (the recording notices). */
  async stopScreen(): Promise<void> {
    const screen = this.producers.get('screen');
    if (!screen) return;
    this.producers.delete('screen');
    screen.close();
    screen.track?.stop();
    await this.request('producer.close', { producerId: screen.id }).catch(() => undefined);
    this.opts.onChange();
  }

  /** Decoded-frame counts per remote video, for the tests and the quality indicator. */
  async stats(): Promise<
    Array<{
      peerId: string;
      source: MediaSource;
      kind: string;
      framesDecoded: number;
      packetsReceived: number;
    }>
  > {
    const out = [];
    for (const r of this.remote.values()) {
      let framesDecoded = 0;
      let packetsReceived = 0;
      (await r.consumer.getStats()).forEach(
        (s: { type: string; framesDecoded?: number; packetsReceived?: number }) => {
          if (s.type === 'inbound-rtp') {
            framesDecoded += s.framesDecoded ?? 0;
            packetsReceived += s.packetsReceived ?? 0;
          }
        },
      );
      out.push({ peerId: r.peerId, source: r.source, kind: r.consumer.kind, framesDecoded, packetsReceived });
    }
    return out;
  }
}
