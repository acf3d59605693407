import type { Db } from '@seafarer/db';
import { createAuthService, type AuthSettings } from './auth/auth.service';
import { createInstitutionService } from './institution/institution.service';
import { createPeopleService } from './people/people.service';
import { createAuditService } from './audit/audit.service';
import type { Clock } from './shared/clock';
import { createPiiCipher } from './shared/pii';

export * from './shared/errors';
export * from './shared/clock';
export * from './shared/context';
export * from './shared/pii';
export * from './shared/tx';
export * from './authz/scope';
export * from './audit/audit-chain';
export { appendAudit } from './audit/audit.repo';
export { verifyAuditChain } from './audit/verify-audit-chain';
export { checkPasswordStrength } from './auth/password-policy';
export { hashPassword } from './auth/passwords';
export { createAccessTokens } from './auth/tokens';
export * from './institution/online-eligibility';
export * from './people/instructor-rules';
export type { AuthService, AuthSettings } from './auth/auth.service';
export type { InstitutionService } from './institution/institution.service';
export type { PeopleService } from './people/people.service';

export interface CoreDeps {
  db: Db;
  clock: Clock;
  auth: AuthSettings;
  piiKey: string;
}

/** The composition root of the domain: every service wired by hand, once. */
export function createCore(deps: CoreDeps) {
  const pii = createPiiCipher(deps.piiKey);
  return {
    db: deps.db,
    clock: deps.clock,
    pii,
    auth: createAuthService({ db: deps.db, clock: deps.clock, settings: deps.auth }),
    institutions: createInstitutionService({ db: deps.db, clock: deps.clock }),
    people: createPeopleService({ db: deps.db, clock: deps.clock, pii }),
    audit: createAuditService({ db: deps.db }),
  };
}
export type Core = ReturnType<typeof createCore>;
