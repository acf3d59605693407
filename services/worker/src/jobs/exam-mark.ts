import type { Logger } from 'pino';
import type { JobPayloads } from '@seafarer/contracts';
import type { Core } from '@seafarer/core';

/**
 * JS-7.3 自动评卷: a submitted attempt is marked by core (markAttempt with the exam's marking policy,
 * the hand marks of short answers on top, passVerdict with the pass mark) and stored as 'marked'.
 * Idempotent: running it again on the same answers and hand marks stores the same marks (nothing is
 * rewritten); an attempt still in progress is left alone.
 */
export async function examMarkJob(core: Core, p: JobPayloads['exam.mark'], log: Logger) {
  const result = await core.examMarking.markSubmitted(p.attemptId);
  log.info({ attemptId: p.attemptId, ...result }, 'exam attempt marked');
  return result;
}
