import { createHash, createHmac } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { startTestApp, type TestApp } from './helpers/app';
import { jpeg, png } from './helpers/images';
import { addIdentityFixture, createWorld, type IdentityFixture, type World } from './helpers/world';

let t: TestApp;
let w: World;
let other: World;
let f: IdentityFixture;
beforeAll(async () => {
  t = await startTestApp();
  [w, other] = await Promise.all([createWorld(t), createWorld(t)]);
  f = await addIdentityFixture(t, w);
});
afterAll(() => t.close());

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const views = async () =>
  (await w.as.admin.institutions.auditEvents(w.institutionId, { action: 'evidence.viewed', limit: 500 }))
    .items;

describe('identity verification', () => {
  it("[JS-13.1] the manager sees the registered ID photo and the trainee's still side by side and decides with a note; the evidence is kept", async () => {
    const list = await w.as.manager.call<{
      items: Array<{
        id: string;
        status: string;
        idPhotoEvidenceId: string;
        stillEvidenceId: string;
        source: string;
        provider: string;
      }>;
    }>('GET', `/api/v1/classes/${f.classId}/verifications`);
    expect(list.items).toHaveLength(1);
    const v = list.items[0]!;
    expect(v).toMatchObject({
      status: 'pending',
      source: 'trainee_camera',
      provider: 'manual',
      idPhotoEvidenceId: f.idPhotoId,
      stillEvidenceId: f.stillId,
    });
    const idPhoto = await w.as.manager.raw('GET', `/api/v1/evidence/${v.idPhotoEvidenceId}`);
    const still = await w.as.manager.raw('GET', `/api/v1/evidence/${v.stillEvidenceId}`);
    expect(idPhoto.headers.get('content-type')).toBe('image/png');
    expect(still.headers.get('content-type')).toBe('image/jpeg');
    expect(idPhoto.headers.get('x-content-sha256')).toBe(sha(png('id')));
    expect(still.headers.get('x-content-sha256')).toBe(sha(jpeg('still')));

    const decided = await w.as.manager.call<{ status: string; note: string }>(
      'POST',
      `/api/v1/verifications/${v.id}/decision`,
      { body: { status: 'verified', note: '视频比对本人与证件照一致' } },
    );
    expect(decided).toMatchObject({ status: 'verified', note: '视频比对本人与证件照一致' });
    const again = await w.as.manager.raw('POST', `/api/v1/verifications/${v.id}/decision`, {
      body: { status: 'rejected', note: '改判' },
    });
    expect(again.status).toBe(409);
    const roster = await w.as.manager.call<{ items: Array<{ identityStatus: string; hasIdPhoto: boolean }> }>(
      'GET',
      `/api/v1/classes/${f.classId}/roster`,
    );
    expect(roster.items[0]).toMatchObject({ identityStatus: 'verified', hasIdPhoto: true });
    const decisions = await w.as.officer.institutions.auditEvents(w.institutionId, {
      action: 'identity.verified',
    });
    expect(decisions.items[0]).toMatchObject({
      targetId: f.entryId,
      data: { note: '视频比对本人与证件照一致' },
    });
  });

  it('[SEC-3] evidence is shown only to the class manager, the institution admin and the officer of the jurisdiction, and every view is audited', async () => {
    const before = (await views()).length;
    const allowed = [w.as.manager, w.as.admin, w.as.officer];
    for (const who of allowed)
      expect((await who.raw('GET', `/api/v1/evidence/${f.stillId}`)).status).toBe(200);
    // The trainee cannot read back even their own evidence, nor can the instructor or another jurisdiction's officer.
    expect((await f.trainee.raw('GET', `/api/v1/evidence/${f.stillId}`)).status).toBe(403);
    expect((await w.as.instructor.raw('GET', `/api/v1/evidence/${f.stillId}`)).status).toBe(403);
    expect((await other.as.officer.raw('GET', `/api/v1/evidence/${f.stillId}`)).status).toBe(404);
    expect((await other.as.admin.raw('GET', `/api/v1/evidence/${f.stillId}`)).status).toBe(404);
    const after = await views();
    expect(after.length).toBe(before + allowed.length);
    const viewers = after.slice(0, allowed.length).map((e) => e.actorAccountId);
    const expected = await Promise.all(allowed.map(async (c) => (await c.auth.me()).accountId));
    expect(viewers.sort()).toEqual(expected.sort());
  });

  it('[SEC-2] [SEC-3] a non-image upload is refused, and a trainee cannot submit a still for someone else', async () => {
    const bad = await f.trainee.raw('POST', `/api/v1/roster-entries/${f.entryId}/verifications`, {
      rawBody: '%PDF-1.4 not a photo',
      headers: { 'content-type': 'image/jpeg' },
    });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ code: 'INVALID_IMAGE' });
    const second = await addIdentityFixture(t, w, 2);
    const foreign = await f.trainee.raw('POST', `/api/v1/roster-entries/${second.entryId}/verifications`, {
      rawBody: jpeg('x') as unknown as string,
      headers: { 'content-type': 'image/jpeg' },
    });
    expect(foreign.status).toBe(404);
  });
});

describe('automated face-match hook', () => {
  it('[JS-13.1] an HTTP provider receives an HMAC-signed request with both pictures and pre-scores the verification', async () => {
    const secret = 'face-match-test-secret-0123456789';
    const received: Array<{ valid: boolean; idPhoto: string; still: string }> = [];
    const provider = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        const m = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(String(req.headers['x-seafarer-signature']));
        const valid = !!m && createHmac('sha256', secret).update(`${m[1]}.${body}`).digest('hex') === m[2];
        const data = JSON.parse(body) as { idPhoto: string; still: string };
        received.push({ valid, idPhoto: data.idPhoto, still: data.still });
        res.writeHead(valid ? 200 : 401, { 'content-type': 'application/json' });
        res.end(JSON.stringify(valid ? { score: 0.93, note: 'same person' } : { error: 'bad signature' }));
      });
    });
    await new Promise<void>((r) => provider.listen(0, '127.0.0.1', r));
    const scored = await startTestApp({
      FACE_MATCH_URL: `http://127.0.0.1:${(provider.address() as AddressInfo).port}/match`,
      FACE_MATCH_SECRET: secret,
    });
    try {
      const sw = await createWorld(scored);
      const fx = await addIdentityFixture(scored, sw);
      const list = await sw.as.manager.call<{
        items: Array<{
          id: string;
          provider: string;
          preScore: number;
          providerNote: string;
          status: string;
        }>;
      }>('GET', `/api/v1/classes/${fx.classId}/verifications`);
      expect(list.items[0]).toMatchObject({
        provider: 'http',
        preScore: 0.93,
        providerNote: 'same person',
        status: 'pending',
      });
      expect(received).toEqual([
        { valid: true, idPhoto: png('id').toString('base64'), still: jpeg('still').toString('base64') },
      ]);
    } finally {
      await scored.close();
      provider.close();
    }
  });
});
