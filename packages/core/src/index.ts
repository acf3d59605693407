import type { Db } from '@seafarer/db';
import { createAuthService, type AuthSettings } from './auth/auth.service';
import { createInstitutionService } from './institution/institution.service';
import { createPeopleService } from './people/people.service';
import { createAuditService } from './audit/audit.service';
import { createClassService } from './classes/classes.service';
import { createClassGroupService } from './classes/class-group.service';
import { createRosterService } from './classes/roster.service';
import { createLiveAccessService } from './live/live-access.service';
import { createLiveLogService } from './live/live-log.service';
import { createRecordingService } from './live/recording.service';
import { createNotificationService } from './notify/notifications.service';
import { createJobOutbox, type JobsDep } from './shared/jobs';
import { createDiskEvidenceStore, type EvidenceStore } from './identity/evidence-store';
import { httpFaceMatch, manualReview, type FaceMatchProvider } from './identity/face-match';
import { createIdentityService } from './identity/identity.service';
import { systemClock, type Clock } from './shared/clock';
import { createPiiCipher } from './shared/pii';
import { signingKeys } from './shared/signing-keys';

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
export * from './shared/signing-keys';
export * from './shared/log-redaction';
export * from './institution/online-eligibility';
export * from './people/instructor-rules';
export * as filing from './filing';
export { buildRosterTemplate, computeCheckDigit, MAX_FILE_BYTES as MAX_UPLOAD_BYTES } from './roster';
export {
  createJobOutbox,
  relayOutboxBatch,
  type JobOutbox,
  type JobsDep,
  type PublishJob,
  type RelayBatchResult,
} from './shared/jobs';
export {
  createOutboundDelivery,
  webhookChannel,
  type OutboundChannel,
  type OutboundMessage,
  type OutboundDelivery,
} from './notify/outbound';
export { signBody, SIGNATURE_HEADER } from './shared/hmac';
export { createJoinGrants, type JoinGrantClaims, type LiveRole } from './live/join-grant';
export { summarizePresence } from './live/presence';
export * from './live/live-nodes';
export * from './live/device-check';
export { createRecordingService, type RecordingService, type ReplayGrant } from './live/recording.service';
export { replayContainerOf, type ReplayContainer } from './live/replay-container';
export { createLiveLogService, type LiveLogService, type PresenceRecord } from './live/live-log.service';
export * from './live/room-policy';
export * from './live/presence-journal';
export type { ClassService } from './classes/classes.service';
export type { AuthService, AuthSettings } from './auth/auth.service';
export type { InstitutionService } from './institution/institution.service';
export type { PeopleService } from './people/people.service';

/** The settings createCore needs, by their names in @seafarer/config. */
export interface CoreSettings {
  JWT_SECRET: string;
  STORAGE_DIR: string;
  LIVE_PUBLIC_URL: string;
  FACE_MATCH_URL: string;
  FACE_MATCH_SECRET: string;
  PII_KEY: string;
  ACCESS_TOKEN_TTL_SECONDS: number;
  REFRESH_TOKEN_TTL_SECONDS: number;
  LOGIN_MAX_FAILURES: number;
  LOGIN_LOCK_MINUTES: number;
  /** The job queue's Redis prefix; the outbox rows are written for it. */
  QUEUE_PREFIX: string;
}

/** createCore from the validated configuration (api, worker and CLIs all wire it this way). */
export function createCoreFromConfig(
  db: Db,
  config: CoreSettings,
  clock: Clock = systemClock,
  extra: Partial<Pick<CoreDeps, 'locateLiveNode' | 'jobs'>> = {},
) {
  return createCore({
    ...extra,
    db,
    clock,
    jobs: extra.jobs ?? createJobOutbox({ clock, queue: config.QUEUE_PREFIX }),
    piiKey: config.PII_KEY,
    evidenceStore: createDiskEvidenceStore(config.STORAGE_DIR),
    liveUrl: config.LIVE_PUBLIC_URL,
    faceMatch: config.FACE_MATCH_URL
      ? httpFaceMatch(config.FACE_MATCH_URL, config.FACE_MATCH_SECRET)
      : manualReview,
    auth: {
      jwtSecret: config.JWT_SECRET,
      accessTtlSeconds: config.ACCESS_TOKEN_TTL_SECONDS,
      refreshTtlSeconds: config.REFRESH_TOKEN_TTL_SECONDS,
      maxFailures: config.LOGIN_MAX_FAILURES,
      lockMinutes: config.LOGIN_LOCK_MINUTES,
    },
  });
}

export interface CoreDeps {
  db: Db;
  clock: Clock;
  /** REL-2: where use-cases write their jobs (the outbox table, relayed by the worker); a fake in tests. */
  jobs: JobsDep;
  evidenceStore: EvidenceStore;
  faceMatch: FaceMatchProvider;
  /** Public URL of the live service's signaling, handed out with join grants. */
  liveUrl: string;
  /** Several live nodes: the room → node map's answer for a session (see live/live-nodes.ts). */
  locateLiveNode?: (sessionId: string) => Promise<string | null>;
  auth: AuthSettings;
  piiKey: string;
}

/** The composition root of the domain: every service wired by hand, once. */
export function createCore(deps: CoreDeps) {
  const { db, clock, jobs } = deps;
  const pii = createPiiCipher(deps.piiKey);
  // SEC-3: access tokens, join grants and replay links each under their own key, derived here once.
  const keys = signingKeys(deps.auth.jwtSecret);
  const institutions = createInstitutionService({ db, clock });
  const notifications = createNotificationService({ db, clock, jobs });
  return {
    db,
    clock,
    pii,
    jobs,
    auth: createAuthService({ db, clock, settings: deps.auth, accessTokenKey: keys.accessToken }),
    institutions,
    people: createPeopleService({ db, clock, pii }),
    audit: createAuditService({ db }),
    notifications,
    classes: createClassService({ db, clock, jobs, institutions, notifications }),
    classGroup: createClassGroupService({ db, clock }),
    roster: createRosterService({ db, clock, pii, notifications }),
    live: createLiveAccessService({
      db,
      clock,
      secret: keys.joinGrant,
      liveUrl: deps.liveUrl,
      locateLiveNode: deps.locateLiveNode,
    }),
    liveLog: createLiveLogService({ db, clock }),
    recordings: createRecordingService({ db, clock, jobs, key: keys.replayUrl }),
    identity: createIdentityService({ db, clock, store: deps.evidenceStore, faceMatch: deps.faceMatch }),
  };
}
export type Core = ReturnType<typeof createCore>;
