import type { Page } from 'playwright-core';
import { openRoom, startClassroom, waitFramesRising, waitState, type Classroom } from '../helpers/classroom';

/** A trainee on a phone: a 390×844 touch screen at twice the pixel density (an iPhone 12/13/14). */
const PHONE = {
  viewport: { width: 390, height: 844 },
  deviceScaleFactor: 2,
  isMobile: true,
  hasTouch: true,
};

/** The bits of the page's DOM these checks read (the callbacks run in the page; node's types lack the DOM). */
interface Rect {
  top: number;
  left: number;
  width: number;
  height: number;
  bottom: number;
  right: number;
}
interface El {
  textContent: string | null;
  videoWidth: number;
  paused: boolean;
  getBoundingClientRect(): Rect;
}
type PageWindow = {
  innerWidth: number;
  innerHeight: number;
  document: {
    documentElement: { scrollWidth: number };
    querySelector(selector: string): El | null;
    querySelectorAll(selector: string): Iterable<El>;
  };
};

let room: Classroom;
let instructor: Page;
let phone: Page;
let instructorId: string;

beforeAll(async () => {
  room = await startClassroom();
  instructor = await openRoom(room, room.w.usernames.instructor);
  await waitState(instructor, 'joined');
  instructorId = await instructor.evaluate(
    () => (globalThis as unknown as { __live: { self: { id: string } } }).__live.self.id,
  );
  phone = await openRoom(room, room.trainees[0]!.username, { device: PHONE });
  await waitState(phone, 'joined');
}, 120_000);
afterAll(() => room?.close(), 120_000);

describe('the trainee room on a phone', () => {
  it("[JS-8] [JS-A] fits the screen: the instructor fills the width at the top, with the trainee's own camera in a corner, and thumb-sized buttons", async () => {
    await waitFramesRising(phone, [`${instructorId}:camera`]);
    // The own-camera view plays (the trainee sees that they are on camera, JS-8).
    await phone.waitForFunction(
      () => {
        const v = (globalThis as unknown as PageWindow).document.querySelector('#main video.self');
        return !!v && v.videoWidth > 0 && !v.paused;
      },
      undefined,
      { timeout: 15_000 },
    );
    const layout = await phone.evaluate(() => {
      const w = globalThis as unknown as PageWindow;
      const document = w.document;
      const box = (sel: string): Rect => {
        const r = document.querySelector(sel)!.getBoundingClientRect();
        return {
          top: r.top,
          left: r.left,
          width: r.width,
          height: r.height,
          bottom: r.bottom,
          right: r.right,
        };
      };
      const buttons = [...document.querySelectorAll('#controls button, #chat-form button')];
      return {
        viewport: { width: w.innerWidth, height: w.innerHeight },
        scrollWidth: document.documentElement.scrollWidth,
        main: box('#main'),
        self: box('#main video.self'),
        mainVideo: box('#main video:not(.self)'),
        buttons: buttons.map((b) => ({ text: b.textContent, height: b.getBoundingClientRect().height })),
        input: box('#chat-text'),
      };
    });
    // Nothing wider than the screen: no sideways scrolling.
    expect(layout.scrollWidth).toBeLessThanOrEqual(layout.viewport.width);
    // The instructor's picture spans the width and sits in the upper half of the first screen.
    expect(layout.main.width).toBeGreaterThanOrEqual(layout.viewport.width * 0.9);
    expect(layout.main.top).toBeLessThan(layout.viewport.height / 2);
    expect(layout.mainVideo.width).toBeGreaterThanOrEqual(layout.main.width - 1);
    // The self view stays inside the main picture, smaller than it.
    expect(layout.self.left).toBeGreaterThanOrEqual(layout.main.left);
    expect(layout.self.right).toBeLessThanOrEqual(layout.main.right + 0.5);
    expect(layout.self.bottom).toBeLessThanOrEqual(layout.main.bottom + 0.5);
    expect(layout.self.width).toBeLessThan(layout.main.width / 2);
    // Mute/unmute, raise hand and send: at least 44 px tall, and all on the screen's width.
    expect(layout.buttons.map((b) => b.text)).toEqual(
      expect.arrayContaining([expect.stringContaining('举手'), expect.stringContaining('发送')]),
    );
    for (const b of layout.buttons) expect(b.height).toBeGreaterThanOrEqual(44);
    // The chat line is usable: the text box gets a good part of the width.
    expect(layout.input.right).toBeLessThanOrEqual(layout.viewport.width);
    expect(layout.input.width).toBeGreaterThanOrEqual(layout.viewport.width * 0.4);
  });

  it('[JS-7.1] the instructor sees the class against its roster: one trainee of three here, the two others named as absent', async () => {
    await instructor.locator('#attendance', { hasText: '1/3' }).waitFor({ timeout: 10_000 });
    const absent = await instructor.locator('#absent').textContent();
    expect(absent).toContain('未到（2）');
    for (const t of room.trainees.slice(1)) expect(absent).toContain(t.name);
    // A trainee sees the count, not the roster's names.
    await phone.locator('#attendance', { hasText: '1/3' }).waitFor();
    expect(await phone.locator('#absent').isVisible()).toBe(false);
  });

  it('[JS-7.1] raising a hand with a tap reaches the instructor', async () => {
    await phone.getByRole('button', { name: /举手/ }).tap();
    await instructor.waitForFunction(
      () =>
        [
          ...(
            globalThis as unknown as { __live: { peers: Map<string, { role: string; handRaised: boolean }> } }
          ).__live.peers.values(),
        ].some((p) => p.role === 'trainee' && p.handRaised),
      undefined,
      { timeout: 10_000 },
    );
  });

  it('[SEC-1] a trainee who chats too fast is told so under the chat box, and the unsent text stays', async () => {
    const input = phone.locator('#chat-text');
    const send = phone.getByRole('button', { name: /发送/ });
    // The connection's allowance (10 in 10 s), each acknowledged (the box empties), then one more.
    for (let i = 1; i <= 11; i++) {
      await input.fill(`第${i}条 message ${i}`);
      await send.tap();
      if (i <= 10)
        await phone.waitForFunction(
          () =>
            (
              globalThis as unknown as { document: { querySelector(s: string): { value: string } } }
            ).document.querySelector('#chat-text').value === '',
          undefined,
          { timeout: 10_000 },
        );
    }
    const status = phone.locator('#chat-status');
    await status.waitFor({ state: 'visible', timeout: 10_000 });
    expect(await status.textContent()).toContain('发言过于频繁，请稍后再发送');
    expect(await status.textContent()).toContain('You are sending messages too fast');
    expect(await input.inputValue()).toBe('第11条 message 11');
    // The instructor's chat shows the tenth, never the eleventh.
    await instructor.waitForFunction(
      () =>
        (globalThis as unknown as PageWindow).document
          .querySelector('#log')
          ?.textContent?.includes('message 10'),
      undefined,
      { timeout: 10_000 },
    );
    // One line per message (time, name, text).
    const lines = await instructor.locator('#log li').allTextContents();
    expect(lines.some((l) => l.endsWith('message 10'))).toBe(true);
    expect(lines.some((l) => l.endsWith('message 11'))).toBe(false);
  });

  it("[JS-8] the trainee turns the camera off and on with a tap: the own view and the instructor's list follow", async () => {
    const me = await phone.evaluate(
      () => (globalThis as unknown as { __live: { self: { id: string } } }).__live.self.id,
    );
    const row = instructor.locator(`#participants li[data-peer="${me}"]`);
    await phone.getByRole('button', { name: /关摄像头/ }).tap();
    await phone.locator('#main video.self').waitFor({ state: 'detached' });
    await row.filter({ hasText: '摄像头关 Camera off' }).waitFor({ timeout: 10_000 });
    await phone.getByRole('button', { name: /开摄像头/ }).tap();
    await phone.waitForFunction(
      () => {
        const v = (globalThis as unknown as PageWindow).document.querySelector('#main video.self');
        return !!v && v.videoWidth > 0 && !v.paused;
      },
      undefined,
      { timeout: 15_000 },
    );
    await row.filter({ hasText: '摄像头开 Camera on' }).waitFor({ timeout: 10_000 });
    await waitFramesRising(instructor, [`${me}:camera`]);
  });

  it('[JS-7.1] the trainee leaves with a tap: told so, with the way back; the instructor no longer lists them', async () => {
    const me = await phone.evaluate(
      () => (globalThis as unknown as { __live: { self: { id: string } } }).__live.self.id,
    );
    await instructor.locator(`#participants li[data-peer="${me}"]`).waitFor();
    await phone.getByRole('button', { name: /离开课堂/ }).tap();
    await waitState(phone, 'left');
    await phone.locator('#notice', { hasText: '您已离开课堂' }).waitFor();
    expect(await phone.getByRole('button', { name: /重新进入/ }).isVisible()).toBe(true);
    expect(await phone.locator('#room').isVisible()).toBe(false);
    await instructor
      .locator(`#participants li[data-peer="${me}"]`)
      .waitFor({ state: 'detached', timeout: 10_000 });
  });
});
