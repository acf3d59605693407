export interface SdpVideo {
  payloadType: number;
  codec: 'VP8' | 'H264';
  clockRate: number;
  port: number;
  /** Where ffmpeg listens for RTCP; port + 1 when left out. */
  rtcpPort?: number;
  /** The codec's fmtp line, e.g. `packetization-mode=1;profile-level-id=42e01f` for H264. */
  fmtp?: string;
}

export interface SdpAudio {
  payloadType: number;
  codec: 'opus';
  clockRate: number;
  channels: number;
  port: number;
  rtcpPort?: number;
}

export interface SdpInput {
  ip: string;
  audio?: SdpAudio;
  /** One or more video tracks (camera, screen); each becomes its own stream, in this order. */
  video?: SdpVideo | readonly SdpVideo[];
}

/**
 * The SDP that tells ffmpeg where plain RTP arrives and how to read it. Audio comes first, then the
 * videos in the order given, so a stream index means the same track in every segment of a session.
 */
export function buildSdp(input: SdpInput): string {
  const videos: readonly SdpVideo[] = input.video === undefined ? [] : [input.video].flat();
  if (!input.audio && videos.length === 0) throw new Error('buildSdp: at least one track is needed');
  const family = input.ip.includes(':') ? 'IP6' : 'IP4';
  const lines = [
    'v=0',
    `o=- 0 0 IN ${family} ${input.ip}`,
    's=seafarer-recording',
    `c=IN ${family} ${input.ip}`,
    't=0 0',
  ];
  const a = input.audio;
  if (a) {
    lines.push(
      `m=audio ${a.port} RTP/AVP ${a.payloadType}`,
      `a=rtcp:${a.rtcpPort ?? a.port + 1}`,
      `a=rtpmap:${a.payloadType} ${a.codec}/${a.clockRate}/${a.channels}`,
      'a=recvonly',
    );
  }
  for (const v of videos) {
    lines.push(
      `m=video ${v.port} RTP/AVP ${v.payloadType}`,
      `a=rtcp:${v.rtcpPort ?? v.port + 1}`,
      `a=rtpmap:${v.payloadType} ${v.codec}/${v.clockRate}`,
    );
    if (v.fmtp) lines.push(`a=fmtp:${v.payloadType} ${v.fmtp}`);
    lines.push('a=recvonly');
  }
  return lines.join('\n') + '\n';
}

export interface SdpEndpoints {
  ip: string;
  streams: Array<{ port: number; rtcpPort: number }>;
}

/** Where an SDP written by buildSdp has ffmpeg listen: the connection address and each stream's ports. */
export function sdpEndpoints(sdp: string): SdpEndpoints {
  let ip = '127.0.0.1';
  const streams: SdpEndpoints['streams'] = [];
  for (const line of sdp.split(/\r?\n/)) {
    const c = /^c=IN IP[46] (\S+)/.exec(line);
    if (c?.[1]) ip = c[1];
    const m = /^m=\w+ (\d+) /.exec(line);
    if (m?.[1]) streams.push({ port: Number(m[1]), rtcpPort: Number(m[1]) + 1 });
    const rtcp = /^a=rtcp:(\d+)/.exec(line);
    const last = streams.at(-1);
    if (rtcp?.[1] && last) last.rtcpPort = Number(rtcp[1]);
  }
  return { ip, streams };
}
