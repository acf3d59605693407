import type { Role } from '@seafarer/contracts';

export interface Actor {
  accountId: string;
  personId: string;
  username: string;
  displayName: string;
  roles: Role[];
  institutionId: string | null;
  jurisdictionId: string | null;
  /** Dotted path of the officer's jurisdiction, for "covers" checks. */
  jurisdictionPath: string | null;
  sessionId: string;
  mustChangePassword: boolean;
}

/** What every use-case receives from its transport. */
export interface Ctx {
  actor: Actor | null;
  requestId: string;
  ip?: string | null;
  userAgent?: string | null;
}

export const hasAnyRole = (actor: Actor, roles: readonly Role[]) =>
  actor.roles.some((r) => roles.includes(r));
