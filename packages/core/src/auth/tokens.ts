import { createSigner, createVerifier, TokenError } from 'fast-jwt';
import { createHash, randomBytes } from 'node:crypto';
import { AppError } from '../shared/errors';
import type { Clock } from '../shared/clock';

export interface AccessClaims {
  sub: string;
  sid: string;
}

/**
 * Short-lived HS256 access tokens; the session they name is checked on every request. `key` is the
 * access-token key (`signingKeys(JWT_SECRET).accessToken`), never the master secret (SEC-3).
 */
export function createAccessTokens(key: Buffer, ttlSeconds: number, clock: Clock) {
  const signer = createSigner({
    key,
    algorithm: 'HS256',
    expiresIn: ttlSeconds * 1000,
    iss: 'seafarer-api',
    aud: 'seafarer',
  });
  const verifier = createVerifier({
    key,
    algorithms: ['HS256'],
    allowedIss: 'seafarer-api',
    allowedAud: 'seafarer',
    cache: false,
  });
  return {
    sign(claims: AccessClaims): { token: string; expiresAt: Date } {
      const nowMs = clock.now().getTime();
      const token = signer({ ...claims, iat: Math.floor(nowMs / 1000) } as unknown as Record<
        string,
        unknown
      >);
      return { token, expiresAt: new Date(Math.floor(nowMs / 1000) * 1000 + ttlSeconds * 1000) };
    },
    verify(token: string): AccessClaims {
      try {
        const payload = verifier(token) as Partial<AccessClaims>;
        if (typeof payload.sub !== 'string' || typeof payload.sid !== 'string')
          throw new AppError('TOKEN_INVALID');
        return { sub: payload.sub, sid: payload.sid };
      } catch (e) {
        if (e instanceof AppError) throw e;
        if (e instanceof TokenError && e.code === TokenError.codes.expired)
          throw new AppError('TOKEN_EXPIRED');
        throw new AppError('TOKEN_INVALID');
      }
    },
  };
}
export type AccessTokens = ReturnType<typeof createAccessTokens>;

/** Opaque refresh token; only its SHA-256 is stored. */
export const newRefreshToken = () => randomBytes(32).toString('base64url');
export const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');
