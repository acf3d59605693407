import { sql } from 'drizzle-orm';
import type { ClassView, JoinGrantView } from '@seafarer/contracts';
import { calendarDaysBetween, shanghaiDate } from '@seafarer/core';
import { DEMO_PASSWORD, demoBanner, seedDemo } from '../services/api/src/cli/seed-demo';
import { startTestApp, type TestApp } from './helpers/app';
import { signIn } from './helpers/world';

/**
 * The start command's demo (services/api/src/cli/seed-demo.ts), seeded into the test database: what a
 * newcomer who opens the printed room as instructor, trainee and officer gets from the API right now.
 */
describe('demo seed', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  test('[JS-11.1] [JS-11.3] [JS-13.2] [JS-17] the demo class is live now (filed 3+ days before, confirmed): instructor, trainee and officer are each granted the room; its three trainees are on the attendance sheet, an open finding awaits correction; a second run changes nothing', async () => {
    const seeded = await seedDemo(t.config);
    const { live } = seeded;
    const now = Date.now();

    const manager = await signIn(t.client, 'demo.manager', DEMO_PASSWORD);
    const view = await manager.call<ClassView>('GET', `/api/v1/classes/${live.classId}`);
    expect(view.filingState).toBe('confirmed');
    const running = view.current.sessions.find((s) => s.id === live.now.id)!;
    // Its room is open now (from half an hour before the start; late in the China evening the printed
    // session is tomorrow's 00:00 one) and the session has not ended.
    expect(Date.parse(running.startsAt) - 30 * 60_000).toBeLessThanOrEqual(now);
    expect(Date.parse(running.endsAt)).toBeGreaterThan(now);
    expect(view.current.sessions.some((s) => s.date === shanghaiDate(new Date(now + 86_400_000)))).toBe(true);
    // Filed as history, by the rule: three calendar days (China time) before the first session at least.
    const filedOn = shanghaiDate(new Date(view.current.filedAt!));
    expect(calendarDaysBetween(filedOn, view.current.firstSessionDate)).toBeGreaterThanOrEqual(3);
    expect(Date.parse(view.current.reviewedAt!)).toBeLessThan(now - 86_400_000);

    const roles: Record<string, string> = {
      'demo.instructor': 'instructor',
      [live.trainee]: 'trainee',
      'demo.officer': 'observer',
    };
    for (const [username, role] of Object.entries(roles)) {
      const who = await signIn(t.client, username, DEMO_PASSWORD);
      const grant = await who.call<JoinGrantView>(
        'POST',
        `/api/v1/classes/${live.classId}/sessions/${live.now.id}/join-grant`,
      );
      expect(grant.liveRole).toBe(role);
    }
    const banner = demoBanner(seeded, `${t.baseUrl}/app`);
    expect(banner).toContain(`${t.baseUrl}/app/room.html?class=${live.classId}&session=${live.now.id}`);
    expect(banner).toContain(live.trainee);

    // Issue 11 from the start: three trainees on the roster (two of them away, so a roll-call shows an
    // absence), the manager's attendance sheet of the class, and an open finding with a deadline that the
    // officer's and the institution's findings pages show.
    expect(view.rosterCount).toBe(3);
    const sheet = await manager.call<{ trainees: unknown[] }>(
      'GET',
      `/api/v1/classes/${live.classId}/attendance`,
    );
    expect(sheet.trainees).toHaveLength(3);
    const officer = await signIn(t.client, 'demo.officer', DEMO_PASSWORD);
    const items = await officer.call<{
      items: Array<{ kind: string; status: string; deadline: string | null }>;
    }>('GET', `/api/v1/institutions/${view.institutionId}/oversight-items`);
    expect(items.items).toEqual([
      expect.objectContaining({
        kind: 'finding',
        status: 'open',
        deadline: shanghaiDate(new Date(now + 5 * 86_400_000)),
      }),
    ]);
    for (const page of ['manager.html#/class/', 'wall.html', `officer.html#/findings/${view.institutionId}`])
      expect(banner).toContain(`${t.baseUrl}/app/${page}`);

    // A second run adds nothing to the demo institution's audit trail (so nothing was written).
    const count = async () =>
      Number(
        (
          await t.app.core.db.execute<{ n: string }>(
            sql`select count(*) as n from audit_events where institution_id = ${view.institutionId}`,
          )
        ).rows[0]!.n,
      );
    const before = await count();
    const again = await seedDemo(t.config);
    expect(again.live).toEqual(live);
    expect(await count()).toBe(before);
  });
});
