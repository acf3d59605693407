import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ApiError } from '@seafarer/sdk';
import type { ClassView, JoinGrantView } from '@seafarer/contracts';
import { startTestApp, type TestApp } from './helpers/app';
import { movableClock } from './helpers/clock';
import {
  confirmedClass,
  freePorts,
  startLiveNode,
  type ConfirmedClass,
  type LiveNode,
} from './helpers/cluster';
import { connectWithGrant, type RawPeer } from './helpers/live-socket';
import { addDays, planFor } from './helpers/world';

/**
 * JS-3 / JS-17 through a real live node: once the authority revokes the institution's online-training
 * qualification, it files no plan and opens no class, the API signs no join grant for its sessions,
 * and the live node refuses a grant signed before (a new admission), while those in the room stay.
 */
let t: TestApp;
let klass: ConfirmedClass;
let node: LiveNode;
const peers: RawPeer[] = [];

beforeAll(async () => {
  const clock = movableClock();
  const shared = {
    STORAGE_DIR: mkdtempSync(path.join(os.tmpdir(), 'seafarer-oversight-')),
    QUEUE_PREFIX: `test-${randomBytes(4).toString('hex')}`,
  };
  const [port] = await freePorts(1);
  node = await startLiveNode('ovs-a', port!, shared);
  t = await startTestApp(
    {
      ...shared,
      LIVE_PUBLIC_URL: node.url,
      LIVE_NODE_ORIGINS: node.url,
      REFRESH_TOKEN_TTL_SECONDS: String(90 * 86_400),
    },
    { clock },
  );
  klass = await confirmedClass(t, clock, { code: 'R', name: '撤销资格测试班', rosterSeed: 700 });
}, 120_000);
afterAll(async () => {
  for (const p of peers) p.close();
  await node?.live.close();
  await t?.close();
}, 60_000);

async function join(grant: JoinGrantView): Promise<RawPeer> {
  const c = await connectWithGrant(grant.liveUrl, grant);
  if (!c.ok) throw new Error(`not admitted: ${c.error.code}`);
  peers.push(c.peer);
  return c.peer;
}
const refusal = (p: Promise<unknown>) =>
  p.then(
    () => null,
    (e: ApiError) => ({ status: e.status, code: e.body.code }),
  );

describe('a revoked institution', () => {
  it('[JS-3] [JS-17] a revoked institution cannot file or open a class, gets no join grant, and its live room refuses new admissions', async () => {
    const { w } = klass;
    const instructor = await join(await klass.grant(w.as.instructor));
    const inRoom = await join(await klass.grant(klass.trainees[0]!));
    // A grant signed before the revocation (valid for two minutes): the live node must refuse it itself.
    const earlier = await klass.grant(klass.trainees[1]!);

    await w.as.officer.call('POST', `/api/v1/institutions/${w.institutionId}/sanctions`, {
      body: { kind: 'revoke', reason: '检查发现培训管理混乱，取消线上培训资格' },
    });

    // The live node refuses the new admission with a coded refusal, in zh and en.
    const refused = await connectWithGrant(earlier.liveUrl, earlier);
    expect(refused).toMatchObject({
      ok: false,
      error: { code: 'NOT_QUALIFIED_ONLINE', message: { zh: expect.stringContaining('线上培训资格') } },
    });
    // Those already in stay until the session ends.
    const room = node.live.signaling.rooms.get(klass.sessionId)!;
    expect(room.peers.has(w.instructorId)).toBe(true);
    expect(instructor.socket.connected && inRoom.socket.connected).toBe(true);
    expect([...room.peers.values()].filter((p) => p.role === 'trainee')).toHaveLength(1);

    // No join grant for its sessions.
    expect(await refusal(klass.grant(klass.trainees[2]!))).toEqual({
      status: 422,
      code: 'NOT_QUALIFIED_ONLINE',
    });
    expect(await refusal(klass.grant(w.as.instructor))).toEqual({
      status: 422,
      code: 'NOT_QUALIFIED_ONLINE',
    });

    // No plan filed (the world's draft class), no class opened.
    expect(await refusal(w.as.manager.call('POST', `/api/v1/classes/${w.classId}/plan/file`))).toEqual({
      status: 422,
      code: 'NOT_QUALIFIED_ONLINE',
    });
    const staff = await w.as.admin.call<{ items: Array<{ accountId: string; username: string }> }>(
      'GET',
      `/api/v1/institutions/${w.institutionId}/staff`,
    );
    const managerId = staff.items.find((s) => s.username === w.usernames.manager)!.accountId;
    expect(
      await refusal(
        w.as.manager.call<ClassView>('POST', `/api/v1/institutions/${w.institutionId}/classes`, {
          body: {
            trainingItemId: w.theoryItemId,
            code: `REV-${w.code}`,
            name: '撤销后开班',
            plan: planFor(w.instructorId, managerId, addDays(w.firstSessionDate, 20)),
          },
        }),
      ),
    ).toEqual({ status: 422, code: 'NOT_QUALIFIED_ONLINE' });

    // Restored, the room admits again.
    await w.as.officer.call('POST', `/api/v1/institutions/${w.institutionId}/sanctions`, {
      body: { kind: 'restore', reason: '整改完成，恢复资格' },
    });
    await join(await klass.grant(klass.trainees[1]!));
    expect([...room.peers.values()].filter((p) => p.role === 'trainee')).toHaveLength(2);
  });
});
