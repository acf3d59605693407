import { SPOT_CHECK_VERDICT_LABELS, type SpotCheckDone } from '@seafarer/contracts';
import { AppError, decideStartSpotCheck, enforce, type SpotCheckStill } from '@seafarer/core';
import type { HandlerModule } from './context';

/**
 * JS-7.2 / JS-13.1 / JS-16: a random identity spot check of the trainees in the room with a camera,
 * started by the instructor, a class manager or an officer sitting in (core decides). The spot check
 * and its seeded sample are stored before the ack; then the server grabs each sampled trainee's still
 * from their live stream (never a picture the client sends), core checks it against the verified ID
 * photo, and the staff and officers in the room get the verdicts ('spotcheck.done'). Trainees are
 * told nothing: not that it ran, nor who started it.
 */
/** Rooms of this node whose spot check is still grabbing and checking (one at a time per room). */
const running = new WeakSet<object>();

export const spotCheckHandlers: HandlerModule = ({ on, room, peer, rooms, services, log }) => {
  on('spotcheck.start', async () => {
    const state = { ended: room.ended, spotCheckRunning: running.has(room) };
    enforce(decideStartSpotCheck(state, peer));
    const checks = services.spotChecks;
    if (!checks) throw new AppError('SERVICE_UNAVAILABLE');
    running.add(room);
    const population = [...room.peers.values()]
      .filter((p) => p.role === 'trainee' && p.joined && p.producerOf('camera'))
      .map((p) => ({ accountId: p.id, name: p.name }));
    let started: Awaited<ReturnType<typeof checks.start>>;
    try {
      started = await checks.start({
        classId: room.classId,
        sessionId: room.sessionId,
        institutionId: room.institutionId,
        by: { accountId: peer.id, role: peer.role },
        population,
        room: state,
      });
    } catch (e) {
      running.delete(room);
      throw e;
    }
    const context = { sessionId: room.sessionId, spotCheckId: started.spotCheckId };
    // REL-1: the grabs and checks are housekeeping (logged, never the node's failure); each item is
    // stored pending already, so one that fails here stays pending for a person to look at.
    setImmediate(() =>
      rooms.housekeeping
        .run(
          'check the spot check stills',
          async () => {
            const items = await Promise.all(
              started.sampled.map(async ({ accountId, name }) => {
                const owner = room.peers.get(accountId);
                const still: SpotCheckStill = owner
                  ? await services.stills.grab(owner).then(
                      (g) => ({ jpeg: g.jpeg, at: g.at }),
                      (e: unknown) => ({ failed: `no still: ${(e as Error).message}`.slice(0, 200) }),
                    )
                  : { failed: 'left the room' };
                const { verdict, flagged } = await checks.check(started.spotCheckId, accountId, still);
                return {
                  accountId,
                  name,
                  verdict,
                  verdictLabel: SPOT_CHECK_VERDICT_LABELS[verdict],
                  flagged,
                };
              }),
            );
            const done: SpotCheckDone = { spotCheckId: started.spotCheckId, items };
            for (const p of room.peers.values())
              if (p.role !== 'trainee') rooms.emitTo(p, 'spotcheck.done', done);
            log.info({ ...context, flagged: items.filter((i) => i.flagged).length }, 'spot check done');
          },
          { context },
        )
        .done.finally(() => running.delete(room)),
    );
    return started;
  });
};
