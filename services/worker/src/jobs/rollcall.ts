import type { Logger } from 'pino';
import type { JobPayloads } from '@seafarer/contracts';
import { liveNodeKeys, parseLiveNode, type Core } from '@seafarer/core';

/** JS-13.2: when a China-time day starts, its sessions' random roll-calls are drawn and stored. */
export async function rollCallPlanDayJob(core: Core, p: JobPayloads['rollcall.plan-day'], log: Logger) {
  const result = await core.rollCalls.planDay(p.day);
  log.info(result, 'roll-calls planned');
  return result;
}

/** What the fire job needs of Redis: the room → node map, and publishing to the live nodes. */
export interface RollCallRedis {
  get(key: string): Promise<string | null>;
  hgetall(key: string): Promise<Record<string, string>>;
  publish(channel: string, message: string): Promise<unknown>;
}

/** The channel the live nodes listen on for scheduled roll-calls that fell due. */
export const rollCallFireChannel = (prefix: string) => `${prefix}:rollcall.fire`;

/**
 * JS-13.2: a scheduled roll-call fell due. Its session is live when a living node holds it in the
 * room → node map; then `{ rollCallId, sessionId }` goes to the live nodes (the hosting one fires it),
 * else core marks it missed. A Redis error fails the job (BullMQ retries it).
 */
export async function rollCallFireJob(
  core: Core,
  p: JobPayloads['rollcall.fire'],
  log: Logger,
  redis: { client: () => Promise<RollCallRedis>; prefix: string },
) {
  const keys = liveNodeKeys(redis.prefix);
  const r = await redis.client();
  const result = await core.rollCalls.fireScheduled(p.rollCallId, {
    async isLive(sessionId) {
      const nodeId = await r.get(keys.room(sessionId));
      return !!nodeId && parseLiveNode(nodeId, await r.hgetall(keys.node(nodeId))) !== null;
    },
  });
  if (result.fire)
    await r.publish(
      rollCallFireChannel(redis.prefix),
      JSON.stringify({ rollCallId: p.rollCallId, sessionId: result.sessionId }),
    );
  log.info(result, 'scheduled roll-call due');
  return result;
}
