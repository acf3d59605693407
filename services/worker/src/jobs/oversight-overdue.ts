import type { Logger } from 'pino';
import type { JobPayloads } from '@seafarer/contracts';
import type { Core } from '@seafarer/core';

/** JS-17: every morning, rectification deadlines passed without an accepted correction are flagged and notified. */
export async function oversightOverdueJob(core: Core, p: JobPayloads['oversight.overdue-scan'], log: Logger) {
  const result = await core.oversight.scanOverdue();
  log.info({ ...result, scheduledFor: p.scheduledFor }, 'overdue rectifications scanned');
  return result;
}
