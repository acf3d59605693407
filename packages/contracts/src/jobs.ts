import { Type, type Static } from '@sinclair/typebox';
import { Uuid } from './common';

/** One typed payload map for every job (Infisical's habit). The domain key in each is the jobId. */
export const JobPayloadSchemas = {
  'audit.verify-chain': Type.Object({ scheduledFor: Type.String() }),
  'filing.deadline-reminder': Type.Object({ classId: Uuid, versionId: Uuid }),
  'session.reminder': Type.Object({ classId: Uuid, sessionId: Uuid }),
  'notification.deliver': Type.Object({ notificationId: Uuid }),
  'recording.postprocess': Type.Object({ sessionId: Uuid }),
  /** JS-13.2: draws the random roll-calls of every session on a China-time day (YYYY-MM-DD). */
  'rollcall.plan-day': Type.Object({ day: Type.String() }),
  /** JS-13.2: a scheduled roll-call falls due (delayed job): the node hosting its session fires it. */
  'rollcall.fire': Type.Object({ rollCallId: Uuid }),
  /** JS-17: flags rectification deadlines that passed without an accepted correction, and notifies. */
  'oversight.overdue-scan': Type.Object({ scheduledFor: Type.String() }),
  /** JS-7.3: an attempt's deadline (delayed job): submitted automatically if still in progress. */
  'exam.auto-submit': Type.Object({ attemptId: Uuid }),
  /** JS-7.3: a submitted attempt is marked (objective types; short answers wait for a hand mark). */
  'exam.mark': Type.Object({ attemptId: Uuid }),
} as const;
export type JobName = keyof typeof JobPayloadSchemas;
export type JobPayloads = { [K in JobName]: Static<(typeof JobPayloadSchemas)[K]> };
export const JOBS_QUEUE = 'jobs';
