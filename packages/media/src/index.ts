export {
  buildSdp,
  sdpEndpoints,
  type SdpAudio,
  type SdpEndpoints,
  type SdpInput,
  type SdpVideo,
} from './sdp';
export {
  segmentWriterArgs,
  startSegmentWriter,
  WriterExitedError,
  type SegmentWriter,
} from './segment-writer';
export { concatSegments, ReplayBuildError, type ConcatResult } from './concat-segments';
export { probeDuration, probeStreams, type StreamInfo } from './probe';
export { sha256File } from './sha256-file';
export { reserveUdpPortPairs, udpPortsBoundBy, type PortPair, type PortRange } from './udp-ports';
