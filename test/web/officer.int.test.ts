import { rosterCsv, trainees } from '../helpers/roster';
import { createWorld } from '../helpers/world';
import { browserSuite, SIZES, bodyText, pageAs, shot } from './web';

/** The maritime officer's main flow in Chromium: the notice of a filing → review → confirm. */
const s = browserSuite();

describe.each(SIZES)('maritime officer at $name size', (size) => {
  it(`[JS-16] [JS-11.1] [JS-11.2] the officer is told of the filing, opens it from the notice, sees the institution in the class header and the filed roster, confirms; the manager's plan page then counts no days down (${size.name})`, async () => {
    const w = await createWorld(s.t);
    const people = trainees(2, size.name === 'phone' ? 820 : 810);
    await w.as.manager.raw('POST', `/api/v1/classes/${w.classId}/roster/import`, {
      rawBody: rosterCsv(people),
      headers: { 'content-type': 'text/csv' },
    });
    await w.as.manager.call('POST', `/api/v1/classes/${w.classId}/plan/file`);
    await w.as.manager.call('POST', `/api/v1/classes/${w.classId}/roster/file`);
    const cls = await w.as.manager.call<{ code: string; institutionNameZh: string }>(
      'GET',
      `/api/v1/classes/${w.classId}`,
    );

    const { p, errors } = await pageAs(s.t, s.browser, w.usernames.officer, size);
    await p.goto(`${s.t.baseUrl}/app/officer.html`);
    const notices = p.getByTestId('officer-notices');
    await notices.getByText(`报备了开班计划`).first().waitFor();
    expect(await notices.innerText()).toContain(cls.code);
    await p.getByText('待审核 To review').waitFor();
    await shot(p, `officer-home-${size.name}`);

    await notices.getByText('报备了开班计划').first().click();
    await p.waitForURL(new RegExp(`#/class/${w.classId}`));
    const header = p.getByTestId('class-header');
    await header.waitFor();
    expect(await header.innerText()).toContain(cls.institutionNameZh);
    await p.getByText('审核第 1 版 Review version 1').waitFor();
    await shot(p, `officer-review-${size.name}`);
    await p.getByRole('button', { name: '确认开班 Confirm' }).click();
    await p.getByText('第 1 版已确认 Version 1 confirmed.').waitFor();

    await p.click('text=名册 Roster');
    await p.getByText(people[0]!.name).waitFor();
    const text = await bodyText(p);
    expect(text).toContain('名册已报备 Roster filed');
    for (const r of people) expect(text).not.toContain(r.idNumber);
    expect(errors).toEqual([]);
    await p.context().close();

    // The manager's plan page after the confirmation: no "days left" any more.
    const m = await pageAs(s.t, s.browser, w.usernames.manager, size);
    await m.p.goto(`${s.t.baseUrl}/app/manager.html#/class/${w.classId}`);
    await m.p.getByText('已获海事管理机构开班确认').waitFor();
    expect(await m.p.innerText('[data-testid=filing-rule]')).not.toContain('还剩');
    expect(m.errors).toEqual([]);
    await m.p.context().close();
  });
});
