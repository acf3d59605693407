import { createSigner, createVerifier } from 'fast-jwt';
import type { Clock } from '../shared/clock';
import { AppError } from '../shared/errors';

export type LiveRole = 'instructor' | 'trainee' | 'class_manager' | 'observer';

export interface JoinGrantClaims {
  sub: string;
  name: string;
  cls: string;
  ses: string;
  role: LiveRole;
  /** Silent observer (JS-16): receives, publishes nothing, invisible to trainees. */
  hidden: boolean;
  /** Session end, so the live service can close the room without asking the database. */
  end: number;
  /** JS-6: the class's scale; the room admits no more trainees than this. */
  cap: number;
  /** The institution, for the live service's audit events. */
  inst: string;
}

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
      try {
        return verifier(grant) as JoinGrantClaims;
      } catch {
        throw new AppError('TOKEN_INVALID');
      }
    },
  };
}
