import type * as Mediasoup from 'mediasoup';
import type { JoinResult, RoomHistoryItem } from '@seafarer/contracts';
import {
  RECONNECT_GRACE_MS,
  isListed,
  leaveEvent,
  observerCount,
  roomAbilities,
  seesObservers,
  seesQuestion,
  seesRoster,
  visiblePeers,
} from '@seafarer/core';
import type { HandlerModule } from './context';

/**
 * Joining and leaving the room, once admitted (the admission itself is in ../signaling.ts): the
 * router's capabilities, the join (JS-8 presence 'join'; JS-16 observers are announced to the
 * teachers only, never listed), and the leave or network drop.
 */
/** How long a join waits for the room's history and roster before going on without them. */
const JOIN_READ_TIMEOUT_MS = 2000;
const inTime = <T>(p: Promise<T>, fallback: T): Promise<T> => {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<T>((resolve) => {
    timer = setTimeout(() => resolve(fallback), JOIN_READ_TIMEOUT_MS);
  });
  return Promise.race([p, late]).finally(() => clearTimeout(timer));
};

export const admissionHandlers: HandlerModule = ({
  on,
  room,
  peer,
  rooms,
  socket,
  log,
  liveLog,
  services,
}) => {
  on('room.capabilities', () => ({ routerRtpCapabilities: room.router.rtpCapabilities }));

  /** JS-7.1: the chat so far and the questions this peer may see, for a late joiner (a read; none if it fails). */
  const history = async (): Promise<RoomHistoryItem[]> => {
    try {
      const rows = await liveLog.sessionInteractions(room.classId, room.sessionId, ['chat', 'question']);
      return rows
        .filter(
          (r) =>
            r.kind === 'chat' ||
            seesQuestion(peer, { id: r.accountId, role: 'trainee', hidden: false, micAllowed: false }),
        )
        .slice(-200)
        .map((r) => ({
          id: r.id,
          peerId: r.accountId,
          name: r.name,
          text: r.text ?? '',
          at: r.at,
          kind: r.kind === 'question' ? ('question' as const) : ('chat' as const),
          answered: !!r.answeredAt,
        }));
    } catch (err) {
      log.warn({ err }, 'room history not readable; joining without it');
      return [];
    }
  };

  /** Who the room expects (a read; the class's scale stands in if it fails). */
  const roster = () =>
    liveLog.roster(room.classId).catch((err: unknown) => {
      log.warn({ err }, 'roster not readable; the class scale stands in');
      return null;
    });

  on('room.join', async ({ rtpCapabilities, device }): Promise<JoinResult> => {
    // REL-1: a slow database does not hold the join up: without an answer in time, the room goes on without.
    const [past, expected] = await Promise.all([
      inTime(history(), [] as RoomHistoryItem[]),
      inTime(roster(), null),
    ]);
    const rejoin = peer.joined;
    peer.rtpCapabilities = rtpCapabilities as Mediasoup.types.RtpCapabilities;
    peer.joined = true;
    rooms.presence(room, peer, 'join', { device, rejoin });
    rooms.peerChanged(room, peer, 'peer.joined');
    // JS-13.2: an open roll-call's challenge (or, for staff, its outcomes so far), after this answer.
    setImmediate(() =>
      services.rollCalls
        ?.catchUp(room, peer)
        .catch((err: unknown) => log.warn({ err }, 'could not catch a joiner up on the roll-call')),
    );
    // JS-7.1: an open quiz's prompt (or, for staff, its distribution so far).
    setImmediate(() =>
      services.quizzes
        ?.catchUp(room, peer)
        .catch((err: unknown) => log.warn({ err }, 'could not catch a joiner up on the quiz')),
    );
    return {
      self: { ...peer.info(), hidden: peer.hidden },
      peers: visiblePeers(room.peers.values(), peer).map((p) => p.info()),
      producers: room.producerInfos(peer),
      main: room.main,
      ...(seesObservers(peer) && { observers: observerCount(room) }),
      ...(peer.sessionEndsAt !== null && { endsAt: new Date(peer.sessionEndsAt).toISOString() }),
      expected: expected?.length ?? room.cap,
      ...(expected && seesRoster(peer) && { roster: expected }),
      can: roomAbilities(peer),
      history: past,
    };
  });

  socket.on('disconnect', (reason) => {
    if (room.peers.get(peer.id) !== peer) return; // replaced by a newer connection
    peer.closeMedia();
    room.peers.delete(peer.id);
    const event = leaveEvent(reason);
    rooms.presence(room, peer, event, { reason });
    if (event !== 'network.drop' || !isListed(peer) || room.ended)
      return void rooms.peerChanged(room, peer, 'peer.left');
    // Dropped by the network: shown "reconnecting" to the others, and gone only if not back in time.
    rooms.emitVisible(room, null, 'peer.updated', { ...peer.info(), reconnecting: true });
    setTimeout(() => {
      try {
        if (!room.peers.has(peer.id) && !room.ended) rooms.peerChanged(room, peer, 'peer.left');
      } catch (err) {
        log.warn({ err }, 'could not tell the others a dropped peer is gone');
      }
    }, RECONNECT_GRACE_MS).unref();
    log.info({ reason }, 'peer left');
  });
};
