import type { Server, Socket } from 'socket.io';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type * as Mediasoup from 'mediasoup';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import {
  ERROR_MESSAGES,
  LiveRequests,
  type JoinResult,
  type LiveAck,
  type LiveEvents,
  type LiveRequest,
  type LiveRequestName,
  type MediaSource,
} from '@seafarer/contracts';
import { AppError, isAppError, type JoinGrantClaims, type LiveLogService } from '@seafarer/core';
import type { WorkerPool } from './media/worker-pool';
import { Peer } from './room/peer';
import { Room } from './room/room';

export interface SignalingDeps {
  io: Server;
  pool: WorkerPool;
  verifyGrant(grant: string): JoinGrantClaims;
  liveLog: LiveLogService;
  redis: Redis;
  log: Logger;
  network: { listenIp: string; announcedIp?: string };
  /** Peers per router before a room opens another one and pipes streams across (0: never). */
  maxPeersPerRouter?: number;
  clock: { now(): Date };
  /** Called with each instructor producer (the recorder attaches here) and on each room (re)build. */
  hooks?: {
    onRoomCreated?(room: Room): Promise<void> | void;
    onRoomRebuilt?(room: Room): Promise<void> | void;
    onInstructorProducer?(
      room: Room,
      producer: Mediasoup.types.Producer,
      source: MediaSource,
    ): Promise<void> | void;
    onRoomClosed?(room: Room): Promise<void> | void;
  };
  /**
   * Several live nodes: every peer of a session must land on the one node hosting it (room → node map).
   * `claim` takes the session for this node unless another living node hosts it; `release` never throws.
   */
  placement?: {
    claim(sessionId: string): Promise<{ here: true } | { here: false; url: string }>;
    release(sessionId: string): Promise<void>;
  };
}

const validators = new Map<string, ReturnType<typeof TypeCompiler.Compile>>(
  Object.entries(LiveRequests).map(([k, schema]) => [k, TypeCompiler.Compile(schema)]),
);

function errorOf(e: unknown): { code: string; message: { zh: string; en: string } } {
  if (isAppError(e)) return { code: e.code, message: e.localized };
  return { code: 'INTERNAL', message: ERROR_MESSAGES.INTERNAL };
}
const endedKey = (sessionId: string) => `live:ended:${sessionId}`;
/** Rooms close by themselves this long after the session's scheduled end (matches the API's join window). */
const CLOSE_AFTER_END_MS = 30 * 60_000;
const DROP_REASONS = new Set(['ping timeout', 'transport close', 'transport error']);
// Per sending peer; the SFU protects itself and the other viewers from a runaway sender.
const MAX_INCOMING_BITRATE = {
  instructor: 4_000_000,
  class_manager: 1_500_000,
  trainee: 1_200_000,
  observer: 0,
} as const;

/**
 * The simulcast layer for a video shown `viewWidth` CSS pixels wide on a link of `bitrateKbps`:
 * 0 ≈ 320 px, 1 ≈ 640 px, 2 ≈ 1280 px. Undefined when the viewer told us nothing.
 */
export function pickSpatialLayer(
  viewWidth: number | undefined,
  bitrateKbps: number | undefined,
): number | undefined {
  if (bitrateKbps !== undefined && bitrateKbps < 400) return 0;
  if (viewWidth === undefined) return bitrateKbps !== undefined && bitrateKbps < 1200 ? 1 : undefined;
  const byView = viewWidth <= 360 ? 0 : viewWidth <= 720 ? 1 : 2;
  return bitrateKbps !== undefined && bitrateKbps < 1200 ? Math.min(byView, 1) : byView;
}

/** socket.io signaling for every room of this live node. Returns a handle to inspect and close rooms. */
export function attachSignaling(deps: SignalingDeps) {
  const { io, pool, liveLog, redis, log } = deps;
  const rooms = new Map<string, Room>();
  const creating = new Map<string, Promise<Room>>();

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
        const closeIn = c.end + CLOSE_AFTER_END_MS - deps.clock.now().getTime();
        setTimeout(() => void closeAtTimetableEnd(room), Math.min(Math.max(closeIn, 0), 2 ** 31 - 1)).unref();
        await deps.hooks?.onRoomCreated?.(room);
        log.info({ classId: c.cls, sessionId: c.ses, workerPid: room.worker.pid }, 'room opened');
        return room;
      })().finally(() => creating.delete(c.ses));
      creating.set(c.ses, pending);
    }
    return pending;
  }

  const presence = (room: Room, peer: Peer, event: string, data?: Record<string, unknown>) =>
    liveLog
      .recordPresence([
        {
          classId: room.classId,
          sessionId: room.sessionId,
          accountId: peer.id,
          role: peer.role,
          event,
          at: deps.clock.now(),
          ...(data && { data }),
        },
      ])
      .catch((err: unknown) => log.error({ err, event, peerId: peer.id }, 'presence log write failed'));

  const emitTo = <E extends keyof LiveEvents>(peer: Peer, event: E, data: LiveEvents[E]) =>
    io.to(peer.socketId).emit(event, data);
  const emitVisible = <E extends keyof LiveEvents>(
    room: Room,
    except: Peer | null,
    event: E,
    data: LiveEvents[E],
  ) => {
    for (const p of room.peers.values()) if (p !== except && p.joined) emitTo(p, event, data);
  };
  const teachers = (room: Room) =>
    [...room.peers.values()].filter((p) => p.role === 'instructor' || p.role === 'class_manager');

  function announceProducer(room: Room, owner: Peer, producer: Mediasoup.types.Producer) {
    const source = (producer.appData as { source: MediaSource }).source;
    for (const viewer of room.peers.values())
      if (viewer.joined && room.mayConsume(viewer, owner, source))
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
        if (
          found &&
          !room.mayConsume(viewer, found.owner, (found.producer.appData as { source: MediaSource }).source)
        ) {
          consumer.close();
          viewer.consumers.delete(consumer.id);
          emitTo(viewer, 'consumer.closed', { consumerId: consumer.id });
        }
      }
  }

  async function endSession(room: Room, by: Peer) {
    if (room.ended) return;
    room.ended = true;
    await redis.set(endedKey(room.sessionId), by.id, 'EX', 7 * 24 * 3600);
    const at = deps.clock.now().toISOString();
    for (const p of room.peers.values()) {
      await presence(room, p, 'session.ended', { by: by.id });
      emitTo(p, 'session.ended', { by: by.name, at });
    }
    await liveLog.recordSessionAction({
      actorAccountId: by.id,
      actorRole: by.role,
      institutionId: room.institutionId,
      action: 'live.session_ended',
      classId: room.classId,
      sessionId: room.sessionId,
      data: { participants: room.peers.size },
    });
    await closeRoom(room);
    disconnectLater(room.sessionId);
  }

  async function closeAtTimetableEnd(room: Room) {
    if (room.ended || !rooms.has(room.sessionId)) return;
    room.ended = true;
    await redis.set(endedKey(room.sessionId), 'timetable', 'EX', 7 * 24 * 3600);
    const at = deps.clock.now().toISOString();
    for (const p of room.peers.values()) {
      await presence(room, p, 'session.ended', { by: 'timetable' });
      emitTo(p, 'session.ended', { by: '课表 Timetable', at });
    }
    await closeRoom(room);
    disconnectLater(room.sessionId);
    log.info({ sessionId: room.sessionId }, 'room closed at the end of its timetable window');
  }

  // Clients leave by themselves on 'session.ended'; a moment later the server closes whatever is still
  // connected. Pending timers are cancelled when the service closes (Redis may be gone by then).
  const pendingDisconnects = new Set<NodeJS.Timeout>();
  function disconnectLater(sessionId: string) {
    const timer = setTimeout(() => {
      pendingDisconnects.delete(timer);
      try {
        io.in(`ses:${sessionId}`).disconnectSockets(true);
      } catch (err) {
        log.warn({ err, sessionId }, 'could not disconnect the remaining sockets');
      }
    }, 1000);
    pendingDisconnects.add(timer);
  }

  async function closeRoom(room: Room) {
    if (!rooms.has(room.sessionId)) return;
    rooms.delete(room.sessionId);
    await deps.hooks?.onRoomClosed?.(room);
    room.close();
    await deps.placement?.release(room.sessionId);
    log.info({ sessionId: room.sessionId }, 'room closed');
  }

  const mediaLost = async (room: Room, lost: Array<{ p: Peer; camera: boolean; mic: boolean }>) => {
    for (const { p, camera, mic } of lost) {
      if (camera) await presence(room, p, 'camera.off', { reason: 'worker_died' });
      if (mic) await presence(room, p, 'mic.off', { reason: 'worker_died' });
    }
  };
  const mediaOf = (peers: Iterable<Peer>) =>
    [...peers].map((p) => ({ p, camera: !!p.producerOf('camera'), mic: !!p.producerOf('mic') }));

  // REL-1: a dead worker's rooms move to its replacement; every client is told to join again. When
  // only a secondary router of a room died, only its peers join again (onto a router that works).
  pool.on('replaced', (dead, replacement) => {
    for (const room of rooms.values()) {
      const secondary = room.routers.slice(1).filter((r) => r.worker === dead);
      if (room.worker !== dead && secondary.length) {
        for (const { router } of secondary) {
          const lost = mediaOf([...room.peers.values()].filter((p) => p.router === router));
          room.dropRouter(router);
          void mediaLost(room, lost);
          for (const { p } of lost) emitTo(p, 'room.reset', { reason: 'worker_died' });
          log.warn(
            { sessionId: room.sessionId, peers: lost.length },
            'a secondary router died; its peers join again',
          );
        }
        continue;
      }
      if (room.worker !== dead) continue;
      void (async () => {
        const hadMedia = mediaOf(room.peers.values());
        await room.rebuild(replacement);
        await mediaLost(room, hadMedia);
        await deps.hooks?.onRoomRebuilt?.(room);
        io.in(`ses:${room.sessionId}`).emit('room.reset', { reason: 'worker_died' });
        log.warn({ sessionId: room.sessionId, workerPid: replacement.pid }, 'room rebuilt on a new worker');
      })().catch((err: unknown) => log.error({ err, sessionId: room.sessionId }, 'room rebuild failed'));
    }
  });

  io.use(async (socket, next) => {
    try {
      const grant = (socket.handshake.auth as { grant?: unknown } | undefined)?.grant;
      if (typeof grant !== 'string') throw new AppError('UNAUTHENTICATED');
      const claims = deps.verifyGrant(grant);
      if (await redis.exists(endedKey(claims.ses)))
        throw new AppError('PRECONDITION_FAILED', {
          message: { zh: '本次课已结束', en: 'This session has ended' },
        });
      const placed = await deps.placement?.claim(claims.ses);
      if (placed && !placed.here) throw new AppError('ROOM_ON_OTHER_NODE', { details: { url: placed.url } });
      socket.data.claims = claims;
      next();
    } catch (e) {
      const details = isAppError(e) ? e.details : undefined;
      next(
        Object.assign(new Error(errorOf(e).code), {
          data: { ...errorOf(e), ...(details !== undefined && { details }) },
        }),
      );
    }
  });

  io.on('connection', (socket: Socket) => {
    const c = socket.data.claims as JoinGrantClaims;
    const plog = log.child({ classId: c.cls, sessionId: c.ses, peerId: c.sub });
    void admit(socket, c, plog).catch((e: unknown) => {
      plog.warn({ err: errorOf(e) }, 'admission refused');
      socket.emit('admission.refused', errorOf(e));
      socket.disconnect(true);
    });
  });

  async function admit(socket: Socket, c: JoinGrantClaims, plog: Logger) {
    const room = await roomFor(c);
    if (room.ended)
      throw new AppError('PRECONDITION_FAILED', {
        message: { zh: '本次课已结束', en: 'This session has ended' },
      });
    if (room.banned.has(c.sub))
      throw new AppError('FORBIDDEN', {
        message: { zh: '您已被移出本次课', en: 'You were removed from this session' },
      });
    // TM-3: one live connection per account; a new one replaces the old (on any node, through the adapter).
    for (const other of await io.in(`acct:${c.sub}`).fetchSockets()) {
      other.emit('removed', { reason: 'replaced' });
      other.disconnect(true);
    }
    const previous = room.peers.get(c.sub);
    if (previous) {
      previous.closeMedia();
      room.peers.delete(c.sub);
    }
    // JS-6: never more trainees in the room than the class's scale.
    if (c.role === 'trainee' && room.traineeCount(c.sub) >= room.cap) throw new AppError('CAPACITY_EXCEEDED');
    const peer = new Peer(c.sub, c.name, c.role, c.hidden, socket.id);
    room.peers.set(peer.id, peer);
    await socket.join([`acct:${c.sub}`, `ses:${c.ses}`]);
    registerHandlers(socket, room, peer, plog);
    socket.emit('admission.ready', { role: peer.role, hidden: peer.hidden });
  }

  function registerHandlers(socket: Socket, room: Room, peer: Peer, plog: Logger) {
    const on = <N extends LiveRequestName>(
      name: N,
      fn: (data: LiveRequest<N>) => Promise<unknown> | unknown,
    ) => {
      const check = validators.get(name)!;
      socket.on(name as string, async (data: unknown, ack?: (r: LiveAck<unknown>) => void) => {
        if (typeof ack !== 'function') return;
        try {
          if (!check.Check(data ?? {}))
            throw new AppError('VALIDATION', {
              details: [...check.Errors(data ?? {})].slice(0, 3).map((e) => e.path),
            });
          ack({ ok: true, data: (await fn((data ?? {}) as LiveRequest<N>)) ?? null });
        } catch (e) {
          if (!isAppError(e)) plog.error({ err: e, request: name }, 'request failed');
          ack({ ok: false, error: errorOf(e) });
        }
      });
    };
    const requireRole = (...roles: Peer['role'][]) => {
      if (!roles.includes(peer.role)) throw new AppError('FORBIDDEN');
    };
    const ownTransport = (id: string, direction?: 'send' | 'recv') => {
      const t = peer.transports.get(id);
      if (!t || (direction && (t.appData as { direction: string }).direction !== direction))
        throw new AppError('NOT_FOUND');
      return t;
    };
    const ownProducer = (id: string) => {
      const p = peer.producers.get(id);
      if (!p) throw new AppError('NOT_FOUND');
      return p;
    };
    const target = (id: string) => {
      const p = room.peers.get(id);
      if (!p || p.hidden) throw new AppError('NOT_FOUND');
      return p;
    };

    on('room.capabilities', () => ({ routerRtpCapabilities: room.router.rtpCapabilities }));

    on('room.join', async ({ rtpCapabilities, device }): Promise<JoinResult> => {
      const rejoin = peer.joined;
      peer.rtpCapabilities = rtpCapabilities as Mediasoup.types.RtpCapabilities;
      peer.joined = true;
      await presence(room, peer, 'join', { device, rejoin });
      if (!peer.hidden) emitVisible(room, peer, 'peer.joined', peer.info());
      else for (const t of teachers(room)) emitTo(t, 'observers.changed', { count: room.observerCount() });
      return {
        self: { ...peer.info(), hidden: peer.hidden },
        peers: room.visiblePeers(peer).map((p) => p.info()),
        producers: room.producerInfos(peer),
        main: room.main,
        ...((peer.role === 'instructor' || peer.role === 'class_manager') && {
          observers: room.observerCount(),
        }),
      };
    });

    on('transport.create', async ({ direction, forceTcp }) => {
      if (direction === 'send' && peer.role === 'observer') throw new AppError('FORBIDDEN');
      const router = await room.routerFor(peer);
      const t = await router.createWebRtcTransport({
        listenIps: [
          {
            ip: deps.network.listenIp,
            ...(deps.network.announcedIp && { announcedIp: deps.network.announcedIp }),
          },
        ],
        enableUdp: !forceTcp,
        enableTcp: true,
        preferUdp: !forceTcp,
        initialAvailableOutgoingBitrate: 1_000_000,
        appData: { direction },
      });
      if (direction === 'send')
        await t.setMaxIncomingBitrate(MAX_INCOMING_BITRATE[peer.role]).catch(() => undefined);
      peer.transports.set(t.id, t);
      t.on(
        'dtlsstatechange',
        (state) => state === 'failed' && plog.warn({ transportId: t.id }, 'dtls failed'),
      );
      return {
        id: t.id,
        iceParameters: t.iceParameters,
        iceCandidates: t.iceCandidates,
        dtlsParameters: t.dtlsParameters,
      };
    });

    on('transport.connect', async ({ transportId, dtlsParameters }) => {
      await ownTransport(transportId).connect({
        dtlsParameters: dtlsParameters as Mediasoup.types.DtlsParameters,
      });
    });
    on('transport.restartIce', async ({ transportId }) => ({
      iceParameters: await ownTransport(transportId).restartIce(),
    }));

    on('produce', async ({ transportId, kind, rtpParameters, source }) => {
      if (peer.role === 'observer') throw new AppError('FORBIDDEN'); // JS-16: observers publish nothing
      if (source === 'screen' && peer.role !== 'instructor') throw new AppError('FORBIDDEN');
      if ((source === 'mic') !== (kind === 'audio')) throw new AppError('VALIDATION');
      peer.producerOf(source)?.close();
      const producer = await ownTransport(transportId, 'send').produce({
        kind,
        rtpParameters: rtpParameters as Mediasoup.types.RtpParameters,
        appData: { source },
      });
      peer.producers.set(producer.id, producer);
      // TM-2: a trainee's microphone is published muted until the instructor allows speaking.
      if (source === 'mic' && !peer.micAllowed) await producer.pause();
      // The transport went away under it (worker death, disconnect): the media stopped, say so.
      producer.on('transportclose', () => {
        peer.producers.delete(producer.id);
        void presence(room, peer, source === 'screen' ? 'screen.off' : `${source}.off`, {
          reason: 'transport_closed',
        });
      });
      await presence(room, peer, source === 'screen' ? 'screen.on' : `${source}.on`);
      announceProducer(room, peer, producer);
      if (!peer.hidden) emitVisible(room, peer, 'peer.updated', peer.info());
      if (peer.role === 'instructor') await deps.hooks?.onInstructorProducer?.(room, producer, source);
      return { id: producer.id, paused: producer.paused };
    });

    on('producer.pause', async ({ producerId }) => {
      const p = ownProducer(producerId);
      await p.pause();
      emitVisible(room, peer, 'producer.paused', { producerId, paused: true, by: 'self' });
    });
    on('producer.resume', async ({ producerId }) => {
      const p = ownProducer(producerId);
      if ((p.appData as { source: MediaSource }).source === 'mic' && !peer.micAllowed)
        throw new AppError('FORBIDDEN', {
          message: { zh: '老师尚未允许发言', en: 'The instructor has not allowed you to speak' },
        });
      await p.resume();
      emitVisible(room, peer, 'producer.paused', { producerId, paused: false, by: 'self' });
    });
    on('producer.close', async ({ producerId }) => {
      const p = ownProducer(producerId);
      const source = (p.appData as { source: MediaSource }).source;
      p.close();
      peer.producers.delete(producerId);
      await presence(room, peer, `${source}.off`);
      emitVisible(room, peer, 'producer.closed', { producerId });
      if (!peer.hidden) emitVisible(room, peer, 'peer.updated', peer.info());
    });

    on('consume', async ({ producerId }) => {
      const found = room.findProducer(producerId);
      if (!found) throw new AppError('NOT_FOUND');
      const source = (found.producer.appData as { source: MediaSource }).source;
      if (!room.mayConsume(peer, found.owner, source)) throw new AppError('FORBIDDEN');
      const recv = [...peer.transports.values()].find(
        (t) => (t.appData as { direction: string }).direction === 'recv',
      );
      if (!recv || !peer.router)
        throw new AppError('PRECONDITION_FAILED', {
          message: { zh: '请先建立接收通道', en: 'Create a receive transport first' },
        });
      // A stream from another of the room's routers is piped over first (once per router).
      await room.bring(found.owner, found.producer, peer.router);
      if (
        !peer.rtpCapabilities ||
        !peer.router.canConsume({ producerId, rtpCapabilities: peer.rtpCapabilities })
      )
        throw new AppError('PRECONDITION_FAILED', {
          message: { zh: '设备不支持该媒体格式', en: 'This device cannot decode that stream' },
        });
      const consumer = await recv.consume({
        producerId,
        rtpCapabilities: peer.rtpCapabilities,
        paused: true,
      });
      peer.consumers.set(consumer.id, consumer);
      // Audio first when bandwidth drops; the teacher's picture before trainees' thumbnails.
      await consumer.setPriority(consumer.kind === 'audio' ? 255 : found.owner.role === 'trainee' ? 10 : 128);
      // The instructor's trainee grid pulls the lowest simulcast layer.
      if (consumer.type === 'simulcast' && found.owner.role === 'trainee' && peer.role !== 'trainee')
        await consumer.setPreferredLayers({ spatialLayer: 0 });
      const closeIt = () => {
        peer.consumers.delete(consumer.id);
        emitTo(peer, 'consumer.closed', { consumerId: consumer.id });
      };
      consumer.on('producerclose', closeIt);
      consumer.on('producerpause', () =>
        emitTo(peer, 'producer.paused', { producerId, paused: true, by: 'self' }),
      );
      consumer.on('producerresume', () =>
        emitTo(peer, 'producer.paused', { producerId, paused: false, by: 'self' }),
      );
      return {
        id: consumer.id,
        producerId,
        kind: consumer.kind,
        rtpParameters: consumer.rtpParameters,
        peerId: found.owner.id,
        source,
        type: consumer.type,
      };
    });
    on('consumer.resume', async ({ consumerId }) => {
      const consumer = peer.consumers.get(consumerId);
      if (!consumer) throw new AppError('NOT_FOUND');
      await consumer.resume();
      if (consumer.kind === 'video') await consumer.requestKeyFrame().catch(() => undefined);
    });
    on('consumer.setLayers', async ({ consumerId, spatialLayer }) => {
      const consumer = peer.consumers.get(consumerId);
      if (!consumer) throw new AppError('NOT_FOUND');
      if (consumer.type === 'simulcast') await consumer.setPreferredLayers({ spatialLayer });
    });
    on('stats.report', async ({ bitrateKbps, views }) => {
      // Each video gets the smallest simulcast layer that fills the box it is shown in; a thin downlink
      // caps every video at the lowest layer (audio keeps priority regardless).
      for (const consumer of peer.consumers.values()) {
        if (consumer.type !== 'simulcast') continue;
        const layer = pickSpatialLayer(views?.[consumer.id], bitrateKbps);
        if (layer !== undefined && consumer.preferredLayers?.spatialLayer !== layer)
          await consumer.setPreferredLayers({ spatialLayer: layer });
      }
    });

    on('main.set', ({ source, peerId }) => {
      requireRole('instructor');
      if (source === 'trainee') {
        const t = target(peerId ?? '');
        if (t.role !== 'trainee') throw new AppError('VALIDATION');
      }
      room.main = { source, peerId: source === 'trainee' ? peerId! : null };
      revokeConsumers(room);
      if (source === 'trainee') {
        const t = room.peers.get(peerId!)!;
        const cam = t.producerOf('camera');
        if (cam) announceProducer(room, t, cam);
      }
      emitVisible(room, null, 'main.changed', room.main);
      return room.main;
    });
    on('peer.mute', async ({ peerId }) => {
      requireRole('instructor', 'class_manager');
      const t = target(peerId);
      const mic = t.producerOf('mic');
      if (mic && !mic.paused) await mic.pause();
      if (t.role === 'trainee') t.micAllowed = false;
      emitTo(t, 'mic.allowed', { allowed: t.micAllowed });
      if (mic)
        emitVisible(room, null, 'producer.paused', { producerId: mic.id, paused: true, by: 'instructor' });
      revokeConsumers(room);
      await liveLog.recordSessionAction({
        actorAccountId: peer.id,
        actorRole: peer.role,
        institutionId: room.institutionId,
        action: 'live.peer_muted',
        classId: room.classId,
        sessionId: room.sessionId,
        data: { peerId },
      });
    });
    on('peer.allowMic', async ({ peerId, allowed }) => {
      requireRole('instructor');
      const t = target(peerId);
      t.micAllowed = allowed;
      const mic = t.producerOf('mic');
      if (!allowed && mic && !mic.paused) await mic.pause();
      emitTo(t, 'mic.allowed', { allowed });
      emitVisible(room, null, 'peer.updated', t.info());
      if (allowed && mic) announceProducer(room, t, mic);
      else revokeConsumers(room);
    });
    on('peer.remove', async ({ peerId }) => {
      requireRole('instructor', 'class_manager');
      const t = target(peerId);
      if (t.role !== 'trainee') throw new AppError('FORBIDDEN');
      room.banned.add(t.id);
      await presence(room, t, 'removed', { by: peer.id });
      emitTo(t, 'removed', { reason: 'removed' });
      io.in(t.socketId).disconnectSockets(true);
      await liveLog.recordSessionAction({
        actorAccountId: peer.id,
        actorRole: peer.role,
        institutionId: room.institutionId,
        action: 'live.peer_removed',
        classId: room.classId,
        sessionId: room.sessionId,
        data: { peerId },
      });
    });
    on('session.end', () => {
      requireRole('instructor');
      // Answer first: everyone (the instructor too) leaves as soon as 'session.ended' arrives.
      setImmediate(
        () =>
          void endSession(room, peer).catch((err: unknown) =>
            plog.error({ err }, 'ending the session failed'),
          ),
      );
      return { ending: true };
    });

    on('hand.raise', async ({ raised }) => {
      if (peer.role !== 'trainee') throw new AppError('FORBIDDEN');
      peer.handRaised = raised;
      if (raised)
        await liveLog.recordInteraction({
          classId: room.classId,
          sessionId: room.sessionId,
          accountId: peer.id,
          kind: 'hand',
        });
      emitVisible(room, peer, 'peer.updated', peer.info());
    });
    on('chat.send', async ({ text }) => {
      if (peer.role === 'observer') throw new AppError('FORBIDDEN');
      const row = await liveLog.recordInteraction({
        classId: room.classId,
        sessionId: room.sessionId,
        accountId: peer.id,
        kind: 'chat',
        text,
      });
      emitVisible(room, null, 'chat.message', {
        id: row.id,
        peerId: peer.id,
        name: peer.name,
        text,
        at: row.at.toISOString(),
      });
      return { id: row.id };
    });
    on('question.ask', async ({ text }) => {
      if (peer.role !== 'trainee') throw new AppError('FORBIDDEN');
      const row = await liveLog.recordInteraction({
        classId: room.classId,
        sessionId: room.sessionId,
        accountId: peer.id,
        kind: 'question',
        text,
      });
      const q = { id: row.id, peerId: peer.id, name: peer.name, text, at: row.at.toISOString() };
      for (const p of room.peers.values())
        if (p.role !== 'trainee' || p === peer) emitTo(p, 'question.new', q);
      return { id: row.id };
    });
    on('question.answer', async ({ questionId }) => {
      requireRole('instructor');
      await liveLog.answerQuestion(room.sessionId, questionId, peer.id);
      emitVisible(room, null, 'question.answered', { id: questionId });
    });

    socket.on('disconnect', (reason) => {
      if (room.peers.get(peer.id) !== peer) return; // replaced by a newer connection
      peer.closeMedia();
      room.peers.delete(peer.id);
      const dropped = DROP_REASONS.has(reason);
      void presence(room, peer, dropped ? 'network.drop' : 'leave', { reason });
      if (!peer.hidden) emitVisible(room, null, 'peer.left', { peerId: peer.id });
      else for (const t of teachers(room)) emitTo(t, 'observers.changed', { count: room.observerCount() });
      plog.info({ reason }, 'peer left');
    });
  }

  return {
    rooms,
    async close() {
      for (const timer of pendingDisconnects) clearTimeout(timer);
      pendingDisconnects.clear();
      for (const room of [...rooms.values()]) await closeRoom(room);
    },
  };
}
