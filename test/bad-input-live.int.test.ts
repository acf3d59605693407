import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { LiveRequests, type InteractionView } from '@seafarer/contracts';
import {
  outOfRangeIntegers,
  replacedAt,
  sampleOf,
  UNSTORABLE_STRINGS,
  type Leaf,
  type ProbeSchema,
} from '@seafarer/contracts/src/schema-probe';
import { sql } from 'drizzle-orm';
import { errorOf } from '../services/live/src/handlers/context';
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

/**
 * SEC-2 on the live service's socket: generated from the contracts' request schemas (LiveRequests),
 * every string field and record key of every request is sent with NUL and with unpaired surrogates,
 * every integer field beyond its bounds and as a fraction. Each ack must be a coded VALIDATION refusal
 * (the socket stays up), and nothing is stored: the session's interactions are what they were.
 */
let t: TestApp;
let node: LiveNode;
let klass: ConfirmedClass;
let peer: RawPeer;

beforeAll(async () => {
  const clock = movableClock();
  const shared = {
    STORAGE_DIR: mkdtempSync(path.join(os.tmpdir(), 'seafarer-badlive-')),
    QUEUE_PREFIX: `test-${randomBytes(4).toString('hex')}`,
  };
  const [port] = await freePorts(1);
  node = await startLiveNode('badinput', port!, shared);
  t = await startTestApp(
    { ...shared, LIVE_PUBLIC_URL: node.url, REFRESH_TOKEN_TTL_SECONDS: String(90 * 86_400) },
    { clock },
  );
  klass = await confirmedClass(t, clock, { code: 'B', name: '坏输入测试班', rosterSeed: 820 });
  const grant = await klass.grant(klass.trainees[0]!);
  const c = await connectWithGrant(grant.liveUrl, grant);
  if (!c.ok) throw new Error(`not admitted: ${c.error.code}`);
  peer = c.peer;
  await peer.ack('room.join', { rtpCapabilities: {}, device: { camera: false, mic: false } });
}, 120_000);
afterAll(async () => {
  peer?.close();
  await node?.live.close();
  await t?.close();
}, 60_000);

const interactions = async () =>
  (
    await klass.w.as.officer.call<{ items: InteractionView[] }>(
      'GET',
      `/api/v1/classes/${klass.classId}/sessions/${klass.sessionId}/interactions`,
    )
  ).items;

describe('bad input on the live socket, generated from the request contracts', () => {
  it('[SEC-2] every string field and record key of every socket request refuses NUL and unpaired surrogates, every integer values beyond its bounds: a coded VALIDATION ack, nothing stored', async () => {
    const before = await interactions();
    const failures: string[] = [];
    let tried = 0;
    for (const [name, schema] of Object.entries(LiveRequests)) {
      const leaves: Leaf[] = [];
      const base = sampleOf(schema as unknown as ProbeSchema, leaves);
      for (const leaf of leaves) {
        const bad = leaf.kind === 'integer' ? outOfRangeIntegers(leaf.schema) : UNSTORABLE_STRINGS;
        for (const value of bad) {
          tried++;
          const ack = await peer.ack(
            name as keyof typeof LiveRequests,
            replacedAt(base, leaf, value) as never,
          );
          const where = `${name} ${leaf.pointer} ${JSON.stringify(value)}`;
          if (ack.ok) failures.push(`${where}: accepted`);
          else if (ack.error.code !== 'VALIDATION' || !ack.error.message.zh || !ack.error.message.en)
            failures.push(`${where}: ${ack.error.code}`);
          // The message names the field (the request and the path of the first bad value).
          else if (
            !ack.error.message.en.includes(`field ${name}`) ||
            !ack.error.message.zh.includes(`字段 ${name}`)
          )
            failures.push(`${where}: the message names no field: ${ack.error.message.en}`);
        }
      }
    }
    expect(failures).toEqual([]);
    expect(tried).toBeGreaterThanOrEqual(80);
    expect(peer.socket.connected).toBe(true);
    // A chat line with a real (paired) surrogate — an emoji — is storable: stored as sent.
    const ok = await peer.ack('chat.send', { text: '收到 😀' });
    expect(ok.ok).toBe(true);
    const after = await interactions();
    expect(after.length).toBe(before.length + 1);
    expect(after.map((i) => i.text)).toContain('收到 😀');
  });
});

describe('the last safety net behind the socket validators', () => {
  it('[SEC-2] a value PostgreSQL itself refuses (NUL in text and jsonb, int4 out of range) acks VALIDATION with its SQLSTATE, never INTERNAL', async () => {
    const refusals: unknown[] = [];
    for (const query of [
      sql`select ${'a\u0000b'}::text`,
      sql`select ${'{"a":"\\u0000"}'}::jsonb`,
      sql`select ${'2147483648'}::int4`,
    ])
      refusals.push(
        await t.app.core.db.execute(query).then(
          () => null,
          (e: unknown) => e,
        ),
      );
    expect(refusals.map((e) => errorOf(e))).toEqual([
      expect.objectContaining({ code: 'VALIDATION', details: [{ in: 'database', sqlState: '22021' }] }),
      expect.objectContaining({ code: 'VALIDATION', details: [{ in: 'database', sqlState: '22P05' }] }),
      expect.objectContaining({ code: 'VALIDATION', details: [{ in: 'database', sqlState: '22003' }] }),
    ]);
    // Anything else stays INTERNAL.
    expect(errorOf(new Error('a bug')).code).toBe('INTERNAL');
  });
});
