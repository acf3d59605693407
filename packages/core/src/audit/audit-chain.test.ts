import { canonicalJson, chainHash, checkChainRun, GENESIS_HASH, type ChainRow } from './audit-chain';

function makeChain(n: number): ChainRow[] {
  const rows: ChainRow[] = [];
  let prev = GENESIS_HASH;
  for (let i = 1; i <= n; i++) {
    const fields = {
      id: `00000000-0000-4000-8000-00000000000${i}`,
      at: new Date(Date.UTC(2026, 0, i)),
      actorAccountId: null,
      actorRoles: ['platform_admin'],
      action: 'test.write',
      targetType: 'thing',
      targetId: String(i),
      institutionId: null,
      jurisdictionId: null,
      requestId: null,
      data: { b: i, a: [1, { z: 1, y: 2 }] },
      prevHash: prev,
    };
    const hash = chainHash(fields);
    rows.push({ ...fields, seq: i, hash });
    prev = hash;
  }
  return rows;
}

describe('audit hash chain', () => {
  it('[QM-1] canonical JSON ignores key order', () => {
    expect(canonicalJson({ b: 1, a: { d: 2, c: 3 } })).toBe(canonicalJson({ a: { c: 3, d: 2 }, b: 1 }));
  });
  it('[QM-1] an intact chain verifies', () => {
    expect(checkChainRun(makeChain(5), GENESIS_HASH).broken).toBeNull();
  });
  it('[QM-1] an altered row and a deleted row are found at their place', () => {
    const altered = makeChain(5);
    altered[2] = { ...altered[2]!, data: { b: 99 } };
    expect(checkChainRun(altered, GENESIS_HASH).broken).toEqual({ seq: 3, reason: 'content_altered' });
    const deleted = makeChain(5);
    deleted.splice(1, 1);
    expect(checkChainRun(deleted, GENESIS_HASH).broken).toEqual({ seq: 3, reason: 'link_broken' });
  });
});
