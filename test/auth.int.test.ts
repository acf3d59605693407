import { ApiError } from '@seafarer/sdk';
import { startTestApp, type TestApp } from './helpers/app';
import { createWorld, NEW_PASSWORD, PASSWORD, signIn, type World } from './helpers/world';

let t: TestApp;
let w: World;
beforeAll(async () => {
  t = await startTestApp({ LOGIN_MAX_FAILURES: '3', LOGIN_LOCK_MINUTES: '15' });
  w = await createWorld(t);
});
afterAll(() => t.close());

const codeOf = async (p: Promise<unknown>) => {
  try {
    await p;
    return 'OK';
  } catch (e) {
    return e instanceof ApiError ? `${e.status} ${e.body.code}` : String(e);
  }
};
const audit = async (action: string) =>
  (await w.as.admin.institutions.auditEvents(w.institutionId, { action })).items;

describe('accounts and sessions', () => {
  it('[TM-3] a second login of a trainee ends the first session at once, and the takeover is audited', async () => {
    const first = await t.client.auth.login({ username: w.usernames.trainee, password: NEW_PASSWORD });
    const phone = t.client.withToken(first.accessToken);
    expect((await phone.auth.me()).roles).toEqual(['trainee']);

    const second = await t.client.auth.login({ username: w.usernames.trainee, password: NEW_PASSWORD });
    expect(await codeOf(phone.auth.me())).toBe('401 SESSION_ENDED');
    expect(await codeOf(t.client.auth.refresh(first.refreshToken))).toBe('401 SESSION_ENDED');
    expect((await t.client.withToken(second.accessToken).auth.me()).username).toBe(w.usernames.trainee);

    const events = await audit('auth.session_superseded');
    expect(
      events.some((e) => (e.data as { endedSessionIds: string[] }).endedSessionIds.includes(first.sessionId)),
    ).toBe(true);
  });

  it('[TM-3] staff may hold sessions on two devices at once', async () => {
    const a = await t.client.auth.login({ username: w.usernames.manager, password: NEW_PASSWORD });
    const b = await t.client.auth.login({ username: w.usernames.manager, password: NEW_PASSWORD });
    expect((await t.client.withToken(a.accessToken).auth.me()).username).toBe(w.usernames.manager);
    expect((await t.client.withToken(b.accessToken).auth.me()).username).toBe(w.usernames.manager);
  });

  it('[TM-3] repeated wrong passwords lock the account, even against the right password, until an admin unlocks it', async () => {
    const username = w.usernames.junior;
    expect(await codeOf(t.client.auth.login({ username, password: 'wrong-Password-1' }))).toBe(
      '401 INVALID_CREDENTIALS',
    );
    expect(await codeOf(t.client.auth.login({ username, password: 'wrong-Password-2' }))).toBe(
      '401 INVALID_CREDENTIALS',
    );
    // SEC-1: the locking failure answers like any other; only the right password is told about the lock.
    expect(await codeOf(t.client.auth.login({ username, password: 'wrong-Password-3' }))).toBe(
      '401 INVALID_CREDENTIALS',
    );
    expect(await codeOf(t.client.auth.login({ username, password: PASSWORD }))).toBe('423 ACCOUNT_LOCKED');
    expect((await audit('auth.account_locked')).map((e) => e.targetId)).toContain(w.juniorInstructorId);

    await w.as.admin.staff.unlock(w.juniorInstructorId);
    expect(await codeOf(t.client.auth.login({ username, password: PASSWORD }))).toBe('OK');
  });

  it('[TM-3] an unknown username and a wrong password get the same answer', async () => {
    expect(await codeOf(t.client.auth.login({ username: 'nobody-here', password: 'Whatever-123' }))).toBe(
      '401 INVALID_CREDENTIALS',
    );
  });

  it('[TM-3] weak passwords are refused with the rules they break, and the old password keeps working', async () => {
    const me = await signIn(t.client, w.usernames.instructor, NEW_PASSWORD);
    for (const weak of ['short1A!', 'alllowercaseletters', `${w.usernames.instructor}-X9`]) {
      const res = await me.raw('POST', '/api/v1/auth/password', {
        body: { currentPassword: NEW_PASSWORD, newPassword: weak },
      });
      expect(res.status).toBe(422);
      expect(res.body).toMatchObject({
        code: 'WEAK_PASSWORD',
        message: { zh: expect.any(String), en: expect.any(String) },
      });
      expect((res.body as { details: { problems: unknown[] } }).details.problems.length).toBeGreaterThan(0);
    }
    expect(
      await codeOf(t.client.auth.login({ username: w.usernames.instructor, password: NEW_PASSWORD })),
    ).toBe('OK');
  });

  it('[TM-3] logout everywhere ends every session of the account, including the one that asked', async () => {
    const a = await t.client.auth.login({ username: w.usernames.admin, password: NEW_PASSWORD });
    const b = await t.client.auth.login({ username: w.usernames.admin, password: NEW_PASSWORD });
    const res = await t.client.withToken(a.accessToken).auth.logoutAll();
    expect(res.revokedSessions).toBeGreaterThanOrEqual(2);
    expect(await codeOf(t.client.withToken(a.accessToken).auth.me())).toBe('401 SESSION_ENDED');
    expect(await codeOf(t.client.withToken(b.accessToken).auth.me())).toBe('401 SESSION_ENDED');
    expect(await codeOf(t.client.auth.refresh(b.refreshToken))).toBe('401 SESSION_ENDED');
    w.as.admin = await signIn(t.client, w.usernames.admin, NEW_PASSWORD);
  });

  it('[TM-3] refresh tokens rotate; presenting a spent one ends the session', async () => {
    const pair = await t.client.auth.login({ username: w.usernames.manager, password: NEW_PASSWORD });
    const next = await t.client.auth.refresh(pair.refreshToken);
    expect(next.refreshToken).not.toBe(pair.refreshToken);
    expect((await t.client.withToken(next.accessToken).auth.me()).username).toBe(w.usernames.manager);
    expect(await codeOf(t.client.auth.refresh(pair.refreshToken))).toBe('401 REFRESH_TOKEN_REUSED');
    expect(await codeOf(t.client.withToken(next.accessToken).auth.me())).toBe('401 SESSION_ENDED');
  });

  it('[TM-1] an issued account must change its password before doing anything else', async () => {
    const trainee = await w.as.admin.institutions.createTrainee(w.institutionId, {
      username: `fresh-${w.code.toLowerCase()}`,
      displayName: '新学员',
      initialPassword: PASSWORD,
    });
    const pair = await t.client.auth.login({ username: trainee.username, password: PASSWORD });
    expect(pair.account.mustChangePassword).toBe(true);
    const fresh = t.client.withToken(pair.accessToken);
    expect(await codeOf(fresh.institutions.get(w.institutionId))).toBe('403 PASSWORD_CHANGE_REQUIRED');
    await fresh.auth.changePassword({ currentPassword: PASSWORD, newPassword: NEW_PASSWORD });
    expect((await fresh.institutions.get(w.institutionId)).id).toBe(w.institutionId);
  });
});
