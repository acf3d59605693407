import type * as Mediasoup from 'mediasoup';

let loaded: typeof Mediasoup | undefined;

/**
 * mediasoup reads MEDIASOUP_WORKER_BIN when its module loads, so the locally built worker
 * (infra/mediasoup/build-worker.sh) is named before the first import.
 */
export async function loadMediasoup(workerBin: string): Promise<typeof Mediasoup> {
  if (!loaded) {
    // eslint-disable-next-line no-restricted-properties -- handing the configured path to mediasoup, which only reads the environment
    if (workerBin) process.env.MEDIASOUP_WORKER_BIN = workerBin;
    loaded = await import('mediasoup');
  }
  return loaded;
}

/** Codecs every router offers: Opus; VP8 for most browsers; H264 for iPhones. */
export const MEDIA_CODECS: Mediasoup.types.RtpCodecCapability[] = [
  { kind: 'audio', mimeType: 'audio/opus', clockRate: 48000, channels: 2 },
  { kind: 'video', mimeType: 'video/VP8', clockRate: 90000, parameters: { 'x-google-start-bitrate': 1000 } },
  {
    kind: 'video',
    mimeType: 'video/H264',
    clockRate: 90000,
    parameters: { 'packetization-mode': 1, 'profile-level-id': '42e01f', 'level-asymmetry-allowed': 1 },
  },
];
