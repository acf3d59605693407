import { io as connect, type Socket } from 'socket.io-client';
import { createJoinGrants, signingKeys, systemClock } from '@seafarer/core';
import { startClassroom, waitRecording, type Classroom } from '../helpers/classroom';

let room: Classroom;
beforeAll(async () => {
  room = await startClassroom();
}, 120_000);
afterAll(() => room?.close(), 60_000);

describe('room lifetime', () => {
  it('[VC-3] [JS-8] a room nobody ended closes itself half an hour after the timetabled end, and its record is kept', async () => {
    const klass = await room.w.as.manager.call<{ current: { sessions: Array<{ id: string }> } }>(
      'GET',
      `/api/v1/classes/${room.classId}`,
    );
    const sessionId = klass.current.sessions[1]!.id;
    const me = await room.w.as.instructor.auth.me();
    // A grant as the API would sign it, for a session whose scheduled end was 29 min 58 s ago.
    const { grant } = createJoinGrants(signingKeys(room.t.config.JWT_SECRET).joinGrant, systemClock).sign({
      sub: me.accountId,
      name: me.displayName,
      cls: room.classId,
      ses: sessionId,
      role: 'instructor',
      hidden: false,
      end: Date.now() - 30 * 60_000 + 2_000,
      cap: 3,
      inst: room.w.institutionId,
    });
    const socket: Socket = connect(
      `http://127.0.0.1:${(room.live.http.address() as { port: number }).port}`,
      { auth: { grant }, transports: ['websocket'], reconnection: false },
    );
    try {
      await new Promise((resolve, reject) => {
        socket.on('admission.ready', resolve);
        socket.on('connect_error', reject);
      });
      const ended = await new Promise<{ by: string }>((resolve) => socket.on('session.ended', resolve));
      expect(ended.by).toContain('Timetable');
      expect(room.live.signaling.rooms.has(sessionId)).toBe(false);
    } finally {
      socket.close();
    }
    // The session can no longer be entered, and what happened is on record.
    const again = connect(`http://127.0.0.1:${(room.live.http.address() as { port: number }).port}`, {
      auth: { grant },
      transports: ['websocket'],
      reconnection: false,
    });
    const refusal = await new Promise<{ data?: { code: string } }>((resolve) =>
      again.on('connect_error', resolve),
    );
    again.close();
    expect(refusal.data?.code).toBe('PRECONDITION_FAILED');
    const presence = await room.w.as.manager.call<{
      items: Array<{ accountId: string; events: Array<{ event: string }> }>;
    }>('GET', `/api/v1/classes/${room.classId}/sessions/${sessionId}/presence`);
    expect(presence.items.find((p) => p.accountId === me.accountId)!.events[0]!.event).toBe('session.ended');
    const rec = await waitRecording({ ...room, sessionId });
    expect(rec.status).toBe('failed'); // nothing was published, so there is no replay, and that is recorded
  });
});
