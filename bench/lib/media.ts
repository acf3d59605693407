import { randomBytes, randomInt } from 'node:crypto';

/**
 * Synthetic RTP streams shaped like the browsers' (packetizer only: the payload is filler).
 *
 * Video is VP8 with the payload descriptor Chrome sends for simulcast (mediasoup-client forces
 * L1T3): 15-bit picture ID, TL0PICIDX, temporal layer index in the 0-2-1-2 pattern, the layer-sync
 * bit, and a VP8 frame header whose P bit marks key frames (what mediasoup's VP8 parser reads).
 * Key frames are sent on request only (a PLI/FIR arriving as RTCP), plus the very first frame.
 * Audio is Opus: 20 ms packets of a fixed payload size.
 */

export interface VideoLayer {
  kind: 'video';
  width: number;
  height: number;
  /** Bits per second of this simulcast layer (the client's maxBitrate). */
  bitrate: number;
  fps: number;
}
export interface AudioLayer {
  kind: 'audio';
  /** Opus payload bytes per 20 ms packet. */
  payloadBytes: number;
}
export type LayerSpec = VideoLayer | AudioLayer;

/** The largest RTP payload per packet, as browsers packetize (keeps SRTP packets under ~1200 bytes). */
const MAX_PAYLOAD = 1100;
/** A key frame is this many times the average frame. */
const KEYFRAME_FACTOR = 4;
/** At most one key frame per this many milliseconds per stream (encoders rate-limit requests too). */
const KEYFRAME_MIN_GAP_MS = 250;
const FILLER = randomBytes(4096);
/** L1T3: temporal layer id of frame i (mod 4). */
const TL_PATTERN = [0, 2, 1, 2] as const;

export class SyntheticStream {
  readonly ssrc = randomInt(1, 0xffffffff);
  packets = 0;
  bytes = 0;
  keyframes = 0;
  private seq = randomInt(0, 0xffff);
  private ts = randomInt(0, 0xffffffff);
  private pictureId = randomInt(0, 0x7fff);
  private tl0 = randomInt(0, 0xff);
  private frame = 0;
  private keyPending = true;
  private lastKey = -Infinity;

  constructor(
    readonly spec: LayerSpec,
    readonly payloadType: number,
  ) {}

  /** Milliseconds between two frames (video) or packets (audio). */
  get periodMs(): number {
    return this.spec.kind === 'video' ? 1000 / this.spec.fps : 20;
  }

  requestKeyFrame(): void {
    this.keyPending = true;
  }

  /** The RTP packets of the next frame (video) or the next 20 ms (audio). */
  next(nowMs: number): Buffer[] {
    if (this.spec.kind === 'audio') {
      const pkt = this.rtp(false, this.spec.payloadBytes);
      FILLER.copy(pkt, 12, 0, this.spec.payloadBytes);
      pkt[12] = 0xfc; // Opus TOC: CELT FB 20 ms, mono, one frame
      this.ts = (this.ts + 960) >>> 0;
      this.count(pkt);
      return [pkt];
    }
    const spec = this.spec;
    const key = this.keyPending && nowMs - this.lastKey >= KEYFRAME_MIN_GAP_MS;
    if (key) {
      this.keyPending = false;
      this.lastKey = nowMs;
      this.keyframes++;
      this.frame = 0; // the temporal pattern restarts at a key frame (TL0)
    }
    const tid = TL_PATTERN[this.frame % 4]!;
    if (tid === 0) this.tl0 = (this.tl0 + 1) & 0xff;
    const avg = spec.bitrate / 8 / spec.fps;
    const frameBytes = Math.round(key ? avg * KEYFRAME_FACTOR : avg);
    const count = Math.max(1, Math.ceil(frameBytes / MAX_PAYLOAD));
    const per = Math.ceil(frameBytes / count);
    const out: Buffer[] = [];
    for (let i = 0; i < count; i++) {
      const first = i === 0;
      const header = 6;
      const vp8 = first ? (key ? 10 : 3) : 0;
      const size = Math.max(per, header + vp8 + 1);
      const pkt = this.rtp(i === count - 1, size);
      let o = 12;
      // VP8 payload descriptor (RFC 7741): X, N (temporal layer 2 is not referenced), S, PID 0.
      pkt[o++] = 0x80 | (tid === 2 ? 0x20 : 0) | (first ? 0x10 : 0);
      pkt[o++] = 0x80 | 0x40 | 0x20; // I, L, T
      pkt[o++] = 0x80 | ((this.pictureId >> 8) & 0x7f); // M: 15-bit picture ID
      pkt[o++] = this.pictureId & 0xff;
      pkt[o++] = this.tl0;
      // TID, Y (frames 1 and 2 of the pattern depend on TL0 only), KEYIDX 0.
      const sync = this.frame % 4 === 1 || this.frame % 4 === 2;
      pkt[o++] = (tid << 6) | (sync ? 0x20 : 0);
      if (first) {
        // VP8 frame tag: P (0 = key frame), version 0, show_frame, first partition size.
        const part = Math.min(frameBytes, 0x7ffff);
        const tag = (key ? 0 : 1) | (1 << 4) | (part << 5);
        pkt[o++] = tag & 0xff;
        pkt[o++] = (tag >> 8) & 0xff;
        pkt[o++] = (tag >> 16) & 0xff;
        if (key) {
          pkt[o++] = 0x9d;
          pkt[o++] = 0x01;
          pkt[o++] = 0x2a;
          pkt.writeUInt16LE(spec.width & 0x3fff, o);
          pkt.writeUInt16LE(spec.height & 0x3fff, o + 2);
          o += 4;
        }
      }
      FILLER.copy(pkt, o, 0, Math.min(pkt.length - o, FILLER.length));
      this.count(pkt);
      out.push(pkt);
    }
    this.pictureId = (this.pictureId + 1) & 0x7fff;
    this.frame++;
    this.ts = (this.ts + 90000 / spec.fps) >>> 0;
    return out;
  }

  private rtp(marker: boolean, payload: number): Buffer {
    const pkt = Buffer.allocUnsafe(12 + payload);
    pkt[0] = 0x80;
    pkt[1] = (marker ? 0x80 : 0) | this.payloadType;
    pkt.writeUInt16BE(this.seq, 2);
    pkt.writeUInt32BE(this.ts, 4);
    pkt.writeUInt32BE(this.ssrc, 8);
    this.seq = (this.seq + 1) & 0xffff;
    return pkt;
  }

  private count(pkt: Buffer) {
    this.packets++;
    this.bytes += pkt.length;
  }
}

/** Expected packets per second of a layer (without key frames). */
export function nominalPps(spec: LayerSpec): number {
  if (spec.kind === 'audio') return 50;
  const avg = spec.bitrate / 8 / spec.fps;
  return Math.max(1, Math.ceil(avg / MAX_PAYLOAD)) * spec.fps;
}

/** SSRCs named in PLI and FIR messages of an RTCP compound packet. */
export function keyFrameRequests(rtcp: Buffer): number[] {
  const out: number[] = [];
  let o = 0;
  while (o + 4 <= rtcp.length) {
    const fmt = rtcp[o]! & 0x1f;
    const pt = rtcp[o + 1]!;
    const len = (rtcp.readUInt16BE(o + 2) + 1) * 4;
    if (o + len > rtcp.length) break;
    if (pt === 206 && fmt === 1 && len >= 12) out.push(rtcp.readUInt32BE(o + 8)); // PLI: media SSRC
    if (pt === 206 && fmt === 4)
      for (let f = o + 12; f + 8 <= o + len; f += 8) out.push(rtcp.readUInt32BE(f)); // FIR entries
    o += len;
  }
  return out;
}
