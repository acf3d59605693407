import type { Page } from 'playwright-core';
import { unaccountedSeconds } from '../helpers/manifest';
import {
  waitRecording,
  openRoom,
  peerNames,
  startClassroom,
  streamStats,
  waitAudioRising,
  waitFramesRising,
  waitMainPicture,
  waitState,
  type Classroom,
} from '../helpers/classroom';

/**
 * One instructor, three trainees and one officer in a live session, in real Chromium with fake
 * camera and microphone, through the real mediasoup worker.
 */
/** The instructor's laptop: 1366×768. */
const DESKTOP = {
  viewport: { width: 1366, height: 768 },
  deviceScaleFactor: 1,
  isMobile: false,
  hasTouch: false,
};
let room: Classroom;
let instructor: Page;
let trainees: Page[];
let officer: Page;
let manager: Page;
let ids: { instructor: string; trainees: string[] };

beforeAll(async () => {
  room = await startClassroom();
  instructor = await openRoom(room, room.w.usernames.instructor, { device: DESKTOP });
  await waitState(instructor, 'joined');
  trainees = [];
  for (const t of room.trainees) trainees.push(await openRoom(room, t.username));
  for (const p of trainees) await waitState(p, 'joined');
  officer = await openRoom(room, room.w.usernames.officer);
  await waitState(officer, 'joined');
  manager = await openRoom(room, room.w.usernames.manager);
  await waitState(manager, 'joined');
  const me = async (p: Page) =>
    p.evaluate(() => (globalThis as unknown as { __live: { self: { id: string } } }).__live.self.id);
  ids = { instructor: await me(instructor), trainees: await Promise.all(trainees.map(me)) };
}, 300_000); // five Chromium joins on a loaded 2-core machine
afterAll(() => room?.close(), 180_000);

describe('live classroom', () => {
  it("[JS-8] [JS-7.1] trainees decode the instructor's video, and frames keep rising", async () => {
    for (const p of trainees) {
      const first = await waitFramesRising(p, [`${ids.instructor}:camera`]);
      await waitFramesRising(p, [`${ids.instructor}:camera`], first);
    }
  });

  it("[JS-8] the instructor receives every trainee's video", async () => {
    await waitFramesRising(
      instructor,
      ids.trainees.map((id) => `${id}:camera`),
    );
  });

  it('[JS-16] the officer receives the streams, publishes nothing, and is absent from the trainees\' participant list; the instructor sees "observer present"', async () => {
    await waitFramesRising(officer, [
      `${ids.instructor}:camera`,
      ...ids.trainees.map((id) => `${id}:camera`),
    ]);
    const published = await officer.evaluate(
      () => (globalThis as unknown as { __live: { producers: Map<string, unknown> } }).__live.producers.size,
    );
    expect(published).toBe(0);
    // Not only the client holding back: the server refuses what a modified client would send.
    const refused = await officer.evaluate(async () => {
      const live = (globalThis as unknown as { __live: { request(n: string, d: unknown): Promise<unknown> } })
        .__live;
      const codeOf = (p: Promise<unknown>) =>
        p.then(
          () => 'ok',
          (e: { data: { code: string } }) => e.data.code,
        );
      return {
        send: await codeOf(live.request('transport.create', { direction: 'send' })),
        produce: await codeOf(
          live.request('produce', {
            transportId: 'x',
            kind: 'video',
            rtpParameters: { codecs: [], encodings: [] },
            source: 'camera',
          }),
        ),
      };
    });
    expect(refused).toEqual({ send: 'FORBIDDEN', produce: 'FORBIDDEN' });
    const me = await officer.evaluate(
      () => (globalThis as unknown as { __live: { self: { id: string } } }).__live.self.id,
    );
    const onServer = room.live.signaling.rooms.get(room.sessionId)!.peers.get(me)!;
    expect(onServer.producers.size).toBe(0);
    expect(
      [...onServer.transports.values()].map((t) => (t.appData as { direction: string }).direction),
    ).toEqual(['recv']);
    for (const p of trainees) expect((await peerNames(p)).some((n) => n.startsWith('observer:'))).toBe(false);
    expect(
      await instructor.evaluate(
        () => (globalThis as unknown as { __live: { observers: number } }).__live.observers,
      ),
    ).toBe(1);
    const sitIns = await room.w.as.admin.institutions.auditEvents(room.w.institutionId, {
      action: 'live.observer_grant',
    });
    expect(sitIns.items.some((e) => e.targetId === room.sessionId)).toBe(true);
  });

  it("[JS-8] simulcast: the instructor's trainee grid pulls the lowest layer, chosen from what the client reports", async () => {
    const sfuRoom = room.live.signaling.rooms.get(room.sessionId)!;
    const end = Date.now() + 15_000;
    let layers: Array<number | undefined> = [];
    while (Date.now() < end) {
      const teacher = sfuRoom.peers.get(ids.instructor)!;
      layers = [...teacher.consumers.values()]
        .filter(
          (c) =>
            c.kind === 'video' && ids.trainees.includes(sfuRoom.findProducer(c.producerId)?.owner.id ?? ''),
        )
        .map((c) => (c.type === 'simulcast' ? c.preferredLayers?.spatialLayer : -1));
      if (layers.length === ids.trainees.length && layers.every((l) => l === 0)) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    expect(layers).toEqual(ids.trainees.map(() => 0));
  });

  it('[TM-2] trainees enter muted and cannot unmute until the instructor allows it', async () => {
    const result = await trainees[0]!.evaluate(async () => {
      const live = (
        globalThis as unknown as {
          __live: {
            producers: Map<string, { id: string; paused: boolean }>;
            request(n: string, d: unknown): Promise<unknown>;
          };
        }
      ).__live;
      const mic = live.producers.get('mic')!;
      try {
        await live.request('producer.resume', { producerId: mic.id });
        return 'resumed';
      } catch (e) {
        return (e as { data: { code: string } }).data.code;
      }
    });
    expect(result).toBe('FORBIDDEN');
  });

  it('[JS-6] [JS-11.3] a trainee who is not on the roster gets no grant and never reaches the room', async () => {
    const outsider = await openRoom(room, room.w.usernames.trainee);
    await waitState(outsider, 'refused');
    // A page that says why, with the way home; nothing of the room (no pictures, chat or hand).
    const notice = outsider.locator('#notice');
    await notice.waitFor({ state: 'visible' });
    expect(await notice.textContent()).toContain('无法进入课堂');
    expect(await outsider.locator('#notice-reason').textContent()).toContain(
      '您不在本班名册上，或本次课不存在',
    );
    expect(await outsider.locator('#notice-home').getAttribute('href')).toBe('./index.html');
    expect(await outsider.locator('#room').isVisible()).toBe(false);
    expect(await outsider.locator('#chat-form').isVisible()).toBe(false);
    expect(await outsider.locator('video').count()).toBe(0);
    // The class is outside this trainee's scope altogether (SEC-1), so the API answers as if it did not exist.
    expect(
      await outsider.evaluate(
        () => (globalThis as unknown as { __live: { lastError: { code: string } } }).__live.lastError.code,
      ),
    ).toBe('NOT_FOUND');
    expect(room.live.signaling.rooms.get(room.sessionId)!.peers.size).toBe(6);
    await outsider.context().close();
  });

  it('[JS-8] a trainee without a camera is not present; the others are', async () => {
    // Trainee 3 reconnects from a laptop without a camera (TM-3: the new connection replaces the old).
    const old = trainees[2]!;
    const camless = await openRoom(room, room.trainees[2]!.username, { noCamera: true });
    await waitState(camless, 'joined');
    await waitState(old, 'removed');
    await new Promise((r) => setTimeout(r, 500));
    const presence = await room.w.as.manager.call<{ items: Array<{ accountId: string; present: boolean }> }>(
      'GET',
      `/api/v1/classes/${room.classId}/sessions/${room.sessionId}/presence`,
    );
    const byId = new Map(presence.items.map((p) => [p.accountId, p.present]));
    expect(byId.get(ids.trainees[0]!)).toBe(true);
    expect(byId.get(ids.trainees[1]!)).toBe(true);
    expect(byId.get(ids.trainees[2]!)).toBe(false);
    trainees[2] = camless;
  });

  it('[TM-3] a second login of one trainee ends the first connection', async () => {
    const first = trainees[0]!;
    const second = await openRoom(room, room.trainees[0]!.username);
    await waitState(second, 'joined');
    await waitState(first, 'removed');
    await waitFramesRising(second, [`${ids.instructor}:camera`]);
    trainees[0] = second;
  });

  it('[VC-1] the instructor puts a trainee on the main picture for everyone, and takes it back', async () => {
    const star = ids.trainees[1]!;
    // Through the instructor's page: the trainee's tile has the button.
    await instructor.locator(`[data-peer="${star}"] button`, { hasText: '设为主画面' }).click();
    // Every viewer's MAIN picture element decodes the trainee's camera (not a black box).
    const viewers = { instructor, trainee: trainees[0]!, manager, officer };
    for (const [who, page] of Object.entries(viewers)) {
      const m = await waitMainPicture(page, `${star}:camera`).catch((e: Error) => {
        throw new Error(`${who}: ${e.message}`);
      });
      expect(m.videoWidth).toBeGreaterThan(0);
    }
    // The star sees themselves on the main picture (their own camera).
    await waitMainPicture(trainees[1]!, 'local:camera');
    await instructor.getByRole('button', { name: /主画面：摄像头/ }).click();
    await waitMainPicture(instructor, 'local:camera');
    for (const [who, page] of Object.entries({ trainee: trainees[0]!, manager, officer }))
      await waitMainPicture(page, `${ids.instructor}:camera`).catch((e: Error) => {
        throw new Error(`${who}: ${e.message}`);
      });
    // The trainee's camera is no longer sent to other trainees.
    await trainees[0]!.waitForFunction(
      (id) =>
        ![
          ...(
            globalThis as unknown as { __live: { remote: Map<string, { peerId: string; source: string }> } }
          ).__live.remote.values(),
        ].some((r) => r.peerId === id && r.source === 'camera'),
      star,
    );
  });

  it('[VC-1] a screen share becomes the main picture by itself, says 正在共享屏幕 with a stop button, and gives the picture back', async () => {
    await instructor.getByRole('button', { name: /共享屏幕 Share screen/ }).click();
    const bar = instructor.locator('#sharing');
    await bar.waitFor();
    expect(await bar.textContent()).toContain('正在共享屏幕');
    for (const page of [trainees[0]!, officer]) await waitMainPicture(page, `${ids.instructor}:screen`);
    await waitMainPicture(instructor, 'local:screen');
    await bar.getByRole('button', { name: /停止共享/ }).click();
    await bar.waitFor({ state: 'detached' });
    for (const page of [trainees[0]!, officer]) await waitMainPicture(page, `${ids.instructor}:camera`);
  });

  it('[TM-2] the instructor lets a trainee speak: the trainee unmutes and the instructor hears them; a mute silences them again', async () => {
    const speakerId = ids.trainees[1]!;
    const speaker = trainees[1]!;
    const key = `${speakerId}:mic`;
    const micButton = speaker.locator('#mic-button');
    const hint = speaker.locator('#mic-hint');
    // Before permission: the button says what it will do, is off, and says why.
    expect(await micButton.textContent()).toBe('发言 Unmute');
    expect(await micButton.isDisabled()).toBe(true);
    expect(await hint.textContent()).toContain('等待教员允许发言');
    // Nothing of the paused microphone reaches the instructor.
    const before = (await streamStats(instructor))[key];
    await new Promise((r) => setTimeout(r, 1500));
    expect((await streamStats(instructor))[key]?.packetsReceived ?? 0).toBe(before?.packetsReceived ?? 0);

    await instructor.locator(`[data-peer="${speakerId}"] button`, { hasText: '允许发言' }).click();
    await speaker.waitForFunction(
      () =>
        !(
          globalThis as unknown as { document: { querySelector(s: string): { disabled: boolean } } }
        ).document.querySelector('#mic-button').disabled,
    );
    expect(await micButton.textContent()).toBe('发言 Unmute');
    expect(await hint.textContent()).toContain('教员已允许发言');
    await micButton.click();
    await speaker.locator('#mic-button', { hasText: '静音 Mute' }).waitFor();
    expect(await hint.textContent()).toContain('正在发言');
    // The instructor's page receives the trainee's voice: packets, bytes and sound energy rising.
    const heard = await waitAudioRising(instructor, key, before);
    await waitAudioRising(instructor, key, heard);
    // The instructor's list shows them speaking.
    await instructor
      .locator(`#participants li[data-peer="${speakerId}"]`, { hasText: /发言中|正在说话/ })
      .waitFor({ timeout: 10_000 });
    // Who is talking: the received voice's level (the fake microphone beeps now and then).
    await instructor
      .locator(`#participants li[data-peer="${speakerId}"]`, { hasText: '正在说话 Talking' })
      .waitFor({ timeout: 15_000 });

    await instructor.evaluate(
      (id) =>
        (
          globalThis as unknown as { __live: { request(n: string, d: unknown): Promise<unknown> } }
        ).__live.request('peer.mute', { peerId: id }),
      speakerId,
    );
    await speaker.locator('#mic-button', { hasText: '发言 Unmute' }).waitFor();
    expect(await micButton.isDisabled()).toBe(true);
    await new Promise((r) => setTimeout(r, 500));
    const muted = (await streamStats(instructor))[key]!;
    await new Promise((r) => setTimeout(r, 1500));
    expect((await streamStats(instructor))[key]!.packetsReceived - muted.packetsReceived).toBeLessThan(5);
    const audit = await room.w.as.officer.institutions.auditEvents(room.w.institutionId, {
      action: 'live.peer_muted',
    });
    expect(audit.items.some((e) => (e.data as { peerId: string }).peerId === speakerId)).toBe(true);
  });

  it("[JS-7.1] the class manager assists: listed for everyone, entered muted with the camera off, with the host's controls but not the end", async () => {
    await instructor.locator('#participants li', { hasText: '班主任' }).waitFor();
    await trainees[0]!.locator('#participants li', { hasText: '班主任' }).waitFor();
    expect(await manager.locator('#mic-button').textContent()).toBe('发言 Unmute');
    expect(await manager.locator('#mic-button').isDisabled()).toBe(false);
    expect(await manager.getByRole('button', { name: /开摄像头/ }).count()).toBe(1);
    expect(await manager.getByRole('button', { name: /结束课程/ }).count()).toBe(0);
    expect(
      await manager.locator('#grid [data-peer] button', { hasText: '允许发言' }).count(),
    ).toBeGreaterThan(0);
    expect(await manager.locator('#participants li.me').textContent()).toContain('（我）');
  });

  it("[JS-7.1] a raised hand shows on the instructor's list at 1366×768 without scrolling, and is lowered by the instructor; questions queue with 已回答", async () => {
    const asker = trainees[0]!;
    const askerId = await asker.evaluate(
      () => (globalThis as unknown as { __live: { self: { id: string } } }).__live.self.id,
    );
    await asker.locator('#hand-button').click();
    await asker.locator('#hand-button', { hasText: '放下 Lower hand' }).waitFor();
    expect(await asker.locator('.hand-state').textContent()).toContain('已举手');
    const row = instructor.locator(`#participants li[data-peer="${askerId}"]`, { hasText: '举手' });
    await row.waitFor();
    const box = (await row.boundingBox())!;
    expect(box.y + box.height).toBeLessThanOrEqual(768);
    await row.getByRole('button', { name: /放下/ }).click();
    await asker.locator('#hand-button', { hasText: '举手 Raise hand' }).waitFor();
    expect(await asker.locator('.hand-state').count()).toBe(0);
    // The instructor is not offered a question box; the trainee is.
    expect(await instructor.locator('#chat-kind').isVisible()).toBe(false);
    expect(await asker.locator('#chat-kind').isVisible()).toBe(true);
    await asker.locator('#chat-kind').selectOption('question');
    await asker.locator('#chat-text').fill('灭火器压力表指针在哪个区域算正常？');
    await asker.getByRole('button', { name: /发送/ }).click();
    const q = instructor.locator('#questions li', { hasText: '灭火器压力表' });
    await q.waitFor();
    expect(await q.textContent()).toContain('待回答');
    await q.getByRole('button', { name: /标记已回答/ }).click();
    await asker.locator('#questions li', { hasText: '已回答 Answered' }).waitFor();
  });

  it('[JS-7.1] chat, questions with their answered state, and raised hands are persisted', async () => {
    type W = { __live: { request<T>(n: string, d: unknown): Promise<T> } };
    await trainees[0]!.evaluate(() =>
      (globalThis as unknown as W).__live.request('chat.send', { text: '老师好，声音清楚' }),
    );
    const { id } = await trainees[0]!.evaluate(() =>
      (globalThis as unknown as W).__live.request<{ id: string }>('question.ask', {
        text: '救生衣穿着顺序是什么？',
      }),
    );
    await trainees[0]!.evaluate(() =>
      (globalThis as unknown as W).__live.request('hand.raise', { raised: true }),
    );
    await instructor.evaluate(
      (q) => (globalThis as unknown as W).__live.request('question.answer', { questionId: q }),
      id,
    );
    const { items } = await room.w.as.manager.call<{
      items: Array<{ kind: string; text: string | null; answeredAt: string | null }>;
    }>('GET', `/api/v1/classes/${room.classId}/sessions/${room.sessionId}/interactions`);
    expect(items.find((i) => i.kind === 'chat')?.text).toBe('老师好，声音清楚');
    expect(items.find((i) => i.kind === 'question' && i.text === '救生衣穿着顺序是什么？')).toMatchObject({
      text: '救生衣穿着顺序是什么？',
      answeredAt: expect.any(String),
    });
    expect(items.some((i) => i.kind === 'hand')).toBe(true);
    // Observers read, but do not speak in the room.
    const officerChat = await officer.evaluate(() =>
      (globalThis as unknown as W).__live.request('chat.send', { text: 'x' }).then(
        () => 'sent',
        (e: { data: { code: string } }) => e.data.code,
      ),
    );
    expect(officerChat).toBe('FORBIDDEN');
    // A late joiner sees the chat so far, with China-time stamps (HH:mm).
    const late = await openRoom(room, room.w.usernames.officer);
    await waitState(late, 'joined');
    await waitState(officer, 'removed');
    officer = late;
    const line = officer.locator('#log li', { hasText: '老师好，声音清楚' });
    await line.waitFor();
    expect(await line.locator('time').textContent()).toMatch(/^\d{2}:\d{2}$/);
  });

  it("[VC-3] ending the session for all closes everyone's connection and is recorded", async () => {
    await instructor.evaluate(() =>
      (
        globalThis as unknown as { __live: { request(n: string, d: unknown): Promise<unknown> } }
      ).__live.request('session.end', {}),
    );
    for (const p of [instructor, ...trainees, officer, manager]) {
      await waitState(p, 'ended');
      // The ended state with a way home; no control, picture or list stays.
      await p.locator('#notice', { hasText: '本次课已结束' }).waitFor();
      expect(await p.locator('#notice-home').isVisible()).toBe(true);
      expect(await p.locator('#room').isVisible()).toBe(false);
      expect(await p.locator('#controls button').count()).toBe(0);
      expect(await p.locator('#participants li').count()).toBe(0);
    }
    const ended = await room.w.as.officer.institutions.auditEvents(room.w.institutionId, {
      action: 'live.session_ended',
    });
    expect(ended.items.some((e) => e.targetId === room.sessionId)).toBe(true);
    // Nobody can come back into an ended session.
    const late = await openRoom(room, room.trainees[1]!.username);
    await waitState(late, 'refused');
  });
});

describe('recording and replay', () => {
  it('[JS-8] [VC-2] the whole session was recorded without pause: hashed segments, and one replay file of the expected duration (ffprobe)', async () => {
    const rec = await waitRecording(room, 150_000);
    expect(rec.status).toBe('ready');
    const m = rec.manifest as {
      startedAt: string;
      endedAt: string;
      segments: Array<{ sha256: string | null; startedAt: string; endedAt: string }>;
      gaps: Array<{ from: string; to: string | null; reason: string }>;
    };
    expect(m.segments.length).toBeGreaterThanOrEqual(1);
    for (const s of m.segments) expect(s.sha256).toMatch(/^[0-9a-f]{64}$/);
    const recordedS = (Date.parse(m.endedAt) - Date.parse(m.startedAt)) / 1000;
    expect(recordedS).toBeGreaterThan(5);
    const { probeDuration, sha256File } = await import('@seafarer/media');
    const file = `${room.t.config.STORAGE_DIR}/${rec.replayKey}`;
    const duration = await probeDuration(file);
    // The replay is the segments joined, whole: as long as they are. Their sum covers the session (no
    // time lost); at each handover the next segment starts a little before the last ends (a known
    // overlap of 0.1–1 s that the replay keeps), so the sum may exceed the session by that much.
    const segmentsS = m.segments.reduce(
      (sum, s) => sum + (Date.parse(s.endedAt) - Date.parse(s.startedAt)) / 1000,
      0,
    );
    expect(Math.abs(duration - segmentsS)).toBeLessThan(1 + 0.5 * m.segments.length);
    // JS-8: every moment of the session is in a segment or a gap (the recorder's start, before the
    // first segment listens, is a recorder_starting gap), whatever the handovers did under load.
    expect(unaccountedSeconds(m)).toBe(0);
    expect(segmentsS - recordedS).toBeLessThan(1.5 * m.segments.length);
    expect(rec.replayDurationS).toBeCloseTo(duration, 1);
    expect(await sha256File(file)).toBe(rec.replaySha256);
  }, 180_000);

  it('[TM-4] [JS-7.1] a trainee cannot fetch the replay without a valid signed URL, may watch with one (range requests), but not download', async () => {
    const forged = await fetch(`${room.t.baseUrl}/replay/${room.sessionId}.x.9999999999.1.forged`);
    expect(forged.status).toBe(401);
    expect(await forged.json()).toMatchObject({ code: 'TOKEN_INVALID' });
    const trainee = await room.t.client.auth.login({
      username: room.trainees[1]!.username,
      password: 'Lighthouse-Keeper-2027',
    });
    const api = room.t.client.withToken(trainee.accessToken);
    // The URL plays only with the binding cookie its issue set (test/live/replay-access.int.test.ts).
    const issue = async (who: typeof api) => {
      const res = await who.raw(
        'POST',
        `/api/v1/classes/${room.classId}/sessions/${room.sessionId}/replay-url`,
      );
      return {
        url: (res.body as { url: string }).url,
        cookie: res.headers.get('set-cookie')!.split(';')[0]!,
      };
    };
    const { url, cookie } = await issue(api);
    const part = await fetch(`${room.t.baseUrl}${url}`, { headers: { range: 'bytes=0-1023', cookie } });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toMatch(/^bytes 0-1023\/\d+$/);
    expect((await part.arrayBuffer()).byteLength).toBe(1024);
    expect((await fetch(`${room.t.baseUrl}${url}?download=1`, { headers: { cookie } })).status).toBe(403);
    const tampered = url.replace(/\.0\.([^.]+)$/, '.1.$1');
    expect((await fetch(`${room.t.baseUrl}${tampered}?download=1`, { headers: { cookie } })).status).toBe(
      401,
    );
    const manager = await issue(room.w.as.manager);
    const download = await fetch(`${room.t.baseUrl}${manager.url}?download=1`, {
      headers: { cookie: manager.cookie },
    });
    expect(download.status).toBe(200);
    expect(download.headers.get('content-disposition')).toContain('attachment');
    const issued = await room.w.as.officer.institutions.auditEvents(room.w.institutionId, {
      action: 'recording.replay_url_issued',
    });
    expect(issued.items.length).toBeGreaterThanOrEqual(2);
  });
});
