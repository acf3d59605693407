import type { QualificationStatus } from '@seafarer/contracts';
import {
  decideAdmission,
  decideGrant,
  type PeerView,
  type RoomView,
  type SessionStanding,
} from './room-policy';

const standing = (qualification: QualificationStatus): SessionStanding => ({
  ended: false,
  removed: false,
  session: { classId: 'c', institutionId: 'i', scheduled: true, qualification },
});
const claims = (sub: string, role: 'trainee' | 'instructor' | 'observer' = 'trainee') => ({
  sub,
  role,
  hidden: role === 'observer',
  cap: 10,
  cls: 'c',
  inst: 'i',
});
const inRoom: PeerView = { id: 'in', role: 'trainee', hidden: false, micAllowed: false };
const room: RoomView = {
  ended: false,
  main: null as never,
  peers: new Map([['in', inRoom]]),
  removed: new Set(),
};

describe('room policy: a suspended or revoked institution', () => {
  it('[JS-3] [JS-17] gets no join grant and no new admission; who is in stays; officers still sit in', () => {
    for (const q of ['revoked', 'suspended'] as const) {
      expect(decideGrant(standing(q), 'trainee')).toMatchObject({ ok: false, code: 'NOT_QUALIFIED_ONLINE' });
      expect(decideGrant(standing(q), 'instructor')).toMatchObject({
        ok: false,
        code: 'NOT_QUALIFIED_ONLINE',
      });
      expect(decideAdmission(room, standing(q), claims('new'))).toMatchObject({
        ok: false,
        code: 'NOT_QUALIFIED_ONLINE',
        message: { zh: expect.stringContaining('线上培训资格') },
      });
      expect(decideAdmission(room, standing(q), claims('in'))).toEqual({ ok: true, replaces: true });
      // The handshake (no room yet) leaves it to the room's check.
      expect(decideAdmission(null, standing(q), claims('in'))).toMatchObject({ ok: true });
      expect(decideAdmission(room, standing(q), claims('o', 'observer'))).toMatchObject({ ok: true });
      expect(decideGrant(standing(q), 'observer')).toEqual({ ok: true });
    }
    expect(decideAdmission(room, standing('rectification'), claims('new'))).toMatchObject({ ok: true });
    expect(decideGrant(standing('qualified'), 'trainee')).toEqual({ ok: true });
  });
});
