import type { Logger } from 'pino';
import type { JobPayloads } from '@seafarer/contracts';
import type { Core } from '@seafarer/core';

/** JS-11.1: on the last filing day, reminds the class managers of a plan still not filed. */
export async function filingDeadlineReminderJob(
  core: Core,
  p: JobPayloads['filing.deadline-reminder'],
  log: Logger,
) {
  const result = await core.classes.remindFilingDeadline(p.classId, p.versionId);
  log.info(result, 'filing deadline reminder');
  return result;
}
