import type * as Mediasoup from 'mediasoup';
import { MEDIA_CODECS } from '../../services/live/src/media/mediasoup';
import { Peer } from '../../services/live/src/room/peer';
import { Room } from '../../services/live/src/room/room';
import { keyFrameRequests, SyntheticStream, type LayerSpec } from './media';
import type { Sink, SinkSnapshot } from './sink';
import { mapLimit } from './util';

type Worker = Mediasoup.types.Worker;
type Router = Mediasoup.types.Router;
type PlainTransport = Mediasoup.types.PlainTransport;
type DirectTransport = Mediasoup.types.DirectTransport;
type Producer = Mediasoup.types.Producer;
type Consumer = Mediasoup.types.Consumer;
type RtpCapabilities = Mediasoup.types.RtpCapabilities;
type SrtpCryptoSuite = Mediasoup.types.SrtpCryptoSuite;

/** What the live client publishes (packages/web/src/room/live-client.ts SIMULCAST, 25 fps). */
export const INSTRUCTOR_CAMERA: LayerSpec[] = [
  { kind: 'video', width: 320, height: 180, bitrate: 150_000, fps: 25 },
  { kind: 'video', width: 640, height: 360, bitrate: 500_000, fps: 25 },
  { kind: 'video', width: 1280, height: 720, bitrate: 1_500_000, fps: 25 },
];
export const TRAINEE_CAMERA: LayerSpec[] = [
  { kind: 'video', width: 320, height: 180, bitrate: 120_000, fps: 25 },
  { kind: 'video', width: 640, height: 360, bitrate: 400_000, fps: 25 },
];
export const OPUS: LayerSpec = { kind: 'audio', payloadBytes: 100 };

/** signaling.ts MAX_INCOMING_BITRATE (not exported there). */
const MAX_INCOMING_BITRATE = { instructor: 4_000_000, trainee: 1_200_000 } as const;
const LISTEN_IP = '127.0.0.1';
const VIDEO_FEEDBACK = [
  { type: 'nack' },
  { type: 'nack', parameter: 'pli' },
  { type: 'ccm', parameter: 'fir' },
];

/**
 * A browser's receive capabilities for the codecs we use: NACK, PLI and FIR on video (as Chrome),
 * MID and abs-send-time. Deliberately no transport-cc and no goog-remb: the synthetic receivers send
 * no RTCP, and without feedback mediasoup's bandwidth estimator would hold every consumer at its
 * initial estimate instead of the preferred layer.
 */
function clientCapabilities(router: Router, extensions: string[]): RtpCapabilities {
  return {
    codecs: (router.rtpCapabilities.codecs ?? [])
      .filter((c) => ['audio/opus', 'video/vp8'].includes(c.mimeType.toLowerCase()))
      .map((c) => ({ ...c, rtcpFeedback: c.kind === 'video' ? VIDEO_FEEDBACK : [] })),
    headerExtensions: (router.rtpCapabilities.headerExtensions ?? []).filter((h) =>
      extensions.includes(h.uri),
    ),
  };
}

/** session-recorder.ts recorderCapabilities: no feedback, no header extensions. */
function recorderCapabilities(router: Router, kind: 'audio' | 'video'): RtpCapabilities {
  return {
    codecs: (router.rtpCapabilities.codecs ?? [])
      .filter((c) => c.kind === kind && !c.mimeType.toLowerCase().endsWith('/rtx'))
      .map((c) => ({ ...c, rtcpFeedback: [] })),
    headerExtensions: [],
  };
}

const MID = 'urn:ietf:params:rtp-hdrext:sdes:mid';
const ABS_SEND_TIME = 'http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time';

/** The worst stream of each kind (label), worst first: where the loss is. */
function worstByLabel(losses: Array<{ label: string; lossPct: number }>) {
  const worst = new Map<string, { label: string; lossPct: number; streams: number; lossy: number }>();
  for (const l of losses) {
    const w = worst.get(l.label) ?? { label: l.label, lossPct: 0, streams: 0, lossy: 0 };
    w.streams++;
    if (l.lossPct > 0) w.lossy++;
    w.lossPct = Math.max(w.lossPct, l.lossPct);
    worst.set(l.label, w);
  }
  return [...worst.values()].sort((a, b) => b.lossPct - a.lossPct);
}

/** One set of synthetic sources on the generator (a camera's layers and a microphone). */
interface SourceSet {
  video: Array<{ stream: SyntheticStream; producer: Producer }>;
  audio: { stream: SyntheticStream; producer: Producer };
}

/** A stream the sink receives from an SFU consumer (outbound leg). */
interface OutFlow {
  consumer: Consumer;
  ssrc: number;
  label: string;
}
/** The streams (SSRC -> label) of an SFU producer, which receives them from the generator (inbound leg). */
interface InFlow {
  producer: Producer;
  labels: Map<number, string>;
}

/** A counter as the worker read it, with the worker's own timestamp (ms). */
interface Counter {
  at: number;
  packets: number;
}

interface Participant {
  peer: Peer;
  genSend: PlainTransport;
  sfuSend: PlainTransport;
  sfuRecv: PlainTransport;
  camera: Producer;
  mic: Producer;
}

export interface Snapshot {
  at: number;
  sink: SinkSnapshot;
  consumerSent: Map<string, Counter>;
  /** Per SFU producer stream: packets received and packets lost (from sequence numbers). */
  inbound: Map<string, { received: number; lost: number }>;
}

export interface WindowResult {
  streams: number;
  stalled: number;
  p95LossPct: number;
  meanLossPct: number;
  maxLossPct: number;
  inboundLossPct: number;
  outboundLossPct: number;
  forwardedPps: number;
  deliveredPps: number;
  sinkDrops: number;
  worst: Array<{ label: string; lossPct: number; streams: number; lossy: number }>;
}

export interface ReferenceRoute {
  inSsrc: number;
  port: number;
  outSsrc: number;
  label: string;
}

export interface ReferenceFeed {
  routes: ReferenceRoute[];
  /** Streams the reference receives (every layer and microphone). */
  inboundSsrcs: number;
  close(): void;
}

export interface ClassOptions {
  sfuWorker: Worker;
  genWorker: Worker;
  sink: Sink;
  srtpCryptoSuite: SrtpCryptoSuite;
  /** Trainee source sets, phase-staggered over the frame interval (see README). */
  groups: number;
  recorder: boolean;
}

/**
 * One class shaped like ours on the SFU worker: an instructor publishing a 3-layer 720p simulcast
 * camera and Opus, N trainees publishing 2-layer 360p cameras and Opus (muted on entry, TM-2), each
 * participant with a send and a receive transport, consumers set up as signaling.ts does them
 * (paused, priority, preferred layer, resume, key frame request), and the session recorder's two
 * consumers. The synthetic browsers live on the generator worker and in the sink.
 */
export class SyntheticClass {
  readonly room: Room;
  private readonly genRouter: Router;
  private readonly instructorSources: SourceSet;
  private readonly traineeSources: SourceSet[];
  private readonly bySsrc = new Map<number, SyntheticStream>();
  private instructor!: Participant;
  private readonly trainees: Participant[] = [];
  private readonly outFlows = new Set<OutFlow>();
  private readonly inFlows = new Set<InFlow>();
  private readonly sfuConsumers = new Set<Consumer>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private pumpTimer: NodeJS.Timeout | null = null;
  private readonly schedule: Array<{ stream: SyntheticStream; producer: Producer; due: number }> = [];
  private sinkPortIndex = 0;
  /** Worst lateness of the source scheduler since the last reset (generator-side saturation signal). */
  lateMaxMs = 0;
  resyncs = 0;
  keyFrameRequests = 0;

  private constructor(
    private readonly opts: ClassOptions,
    room: Room,
    genRouter: Router,
    direct: DirectTransport,
    instructorSources: SourceSet,
    traineeSources: SourceSet[],
  ) {
    this.room = room;
    this.genRouter = genRouter;
    this.instructorSources = instructorSources;
    this.traineeSources = traineeSources;
    for (const set of [instructorSources, ...traineeSources])
      for (const s of [...set.video, set.audio]) this.bySsrc.set(s.stream.ssrc, s.stream);
    direct.on('rtcp', (packet: Buffer) => {
      for (const ssrc of keyFrameRequests(packet)) {
        const stream = this.bySsrc.get(ssrc);
        if (stream) {
          stream.requestKeyFrame();
          this.keyFrameRequests++;
        }
      }
    });
  }

  static async create(opts: ClassOptions): Promise<SyntheticClass> {
    // The SFU side is the real Room (router with MEDIA_CODECS); the generator mirrors the codecs.
    const room = await Room.create(opts.sfuWorker, {
      classId: 'bench-class',
      sessionId: 'bench-session',
      institutionId: 'bench-institution',
      cap: 100_000,
    });
    const genRouter = await opts.genWorker.createRouter({ mediaCodecs: MEDIA_CODECS });
    const direct = await genRouter.createDirectTransport();
    const sourceSet = async (camera: LayerSpec[]): Promise<SourceSet> => {
      const video = [];
      for (const spec of camera) {
        const stream = new SyntheticStream(spec, 101);
        const producer = await direct.produce({
          kind: 'video',
          rtpParameters: {
            codecs: [
              {
                mimeType: 'video/VP8',
                payloadType: 101,
                clockRate: 90000,
                rtcpFeedback: [
                  { type: 'nack', parameter: 'pli' },
                  { type: 'ccm', parameter: 'fir' },
                ],
              },
            ],
            encodings: [{ ssrc: stream.ssrc }],
            rtcp: { cname: `src-${stream.ssrc}` },
          },
        });
        video.push({ stream, producer });
      }
      const stream = new SyntheticStream(OPUS, 100);
      const producer = await direct.produce({
        kind: 'audio',
        rtpParameters: {
          codecs: [
            {
              mimeType: 'audio/opus',
              payloadType: 100,
              clockRate: 48000,
              channels: 2,
              parameters: { useinbandfec: 1, minptime: 10 },
            },
          ],
          encodings: [{ ssrc: stream.ssrc }],
          rtcp: { cname: `src-${stream.ssrc}` },
        },
      });
      return { video, audio: { stream, producer } };
    };
    const instructorSources = await sourceSet(INSTRUCTOR_CAMERA);
    const traineeSources: SourceSet[] = [];
    for (let g = 0; g < opts.groups; g++) traineeSources.push(await sourceSet(TRAINEE_CAMERA));
    const cls = new SyntheticClass(opts, room, genRouter, direct, instructorSources, traineeSources);
    cls.startPump();
    cls.instructor = await cls.addParticipant('instructor', 'instructor', instructorSources);
    if (opts.recorder) await cls.addRecorder();
    return cls;
  }

  get traineeCount(): number {
    return this.trainees.length;
  }

  /** Adds or removes trainees (the most recent first) until there are `n`, unless `stop()` says so. */
  async setTrainees(n: number, stop: () => boolean = () => false): Promise<void> {
    while (this.trainees.length > n) this.removeTrainee(this.trainees.pop()!);
    const start = this.trainees.length;
    const added = await mapLimit(
      Array.from({ length: Math.max(0, n - start) }, (_, i) => start + i),
      8,
      async (i) =>
        stop()
          ? null
          : this.addParticipant(
              `trainee-${i}`,
              'trainee',
              this.traineeSources[i % this.traineeSources.length]!,
            ),
    );
    for (const p of added) if (p) this.trainees.push(p);
  }

  private removeTrainee(p: Participant) {
    p.genSend.close();
    p.sfuSend.close();
    p.sfuRecv.close();
    this.room.peers.delete(p.peer.id);
    this.prune();
  }

  private prune() {
    for (const f of this.outFlows) if (f.consumer.closed) this.outFlows.delete(f);
    for (const f of this.inFlows) if (f.producer.closed) this.inFlows.delete(f);
    for (const c of this.sfuConsumers) if (c.closed) this.sfuConsumers.delete(c);
  }

  private async srtpPlainTransport(router: Router): Promise<PlainTransport> {
    return router.createPlainTransport({
      listenIp: LISTEN_IP,
      rtcpMux: true,
      comedia: false,
      enableSrtp: true,
      srtpCryptoSuite: this.opts.srtpCryptoSuite,
    });
  }

  private async addParticipant(
    id: string,
    role: 'instructor' | 'trainee',
    sources: SourceSet,
  ): Promise<Participant> {
    const router = this.room.router;
    const peer = new Peer(id, id, role, false, `socket-${id}`);
    peer.joined = true;
    this.room.peers.set(id, peer);
    // The browser's send transport: generator consumers -> SRTP -> the SFU's PlainTransport.
    const genSend = await this.srtpPlainTransport(this.genRouter);
    const sfuSend = await this.srtpPlainTransport(router);
    await genSend.connect({
      ip: sfuSend.tuple.localIp,
      port: sfuSend.tuple.localPort,
      srtpParameters: sfuSend.srtpParameters!,
    });
    await sfuSend.connect({
      ip: genSend.tuple.localIp,
      port: genSend.tuple.localPort,
      srtpParameters: genSend.srtpParameters!,
    });
    await sfuSend.setMaxIncomingBitrate(MAX_INCOMING_BITRATE[role]).catch(() => undefined);
    const genCaps = clientCapabilities(this.genRouter, [ABS_SEND_TIME]);
    const send = (producer: Producer) =>
      genSend.consume({ producerId: producer.id, rtpCapabilities: genCaps, paused: true });
    const layers = [];
    for (const v of sources.video) layers.push(await send(v.producer));
    const voice = await send(sources.audio.producer);
    const produce = (kind: 'audio' | 'video', senders: Consumer[], source: 'camera' | 'mic') => {
      const first = senders[0]!.rtpParameters;
      const codec = first.codecs[0]!;
      return sfuSend.produce({
        kind,
        rtpParameters: {
          codecs: [{ ...codec, rtcpFeedback: kind === 'video' ? VIDEO_FEEDBACK : [] }],
          headerExtensions: first.headerExtensions ?? [],
          encodings: senders.map((s) => ({
            ssrc: s.rtpParameters.encodings![0]!.ssrc!,
            ...(kind === 'video' && { scalabilityMode: 'L1T3' }),
          })),
          rtcp: { cname: `${id}-${kind}`, reducedSize: true },
        },
        appData: { source },
      });
    };
    const camera = await produce('video', layers, 'camera');
    const mic = await produce('audio', [voice], 'mic');
    peer.producers.set(camera.id, camera);
    peer.producers.set(mic.id, mic);
    // TM-2: a trainee's microphone is published muted until the instructor allows speaking.
    if (!peer.micAllowed) await mic.pause();
    const ssrcOf = (c: Consumer) => c.rtpParameters.encodings![0]!.ssrc!;
    this.inFlows.add({
      producer: camera,
      labels: new Map(layers.map((c, i) => [ssrcOf(c), `sfu<-${role}:camera:L${i}`])),
    });
    this.inFlows.add({ producer: mic, labels: new Map([[ssrcOf(voice), `sfu<-${role}:mic`]]) });
    for (const c of [...layers, voice]) await c.resume();

    // The browser's receive transport: SFU consumers -> SRTP -> the sink.
    const sfuRecv = await this.srtpPlainTransport(router);
    const ports = this.opts.sink.ports;
    await sfuRecv.connect({
      ip: LISTEN_IP,
      port: ports[this.sinkPortIndex++ % ports.length]!,
      srtpParameters: sfuRecv.srtpParameters!,
    });
    const p: Participant = { peer, genSend, sfuSend, sfuRecv, camera, mic };
    // What the newcomer receives (room.join's producer list), then what the others receive of it
    // (announceProducer), both through Room.mayConsume.
    if (role === 'trainee') {
      await this.consume(p, this.instructor, this.instructor.camera, 'camera');
      await this.consume(p, this.instructor, this.instructor.mic, 'mic');
      await this.consume(this.instructor, p, camera, 'camera');
      await this.consume(this.instructor, p, mic, 'mic');
    }
    return p;
  }

  /** signaling.ts 'consume' + 'consumer.resume'. */
  private async consume(
    viewer: Participant,
    owner: Participant,
    producer: Producer,
    source: 'camera' | 'mic',
  ) {
    if (!this.room.mayConsume(viewer.peer, owner.peer, source)) return;
    const rtpCapabilities = clientCapabilities(this.room.router, [MID, ABS_SEND_TIME]);
    if (!this.room.router.canConsume({ producerId: producer.id, rtpCapabilities }))
      throw new Error(`cannot consume ${source}`);
    const consumer = await viewer.sfuRecv.consume({ producerId: producer.id, rtpCapabilities, paused: true });
    this.sfuConsumers.add(consumer);
    await consumer.setPriority(consumer.kind === 'audio' ? 255 : owner.peer.role === 'trainee' ? 10 : 128);
    if (consumer.type === 'simulcast' && owner.peer.role === 'trainee' && viewer.peer.role !== 'trainee')
      await consumer.setPreferredLayers({ spatialLayer: 0 });
    await consumer.resume();
    if (consumer.kind === 'video') await consumer.requestKeyFrame().catch(() => undefined);
    // A muted microphone sends nothing: only streams that should flow are measured.
    if (!producer.paused)
      this.outFlows.add({
        consumer,
        ssrc: consumer.rtpParameters.encodings![0]!.ssrc!,
        label: `${viewer.peer.role}<-${owner.peer.role}:${source}`,
      });
  }

  /** session-recorder.ts: one plain (unencrypted, rtcpMux off) transport per instructor track. */
  private async addRecorder() {
    const ports = this.opts.sink.ports;
    for (const [producer, kind] of [
      [this.instructor.camera, 'video'],
      [this.instructor.mic, 'audio'],
    ] as const) {
      const t = await this.room.router.createPlainTransport({
        listenIp: LISTEN_IP,
        rtcpMux: false,
        comedia: false,
      });
      await t.connect({ ip: LISTEN_IP, port: ports[0]!, rtcpPort: ports[ports.length - 1]! });
      const consumer = await t.consume({
        producerId: producer.id,
        rtpCapabilities: recorderCapabilities(this.room.router, kind),
        paused: true,
      });
      this.sfuConsumers.add(consumer);
      await consumer.resume();
      this.outFlows.add({
        consumer,
        ssrc: consumer.rtpParameters.encodings![0]!.ssrc!,
        label: `recorder:${kind}`,
      });
      if (kind === 'video') {
        // Key frames every 2 s for the first 10 s of a segment.
        await consumer.requestKeyFrame();
        const timer = setInterval(() => void consumer.requestKeyFrame().catch(() => undefined), 2000);
        this.timers.add(timer);
        const stop = setTimeout(() => clearInterval(timer), 10_000);
        this.timers.add(stop);
      }
    }
  }

  /**
   * Sends every source's frames on time. Trainee source sets are spread evenly over the frame
   * interval so that N cameras do not all fire in the same millisecond.
   */
  private startPump() {
    const t0 = performance.now() + 20;
    const add = (set: SourceSet, phase: number) => {
      for (const s of [...set.video, set.audio])
        this.schedule.push({ ...s, due: t0 + phase * s.stream.periodMs });
    };
    add(this.instructorSources, 0);
    this.traineeSources.forEach((set, g) => add(set, (g + 0.5) / this.traineeSources.length));
    const tick = () => {
      const now = performance.now();
      for (const e of this.schedule) {
        while (e.due <= now) {
          const late = now - e.due;
          if (late > this.lateMaxMs) this.lateMaxMs = late;
          if (late > 200) {
            // Far behind (the generator side is saturated): skip ahead rather than burst.
            this.resyncs++;
            e.due = now;
          }
          for (const pkt of e.stream.next(now)) e.producer.send(pkt);
          e.due += e.stream.periodMs;
        }
      }
      this.pumpTimer = setTimeout(tick, 2);
    };
    this.pumpTimer = setTimeout(tick, 20);
  }

  /** Packets the synthetic sources have sent so far. */
  get sourcePackets(): number {
    let n = 0;
    for (const s of this.bySsrc.values()) n += s.packets;
    return n;
  }

  /** All counters at one moment: the sink's (atomic), then the SFU consumers' and producers'. */
  async snapshot(): Promise<Snapshot> {
    this.prune();
    const sink = await this.opts.sink.snapshot();
    const at = performance.now();
    const consumerSent = new Map<string, Counter>();
    await mapLimit([...this.sfuConsumers], 16, async (c) => {
      if (c.closed) return;
      const out = (await c.getStats().catch(() => [])).find((s) => s.type === 'outbound-rtp');
      if (out) consumerSent.set(c.id, { at: out.timestamp, packets: out.packetCount });
    });
    // Inbound: the SFU producers' receive streams count losses from sequence-number gaps (updated
    // with each receiver report: every second for video, every few seconds for audio).
    const inbound = new Map<string, { received: number; lost: number }>();
    await mapLimit([...this.inFlows], 16, async (f) => {
      if (f.producer.closed) return;
      for (const st of await f.producer.getStats().catch(() => []))
        if (f.labels.has(st.ssrc))
          inbound.set(`${f.producer.id}:${st.ssrc}`, { received: st.packetCount, lost: st.packetsLost });
    });
    return { at, sink, consumerSent, inbound };
  }

  /** Loss, rates and the worst streams between two snapshots. */
  evaluate(a: Snapshot, b: Snapshot): WindowResult {
    const losses: Array<{ label: string; lossPct: number }> = [];
    let stalled = 0;
    let outExpected = 0;
    let outLost = 0;
    let delivered = 0;
    for (const f of this.outFlows) {
      if (f.consumer.closed) continue;
      const s0 = a.sink.streams.get(f.ssrc) ?? { received: 0, expected: 0 };
      const s1 = b.sink.streams.get(f.ssrc) ?? { received: 0, expected: 0 };
      const expected = s1.expected - s0.expected;
      const received = s1.received - s0.received;
      delivered += received;
      if (expected <= 0) {
        stalled++;
        losses.push({ label: f.label, lossPct: 100 });
        continue;
      }
      const lost = Math.max(0, expected - received);
      outExpected += expected;
      outLost += lost;
      losses.push({ label: f.label, lossPct: (100 * lost) / expected });
    }
    let inSent = 0;
    let inLost = 0;
    for (const f of this.inFlows)
      for (const [ssrc, label] of f.labels) {
        const key = `${f.producer.id}:${ssrc}`;
        const s0 = a.inbound.get(key);
        const s1 = b.inbound.get(key);
        if (!s0 || !s1) continue;
        const received = s1.received - s0.received;
        const lost = Math.max(0, s1.lost - s0.lost);
        if (received <= 0) {
          stalled++;
          losses.push({ label, lossPct: 100 });
          continue;
        }
        inSent += received + lost;
        inLost += lost;
        losses.push({ label, lossPct: (100 * lost) / (received + lost) });
      }
    // Each consumer's rate over its own two readings (worker timestamps), summed.
    let forwarded = 0;
    for (const [id, c1] of b.consumerSent) {
      const c0 = a.consumerSent.get(id);
      if (c0 && c1.at > c0.at) forwarded += ((c1.packets - c0.packets) * 1000) / (c1.at - c0.at);
    }
    const sinkSeconds = (b.sink.at - a.sink.at) / 1000;
    const pcts = losses.map((l) => l.lossPct).sort((x, y) => x - y);
    const p95 = pcts.length
      ? pcts[Math.min(pcts.length, Math.max(1, Math.ceil(0.95 * pcts.length))) - 1]!
      : 0;
    return {
      streams: losses.length,
      stalled,
      p95LossPct: p95,
      meanLossPct: pcts.length ? pcts.reduce((x, y) => x + y, 0) / pcts.length : 0,
      maxLossPct: pcts.length ? pcts[pcts.length - 1]! : 0,
      inboundLossPct: inSent ? (100 * inLost) / inSent : 0,
      outboundLossPct: outExpected ? (100 * outLost) / outExpected : 0,
      forwardedPps: forwarded,
      deliveredPps: delivered / sinkSeconds,
      sinkDrops: b.sink.drops - a.sink.drops,
      worst: worstByLabel(losses),
    };
  }

  /**
   * Stops everything the SFU receives (trainees removed, the instructor's send transport closed), so
   * that its core is free for the reference forwarder. The sources keep running.
   */
  async stopSfuTraffic(): Promise<void> {
    await this.setTrainees(0);
    this.instructor.genSend.close();
  }

  /**
   * The same packet stream the SFU received at `n` trainees, sent by the generator over one SRTP
   * transport to `port` (the reference forwarder): the instructor's three layers and voice, and per
   * trainee `i` the two layers and voice of source set `i mod groups`, each generator consumer with
   * its own SSRC, as the SFU's send transports got them. Returns the routes that make the reference
   * forward what the SFU's consumers forwarded: the instructor's 720p layer and voice to every
   * trainee and to the recorder, each trainee's 180p layer to the instructor; the rest (the
   * instructor's lower layers, the trainees' 360p layers and muted microphones) is received and
   * dropped, as the SFU drops it. Receivers are spread over the sink's sockets as the SFU's
   * receive transports are.
   */
  async referenceFeed(port: number, n: number): Promise<ReferenceFeed> {
    const transport = await this.srtpPlainTransport(this.genRouter);
    // The far end never answers; any SRTP parameters of the right suite will do.
    const peerEnd = await this.srtpPlainTransport(this.genRouter);
    await transport.connect({ ip: LISTEN_IP, port, srtpParameters: peerEnd.srtpParameters! });
    peerEnd.close();
    const caps = clientCapabilities(this.genRouter, [ABS_SEND_TIME]);
    const consumers: Consumer[] = [];
    const send = async (producer: Producer) => {
      const c = await transport.consume({ producerId: producer.id, rtpCapabilities: caps, paused: true });
      consumers.push(c);
      return c.rtpParameters.encodings![0]!.ssrc!;
    };
    const ports = this.opts.sink.ports;
    const routes: ReferenceRoute[] = [];
    let nextSsrc = 0x7e000000;
    const route = (inSsrc: number, receiver: number, label: string) =>
      routes.push({ inSsrc, port: ports[receiver % ports.length]!, outSsrc: nextSsrc++, label });
    const inst = this.instructorSources;
    const instLayers: number[] = [];
    for (const v of inst.video) instLayers.push(await send(v.producer));
    const instVoice = await send(inst.audio.producer);
    // Receiver 0 is the instructor, 1..n the trainees (as the SFU's sink ports are handed out).
    const top = instLayers[instLayers.length - 1]!;
    for (let i = 0; i < n; i++) {
      const set = this.traineeSources[i % this.traineeSources.length]!;
      const layers: number[] = [];
      for (const v of set.video) layers.push(await send(v.producer));
      await send(set.audio.producer); // muted at the SFU: received, not forwarded
      route(top, i + 1, 'trainee<-instructor:camera');
      route(instVoice, i + 1, 'trainee<-instructor:mic');
      route(layers[0]!, 0, 'instructor<-trainee:camera');
    }
    if (this.opts.recorder) {
      route(top, 0, 'recorder:video');
      route(instVoice, 0, 'recorder:audio');
    }
    await mapLimit(consumers, 16, (c) => c.resume());
    return {
      routes,
      inboundSsrcs: consumers.length,
      close: () => transport.close(),
    };
  }

  async close(): Promise<void> {
    if (this.pumpTimer) clearTimeout(this.pumpTimer);
    this.pumpTimer = null;
    for (const t of this.timers) clearTimeout(t);
    for (const p of this.trainees.splice(0)) this.removeTrainee(p);
    if (!this.room.router.closed) this.room.close();
    if (!this.genRouter.closed) this.genRouter.close();
  }
}
