import { replayContainerOf } from './replay-container';

// The first 64 bytes of files ffmpeg wrote (-f matroska, -f webm, -f mp4), as post-processing would.
const header = (b64: string) => new Uint8Array(Buffer.from(b64, 'base64'));
const MKV = 'GkXfo6NChoEBQveBAULygQRC84EIQoKIbWF0cm9za2FCh4EEQoWBAhhTgGcBAAAAAAAHbRFNm3TAv4SyYY1mTQ==';
const WEBM = 'GkXfo59ChoEBQveBAULygQRC84EIQoKEd2VibUKHgQJChYECGFOAZwEAAAAAAAc7EU2bdLpNu4tTq4QVSalmUw==';
const MP4 = 'AAAAIGZ0eXBpc29tAAACAGlzb21pc28yYXZjMW1wNDEAAAAIZnJlZQAABmFtZGF0AAACrAYF//+o3EXpvebZSA==';

describe('replay container', () => {
  it('[TM-4] Matroska, WebM and MP4 are told apart by their headers, not by a file name', () => {
    expect(replayContainerOf(header(MKV))).toEqual({ contentType: 'video/x-matroska', extension: 'mkv' });
    expect(replayContainerOf(header(WEBM))).toEqual({ contentType: 'video/webm', extension: 'webm' });
    expect(replayContainerOf(header(MP4))).toEqual({ contentType: 'video/mp4', extension: 'mp4' });
  });

  it('[TM-4] anything else is an opaque octet stream (never claimed to be video)', () => {
    expect(replayContainerOf(new Uint8Array([0x1a, 0x45, 0xdf, 0xa3]))).toEqual({
      contentType: 'application/octet-stream',
      extension: 'bin',
    });
    expect(replayContainerOf(new TextEncoder().encode('<html><script>alert(1)</script>')).contentType).toBe(
      'application/octet-stream',
    );
    expect(replayContainerOf(new Uint8Array()).extension).toBe('bin');
  });
});
