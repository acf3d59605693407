import { mkdir, rename, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type * as Mediasoup from 'mediasoup';
import type { Logger } from 'pino';
import type { MediaSource } from '@seafarer/contracts';
import {
  buildSdp,
  reserveUdpPortPairs,
  sha256File,
  startSegmentWriter,
  WriterExitedError,
  type PortRange,
  type SdpAudio,
  type SdpVideo,
  type SegmentWriter,
} from '@seafarer/media';

type Router = Mediasoup.types.Router;
type Producer = Mediasoup.types.Producer;
type Consumer = Mediasoup.types.Consumer;
type PlainTransport = Mediasoup.types.PlainTransport;

/** Why a stretch of the session has no recording. */
export type {
  GapReason,
  SegmentReason,
  SegmentEndReason,
  ManifestSegment,
  ManifestGap,
  RecordingManifest,
} from '@seafarer/contracts';
import type {
  GapReason,
  SegmentReason,
  SegmentEndReason,
  ManifestSegment,
  RecordingManifest,
} from '@seafarer/contracts';

export interface SessionRecorderOptions {
  router: Router;
  sessionId: string;
  /** Recordings root; this session's files go to `<dir>/<sessionId>/`. */
  dir: string;
  /** Where the PlainTransports listen and send from, and where ffmpeg receives. */
  listenIp: string;
  log: Logger;
  clock?: () => Date;
  /** UDP ports for ffmpeg; keep it apart from mediasoup's rtcMinPort..rtcMaxPort. */
  ports?: PortRange;
}

/** Heartbeat period. */
const HEARTBEAT_MS = 1_000;
/** No packets for longer than this is a gap (JS-8: the record must say when nothing was recorded). */
const NO_MEDIA_MS = 3_000;
/** Packets flowing but the file not growing for this long means ffmpeg is stuck; it is restarted. */
const STALL_MS = 15_000;
/** Producers added within this window share one segment (the instructor's mic and camera arrive together). */
const SETTLE_MS = 250;
/** Keyframe requests: every 2 s for the first 10 s of a segment, so the file starts decodable soon. */
const KEYFRAME_EVERY_MS = 2_000;
const KEYFRAME_FOR_MS = 10_000;
const WRITER_STOP_TIMEOUT_MS = 5_000;
/** The longest a replaced segment keeps running while its successor has not written anything yet. */
const HANDOVER_MAX_MS = 10_000;
const START_ATTEMPTS = 3;

const SOURCE_ORDER: readonly MediaSource[] = ['mic', 'camera', 'screen'];
const KIND_OF: Record<MediaSource, 'audio' | 'video'> = { mic: 'audio', camera: 'video', screen: 'video' };

interface Leg {
  source: MediaSource;
  producerId: string;
  transport: PlainTransport;
  consumer: Consumer | null;
}

interface LiveSegment {
  index: number;
  file: string;
  startedAt: Date;
  reason: SegmentReason;
  sources: MediaSource[];
  producerIds: string[];
  writer: SegmentWriter;
  legs: Leg[];
  keyframeTimer: NodeJS.Timeout | null;
  handoverTimer: NodeJS.Timeout | null;
  lastPackets: number;
  lastBytes: number;
  lastGrowthAt: number;
  ending: boolean;
  endedAt: Date | null;
  endReason: SegmentEndReason | null;
}

/**
 * Records one live session, whole (JS-8, VC-2): every instructor track the room hands it is consumed
 * over a PlainTransport and remuxed by ffmpeg into numbered Matroska segments. A segment starts with
 * the first producers, whenever the set of producers changes, after ffmpeg fails, and after a rebind to a
 * new router (REL-1). A heartbeat notices stretches without media and records them as gaps. There is
 * deliberately no pause: the rules say nobody can pause the recording, so the only way to end it is
 * stop(), when the session ends.
 *
 * The screen share is a second video track in the same segment file rather than a file of its own: one
 * file per segment keeps camera, screen and voice on one timeline and under one hash.
 */
export class SessionRecorder {
  readonly sessionId: string;
  /** `<dir>/<sessionId>`: segments, their SDPs and manifest.json. */
  readonly sessionDir: string;

  private router: Router;
  private routerLost = false;
  private readonly listenIp: string;
  private readonly ports: PortRange;
  private readonly log: Logger;
  private readonly now: () => Date;
  private readonly startedAt: Date;
  private endedAt: Date | null = null;

  /** The producers to record, at most one per source; a new camera replaces the old one. */
  private readonly tracks = new Map<MediaSource, Producer>();
  private segment: LiveSegment | null = null;
  private nextIndex = 0;
  private nextReason: SegmentReason = 'session_started';
  /** Segments written or being finished, until their file is hashed. */
  private readonly unfinished = new Map<number, LiveSegment>();
  private readonly finished = new Map<number, ManifestSegment>();
  private readonly finalizing = new Set<Promise<void>>();
  private readonly gaps: Array<{ from: Date; to: Date | null; reason: GapReason }> = [];
  private lastMediaAt: number;

  private queue: Promise<unknown> = Promise.resolve();
  private settle: Promise<void> | null = null;
  private restartTimer: NodeJS.Timeout | null = null;
  private failures = 0;
  private readonly heartbeat: NodeJS.Timeout;
  private ticking = false;
  private stopped = false;
  private stopping: Promise<RecordingManifest> | null = null;
  private manifestWrites: Promise<void> = Promise.resolve();
  private detachRouter: () => void = () => undefined;

  constructor(opts: SessionRecorderOptions) {
    this.sessionId = opts.sessionId;
    this.sessionDir = path.join(opts.dir, opts.sessionId);
    this.router = opts.router;
    this.listenIp = opts.listenIp;
    this.ports = opts.ports ?? { min: 50_000, max: 59_999 };
    this.now = opts.clock ?? (() => new Date());
    this.log = opts.log.child({ sessionId: opts.sessionId, component: 'recorder' });
    this.startedAt = this.now();
    // The session is being recorded from this moment: time without producers counts as a gap.
    this.lastMediaAt = this.startedAt.getTime();
    this.watchRouter(opts.router);
    this.heartbeat = setInterval(
      () => void this.tick().catch((err: unknown) => this.log.error({ err }, 'recording heartbeat failed')),
      HEARTBEAT_MS,
    );
    this.heartbeat.unref();
    this.log.info({ dir: this.sessionDir }, 'recording started');
  }

  /**
   * Records `producer` as the instructor's `source`. Resolves once a segment including it is being
   * written. Producers added together (within 250 ms) share one new segment.
   */
  async addProducer(producer: Producer, source: MediaSource): Promise<void> {
    if (this.stopped) throw new Error('the recording of this session has ended');
    if (producer.kind !== KIND_OF[source]) throw new Error(`a ${source} producer must be ${KIND_OF[source]}`);
    if (producer.closed) throw new Error('producer is closed');
    if (this.routerLost) throw new Error('the router is gone: rebind() to the new one first');
    if (this.tracks.get(source) === producer) return this.settled();
    this.tracks.set(source, producer);
    producer.observer.once('close', () => this.onProducerClosed(source, producer));
    return this.settled();
  }

  /**
   * Moves the recording to `router` after the old one is gone (the worker died, the room was rebuilt).
   * The current segment, if any, is finished; the room then adds its producers again and a new segment
   * starts. The time in between is a gap.
   */
  rebind(router: Router): Promise<void> {
    return this.serial(async () => {
      if (this.stopped) throw new Error('the recording of this session has ended');
      if (router === this.router && !this.routerLost) return;
      if (!this.routerLost) this.loseRouter(this.router, 'router_closed');
      this.detachRouter();
      this.router = router;
      this.routerLost = false;
      this.watchRouter(router);
      this.log.info({ routerId: router.id }, 'recording rebound to a new router');
    });
  }

  /** The manifest as of now (segments being written have no hash yet). */
  manifest(): RecordingManifest {
    const segments = [...this.finished.values()];
    for (const live of this.unfinished.values())
      if (!this.finished.has(live.index))
        segments.push({
          index: live.index,
          file: path.basename(live.file),
          startedAt: live.startedAt.toISOString(),
          endedAt: live.endedAt?.toISOString() ?? null,
          bytes: live.writer.bytesWritten(),
          sha256: null,
          reason: live.reason,
          endReason: live.endReason,
          tracks: live.sources,
        });
    segments.sort((a, b) => a.index - b.index);
    return {
      sessionId: this.sessionId,
      startedAt: this.startedAt.toISOString(),
      endedAt: this.endedAt?.toISOString() ?? null,
      segments,
      gaps: this.gaps.map((g) => ({
        from: g.from.toISOString(),
        to: g.to?.toISOString() ?? null,
        reason: g.reason,
      })),
    };
  }

  /**
   * Ends the recording: ffmpeg finishes every segment, each file is hashed, manifest.json is written.
   * Idempotent: every call gets the same manifest.
   */
  stop(): Promise<RecordingManifest> {
    this.stopping ??= this.finish();
    return this.stopping;
  }

  private async finish(): Promise<RecordingManifest> {
    this.stopped = true;
    clearInterval(this.heartbeat);
    if (this.restartTimer) clearTimeout(this.restartTimer);
    await this.serial(async () => {
      const at = this.now();
      this.endedAt = at;
      this.segment = null;
      // The current segment, and one it is still taking over from.
      for (const seg of this.unfinished.values()) this.finalizeSegment(seg, 'stopped', at);
      this.closeGap(at);
    });
    while (this.finalizing.size > 0) await Promise.all([...this.finalizing]);
    this.detachRouter();
    await this.writeManifest();
    const manifest = this.manifest();
    this.log.info({ segments: manifest.segments.length, gaps: manifest.gaps.length }, 'recording finished');
    return manifest;
  }

  // --- producers and segments ---------------------------------------------------------------------

  /** Waits for the settle window, then (re)starts the segment for the current producers. */
  private settled(): Promise<void> {
    this.settle ??= new Promise<void>((resolve) => setTimeout(resolve, SETTLE_MS)).then(() => {
      this.settle = null;
      return this.serial(() => this.resegment());
    });
    return this.settle;
  }

  private onProducerClosed(source: MediaSource, producer: Producer): void {
    if (this.tracks.get(source) !== producer) return;
    this.tracks.delete(source);
    // A router closing takes every producer with it; the router's own event tells that story.
    if (this.stopped || this.router.closed) return;
    void this.settled().catch((err: Error) =>
      this.log.error({ err: err.message }, 'could not restart the recording'),
    );
  }

  private async resegment(): Promise<void> {
    if (this.stopped || this.routerLost) return;
    const tracks = SOURCE_ORDER.flatMap((source) => {
      const p = this.tracks.get(source);
      return p && !p.closed ? [{ source, producer: p }] : [];
    });
    const old = this.segment;
    const wanted = tracks.map((t) => t.producer.id).join(',');
    if (old && !old.ending && old.producerIds.join(',') === wanted) return;
    if (tracks.length === 0) {
      if (old) {
        const at = this.now();
        this.segment = null;
        this.finalizeSegment(old, 'producer_closed', at);
        this.openGap('producer_closed', at);
      }
      return;
    }
    const next = await this.startSegment(tracks);
    if (this.routerLost) {
      // The worker died while the segment was starting; loseRouter() has already recorded the gap.
      this.finalizeSegment(next, 'worker_died', this.now());
      return;
    }
    this.segment = next;
    if (old) this.handOver(old, next);
    else this.accountUntil(next.startedAt);
  }

  /**
   * JS-8: every moment of the session is in a segment or a gap. A segment that starts with none running
   * leaves the time since the record last accounted for (the session's start, a segment's or a gap's
   * end) unrecorded: the settle window and ffmpeg's start. Unless an open gap already says so, the
   * manifest records it, however short. Media is then expected from the segment's start on.
   */
  private accountUntil(at: Date): void {
    this.lastMediaAt = Math.max(this.lastMediaAt, at.getTime());
    if (this.openGapNow()) return;
    let last = this.startedAt.getTime();
    for (const s of this.finished.values()) if (s.endedAt) last = Math.max(last, Date.parse(s.endedAt));
    for (const s of this.unfinished.values()) if (s.endedAt) last = Math.max(last, s.endedAt.getTime());
    for (const g of this.gaps) if (g.to) last = Math.max(last, g.to.getTime());
    if (at.getTime() > last) this.gaps.push({ from: new Date(last), to: at, reason: 'recorder_starting' });
  }

  /**
   * Make before break: the old segment keeps recording until the new one has written its header.
   * ffmpeg writes nothing until every video track has shown a keyframe, and a segment that ends before
   * that (a screen share stopped at once) holds nothing at all, not even the voice. Neighbouring segments
   * therefore overlap by up to a keyframe interval, which is better than a hole.
   */
  private handOver(old: LiveSegment, next: LiveSegment): void {
    const since = Date.now();
    const check = () => {
      old.handoverTimer = null;
      if (old.ending) return;
      if (next.ending || next.writer.bytesWritten() > 0 || Date.now() - since > HANDOVER_MAX_MS) {
        this.log.info(
          { from: old.index, to: next.index, overlapMs: Date.now() - since },
          'segment handed over',
        );
        this.finalizeSegment(old, 'producers_changed', this.now());
        return;
      }
      old.handoverTimer = setTimeout(check, 100);
      old.handoverTimer.unref();
    };
    check();
  }

  private async startSegment(
    tracks: Array<{ source: MediaSource; producer: Producer }>,
  ): Promise<LiveSegment> {
    await mkdir(this.sessionDir, { recursive: true });
    for (let attempt = 1; ; attempt++) {
      try {
        const seg = await this.tryStartSegment(tracks);
        this.nextIndex++;
        this.nextReason = 'producers_changed';
        return seg;
      } catch (err) {
        // Another process took a port between our check and ffmpeg's bind: new ports, new try.
        if (!(err instanceof WriterExitedError) || attempt >= START_ATTEMPTS) throw err;
        this.log.warn({ attempt, err: err.message }, 'ffmpeg could not start; retrying with new ports');
      }
    }
  }

  private async tryStartSegment(
    tracks: Array<{ source: MediaSource; producer: Producer }>,
  ): Promise<LiveSegment> {
    const router = this.router;
    const index = this.nextIndex;
    const file = path.join(this.sessionDir, `segment-${String(index).padStart(3, '0')}.mkv`);
    const pairs = await reserveUdpPortPairs(tracks.length, this.ports);
    const legs: Leg[] = [];
    let writer: SegmentWriter | null = null;
    try {
      let audio: SdpAudio | undefined;
      const video: SdpVideo[] = [];
      for (const [i, { source, producer }] of tracks.entries()) {
        const pair = pairs[i]!;
        const transport = await router.createPlainTransport({
          listenIp: this.listenIp,
          rtcpMux: false,
          comedia: false,
        });
        const leg: Leg = { source, producerId: producer.id, transport, consumer: null };
        legs.push(leg);
        await transport.connect({ ip: this.listenIp, port: pair.rtp, rtcpPort: pair.rtcp });
        // Paused until ffmpeg listens: packets sent earlier would be lost, the first keyframe with them.
        const consumer = await transport.consume({
          producerId: producer.id,
          rtpCapabilities: recorderCapabilities(router, producer.kind),
          paused: true,
        });
        leg.consumer = consumer;
        const codec = consumer.rtpParameters.codecs[0];
        if (!codec) throw new Error(`consumer for ${source} has no codec`);
        const mime = codec.mimeType.toLowerCase();
        if (mime === 'audio/opus')
          audio = {
            payloadType: codec.payloadType,
            codec: 'opus',
            clockRate: codec.clockRate,
            channels: codec.channels ?? 2,
            port: pair.rtp,
            rtcpPort: pair.rtcp,
          };
        else if (mime === 'video/vp8' || mime === 'video/h264')
          video.push({
            payloadType: codec.payloadType,
            codec: mime === 'video/vp8' ? 'VP8' : 'H264',
            clockRate: codec.clockRate,
            port: pair.rtp,
            rtcpPort: pair.rtcp,
            ...(mime === 'video/h264' ? { fmtp: fmtpOf(codec.parameters) } : {}),
          });
        else throw new Error(`cannot record ${codec.mimeType}`);
      }
      writer = await startSegmentWriter({
        sdp: buildSdp({ ip: this.listenIp, audio, video }),
        outFile: file,
        log: this.log,
        titles: tracks.map((t) => t.source),
      });
      await writer.ready();
      if (router !== this.router || this.routerLost || this.stopped) throw new Error('recording moved on');
      for (const leg of legs) await leg.consumer!.resume();
      const seg: LiveSegment = {
        index,
        file,
        startedAt: this.now(),
        reason: this.nextReason,
        sources: tracks.map((t) => t.source),
        producerIds: tracks.map((t) => t.producer.id),
        writer,
        legs,
        keyframeTimer: null,
        handoverTimer: null,
        lastPackets: 0,
        lastBytes: 0,
        lastGrowthAt: Date.now(),
        ending: false,
        endedAt: null,
        endReason: null,
      };
      this.unfinished.set(index, seg);
      this.requestKeyFrames(seg);
      writer.exited
        .then((exit) => this.onWriterExited(seg, exit))
        .catch((err: unknown) => this.log.error({ err, index }, 'could not handle the end of ffmpeg'));
      this.log.info({ index, file, tracks: seg.sources, reason: seg.reason }, 'segment started');
      return seg;
    } catch (err) {
      for (const leg of legs) leg.transport.close();
      await writer?.stop(WRITER_STOP_TIMEOUT_MS);
      throw err;
    }
  }

  private requestKeyFrames(seg: LiveSegment): void {
    const videos = seg.legs.filter((l) => KIND_OF[l.source] === 'video');
    if (videos.length === 0) return;
    const ask = () => {
      for (const leg of videos)
        void leg.consumer?.requestKeyFrame().catch(() => undefined /* closed meanwhile: nothing to ask */);
    };
    ask();
    const since = Date.now();
    seg.keyframeTimer = setInterval(() => {
      if (seg.ending || Date.now() - since > KEYFRAME_FOR_MS) {
        if (seg.keyframeTimer) clearInterval(seg.keyframeTimer);
        return;
      }
      ask();
    }, KEYFRAME_EVERY_MS);
    seg.keyframeTimer.unref();
  }

  /** Detaches a segment: stops its consumers, lets ffmpeg finish the file, hashes it. */
  private finalizeSegment(seg: LiveSegment, endReason: SegmentEndReason, at: Date): void {
    if (seg.ending) return;
    seg.ending = true;
    seg.endedAt = at;
    seg.endReason = endReason;
    if (seg.keyframeTimer) clearInterval(seg.keyframeTimer);
    if (seg.handoverTimer) clearTimeout(seg.handoverTimer);
    const done = (async () => {
      // ffmpeg first: a packet still arriving lets it act on the SIGINT at once.
      await seg.writer.stop(WRITER_STOP_TIMEOUT_MS);
      for (const leg of seg.legs) leg.transport.close();
      let bytes = 0;
      let sha256: string | null = null;
      try {
        bytes = (await stat(seg.file)).size;
        sha256 = await sha256File(seg.file);
      } catch {
        this.log.warn({ index: seg.index }, 'segment has no file: ffmpeg received nothing it could write');
      }
      this.finished.set(seg.index, {
        index: seg.index,
        file: path.basename(seg.file),
        startedAt: seg.startedAt.toISOString(),
        endedAt: at.toISOString(),
        bytes,
        sha256,
        reason: seg.reason,
        endReason,
        tracks: seg.sources,
      });
      this.unfinished.delete(seg.index);
      this.log.info({ index: seg.index, endReason, bytes, sha256 }, 'segment finished');
      await this.writeManifest();
    })().catch((err: Error) =>
      this.log.error({ index: seg.index, err: err.message }, 'could not finish segment'),
    );
    this.finalizing.add(done);
    // `done` never rejects (its failure is logged above).
    void done.then(() => this.finalizing.delete(done));
  }

  private onWriterExited(seg: LiveSegment, exit: { code: number | null; signal: NodeJS.Signals | null }) {
    if (seg.writer.stopping || seg.ending) return;
    const at = this.now();
    if (this.segment !== seg) {
      // A segment being replaced: its successor records already.
      this.log.error({ index: seg.index, ...exit }, 'ffmpeg of a replaced segment ended on its own');
      this.finalizeSegment(seg, 'recorder_failed', at);
      return;
    }
    this.log.error({ index: seg.index, ...exit }, 'ffmpeg ended on its own; starting a new segment');
    this.segment = null;
    this.finalizeSegment(seg, 'recorder_failed', at);
    this.openGap('recorder_failed', at);
    if (this.stopped) return;
    this.nextReason = 'recorder_restarted';
    // Back off so a broken ffmpeg does not spin; one that keeps running resets the count (tick()).
    this.failures++;
    const delay = Math.min(10_000, 1_000 * this.failures);
    this.restartTimer = setTimeout(() => {
      this.restartTimer = null;
      void this.serial(() => this.resegment()).catch((err: Error) =>
        this.log.error({ err: err.message }, 'could not restart the recording'),
      );
    }, delay);
    this.restartTimer.unref();
  }

  // --- router -------------------------------------------------------------------------------------

  private watchRouter(router: Router): void {
    const onWorkerClose = () => this.loseRouter(router, 'worker_died');
    const onClose = () => this.loseRouter(router, 'router_closed');
    router.on('workerclose', onWorkerClose);
    router.observer.on('close', onClose);
    this.detachRouter = () => {
      router.off('workerclose', onWorkerClose);
      router.observer.off('close', onClose);
    };
  }

  /** The router is gone (its worker died, or it was closed): the segment ends and a gap opens now. */
  private loseRouter(router: Router, reason: 'worker_died' | 'router_closed'): void {
    if (router !== this.router || this.routerLost || this.stopped) return;
    this.routerLost = true;
    const at = this.now();
    this.log.error({ reason, routerId: router.id }, 'recording lost its router');
    this.tracks.clear();
    this.segment = null;
    for (const seg of this.unfinished.values()) this.finalizeSegment(seg, reason, at);
    this.openGap(reason, at);
    this.nextReason = 'rebind';
  }

  // --- heartbeat and gaps -------------------------------------------------------------------------

  private async tick(): Promise<void> {
    if (this.ticking || this.stopped) return;
    this.ticking = true;
    try {
      const seg = this.segment;
      let flowing = false;
      if (seg && !seg.ending) {
        let packets = 0;
        for (const leg of seg.legs) {
          const stats = await leg.consumer?.getStats().catch(() => []);
          for (const s of stats ?? []) if (s.type === 'outbound-rtp') packets += s.packetCount;
        }
        if (this.segment !== seg || seg.ending) return;
        flowing = packets > seg.lastPackets;
        seg.lastPackets = Math.max(seg.lastPackets, packets);
        const bytes = seg.writer.bytesWritten();
        if (bytes > seg.lastBytes) {
          seg.lastBytes = bytes;
          seg.lastGrowthAt = Date.now();
          if (Date.now() - seg.startedAt.getTime() > STALL_MS) this.failures = 0;
        } else if (flowing && Date.now() - seg.lastGrowthAt > STALL_MS) {
          // Media arrives but nothing reaches the file: ffmpeg is stuck. Killing it makes onWriterExited
          // record the gap and start a new segment.
          this.log.error({ index: seg.index }, 'segment file stopped growing; restarting ffmpeg');
          seg.writer.process.kill('SIGKILL');
          return;
        }
      }
      const now = this.now();
      if (flowing) {
        this.lastMediaAt = now.getTime();
        this.closeGap(now);
      } else if (!this.openGapNow() && now.getTime() - this.lastMediaAt > NO_MEDIA_MS) {
        this.openGap('no_media', new Date(this.lastMediaAt));
      }
    } finally {
      this.ticking = false;
    }
  }

  private openGapNow() {
    const last = this.gaps.at(-1);
    return last && last.to === null ? last : undefined;
  }

  /** Opens a gap; one already open (say no_media before the worker died) ends where this one starts. */
  private openGap(reason: GapReason, from: Date): void {
    const open = this.openGapNow();
    if (open?.reason === reason) return;
    if (open) open.to = from;
    this.gaps.push({ from, to: null, reason });
    this.log.warn({ reason, from: from.toISOString() }, 'recording gap opened');
  }

  private closeGap(at: Date): void {
    const open = this.openGapNow();
    if (!open) return;
    open.to = at;
    this.log.info(
      { reason: open.reason, from: open.from.toISOString(), to: at.toISOString() },
      'recording gap closed',
    );
  }

  // --- plumbing -----------------------------------------------------------------------------------

  /** One change at a time: segments start and end in order (as mediasoup-demo serialises room changes). */
  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn, fn);
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Writes manifest.json atomically (temp file + rename), one write at a time, newest state each time. */
  private writeManifest(): Promise<void> {
    this.manifestWrites = this.manifestWrites.then(async () => {
      try {
        await mkdir(this.sessionDir, { recursive: true });
        const target = path.join(this.sessionDir, 'manifest.json');
        await writeFile(`${target}.tmp`, JSON.stringify(this.manifest(), null, 2) + '\n');
        await rename(`${target}.tmp`, target);
      } catch (err) {
        this.log.error({ err: (err as Error).message }, 'could not write manifest.json');
      }
    });
    return this.manifestWrites;
  }
}

/**
 * What ffmpeg can take: the router's plain codecs of one kind, with no RTX, no RTCP feedback and no
 * header extensions. Without transport-cc or abs-send-time mediasoup runs no bandwidth estimation on
 * the transport, so it sends no probation packets that ffmpeg would queue as out-of-order media.
 */
function recorderCapabilities(router: Router, kind: 'audio' | 'video'): Mediasoup.types.RtpCapabilities {
  return {
    codecs: (router.rtpCapabilities.codecs ?? [])
      .filter((c) => c.kind === kind && !c.mimeType.toLowerCase().endsWith('/rtx'))
      .map((c) => ({ ...c, rtcpFeedback: [] })),
    headerExtensions: [],
  };
}

/** mediasoup's codec parameters as an SDP fmtp value. */
function fmtpOf(parameters: Record<string, unknown> | undefined): string {
  return Object.entries(parameters ?? {})
    .map(([k, v]) => `${k}=${String(v)}`)
    .join(';');
}
