import type * as Mediasoup from 'mediasoup';
import {
  AppError,
  MAX_INCOMING_BITRATE,
  consumerPreferences,
  decideConsume,
  decideProduce,
  decideResume,
  decideTransport,
  enforce,
  mainOnScreenShare,
  mediaOffEvent,
  mediaOnEvent,
} from '@seafarer/core';
import { pickSpatialLayer } from '../media/layers';
import type { HandlerModule } from './context';

/**
 * Transports, publishing and receiving. The policy says who may send (JS-16: observers nothing;
 * the screen is the instructor's), whether a microphone starts paused (TM-2), whose tracks are
 * recorded (VC-2) and who receives what (VC-1); the handlers do the mediasoup work.
 */
export const mediaHandlers: HandlerModule = ({ on, room, peer, rooms, network, log }) => {
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
  const ownConsumer = (id: string) => {
    const c = peer.consumers.get(id);
    if (!c) throw new AppError('NOT_FOUND');
    return c;
  };

  /** VC-1: a screen share takes the main picture by itself, and gives it back when it stops. */
  const screenMain = (sharing: boolean) => {
    const next = mainOnScreenShare(room.main, sharing);
    if (!next) return;
    room.main = next;
    rooms.revokeConsumers(room);
    rooms.emitVisible(room, null, 'main.changed', room.main);
  };

  on('transport.create', async ({ direction, forceTcp }) => {
    enforce(decideTransport(peer, direction));
    const router = await room.routerFor(peer);
    const t = await router.createWebRtcTransport({
      listenIps: [{ ip: network.listenIp, ...(network.announcedIp && { announcedIp: network.announcedIp }) }],
      enableUdp: !forceTcp,
      enableTcp: true,
      preferUdp: !forceTcp,
      initialAvailableOutgoingBitrate: 1_000_000,
      appData: { direction },
    });
    if (direction === 'send')
      await t.setMaxIncomingBitrate(MAX_INCOMING_BITRATE[peer.role]).catch(() => undefined);
    peer.transports.set(t.id, t);
    t.on('dtlsstatechange', (state) => state === 'failed' && log.warn({ transportId: t.id }, 'dtls failed'));
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
    const { startPaused, recorded } = enforce(decideProduce(peer, { kind, source }));
    const transport = ownTransport(transportId, 'send');
    peer.producerOf(source)?.close();
    const producer = await transport.produce({
      kind,
      rtpParameters: rtpParameters as Mediasoup.types.RtpParameters,
      appData: { source },
    });
    peer.producers.set(producer.id, producer);
    if (startPaused) await producer.pause();
    // The transport went away under it (worker death, disconnect): the media stopped, say so.
    producer.on('transportclose', () => {
      peer.producers.delete(producer.id);
      rooms.presence(room, peer, mediaOffEvent(source), { reason: 'transport_closed' });
      if (source === 'screen') screenMain(false);
    });
    rooms.presence(room, peer, mediaOnEvent(source));
    rooms.announceProducer(room, peer, producer);
    rooms.peerChanged(room, peer, 'peer.updated');
    if (source === 'screen') screenMain(true);
    if (recorded) await rooms.onRecordedProducer(room, producer, source);
    return { id: producer.id, paused: producer.paused };
  });
  on('producer.pause', async ({ producerId }) => {
    await ownProducer(producerId).pause();
    rooms.emitVisible(room, peer, 'producer.paused', { producerId, paused: true, by: 'self' });
    rooms.peerChanged(room, peer, 'peer.updated');
  });
  on('producer.resume', async ({ producerId }) => {
    const p = ownProducer(producerId);
    enforce(decideResume(peer, rooms.sourceOf(p)));
    await p.resume();
    rooms.emitVisible(room, peer, 'producer.paused', { producerId, paused: false, by: 'self' });
    rooms.peerChanged(room, peer, 'peer.updated');
  });
  on('producer.close', ({ producerId }) => {
    const p = ownProducer(producerId);
    const source = rooms.sourceOf(p);
    p.close();
    peer.producers.delete(producerId);
    rooms.presence(room, peer, mediaOffEvent(source));
    rooms.emitVisible(room, peer, 'producer.closed', { producerId });
    rooms.peerChanged(room, peer, 'peer.updated');
    if (source === 'screen') screenMain(false);
  });

  on('consume', async ({ producerId }) => {
    const found = room.findProducer(producerId);
    if (!found) throw new AppError('NOT_FOUND');
    const source = rooms.sourceOf(found.producer);
    enforce(decideConsume(room, peer, found.owner, source));
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
    const consumer = await recv.consume({ producerId, rtpCapabilities: peer.rtpCapabilities, paused: true });
    peer.consumers.set(consumer.id, consumer);
    const { priority, startLayer } = consumerPreferences(peer, found.owner, consumer.kind);
    await consumer.setPriority(priority);
    if (consumer.type === 'simulcast' && startLayer !== undefined)
      await consumer.setPreferredLayers({ spatialLayer: startLayer });
    consumer.on('producerclose', () => {
      peer.consumers.delete(consumer.id);
      rooms.emitTo(peer, 'consumer.closed', { consumerId: consumer.id });
    });
    consumer.on('producerpause', () =>
      rooms.emitTo(peer, 'producer.paused', { producerId, paused: true, by: 'self' }),
    );
    consumer.on('producerresume', () =>
      rooms.emitTo(peer, 'producer.paused', { producerId, paused: false, by: 'self' }),
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
    const consumer = ownConsumer(consumerId);
    await consumer.resume();
    if (consumer.kind === 'video') await consumer.requestKeyFrame().catch(() => undefined);
  });
  on('consumer.setLayers', async ({ consumerId, spatialLayer }) => {
    const consumer = ownConsumer(consumerId);
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
};
