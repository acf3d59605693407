import { buildSdp, sdpEndpoints } from './sdp';

describe('buildSdp', () => {
  it('[VC-2] describes the audio first, then each video, with their RTCP ports', () => {
    const sdp = buildSdp({
      ip: '127.0.0.1',
      audio: { payloadType: 100, codec: 'opus', clockRate: 48000, channels: 2, port: 50000, rtcpPort: 50001 },
      video: [
        { payloadType: 101, codec: 'VP8', clockRate: 90000, port: 50002 },
        {
          payloadType: 102,
          codec: 'H264',
          clockRate: 90000,
          port: 50004,
          rtcpPort: 50007,
          fmtp: 'packetization-mode=1;profile-level-id=42e01f',
        },
      ],
    });
    expect(
      sdp.split('\n').filter((l) => l.startsWith('m=') || l.startsWith('a=r') || l.startsWith('a=f')),
    ).toEqual([
      'm=audio 50000 RTP/AVP 100',
      'a=rtcp:50001',
      'a=rtpmap:100 opus/48000/2',
      'a=recvonly',
      'm=video 50002 RTP/AVP 101',
      'a=rtcp:50003',
      'a=rtpmap:101 VP8/90000',
      'a=recvonly',
      'm=video 50004 RTP/AVP 102',
      'a=rtcp:50007',
      'a=rtpmap:102 H264/90000',
      'a=fmtp:102 packetization-mode=1;profile-level-id=42e01f',
      'a=recvonly',
    ]);
    expect(sdp).toContain('c=IN IP4 127.0.0.1');
    expect(sdpEndpoints(sdp)).toEqual({
      ip: '127.0.0.1',
      streams: [
        { port: 50000, rtcpPort: 50001 },
        { port: 50002, rtcpPort: 50003 },
        { port: 50004, rtcpPort: 50007 },
      ],
    });
  });

  it('refuses an SDP without tracks', () => {
    expect(() => buildSdp({ ip: '127.0.0.1' })).toThrow();
  });
});
