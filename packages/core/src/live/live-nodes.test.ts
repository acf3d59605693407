import { liveNodeFields, parseLiveNode, pickLiveNode, type LiveNodeInfo } from './live-nodes';

const node = (id: string, peers: number, rooms = 1): LiveNodeInfo => ({
  id,
  url: `https://${id}.example`,
  rooms,
  peers,
  updatedAt: 0,
});

describe('choosing the live node for a session', () => {
  it('[REL-1] the hosting node while it is alive, else the one with the fewest peers, else none', () => {
    const alive = [node('b', 40), node('a', 12), node('c', 12, 0)];
    expect(pickLiveNode('b', alive)?.id).toBe('b'); // busy, but it hosts the session
    expect(pickLiveNode('gone', alive)?.id).toBe('c'); // fewest peers, then fewest rooms
    expect(pickLiveNode(null, [node('y', 3, 0), node('x', 3, 0)])?.id).toBe('x'); // then by name
    expect(pickLiveNode('a', [])).toBeNull();
  });

  it('[REL-1] a node hash round-trips, and a missing one (expired node) is no node', () => {
    const n = node('n1', 7, 2);
    expect(parseLiveNode('n1', liveNodeFields(n))).toEqual(n);
    expect(parseLiveNode('n1', {})).toBeNull();
  });
});
