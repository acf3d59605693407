import { createSigner, createVerifier } from 'fast-jwt';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { JoinGrantClaims as JoinGrantClaimsSchema, type JoinGrantClaims } from '@seafarer/contracts';
import type { Clock } from '../shared/clock';
import { AppError } from '../shared/errors';

// One definition of each, in contracts; the claims are checked against the schema on every verify.
export type { LiveRole, JoinGrantClaims } from '@seafarer/contracts';
const claimsSchema = TypeCompiler.Compile(JoinGrantClaimsSchema);

const AUDIENCE = 'seafarer-live';
export const JOIN_GRANT_TTL_SECONDS = 120;

/**
 * LiveKit's habit: the API signs an admission the SFU verifies alone, with no database call. `key` is
 * the join-grant key (`signingKeys(JWT_SECRET).joinGrant`): an access token or a grant signed with any
 * other key is refused (SEC-3).
 */
export function createJoinGrants(key: Buffer, clock: Clock) {
  const verifier = createVerifier({
    key,
    algorithms: ['HS256'],
    allowedAud: AUDIENCE,
    allowedIss: 'seafarer-api',
    cache: false,
  });
  return {
    sign(claims: JoinGrantClaims): { grant: string; expiresAt: Date } {
      const iat = Math.floor(clock.now().getTime() / 1000);
      const signer = createSigner({
        key,
        algorithm: 'HS256',
        expiresIn: JOIN_GRANT_TTL_SECONDS * 1000,
        aud: AUDIENCE,
        iss: 'seafarer-api',
      });
      return {
        grant: signer({ ...claims, iat }),
        expiresAt: new Date((iat + JOIN_GRANT_TTL_SECONDS) * 1000),
      };
    },
    verify(grant: string): JoinGrantClaims {
      let payload: unknown;
      try {
        payload = verifier(grant);
      } catch {
        throw new AppError('TOKEN_INVALID');
      }
      // Signed by us, yet checked: a grant from an older or newer API must not be half-understood.
      if (!claimsSchema.Check(payload)) throw new AppError('TOKEN_INVALID');
      return payload;
    },
  };
}
