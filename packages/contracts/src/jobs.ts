import { Type, type Static } from '@sinclair/typebox';
import { Uuid } from './common';

/** One typed payload map for every job (Infisical's habit). The domain key in each is the jobId. */
export const JobPayloadSchemas = {
  'audit.verify-chain': Type.Object({ scheduledFor: Type.String() }),
  'filing.deadline-reminder': Type.Object({ classId: Uuid, versionId: Uuid }),
  'session.reminder': Type.Object({ classId: Uuid, sessionId: Uuid }),
  'notification.deliver': Type.Object({ notificationId: Uuid }),
  'recording.postprocess': Type.Object({ sessionId: Uuid }),
} as const;
export type JobName = keyof typeof JobPayloadSchemas;
export type JobPayloads = { [K in JobName]: Static<(typeof JobPayloadSchemas)[K]> };
export const JOBS_QUEUE = 'jobs';
