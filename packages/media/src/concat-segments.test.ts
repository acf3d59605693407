import { reencodeGraph } from './concat-segments';
import type { StreamInfo } from './probe';

const video: StreamInfo = { index: 0, codecType: 'video', codecName: 'vp8', width: 640, height: 360 };
const audio: StreamInfo = { index: 1, codecType: 'audio', codecName: 'opus' };
const out = { width: 640, height: 360, fps: 15, video: true, audio: true };

describe('reencodeGraph', () => {
  it('[VC-2] generated silence and black last as long as their segment', () => {
    const graph = reencodeGraph([[video, audio], [video], [audio]], [2.5, 1.25, 3], out);
    expect(graph).toContain('anullsrc=r=48000:cl=stereo,atrim=duration=1.250[a1]');
    expect(graph).toContain('color=c=black:s=640x360:r=15:d=3.000,format=yuv420p[v2]');
    expect(graph).toMatch(/concat=n=3:v=1:a=1\[outv\]\[outa\]$/);
  });

  it('[REL-1] [VC-2] a segment that probes as 0 s (cut off after one frame) gets one frame of silence, never an endless source', () => {
    // atrim=duration=0 means "no limit": the concat filter would then buffer the other inputs for ever.
    const graph = reencodeGraph([[video, audio], [video], [audio]], [2.5, 0, Number.NaN], out);
    expect(graph).toContain('atrim=duration=0.067[a1]');
    expect(graph).toContain(':d=0.067,format=yuv420p[v2]');
    expect(graph).not.toMatch(/duration=0\.000|:d=0\.000|NaN/);
  });
});
