import { deriveSigningKey, signingKeys } from './signing-keys';

const master = 'a-master-secret-of-at-least-32-characters!';

describe('signing keys', () => {
  it('[SEC-3] each credential kind has its own key, none equal to the master secret', () => {
    const k = signingKeys(master);
    const all = [k.accessToken, k.joinGrant, k.replayUrl].map((b) => b.toString('hex'));
    expect(new Set(all).size).toBe(3);
    for (const key of [k.accessToken, k.joinGrant, k.replayUrl]) {
      expect(key).toHaveLength(32);
      expect(key.equals(Buffer.from(master))).toBe(false);
    }
  });

  it('[SEC-3] derivation is deterministic (every node derives the same keys) and depends on the master', () => {
    expect(deriveSigningKey(master, 'join-grant').equals(signingKeys(master).joinGrant)).toBe(true);
    expect(deriveSigningKey(`${master}x`, 'join-grant').equals(signingKeys(master).joinGrant)).toBe(false);
  });
});
