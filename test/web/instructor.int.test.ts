import { china } from '../helpers/clock';
import { addIdentityFixture, addLiveRecordsFixture, chinaDate, createWorld } from '../helpers/world';
import { browserSuite, SIZES, pageAs, shot } from './web';

/** The instructor's home in Chromium: their classes, the roster (masked), sessions and past interactions. */
const s = browserSuite();

describe.each(SIZES)('instructor at $name size', (size) => {
  it(`[JS-12] [SEC-3] an instructor finds the classes they teach, the masked roster, the timetable and what was said and asked in a past session (${size.name})`, async () => {
    const w = await createWorld(s.t);
    const f = await addIdentityFixture(s.t, w, size.name === 'phone' ? 2 : 1);
    const rec = await addLiveRecordsFixture(s.t, w, f);
    const { p, errors } = await pageAs(s.t, s.browser, w.usernames.instructor, size);
    // The browser's day is after the fixture class's first session, so that session is a past one.
    await p.clock.setFixedTime(china(chinaDate(11), '13:00:00'));
    await p.goto(`${s.t.baseUrl}/app/`);
    await p.getByText('我任教的班级 Classes I teach').waitFor();
    const card = p.locator(`section.class-card[data-class="${f.classId}"]`);
    await card.waitFor();
    expect(await p.locator('section.class-card').count()).toBe(2);
    expect(await card.locator('tbody tr').count()).toBe(4);

    await card.getByText('学员名册 Roster（1）').click();
    await card.getByText('核验学员').waitFor();
    expect(await card.innerText()).toMatch(/3201\*{10}\d{3}[\dX]/);

    await card.locator('details.interactions summary').first().click();
    await card.getByText(rec.questionText).waitFor();
    const text = await card.innerText();
    expect(text).toContain(`消息 Chat · 核验学员：${rec.chatText}`);
    expect(text).toContain('举手 Hand');
    await shot(p, `instructor-home-${size.name}`);
    expect(errors).toEqual([]);
    await p.context().close();
  });
});
