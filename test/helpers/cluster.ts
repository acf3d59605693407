import net from 'node:net';
import pino from 'pino';
import { loadConfig } from '@seafarer/config';
import type { ClassView, JoinGrantView } from '@seafarer/contracts';
import type { Client } from '@seafarer/sdk';
import { buildLiveServer, type LiveServer } from '../../services/live/src/app';
import type { TestApp } from './app';
import { china, type movableClock } from './clock';
import { rosterCsv, trainees } from './roster';
import { chinaDate, createWorld, planFor, signIn, type World } from './world';

/** TCP ports free right now, all different (a live node must know its public URL before it listens). */
export async function freePorts(n: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from(
      { length: n },
      () =>
        new Promise<net.Server>((resolve) => {
          const s = net.createServer();
          s.listen(0, '127.0.0.1', () => resolve(s));
        }),
    ),
  );
  const ports = servers.map((s) => (s.address() as net.AddressInfo).port);
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  return ports;
}

export interface LiveNode {
  id: string;
  url: string;
  live: LiveServer;
}

/** One live node of several: its own name and port, the Redis and key prefix of the others. */
export async function startLiveNode(
  id: string,
  port: number,
  settings: Record<string, string>,
): Promise<LiveNode> {
  const url = `http://127.0.0.1:${port}`;
  const config = loadConfig({
    ...process.env,
    LOG_LEVEL: 'silent',
    LIVE_WORKERS: '1',
    ...settings,
    LIVE_NODE_ID: id,
    LIVE_PORT: String(port),
    LIVE_PUBLIC_URL: url,
  });
  const live = await buildLiveServer({ config, log: pino({ level: process.env.LIVE_LOG ?? 'silent' }) });
  await live.listen(port, '127.0.0.1');
  return { id, url, live };
}

export interface ConfirmedClass {
  w: World;
  classId: string;
  sessionId: string;
  /** The roster's three trainees, signed in (their one-time passwords changed). */
  trainees: Client[];
  /** Their accounts (passwords: NEW_PASSWORD). */
  issued: Array<{ username: string; name: string }>;
  /** POST …/join-grant as `who`. */
  grant(who: Client): Promise<JoinGrantView>;
}

/**
 * A confirmed class with a full roster and the API's clock inside its first session's timetable
 * window, eight days ahead (what startClassroom sets up, without the browser, the live service and
 * the worker). Start the API with REFRESH_TOKEN_TTL_SECONDS beyond those days, or sessions expire.
 */
export async function confirmedClass(
  t: TestApp,
  clock: ReturnType<typeof movableClock>,
  opts: { code: string; name: string; rosterSeed: number } = {
    code: 'N',
    name: '多节点测试班',
    rosterSeed: 400,
  },
): Promise<ConfirmedClass> {
  const w = await createWorld(t);
  const staff = await w.as.admin.call<{ items: Array<{ accountId: string; username: string }> }>(
    'GET',
    `/api/v1/institutions/${w.institutionId}/staff`,
  );
  const managerId = staff.items.find((s) => s.username === w.usernames.manager)!.accountId;
  const first = chinaDate(8);
  const c = await w.as.manager.call<ClassView>('POST', `/api/v1/institutions/${w.institutionId}/classes`, {
    body: {
      trainingItemId: w.theoryItemId,
      code: `${opts.code}-${w.code}`,
      name: opts.name,
      plan: planFor(w.instructorId, managerId, first),
    },
  });
  await w.as.manager.raw('POST', `/api/v1/classes/${c.id}/roster/import`, {
    rawBody: rosterCsv(trainees(3, opts.rosterSeed)),
    headers: { 'content-type': 'text/csv' },
  });
  const slips = await w.as.manager.call<{
    issued: Array<{ username: string; name: string; oneTimePassword: string }>;
  }>('POST', `/api/v1/classes/${c.id}/accounts/issue`);
  const signedIn = [];
  for (const s of slips.issued) signedIn.push(await signIn(t.client, s.username, s.oneTimePassword));
  await w.as.manager.call('POST', `/api/v1/classes/${c.id}/plan/file`);
  await w.as.officer.call('POST', `/api/v1/classes/${c.id}/plan/review`, { body: { decision: 'confirm' } });
  clock.set(china(first, '08:25:00'));
  const sessionId = c.current.sessions[0]!.id;
  return {
    w,
    classId: c.id,
    sessionId,
    trainees: signedIn,
    issued: slips.issued.map((x) => ({ username: x.username, name: x.name })),
    grant: (who) =>
      who.call<JoinGrantView>('POST', `/api/v1/classes/${c.id}/sessions/${sessionId}/join-grant`),
  };
}
