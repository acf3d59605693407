import { summarizePresence } from './presence';

const at = (s: number) => new Date(Date.UTC(2026, 0, 1, 8, 0, s));

describe('presence from the live log', () => {
  it('[JS-8] counts only time connected with camera and microphone both published', () => {
    const s = summarizePresence(
      [
        { event: 'join', at: at(0) },
        { event: 'mic.on', at: at(1) },
        { event: 'camera.on', at: at(5) },
        { event: 'camera.off', at: at(20) },
        { event: 'camera.on', at: at(30) },
      ],
      at(40),
    );
    expect(s.presentMs).toBe(25_000);
    expect(s.present).toBe(true);
    expect(s.intervals).toHaveLength(2);
  });
  it('[JS-8] a trainee without a camera is never present; a network drop ends presence', () => {
    expect(
      summarizePresence(
        [
          { event: 'join', at: at(0) },
          { event: 'mic.on', at: at(1) },
        ],
        at(60),
      ),
    ).toMatchObject({ present: false, presentMs: 0 });
    const dropped = summarizePresence(
      [
        { event: 'join', at: at(0) },
        { event: 'mic.on', at: at(0) },
        { event: 'camera.on', at: at(0) },
        { event: 'network.drop', at: at(10) },
      ],
      at(60),
    );
    expect(dropped).toMatchObject({ present: false, presentMs: 10_000 });
  });
});
