import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { liveNodeFields, liveNodeKeys } from '@seafarer/core';

export interface NodeDirectoryOptions {
  redis: Redis;
  /** Key prefix shared by every node and the API (QUEUE_PREFIX). */
  prefix: string;
  nodeId: string;
  /** Where browsers reach this node's signaling. */
  url: string;
  /** A node silent this long is dead; its rooms may be taken. Heartbeats come every third of it. */
  ttlMs: number;
  log: Logger;
  /** This node's load, written with every heartbeat (the API sends newcomers to the least loaded node). */
  load(): { rooms: number; peers: number };
  /** Another node took a room of ours while we were silent longer than the TTL. */
  onLost?(sessionId: string): void;
}

export type Claim = { here: true } | { here: false; nodeId: string; url: string };

// KEYS[1] room key · ARGV: this node, ttl ms, node key prefix. The room is ours when free, already
// ours, or held by a node whose registration expired; otherwise the living owner and its URL.
const CLAIM = `
local owner = redis.call('GET', KEYS[1])
if owner and owner ~= ARGV[1] then
  local url = redis.call('HGET', ARGV[3] .. owner, 'url')
  if url then return {0, owner, url} end
end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return {1}
`;
// KEYS[1] room key · ARGV: this node, ttl ms. Keeps a room alive; 0 when another node holds it now.
const REFRESH = `
local owner = redis.call('GET', KEYS[1])
if owner and owner ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return 1
`;
// KEYS[1] room key · ARGV[1] this node. Never deletes another node's claim.
const RELEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`;

/**
 * This live node's entry in the room → node map (keys in @seafarer/core's live-nodes.ts): a
 * registration kept alive by a heartbeat, and the rooms it hosts. Every peer of one session must land
 * on the same node, because a session's router and its recording live in one process.
 */
export class NodeDirectory {
  private readonly keys: ReturnType<typeof liveNodeKeys>;
  private readonly owned = new Set<string>();
  private timer: NodeJS.Timeout | null = null;
  private beat: Promise<void> = Promise.resolve();
  private closed = false;

  constructor(private readonly opts: NodeDirectoryOptions) {
    this.keys = liveNodeKeys(opts.prefix);
  }

  get nodeId(): string {
    return this.opts.nodeId;
  }

  /** Registers this node (once it is reachable) and keeps it and its rooms alive until close(). */
  async start(): Promise<void> {
    await this.heartbeat();
    // While Redis is away every beat fails: say so when it starts failing and when it works again.
    let failing = false;
    this.timer = setInterval(
      () => {
        this.beat = this.beat
          .then(() => this.heartbeat())
          .then(
            () => {
              if (failing) this.opts.log.info({}, 'live node heartbeat works again');
              failing = false;
            },
            (err: unknown) => {
              if (!failing) this.opts.log.warn({ err }, 'live node heartbeat failing');
              failing = true;
            },
          );
      },
      Math.max(Math.floor(this.opts.ttlMs / 3), 100),
    );
    this.timer.unref();
  }

  /** Takes the session's room for this node, unless a living node hosts it already. */
  async claim(sessionId: string): Promise<Claim> {
    const r = (await this.opts.redis.eval(
      CLAIM,
      1,
      this.keys.room(sessionId),
      this.opts.nodeId,
      this.opts.ttlMs,
      this.keys.nodePrefix,
    )) as [number, string?, string?];
    if (r[0] === 1) {
      this.owned.add(sessionId);
      return { here: true };
    }
    return { here: false, nodeId: r[1]!, url: r[2]! };
  }

  /** Gives the room up (it closed here). Never throws: a claim left behind expires with the TTL. */
  async release(sessionId: string): Promise<void> {
    this.owned.delete(sessionId);
    try {
      await this.opts.redis.eval(RELEASE, 1, this.keys.room(sessionId), this.opts.nodeId);
    } catch (err) {
      this.opts.log.warn({ err, sessionId }, 'could not release the room claim');
    }
  }

  /** Stops the heartbeat and leaves the map at once (the API stops sending people here). */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    await this.beat;
    for (const sessionId of [...this.owned]) await this.release(sessionId);
    try {
      await this.opts.redis
        .multi()
        .del(this.keys.node(this.opts.nodeId))
        .zrem(this.keys.nodes, this.opts.nodeId)
        .exec();
    } catch (err) {
      this.opts.log.warn({ err }, 'could not deregister the live node');
    }
  }

  private async heartbeat(): Promise<void> {
    if (this.closed) return;
    const { redis, nodeId, ttlMs } = this.opts;
    const now = Date.now();
    const nodeKey = this.keys.node(nodeId);
    await redis
      .multi()
      .hset(nodeKey, liveNodeFields({ url: this.opts.url, ...this.opts.load(), updatedAt: now }))
      .pexpire(nodeKey, ttlMs)
      .zadd(this.keys.nodes, now, nodeId)
      // Members long gone leave the set (generous: the nodes' clocks need not agree closely).
      .zremrangebyscore(this.keys.nodes, '-inf', now - Math.max(60 * ttlMs, 3_600_000))
      .exec();
    const sessions = [...this.owned];
    if (sessions.length === 0) return;
    const refresh = redis.pipeline();
    for (const s of sessions) refresh.eval(REFRESH, 1, this.keys.room(s), nodeId, ttlMs);
    const results = (await refresh.exec()) ?? [];
    const releasedMeanwhile: string[] = [];
    sessions.forEach((sessionId, i) => {
      const [err, kept] = results[i] ?? [null, 1];
      if (err) return;
      // Released while this refresh was under way, which may have set the key again: free it once more.
      if (!this.owned.has(sessionId)) {
        if (kept === 1) releasedMeanwhile.push(sessionId);
        return;
      }
      if (kept === 1) return;
      this.owned.delete(sessionId);
      this.opts.log.error({ sessionId }, 'another live node took this room over');
      this.opts.onLost?.(sessionId);
    });
    await Promise.all(releasedMeanwhile.map((s) => this.release(s)));
  }
}
