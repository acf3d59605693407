import type { Server, Socket } from 'socket.io';
import type { Logger } from 'pino';
import type { JoinGrantClaims } from '@seafarer/contracts';
import {
  AppError,
  createInteractionLimiter,
  createMemoryWindowCounter,
  createPresenceJournal,
  cameraOnAtJoin,
  createRollCallRecords,
  createQuizService,
  decideAdmission,
  enforce,
  isInfrastructureOutage,
  type LiveLogService,
  type SessionStanding,
  type WindowCounter,
} from '@seafarer/core';
import { HANDLER_MODULES, type LiveServices, type PeerScope } from './handlers';
import { errorOf, refuseUnknownRequests, requestRegistrar } from './handlers/context';
import type { WorkerPool } from './media/worker-pool';
import { createHousekeeping, type Housekeeping } from './room/housekeeping';
import { Peer } from './room/peer';
import { createQuizRunner } from './room/quizzes';
import { createRollCallRunner } from './room/rollcalls';
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
  /** REL-1: the node's housekeeping (closing rooms, storing their records), logged and retried. */
  housekeeping?: Housekeeping;
  /**
   * SEC-1: counts each account's chat, questions and hands across its connections (and live nodes,
   * when Redis-backed); node memory when not given.
   */
  accountCounter?: WindowCounter;
  /** Stores and media services for the handlers (roll-calls and spot checks use them). */
  services: Omit<LiveServices, 'rollCalls' | 'quizzes'>;
}

const GONE_MESSAGE = { zh: '连接已断开', en: 'The connection closed during admission' };

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
  const housekeeping = deps.housekeeping ?? createHousekeeping(log);
  const rooms = createRooms({ ...deps, journal, housekeeping });
  // JS-13.2: this node's roll-calls (stored in PostgreSQL; stills from the live stream).
  const rollCalls = createRollCallRunner({
    rooms,
    records: createRollCallRecords({
      db: deps.services.db,
      clock: deps.services.clock,
      store: deps.services.evidence,
    }),
    stills: deps.services.stills,
    log,
  });
  // JS-7.1 / JS-14: this node's in-class quizzes (stored, marked and audited by core's quiz service).
  const quizzes = createQuizRunner({
    rooms,
    service: createQuizService({ db: deps.services.db, clock: deps.services.clock }),
    log,
  });
  const services: LiveServices = { ...deps.services, rollCalls, quizzes };
  // SEC-1: one limiter for the node: per-connection counts in memory, per-account ones shared.
  const limits = createInteractionLimiter({
    socket: createMemoryWindowCounter(deps.clock),
    account: deps.accountCounter ?? createMemoryWindowCounter(deps.clock),
  });

  const refusal = (e: unknown) => {
    const error = errorOf(e);
    return Object.assign(new Error(error.code), { data: error });
  };

  // Every connection is asked for its grant, then what PostgreSQL says of the session and the person.
  io.use((socket, next) => {
    handshake(socket)
      .then(
        () => next(),
        (e: unknown) => next(refusal(e)),
      )
      .catch((err: unknown) => log.error({ err }, 'admission middleware failed'));
  });

  async function handshake(socket: Socket): Promise<void> {
    const grant = (socket.handshake.auth as { grant?: unknown } | undefined)?.grant;
    if (typeof grant !== 'string') throw new AppError('UNAUTHENTICATED');
    const claims = deps.verifyGrant(grant);
    // Persisted, so every node and a node that takes a session over agree (VC-3, TM-2); and REL-1:
    // the session must exist and be one the grant's class runs (same read).
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
  }

  io.on('connection', (socket: Socket) => {
    const { claims, standing } = socket.data.admitted as Admitted;
    const plog = log.child({ classId: claims.cls, sessionId: claims.ses, peerId: claims.sub });
    admit(socket, claims, standing, plog).catch((e: unknown) => {
      const error = errorOf(e);
      plog.warn({ err: error.code === 'INTERNAL' ? e : error }, 'admission refused');
      try {
        socket.emit('admission.refused', error);
        socket.disconnect(true);
      } catch (err) {
        plog.warn({ err }, 'could not tell a refused peer');
      }
    });
  });

  async function admit(socket: Socket, c: JoinGrantClaims, standing: SessionStanding | null, plog: Logger) {
    const room = await rooms.roomFor(c);
    // The room's own state: ended meanwhile, and JS-6's cap of trainees in the room.
    const { replaces } = enforce(decideAdmission(room, standing, c));
    // TM-3: one live connection per account; a new one replaces the old (on any node, through the adapter).
    // A hidden observer holds one per session (JS-16: the monitoring wall watches every live class at once).
    const account = c.hidden ? `acct:${c.sub}:${c.ses}` : `acct:${c.sub}`;
    const others = await io
      .in(account)
      .fetchSockets()
      .catch((err: unknown) => {
        // The other nodes did not answer in time (Redis slow or away): this node's own sockets at least.
        plog.warn({ err }, 'other live nodes not reachable; replacing only local connections');
        return io.local.in(account).fetchSockets();
      });
    for (const other of others) {
      other.emit('removed', { reason: 'replaced' });
      other.disconnect(true);
    }
    // The socket went away while we waited: nothing to set up (its 'disconnect' has already fired).
    if (!socket.connected) return;
    if (replaces) {
      room.peers.get(c.sub)?.closeMedia();
      room.peers.delete(c.sub);
    }
    const peer = new Peer(c.sub, c.name, c.role, c.hidden, socket.id);
    peer.sessionEndsAt = c.end;
    room.peers.set(peer.id, peer);
    try {
      await socket.join([account, `ses:${c.ses}`]);
      if (!socket.connected) throw new AppError('PRECONDITION_FAILED', { message: GONE_MESSAGE });
      const scope: PeerScope = {
        room,
        peer,
        socket,
        rooms,
        liveLog,
        limits,
        network: deps.network,
        services,
        log: plog,
        on: requestRegistrar(socket, plog),
      };
      for (const register of HANDLER_MODULES) register(scope);
      refuseUnknownRequests(socket);
    } catch (e) {
      // Half set up: the room must not keep a peer nobody can reach.
      if (room.peers.get(peer.id) === peer) room.peers.delete(peer.id);
      throw e;
    }
    socket.emit('admission.ready', {
      role: peer.role,
      hidden: peer.hidden,
      camera: cameraOnAtJoin(peer.role),
    });
  }

  return {
    rooms: rooms.rooms,
    /** Presence events not yet stored (retried while the database is away). */
    journal,
    /** REL-1: room housekeeping (failures given up are counted here). */
    housekeeping,
    /** This node's roll-calls; `fireRollCall` opens a scheduled one in a room hosted here. */
    rollCalls,
    /** This node's in-class quizzes. */
    quizzes,
    async close() {
      rollCalls.stop();
      quizzes.stop();
      await rooms.close();
      // Retries still waiting get one last try now (the database is still open).
      await housekeeping.drain();
      await journal.close();
    },
  };
}
