import type { Logger } from 'pino';
import { systemClock, type Clock, type Core, type OutboundDelivery } from '@seafarer/core';
import { Redis } from 'ioredis';
import { closeRedis, createJobQueue, createJobWorker, type QueueOptions } from '@seafarer/queue';
import { startOutboxRelay } from './outbox-relay';
import { verifyAuditChainJob } from './jobs/verify-audit-chain';
import { filingDeadlineReminderJob } from './jobs/filing-deadline-reminder';
import { recordingPostprocessJob } from './jobs/recording-postprocess';
import { rollCallFireJob, rollCallPlanDayJob } from './jobs/rollcall';
import { oversightOverdueJob } from './jobs/oversight-overdue';
import { examAutoSubmitJob } from './jobs/exam-submit';
import { examMarkJob } from './jobs/exam-mark';

/**
 * Wires every job name to its use-case and runs the outbox relay that feeds them (REL-2); tests start
 * the same processors against their own queue.
 */
export function startProcessors(deps: {
  core: Core;
  delivery: OutboundDelivery;
  log: Logger;
  /** STORAGE_DIR: where the live service writes recordings. */
  storageDir: string;
  queue: QueueOptions;
  /** The relay's clock (BullMQ delays are real time); the system clock unless a test moves it. */
  relayClock?: Clock;
}) {
  const { core, delivery, log } = deps;
  // JS-13.2: the room → node map and the live nodes' channel, for scheduled roll-calls falling due.
  const rollCallRedis = new Redis(deps.queue.redisUrl, { lazyConnect: true, maxRetriesPerRequest: 2 });
  if (deps.queue.watch) deps.queue.watch.client(rollCallRedis, 'rollcall');
  else rollCallRedis.on('error', () => undefined);
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
        { attempt: job.attemptsMade + 1, attempts: job.opts.attempts ?? 1 },
      ),
    'rollcall.plan-day': (p, job) =>
      rollCallPlanDayJob(core, p, log.child({ queue: 'jobs', jobId: job.id, day: p.day })),
    'rollcall.fire': (p, job) =>
      rollCallFireJob(core, p, log.child({ queue: 'jobs', jobId: job.id, rollCallId: p.rollCallId }), {
        client: async () => rollCallRedis,
        prefix: deps.queue.prefix,
      }),
    'oversight.overdue-scan': (p, job) =>
      oversightOverdueJob(core, p, log.child({ queue: 'jobs', jobId: job.id })),
    'exam.auto-submit': (p, job) =>
      examAutoSubmitJob(core, p, log.child({ queue: 'jobs', jobId: job.id, attemptId: p.attemptId })),
    'exam.mark': (p, job) =>
      examMarkJob(core, p, log.child({ queue: 'jobs', jobId: job.id, attemptId: p.attemptId })),
  });
  worker.on('failed', (job, err) => log.error({ jobId: job?.id, name: job?.name, err }, 'job failed'));
  const producer = createJobQueue(deps.queue);
  const relay = startOutboxRelay({
    db: core.db,
    clock: deps.relayClock ?? systemClock,
    queue: deps.queue.prefix,
    publish: (name, payload, o) => producer.publish(name, payload, o),
    log,
  });
  return {
    worker,
    relay,
    /** The queue the relay publishes to (the nightly scheduler is set on it too). */
    producer,
    isRunning: () => worker.isRunning(),
    async close() {
      await relay.close();
      await worker.close();
      await producer.close();
      // Never connected (no scheduled roll-call fell due): nothing to quit.
      if (rollCallRedis.status === 'wait') rollCallRedis.disconnect();
      else await closeRedis(rollCallRedis);
    },
  };
}
