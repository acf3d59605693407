import { NEW_PASSWORD, PASSWORD, createWorld } from '../helpers/world';
import { browserSuite, SIZES, bodyText, pageAs, shot } from './web';

/** The platform admin's home in Chromium: institutions, jurisdictions and officers, with the API's actions. */
const s = browserSuite();

describe.each(SIZES)('platform admin at $name size', (size) => {
  it(`[JS-A] the platform admin sees the institutions and jurisdictions, creates a jurisdiction and an officer who is listed and can then sign in (${size.name})`, async () => {
    const w = await createWorld(s.t);
    const me = await w.as.platform.auth.me();
    const password = await s.t.client.auth
      .login({ username: me.username, password: NEW_PASSWORD })
      .then(() => NEW_PASSWORD)
      .catch(() => PASSWORD);
    const { p, errors } = await pageAs(s.t, s.browser, me.username, size, { password });
    await p.goto(`${s.t.baseUrl}/app/`);
    await p.getByText(`测试航海学校${w.code}`).first().waitFor();
    const text = await bodyText(p);
    expect(text).toContain('培训机构 Institutions');
    expect(text).toContain(`J${w.code} · 测试海事局${w.code}`);
    expect(text).toContain('具备线上培训资格 Qualified');

    const jur = p.locator('form.mini-form', { hasText: '新增辖区 New jurisdiction' });
    await jur.locator('input[name=code]').fill(`X${w.code}`);
    await jur.locator('input[name=nameZh]').fill(`新辖区${w.code}`);
    await jur.locator('input[name=nameEn]').fill(`New area ${w.code}`);
    await jur.getByRole('button', { name: '创建辖区 Create jurisdiction' }).click();
    await p.getByText(`X${w.code} · 新辖区${w.code}`).waitFor();

    const officer = p.locator('form.mini-form', { hasText: '新增检查员 New officer' });
    const username = `web-officer-${w.code.toLowerCase()}`;
    await officer.locator('input[name=username]').fill(username);
    await officer.locator('input[name=displayName]').fill('网页检查员');
    await officer
      .locator('select[name=jurisdictionId]')
      .selectOption({ label: `J${w.code} 测试海事局${w.code}` });
    await officer.locator('input[name=initialPassword]').fill(PASSWORD);
    await officer.getByRole('button', { name: '创建检查员 Create officer' }).click();
    // The officer is in the list (which the API keeps, not this page): with jurisdiction and status.
    const row = p.locator('tr', { hasText: username });
    await row.waitFor();
    expect(await row.innerText()).toMatch(
      new RegExp(`网页检查员[\\s\\S]*${username}[\\s\\S]*J${w.code} 测试海事局${w.code}[\\s\\S]*正常 Active`),
    );
    // …and stays there on the next visit.
    await p.reload();
    await p.locator('tr', { hasText: username }).waitFor();
    await shot(p, `admin-home-${size.name}`);
    const pair = await s.t.client.auth.login({ username, password: PASSWORD });
    expect(pair.account.roles).toEqual(['maritime_officer']);
    expect(errors).toEqual([]);
    await p.context().close();
  });
});
