import type { Server } from 'socket.io';
import type { Logger } from 'pino';
import type * as Mediasoup from 'mediasoup';
import type { JoinGrantClaims, LiveEvents, MediaSource } from '@seafarer/contracts';
import {
  isListed,
  mayConsume,
  roomClosesAt,
  seesObservers,
  observerCount,
  type LiveLogService,
  type PresenceJournal,
} from '@seafarer/core';
import type { WorkerPool } from '../media/worker-pool';
import { createHousekeeping, type Housekeeping } from './housekeeping';
import type { Peer } from './peer';
import { Room } from './room';

export interface RoomHooks {
  onRoomCreated?(room: Room): Promise<void> | void;
  onRoomRebuilt?(room: Room): Promise<void> | void;
  /** Each recorded producer (the policy says whose: the instructor's, VC-2). */
  onInstructorProducer?(
    room: Room,
    producer: Mediasoup.types.Producer,
    source: MediaSource,
  ): Promise<void> | void;
  onRoomClosed?(room: Room): Promise<void> | void;
}

export interface RoomsDeps {
  io: Server;
  pool: WorkerPool;
  liveLog: LiveLogService;
  journal: PresenceJournal;
  log: Logger;
  clock: { now(): Date };
  maxPeersPerRouter?: number;
  hooks?: RoomHooks;
  placement?: { release(sessionId: string): Promise<void> };
  /** REL-1: where closing, the timetable's end and the recording's store are logged and retried. */
  housekeeping?: Housekeeping;
}

/** VC-3: tries (with backoff up to 30 s) to put the timetable's end on record, about eight minutes. */
const CLOSURE_ATTEMPTS = 20;

const sourceOf = (p: { appData: unknown }) => (p.appData as { source: MediaSource }).source;

/**
 * This node's rooms and what every handler does to them: create (serialised), tell peers things,
 * log presence (through the retrying journal), announce and revoke streams as the policy allows,
 * and close — by the host, by the timetable, or when the service stops. No rule is decided here.
 */
export function createRooms(deps: RoomsDeps) {
  const { io, pool, liveLog, journal, log } = deps;
  const housekeeping = deps.housekeeping ?? createHousekeeping(log);
  const rooms = new Map<string, Room>();
  const creating = new Map<string, Promise<Room>>();
  const timers = new Set<NodeJS.Timeout>();

  /** A timer whose callback cannot throw out of the event loop (REL-1). */
  const later = (ms: number, fn: () => void) => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      try {
        fn();
      } catch (err) {
        log.error({ err }, 'a room timer failed');
      }
    }, ms);
    timers.add(timer);
    return timer;
  };

  const emitTo = <E extends keyof LiveEvents>(peer: Peer, event: E, data: LiveEvents[E]) =>
    io.to(peer.socketId).emit(event, data);
  /** One event to many peers at once: encoded once, one adapter broadcast (a roll-call's 500 trainees). */
  const emitToMany = <E extends keyof LiveEvents>(peers: Peer[], event: E, data: LiveEvents[E]) => {
    if (peers.length > 0) io.to(peers.map((p) => p.socketId)).emit(event, data);
  };
  const emitVisible = <E extends keyof LiveEvents>(
    room: Room,
    except: Peer | null,
    event: E,
    data: LiveEvents[E],
  ) => {
    for (const p of room.peers.values()) if (p !== except && p.joined) emitTo(p, event, data);
  };
  const tellObservers = (room: Room) => {
    for (const t of room.peers.values())
      if (seesObservers(t)) emitTo(t, 'observers.changed', { count: observerCount(room) });
  };
  /** JS-16: a listed peer's arrival, change or leave goes to the others; an observer's only moves the teachers' count. */
  const peerChanged = (room: Room, peer: Peer, change: 'peer.joined' | 'peer.updated' | 'peer.left') => {
    if (!isListed(peer)) {
      if (change !== 'peer.updated') tellObservers(room);
    } else if (change === 'peer.left') emitVisible(room, null, 'peer.left', { peerId: peer.id });
    else emitVisible(room, peer, change, peer.info());
  };

  /** JS-8: one presence-log event, stamped now, stored by the journal (retried until it is). */
  const presence = (room: Room, peer: Peer, event: string, data?: Record<string, unknown>) => {
    journal.append({
      classId: room.classId,
      sessionId: room.sessionId,
      accountId: peer.id,
      role: peer.role,
      event,
      at: deps.clock.now(),
      ...(data && { data }),
    });
  };

  function announceProducer(room: Room, owner: Peer, producer: Mediasoup.types.Producer) {
    const source = sourceOf(producer);
    for (const viewer of room.peers.values())
      if (viewer.joined && mayConsume(room, viewer, owner, source))
        emitTo(viewer, 'producer.new', {
          id: producer.id,
          peerId: owner.id,
          kind: producer.kind,
          source,
          paused: producer.paused,
        });
  }

  /** Closes consumers a viewer may no longer hold (main picture or speaking rights changed). */
  function revokeConsumers(room: Room) {
    for (const viewer of room.peers.values())
      for (const consumer of viewer.consumers.values()) {
        const found = room.findProducer(consumer.producerId);
        if (found && !mayConsume(room, viewer, found.owner, sourceOf(found.producer))) {
          consumer.close();
          viewer.consumers.delete(consumer.id);
          emitTo(viewer, 'consumer.closed', { consumerId: consumer.id });
        }
      }
  }

  // mediasoup-demo: room creation is serialised, so two first joiners never make two routers.
  function roomFor(c: JoinGrantClaims): Promise<Room> {
    const existing = rooms.get(c.ses);
    if (existing) return Promise.resolve(existing);
    let pending = creating.get(c.ses);
    if (!pending) {
      pending = (async () => {
        const room = await Room.create(
          pool.pick(),
          { classId: c.cls, sessionId: c.ses, institutionId: c.inst, cap: c.cap },
          {
            ...(deps.maxPeersPerRouter !== undefined && { maxPeersPerRouter: deps.maxPeersPerRouter }),
            pickWorker: (inUse) => pool.pickAvoiding(inUse),
          },
        );
        rooms.set(c.ses, room);
        // Nobody ended it? The timetable does, half an hour after the scheduled end of the session.
        const closeIn = roomClosesAt(c) - deps.clock.now().getTime();
        later(Math.min(Math.max(closeIn, 0), 2 ** 31 - 1), () =>
          housekeeping.run('close the room at the end of its timetable', () => closeAtTimetableEnd(room), {
            context: { sessionId: room.sessionId },
          }),
        ).unref();
        await deps.hooks?.onRoomCreated?.(room);
        log.info({ classId: c.cls, sessionId: c.ses, workerPid: room.worker.pid }, 'room opened');
        return room;
      })().finally(() => creating.delete(c.ses));
      creating.set(c.ses, pending);
    }
    return pending;
  }

  /**
   * REL-1: every step of a close is tried whatever the one before did (a recording that cannot be
   * stored does not keep the routers open nor the claim on the session); a failed step is logged and
   * counted, never thrown — the caller is a timer, a host's request or the service stopping.
   */
  async function closeRoom(room: Room) {
    if (rooms.get(room.sessionId) !== room) return;
    rooms.delete(room.sessionId);
    const step = (what: string, fn: () => Promise<unknown> | unknown) =>
      housekeeping.run(what, fn, { context: { sessionId: room.sessionId } }).done;
    await step('finish the recording of a closing room', () => deps.hooks?.onRoomClosed?.(room));
    await step('close the media of a closing room', () => room.close());
    // Its presence log is stored before the room is gone (or keeps being retried if the database is away).
    await step('store the presence log of a closing room', async () => {
      if (!(await journal.flush()))
        log.warn(
          { sessionId: room.sessionId, pending: journal.pending },
          'room closed with presence unstored',
        );
    });
    await step('release the claim of a closing room', () => deps.placement?.release(room.sessionId));
    log.info({ sessionId: room.sessionId }, 'room closed');
  }

  /** Everyone is told the session ended; the room closes; a moment later the last sockets are cut. */
  async function finishEnded(room: Room, by: { id: string; name: string }) {
    const at = deps.clock.now().toISOString();
    for (const p of room.peers.values()) {
      presence(room, p, 'session.ended', { by: by.id });
      emitTo(p, 'session.ended', { by: by.name, at });
    }
    await closeRoom(room);
    // Clients leave by themselves on 'session.ended'; what is still connected is closed a moment later.
    later(1000, () => {
      try {
        io.in(`ses:${room.sessionId}`).disconnectSockets(true);
      } catch (err) {
        log.warn({ err, sessionId: room.sessionId }, 'could not disconnect the remaining sockets');
      }
    });
  }

  /** VC-3: the timetable's end, persisted (retried: the room closes regardless, the API's window is over). */
  async function closeAtTimetableEnd(room: Room) {
    if (room.ended || rooms.get(room.sessionId) !== room) return;
    room.ended = true;
    const closure = housekeeping.run(
      'record the end of the timetable',
      () =>
        liveLog.endSession({
          classId: room.classId,
          sessionId: room.sessionId,
          institutionId: room.institutionId,
          by: null,
        }),
      { attempts: CLOSURE_ATTEMPTS, context: { sessionId: room.sessionId } },
    );
    // On record before anyone is told, if the database takes it at once; the retries go on regardless.
    await closure.first;
    await finishEnded(room, { id: 'timetable', name: '课表 Timetable' });
    log.info({ sessionId: room.sessionId }, 'room closed at the end of its timetable window');
  }

  const mediaOf = (peers: Iterable<Peer>) =>
    [...peers].map((p) => ({ p, camera: !!p.producerOf('camera'), mic: !!p.producerOf('mic') }));
  const mediaLost = (room: Room, lost: ReturnType<typeof mediaOf>) => {
    for (const { p, camera, mic } of lost) {
      if (camera) presence(room, p, 'camera.off', { reason: 'worker_died' });
      if (mic) presence(room, p, 'mic.off', { reason: 'worker_died' });
    }
  };

  // REL-1: a dead worker's rooms move to its replacement; every client is told to join again. When
  // only a secondary router of a room died, only its peers join again (onto a router that works).
  pool.on('replaced', (dead, replacement) => {
    for (const room of rooms.values()) {
      const secondary = room.routers.slice(1).filter((r) => r.worker === dead);
      if (room.worker !== dead) {
        for (const { router } of secondary) {
          // One room's trouble must not keep the next rooms on a dead worker.
          try {
            const lost = mediaOf([...room.peers.values()].filter((p) => p.router === router));
            room.dropRouter(router);
            mediaLost(room, lost);
            for (const { p } of lost) emitTo(p, 'room.reset', { reason: 'worker_died' });
            log.warn(
              { sessionId: room.sessionId, peers: lost.length },
              'a secondary router died; its peers join again',
            );
          } catch (err) {
            log.error({ err, sessionId: room.sessionId }, 'dropping a dead secondary router failed');
          }
        }
        continue;
      }
      void (async () => {
        const hadMedia = mediaOf(room.peers.values());
        await room.rebuild(replacement);
        mediaLost(room, hadMedia);
        await deps.hooks?.onRoomRebuilt?.(room);
        io.in(`ses:${room.sessionId}`).emit('room.reset', { reason: 'worker_died' });
        log.warn({ sessionId: room.sessionId, workerPid: replacement.pid }, 'room rebuilt on a new worker');
      })().catch((err: unknown) => log.error({ err, sessionId: room.sessionId }, 'room rebuild failed'));
    }
  });

  return {
    rooms,
    roomFor,
    emitTo,
    emitToMany,
    emitVisible,
    peerChanged,
    presence,
    announceProducer,
    revokeConsumers,
    finishEnded,
    housekeeping,
    sourceOf,
    /** Cuts one peer's connection (on whichever node holds the socket, through the adapter). */
    disconnect: (peer: Peer) => io.in(peer.socketId).disconnectSockets(true),
    /** A producer the policy says is recorded (VC-2) goes to the recorder. */
    onRecordedProducer: (room: Room, producer: Mediasoup.types.Producer, source: MediaSource) =>
      deps.hooks?.onInstructorProducer?.(room, producer, source),
    async close() {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      for (const room of [...rooms.values()]) await closeRoom(room);
    },
  };
}
export type Rooms = ReturnType<typeof createRooms>;
