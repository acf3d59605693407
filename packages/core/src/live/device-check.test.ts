import { assessDevice } from './device-check';

describe('device and network check', () => {
  it('[JS-A] a trainee needs camera and microphone; 20 Mbps down is recommended', () => {
    const ok = assessDevice({ role: 'trainee', hasCamera: true, hasMic: true, downMbps: 50, upMbps: 5 });
    expect(ok).toMatchObject({ canJoin: true, meetsRecommendation: true });
    const noCam = assessDevice({ role: 'trainee', hasCamera: false, hasMic: true, downMbps: 50, upMbps: 5 });
    expect(noCam.canJoin).toBe(false);
    expect(noCam.items.find((i) => i.id === 'camera')).toMatchObject({
      status: 'fail',
      message: { zh: expect.stringContaining('摄像头') },
    });
    const slow = assessDevice({ role: 'trainee', hasCamera: true, hasMic: true, downMbps: 8, upMbps: 5 });
    expect(slow).toMatchObject({ canJoin: true, meetsRecommendation: false });
  });
  it('[JS-A] an instructor is held to 20 Mbps up; an officer needs no camera', () => {
    expect(
      assessDevice({
        role: 'instructor',
        hasCamera: true,
        hasMic: true,
        downMbps: 30,
        upMbps: 10,
      }).items.find((i) => i.id === 'upstream')!.status,
    ).toBe('warn');
    expect(
      assessDevice({ role: 'maritime_officer', hasCamera: false, hasMic: false, downMbps: 30, upMbps: 0 }),
    ).toMatchObject({ canJoin: true });
  });
});
