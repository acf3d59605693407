import { createHash, createHmac, randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Page } from 'playwright-core';
import { and, eq } from 'drizzle-orm';
import type { JoinGrantView, NotificationView, SpotCheckDetail, VerificationView } from '@seafarer/contracts';
import { createJoinGrants, drawSample } from '@seafarer/core';
import { auditEvents, classes, evidenceFiles, rosterEntries } from '@seafarer/db';
import { jpegSize } from '../../services/live/src/media/frame-grab';
import { openRoom, startClassroom, waitState, type Classroom } from '../helpers/classroom';
import { png } from '../helpers/images';
import { connectRaw, connectWithGrant, joinRaw, type RawPeer } from '../helpers/live-socket';
import type { Client } from '@seafarer/sdk';
import { createWorld, NEW_PASSWORD, signIn } from '../helpers/world';

/**
 * JS-7.2 / JS-13.1 / JS-16: random identity spot checks in a live room with real Chromium trainees
 * (fake cameras) through the real SFU: the server grabs each sampled trainee's still from the stream,
 * the HMAC-signed face-match provider (a small HTTP server here, answering a low score) gives the
 * verdict, and a mismatch is flagged to the class manager and the officer.
 */
const SECRET = 'face-match-spot-check-secret-0123456789';
const received: Array<{ valid: boolean; still: Buffer; idPhoto: Buffer }> = [];
let provider: http.Server;
let room: Classroom;
let pages: Page[] = [];
const noMedia = { rtpCapabilities: {}, device: { camera: false, mic: false } };

beforeAll(async () => {
  provider = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      const m = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(String(req.headers['x-seafarer-signature']));
      const valid = !!m && createHmac('sha256', SECRET).update(`${m[1]}.${body}`).digest('hex') === m[2];
      const data = JSON.parse(body) as { idPhoto: string; still: string };
      received.push({
        valid,
        still: Buffer.from(data.still, 'base64'),
        idPhoto: Buffer.from(data.idPhoto, 'base64'),
      });
      res.writeHead(valid ? 200 : 401, { 'content-type': 'application/json' });
      res.end(JSON.stringify(valid ? { score: 0.21, note: 'different person' } : { error: 'bad signature' }));
    });
  });
  await new Promise<void>((r) => provider.listen(0, '127.0.0.1', r));
  room = await startClassroom({
    live: {
      FACE_MATCH_URL: `http://127.0.0.1:${(provider.address() as AddressInfo).port}/match`,
      FACE_MATCH_SECRET: SECRET,
    },
  });
  const db = room.t.app.core.db;
  // Every trainee has a verified ID photo on file; the class samples two of its three.
  const entries = await db.select().from(rosterEntries).where(eq(rosterEntries.classId, room.classId));
  for (const e of entries) {
    const res = await room.w.as.manager.raw('PUT', `/api/v1/roster-entries/${e.id}/id-photo`, {
      rawBody: png(e.id),
      headers: { 'content-type': 'image/png' },
    });
    expect(res.status).toBe(200);
  }
  await db.update(classes).set({ spotCheckSampleSize: 2 }).where(eq(classes.id, room.classId));
  // Full video (not the data-saver's): a still good enough to compare faces with.
  for (const t of room.trainees) pages.push(await openRoom(room, t.username, { lite: false }));
  for (const p of pages) await waitState(p, 'joined', 60_000);
  // The trainees' cameras are published (the population of a spot check).
  await until('three cameras in the room', () => {
    const r = room.live.signaling.rooms.get(room.sessionId);
    const n = [...(r?.peers.values() ?? [])].filter((p) => p.role === 'trainee' && p.producerOf('camera'));
    return n.length === 3;
  });
}, 300_000);
afterAll(async () => {
  for (const p of pages) await p.context().close();
  pages = [];
  await room?.close();
  provider?.close();
}, 180_000);

async function until<T>(what: string, fn: () => T | Promise<T>, ms = 60_000): Promise<NonNullable<T>> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v as NonNullable<T>;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

async function staffIn(who: Client): Promise<RawPeer> {
  const peer = await joinRaw(who, room.classId, room.sessionId);
  const join = await peer.ack('room.join', noMedia);
  expect(join.ok).toBe(true);
  return peer;
}

describe('identity spot checks', () => {
  it('[JS-7.2] a spot check samples N trainees with a recorded seed (same seed → same sample), grabs a still of each from the live stream, and flags a mismatch to the manager and officer', async () => {
    const manager = await staffIn(room.w.as.manager);
    const ack = await manager.ack('spotcheck.start', {});
    if (!ack.ok) throw new Error(JSON.stringify(ack.error));
    expect(ack.data.sampled).toHaveLength(2);
    const trainees = new Set(room.trainees.map((t) => t.name));
    for (const s of ack.data.sampled) expect(trainees.has(s.name)).toBe(true);
    const done = await until('spotcheck.done', () =>
      manager.received('spotcheck.done').find((d) => d.spotCheckId === ack.data.spotCheckId),
    );
    expect(done.items.map((i) => [i.verdict, i.flagged])).toEqual([
      ['mismatch', true],
      ['mismatch', true],
    ]);
    expect(done.items[0]!.verdictLabel).toEqual({ zh: '人证不符', en: 'Does not match the ID photo' });

    // The record and its proof: the same seed and population give the same sample, in the same order.
    const detail = await room.w.as.manager.call<SpotCheckDetail>(
      'GET',
      `/api/v1/classes/${room.classId}/spot-checks/${ack.data.spotCheckId}`,
    );
    expect(detail).toMatchObject({ origin: 'class_manager', sampleSize: 2, population: 3, flagged: 2 });
    expect(detail.populationIds).toEqual([...detail.populationIds].sort());
    expect(detail.items.map((i) => i.accountId)).toEqual(drawSample(detail.seed, detail.populationIds, 2));
    expect(detail.items.map((i) => i.accountId)).toEqual(ack.data.sampled.map((s) => s.accountId));
    expect(detail.createdAtText).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);

    // Each still is the server's grab of that trainee's stream: a JPEG of the video's size, stored by
    // its SHA-256, and the very picture the provider was sent (signed) with the trainee's ID photo.
    expect(received).toHaveLength(2);
    expect(received.every((r) => r.valid)).toBe(true);
    for (const item of detail.items) {
      expect(item).toMatchObject({ verdict: 'mismatch', score: 0.21, note: 'different person' });
      expect(item.flaggedAtText).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
      const res = await fetch(`${room.t.baseUrl}/api/v1/evidence/${item.stillEvidenceId}`, {
        headers: { authorization: `Bearer ${room.w.as.manager.token}` },
      });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('image/jpeg');
      const bytes = Buffer.from(await res.arrayBuffer());
      const size = jpegSize(bytes);
      expect(size?.width).toBeGreaterThanOrEqual(320);
      const [file] = await room.t.app.core.db
        .select()
        .from(evidenceFiles)
        .where(eq(evidenceFiles.id, item.stillEvidenceId!));
      expect(file).toMatchObject({ kind: 'spot_check_still', classId: room.classId });
      expect(createHash('sha256').update(bytes).digest('hex')).toBe(file!.sha256);
      expect(received.some((r) => r.still.equals(bytes))).toBe(true);
    }

    // The manager's existing review shows them (source spot_check, pre-scored, pending a decision).
    const verifications = await room.w.as.manager.call<{ items: VerificationView[] }>(
      'GET',
      `/api/v1/classes/${room.classId}/verifications`,
    );
    const fromCheck = verifications.items.filter((v) => v.source === 'spot_check');
    expect(fromCheck.map((v) => v.id).sort()).toEqual(detail.items.map((i) => i.verificationId).sort());
    expect(fromCheck.every((v) => v.status === 'pending' && v.preScore === 0.21)).toBe(true);

    // Flagged to the class manager and to the officer of the jurisdiction.
    for (const who of [room.w.as.manager, room.w.as.officer]) {
      const notes = await until('the flag notifications', async () => {
        const n = await who.call<{ items: NotificationView[] }>('GET', '/api/v1/notifications');
        const flagged = n.items.filter((x) => x.kind === 'spotcheck.flagged');
        return flagged.length === 2 ? flagged : null;
      });
      expect(notes[0]!.title.zh).toContain('人证不符');
    }
    const audits = await room.t.app.core.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.action, 'spotcheck.started'), eq(auditEvents.targetId, room.sessionId)));
    expect(audits.map((a) => (a.data as { spotCheckId: string }).spotCheckId)).toContain(
      ack.data.spotCheckId,
    );
    manager.close();
  }, 120_000);

  it('[JS-16] an officer starts a spot check in a class of their jurisdiction and is refused in another', async () => {
    const officer = await staffIn(room.w.as.officer);
    const ack = await officer.ack('spotcheck.start', {});
    if (!ack.ok) throw new Error(JSON.stringify(ack.error));
    const detail = await room.w.as.officer.call<SpotCheckDetail>(
      'GET',
      `/api/v1/classes/${room.classId}/spot-checks/${ack.data.spotCheckId}`,
    );
    expect(detail.origin).toBe('officer');
    expect(detail.originLabel.zh).toBe('海事机构发起');
    const list = await room.w.as.officer.call<{ items: Array<{ id: string }> }>(
      'GET',
      `/api/v1/classes/${room.classId}/sessions/${room.sessionId}/spot-checks`,
    );
    expect(list.items.map((i) => i.id)).toContain(ack.data.spotCheckId);
    officer.close();

    // An officer of another jurisdiction: no grant for this session, no spot checks to read.
    const other = await createWorld(room.t);
    const grant = await other.as.officer.raw(
      'POST',
      `/api/v1/classes/${room.classId}/sessions/${room.sessionId}/join-grant`,
    );
    expect([403, 404]).toContain(grant.status);
    const read = await other.as.officer.raw(
      'GET',
      `/api/v1/classes/${room.classId}/spot-checks/${ack.data.spotCheckId}`,
    );
    expect([403, 404]).toContain(read.status);
    // A grant forged for this session (signed with another key) is refused at the door.
    const me = await other.as.officer.auth.me();
    const forged = createJoinGrants(randomBytes(32), { now: () => new Date() }).sign({
      sub: me.accountId,
      name: 'forged',
      cls: room.classId,
      ses: room.sessionId,
      role: 'observer',
      hidden: true,
      end: Date.now() + 3600_000,
      cap: 10,
      inst: room.w.institutionId,
    });
    const liveUrl = room.t.config.LIVE_PUBLIC_URL;
    const attempt = await connectWithGrant(liveUrl, {
      grant: forged.grant,
      expiresAt: forged.expiresAt.toISOString(),
      liveRole: 'observer',
      hidden: true,
      classId: room.classId,
      sessionId: room.sessionId,
      liveUrl,
    } as JoinGrantView);
    expect(attempt.ok).toBe(false);
    if (!attempt.ok) expect(attempt.error.code).toBe('TOKEN_INVALID');

    // A trainee may neither start one nor read them.
    const trainee = await signIn(room.t.client, room.trainees[0]!.username, NEW_PASSWORD);
    const listed = await trainee.raw(
      'GET',
      `/api/v1/classes/${room.classId}/sessions/${room.sessionId}/spot-checks`,
    );
    expect(listed.status).toBe(403);
    const c = await connectRaw(trainee, room.classId, room.sessionId);
    if (!c.ok) throw new Error(c.error.code);
    await c.peer.ack('room.join', noMedia);
    const refused = await c.peer.ack('spotcheck.start', {});
    expect(refused.ok).toBe(false);
    if (!refused.ok) expect(refused.error.code).toBe('FORBIDDEN');
    expect(c.peer.events.some((e) => e.event.startsWith('spotcheck'))).toBe(false);
    c.peer.close();
  }, 120_000);
});
