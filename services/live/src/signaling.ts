import type { Server, Socket } from 'socket.io';
import type { Logger } from 'pino';
import type { JoinGrantClaims } from '@seafarer/contracts';
import {
  AppError,
  createPresenceJournal,
  decideAdmission,
  enforce,
  isInfrastructureOutage,
  type LiveLogService,
  type SessionStanding,
} from '@seafarer/core';
import { HANDLER_MODULES, type PeerScope } from './handlers';
import { errorOf, refuseUnknownRequests, requestRegistrar } from './handlers/context';
import type { WorkerPool } from './media/worker-pool';
import { Peer } from './room/peer';
import { createRooms, type RoomHooks } from './room/rooms';

export { pickSpatialLayer } from './media/layers';

export interface SignalingDeps {
  io: Server;
  pool: WorkerPool;
  /** Verifies a join grant's signature and claims (schema-checked), or throws TOKEN_INVALID. */
  verifyGrant(grant: string): JoinGrantClaims;
  liveLog: LiveLogService;
  log: Logger;
  network: { listenIp: string; announcedIp?: string };
  /** Peers per router before a room opens another one and pipes streams across (0: never). */
  maxPeersPerRouter?: number;
  clock: { now(): Date };
  /** Called with each recorded producer (the recorder attaches here) and on each room (re)build. */
  hooks?: RoomHooks;
  /**
   * Several live nodes: every peer of a session must land on the one node hosting it (room → node map).
   * `claim` takes the session for this node unless another living node hosts it; `release` never throws.
   */
  placement?: {
    claim(sessionId: string): Promise<{ here: true } | { here: false; url: string }>;
    release(sessionId: string): Promise<void>;
  };
}

interface Admitted {
  claims: JoinGrantClaims;
  standing: SessionStanding | null;
}

/**
 * socket.io signaling for every room of this live node: admission (grant, then what PostgreSQL says
 * of the session and the person, then this node's placement, then the room's own state), and each
 * concern's handlers (./handlers) for every admitted peer. Returns a handle to inspect and close rooms.
 */
export function attachSignaling(deps: SignalingDeps) {
  const { io, liveLog, log } = deps;
  const journal = createPresenceJournal({
    write: (entries) => liveLog.recordPresence(entries),
    log: log.child({ component: 'presence-journal' }),
  });
  const rooms = createRooms({ ...deps, journal });

  const refusal = (e: unknown) => {
    const error = errorOf(e);
    return Object.assign(new Error(error.code), { data: error });
  };

  io.use(async (socket, next) => {
    try {
      const grant = (socket.handshake.auth as { grant?: unknown } | undefined)?.grant;
      if (typeof grant !== 'string') throw new AppError('UNAUTHENTICATED');
      const claims = deps.verifyGrant(grant);
      // Persisted, so every node and a node that takes a session over agree (VC-3, TM-2).
      const standing = await liveLog.standing(claims.ses, claims.sub).catch((e: unknown) => {
        if (!isInfrastructureOutage(e)) throw e;
        log.warn(
          { err: e, sessionId: claims.ses },
          'admission without PostgreSQL: the grant and this node decide',
        );
        return null;
      });
      enforce(decideAdmission(null, standing, claims));
      const placed = await deps.placement?.claim(claims.ses);
      if (placed && !placed.here) throw new AppError('ROOM_ON_OTHER_NODE', { details: { url: placed.url } });
      socket.data.admitted = { claims, standing } satisfies Admitted;
      next();
    } catch (e) {
      next(refusal(e));
    }
  });

  io.on('connection', (socket: Socket) => {
    const { claims, standing } = socket.data.admitted as Admitted;
    const plog = log.child({ classId: claims.cls, sessionId: claims.ses, peerId: claims.sub });
    void admit(socket, claims, standing, plog).catch((e: unknown) => {
      const error = errorOf(e);
      plog.warn({ err: error.code === 'INTERNAL' ? e : error }, 'admission refused');
      socket.emit('admission.refused', error);
      socket.disconnect(true);
    });
  });

  async function admit(socket: Socket, c: JoinGrantClaims, standing: SessionStanding | null, plog: Logger) {
    const room = await rooms.roomFor(c);
    // The room's own state: ended meanwhile, and JS-6's cap of trainees in the room.
    const { replaces } = enforce(decideAdmission(room, standing, c));
    // TM-3: one live connection per account; a new one replaces the old (on any node, through the adapter).
    const others = await io
      .in(`acct:${c.sub}`)
      .fetchSockets()
      .catch((err: unknown) => {
        // The other nodes did not answer in time (Redis slow or away): this node's own sockets at least.
        plog.warn({ err }, 'other live nodes not reachable; replacing only local connections');
        return io.local.in(`acct:${c.sub}`).fetchSockets();
      });
    for (const other of others) {
      other.emit('removed', { reason: 'replaced' });
      other.disconnect(true);
    }
    if (replaces) {
      room.peers.get(c.sub)?.closeMedia();
      room.peers.delete(c.sub);
    }
    const peer = new Peer(c.sub, c.name, c.role, c.hidden, socket.id);
    room.peers.set(peer.id, peer);
    await socket.join([`acct:${c.sub}`, `ses:${c.ses}`]);
    const scope: PeerScope = {
      room,
      peer,
      socket,
      rooms,
      liveLog,
      network: deps.network,
      log: plog,
      on: requestRegistrar(socket, plog),
    };
    for (const register of HANDLER_MODULES) register(scope);
    refuseUnknownRequests(socket);
    socket.emit('admission.ready', { role: peer.role, hidden: peer.hidden });
  }

  return {
    rooms: rooms.rooms,
    /** Presence events not yet stored (retried while the database is away). */
    journal,
    async close() {
      await rooms.close();
      await journal.close();
    },
  };
}
