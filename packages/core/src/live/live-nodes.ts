/**
 * The room → node map in Redis, shared by the writers (each live node's directory) and the reader
 * (the API, choosing the node a join grant points at), so the two never disagree on a key or field.
 *
 *   <prefix>:live:nodes            zset  nodeId -> time of its last heartbeat (ms)
 *   <prefix>:live:node:<nodeId>    hash  { url, rooms, peers, updatedAt }, expires unless refreshed
 *   <prefix>:live:room:<sessionId> string nodeId of the node hosting the session, expires unless refreshed
 *
 * A node is alive exactly while its node key exists.
 */
export const liveNodeKeys = (prefix: string) => ({
  nodes: `${prefix}:live:nodes`,
  nodePrefix: `${prefix}:live:node:`,
  node: (nodeId: string) => `${prefix}:live:node:${nodeId}`,
  room: (sessionId: string) => `${prefix}:live:room:${sessionId}`,
});

export interface LiveNodeInfo {
  id: string;
  url: string;
  rooms: number;
  peers: number;
  updatedAt: number;
}

/** The node hash as stored. */
export const liveNodeFields = (n: Omit<LiveNodeInfo, 'id'>): Record<string, string> => ({
  url: n.url,
  rooms: String(n.rooms),
  peers: String(n.peers),
  updatedAt: String(n.updatedAt),
});

/** A stored node hash back as a node; null when the key is gone (the node is dead). */
export function parseLiveNode(id: string, hash: Record<string, string>): LiveNodeInfo | null {
  if (!hash.url) return null;
  return {
    id,
    url: hash.url,
    rooms: Number(hash.rooms ?? 0),
    peers: Number(hash.peers ?? 0),
    updatedAt: Number(hash.updatedAt ?? 0),
  };
}

/**
 * Where a session's peers should go: the node hosting it while that node is alive, else the live
 * node with the fewest peers (then rooms, then name), else none.
 */
export function pickLiveNode(hostId: string | null, alive: LiveNodeInfo[]): LiveNodeInfo | null {
  const host = hostId ? alive.find((n) => n.id === hostId) : undefined;
  if (host) return host;
  return (
    [...alive].sort((a, b) => a.peers - b.peers || a.rooms - b.rooms || a.id.localeCompare(b.id))[0] ?? null
  );
}

/** The part of a Redis client the reader needs (core depends on no Redis client; ioredis fits). */
export interface LiveNodeStore {
  get(key: string): Promise<string | null>;
  hgetall(key: string): Promise<Record<string, string>>;
  zrange(key: string, start: number, stop: number): Promise<string[]>;
}

/**
 * The API's view of the map: the URL a join grant for `sessionId` should point at, or null when no
 * live node is registered (single-node deployments, tests: the caller falls back to LIVE_PUBLIC_URL).
 * Only nodes at one of `origins` count: the pages' CSP lets them connect nowhere else.
 */
export function createLiveNodeLocator(opts: { store: LiveNodeStore; prefix: string; origins: string[] }) {
  const keys = liveNodeKeys(opts.prefix);
  const allowed = new Set(opts.origins);
  const reachable = (url: string) => {
    try {
      return allowed.has(new URL(url).origin);
    } catch {
      return false;
    }
  };
  return async (sessionId: string): Promise<string | null> => {
    const [hostId, ids] = await Promise.all([
      opts.store.get(keys.room(sessionId)),
      opts.store.zrange(keys.nodes, 0, -1),
    ]);
    const nodes = await Promise.all(
      ids.map(async (id) => parseLiveNode(id, await opts.store.hgetall(keys.node(id)))),
    );
    const alive = nodes.filter((n): n is LiveNodeInfo => n !== null && reachable(n.url));
    return pickLiveNode(hostId, alive)?.url ?? null;
  };
}
export type LiveNodeLocator = ReturnType<typeof createLiveNodeLocator>;
