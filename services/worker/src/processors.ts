import type { Logger } from 'pino';
import type { Core, OutboundDelivery } from '@seafarer/core';
import { createJobWorker, type QueueOptions } from '@seafarer/queue';
import { verifyAuditChainJob } from './jobs/verify-audit-chain';
import { filingDeadlineReminderJob } from './jobs/filing-deadline-reminder';
import { recordingPostprocessJob } from './jobs/recording-postprocess';

/** Wires every job name to its use-case (tests start the same processors against their own queue). */
export function startProcessors(deps: {
  core: Core;
  delivery: OutboundDelivery;
  log: Logger;
  /** STORAGE_DIR: where the live service writes recordings. */
  storageDir: string;
  queue: QueueOptions;
}) {
  const { core, delivery, log } = deps;
  const worker = createJobWorker(deps.queue, {
    'audit.verify-chain': (p, job) =>
      verifyAuditChainJob(core, p, log.child({ queue: 'jobs', jobId: job.id })),
    'filing.deadline-reminder': (p, job) =>
      filingDeadlineReminderJob(core, p, log.child({ queue: 'jobs', jobId: job.id, classId: p.classId })),
    'session.reminder': (p) => core.classes.remindSession(p.classId, p.sessionId),
    'notification.deliver': (p) => delivery.deliver(p.notificationId),
    'recording.postprocess': (p, job) =>
      recordingPostprocessJob(
        core,
        deps.storageDir,
        p,
        log.child({ queue: 'jobs', jobId: job.id, sessionId: p.sessionId }),
      ),
  });
  worker.on('failed', (job, err) => log.error({ jobId: job?.id, name: job?.name, err }, 'job failed'));
  return worker;
}
