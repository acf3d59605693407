/** One typed payload map for every queue (Infisical's habit): the job name is the key. */
export interface JobPayloads {
  'audit.verify-chain': { scheduledFor: string };
}
export type JobName = keyof JobPayloads;
export const MAINTENANCE_QUEUE = 'maintenance';
