import { reencodeGraph } from './concat-segments';
import type { StreamInfo } from './probe';

const video: StreamInfo = { index: 0, codecType: 'video', codecName: 'vp8', width: 640, height: 360 };
const audio: StreamInfo = { index: 1, codecType: 'audio', codecName: 'opus' };
const out = { width: 640, height: 360, fps: 15, video: true, audio: true };
const mic: StreamInfo = { ...audio, index: 0, title: 'mic' };
const camera: StreamInfo = { ...video, index: 1, title: 'camera' };
const screen: StreamInfo = { ...video, index: 2, title: 'screen', width: 1280, height: 720 };

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

  it('[VC-2] a segment with a shared screen shows the screen; every input starts at 0 without holes', () => {
    const graph = reencodeGraph([[camera], [mic, camera], [mic, camera, screen]], [1, 10, 5], out);
    expect(graph).toContain('[0:v:0]scale=');
    expect(graph).toContain('[1:v:0]scale=');
    expect(graph).toContain('[2:v:1]scale=');
    // A muted microphone sends no packets: the hole is silence, not a jump in the timeline.
    expect(graph).toContain('[1:a:0]aresample=48000:async=1:first_pts=0,');
    expect(graph.match(/fps=15:start_time=0/g)).toHaveLength(3);
  });
});
