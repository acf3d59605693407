import type { Logger } from 'pino';
import type { JobPayloads } from '@seafarer/contracts';
import type { Core } from '@seafarer/core';

/**
 * JS-7.3: an attempt's deadline passed: core submits it if it is still in progress (idempotent: a
 * submitted attempt is left as it is; a deadline moved later schedules its own job). Owner: sitting.
 */
export async function examAutoSubmitJob(core: Core, p: JobPayloads['exam.auto-submit'], log: Logger) {
  const r = await core.examAttempts.autoSubmit(p.attemptId);
  log.info(
    { attemptId: p.attemptId, ...r },
    r.submitted ? 'exam attempt auto-submitted' : 'exam auto-submit: nothing to do',
  );
  return r;
}
