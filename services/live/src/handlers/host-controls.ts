import {
  decideAllowMic,
  decideEnd,
  decideMainPicture,
  decideMute,
  decideRemove,
  enforce,
} from '@seafarer/core';
import type { HandlerModule } from './context';

/**
 * What the instructor (and, where the policy says so, a class manager) does to the room: the main
 * picture (VC-1), muting and the right to speak (TM-2), removing a trainee (TM-2, persisted: they may
 * not come back, on any node), ending the session for everyone (VC-3, persisted before anyone is
 * told). Each act is on record (audited) before it takes effect.
 */
export const hostControlHandlers: HandlerModule = ({ on, room, peer, rooms, liveLog, services }) => {
  const audit = (action: string, data: Record<string, unknown>) =>
    liveLog.recordSessionAction({
      actorAccountId: peer.id,
      actorRole: peer.role,
      institutionId: room.institutionId,
      action,
      classId: room.classId,
      sessionId: room.sessionId,
      data,
    });

  on('main.set', ({ source, peerId }) => {
    const { main } = enforce(decideMainPicture(room, peer, { source, peerId }));
    room.main = main;
    rooms.revokeConsumers(room);
    const star = main.peerId ? room.peers.get(main.peerId) : undefined;
    const cam = star?.producerOf('camera');
    if (star && cam) rooms.announceProducer(room, star, cam);
    rooms.emitVisible(room, null, 'main.changed', room.main);
    return room.main;
  });

  on('peer.mute', async ({ peerId }) => {
    const { revokeMic } = enforce(decideMute(room, peer, peerId));
    const t = room.peers.get(peerId)!;
    await audit('live.peer_muted', { peerId });
    const mic = t.producerOf('mic');
    if (mic && !mic.paused) await mic.pause();
    if (revokeMic) t.micAllowed = false;
    rooms.emitTo(t, 'mic.allowed', { allowed: t.micAllowed });
    if (mic)
      rooms.emitVisible(room, null, 'producer.paused', {
        producerId: mic.id,
        paused: true,
        by: 'instructor',
      });
    rooms.peerChanged(room, t, 'peer.updated');
    rooms.revokeConsumers(room);
  });

  on('peer.allowMic', async ({ peerId, allowed }) => {
    enforce(decideAllowMic(room, peer, peerId));
    const t = room.peers.get(peerId)!;
    t.micAllowed = allowed;
    const mic = t.producerOf('mic');
    if (!allowed && mic && !mic.paused) await mic.pause();
    rooms.emitTo(t, 'mic.allowed', { allowed });
    rooms.emitVisible(room, null, 'peer.updated', t.info());
    if (allowed && mic) rooms.announceProducer(room, t, mic);
    else rooms.revokeConsumers(room);
  });

  on('peer.remove', async ({ peerId }) => {
    enforce(decideRemove(room, peer, peerId));
    const t = room.peers.get(peerId)!;
    await liveLog.removeFromSession({
      classId: room.classId,
      sessionId: room.sessionId,
      institutionId: room.institutionId,
      accountId: t.id,
      by: { accountId: peer.id, role: peer.role },
    });
    room.removed.add(t.id);
    rooms.presence(room, t, 'removed', { by: peer.id });
    rooms.emitTo(t, 'removed', { reason: 'removed' });
    rooms.disconnect(t);
  });

  on('session.end', async () => {
    enforce(decideEnd(room, peer));
    await liveLog.endSession({
      classId: room.classId,
      sessionId: room.sessionId,
      institutionId: room.institutionId,
      by: { accountId: peer.id, role: peer.role },
      data: { participants: room.peers.size },
    });
    room.ended = true;
    // Answer first: everyone (the instructor too) leaves as soon as 'session.ended' arrives.
    // REL-1: closing is housekeeping: logged if it fails, never an unhandled rejection.
    setImmediate(() =>
      rooms.housekeeping.run(
        'close the ended session',
        async () => {
          // JS-13.2: open roll-calls close first: everyone still here gets their outcome.
          await services.rollCalls?.closeAllIn(room).catch(() => undefined);
          await services.quizzes?.closeAllIn(room).catch(() => undefined);
          await rooms.finishEnded(room, { id: peer.id, name: peer.name });
        },
        { context: { sessionId: room.sessionId } },
      ),
    );
    return { ending: true as const };
  });
};
