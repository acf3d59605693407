import { hkdfSync } from 'node:crypto';

/**
 * SEC-3: one master secret (JWT_SECRET), one key per kind of credential, derived once with HKDF-SHA256
 * and a distinct label each. A key that leaks or is misused for one kind (a join grant signed with the
 * access-token key, an access token replayed as a replay link) opens nothing of another kind.
 */
export const SIGNING_KEY_PURPOSES = ['access-token', 'join-grant', 'replay-url'] as const;
export type SigningKeyPurpose = (typeof SIGNING_KEY_PURPOSES)[number];

const SALT = 'seafarer-training/signing-keys/v1';

/** The 32-byte key of one purpose (deterministic: every API and live node derives the same). */
export function deriveSigningKey(masterSecret: string, purpose: SigningKeyPurpose): Buffer {
  return Buffer.from(hkdfSync('sha256', masterSecret, SALT, `seafarer/${purpose}`, 32));
}

export interface SigningKeys {
  accessToken: Buffer;
  joinGrant: Buffer;
  replayUrl: Buffer;
}

/** Every signing key of the platform from the master secret. */
export const signingKeys = (masterSecret: string): SigningKeys => ({
  accessToken: deriveSigningKey(masterSecret, 'access-token'),
  joinGrant: deriveSigningKey(masterSecret, 'join-grant'),
  replayUrl: deriveSigningKey(masterSecret, 'replay-url'),
});
