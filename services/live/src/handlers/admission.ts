import type * as Mediasoup from 'mediasoup';
import type { JoinResult } from '@seafarer/contracts';
import { leaveEvent, observerCount, seesObservers, visiblePeers } from '@seafarer/core';
import type { HandlerModule } from './context';

/**
 * Joining and leaving the room, once admitted (the admission itself is in ../signaling.ts): the
 * router's capabilities, the join (JS-8 presence 'join'; JS-16 observers are announced to the
 * teachers only, never listed), and the leave or network drop.
 */
export const admissionHandlers: HandlerModule = ({ on, room, peer, rooms, socket, log }) => {
  on('room.capabilities', () => ({ routerRtpCapabilities: room.router.rtpCapabilities }));

  on('room.join', ({ rtpCapabilities, device }): JoinResult => {
    const rejoin = peer.joined;
    peer.rtpCapabilities = rtpCapabilities as Mediasoup.types.RtpCapabilities;
    peer.joined = true;
    rooms.presence(room, peer, 'join', { device, rejoin });
    rooms.peerChanged(room, peer, 'peer.joined');
    return {
      self: { ...peer.info(), hidden: peer.hidden },
      peers: visiblePeers(room.peers.values(), peer).map((p) => p.info()),
      producers: room.producerInfos(peer),
      main: room.main,
      ...(seesObservers(peer) && { observers: observerCount(room) }),
    };
  });

  socket.on('disconnect', (reason) => {
    if (room.peers.get(peer.id) !== peer) return; // replaced by a newer connection
    peer.closeMedia();
    room.peers.delete(peer.id);
    rooms.presence(room, peer, leaveEvent(reason), { reason });
    rooms.peerChanged(room, peer, 'peer.left');
    log.info({ reason }, 'peer left');
  });
};
