import { readFile } from 'node:fs/promises';
import { rosterCsv, trainees } from '../helpers/roster';
import { createWorld } from '../helpers/world';
import { browserSuite, SIZES, bodyText, pageAs, shot } from './web';

/** The class manager's main flow in Chromium: create → file → import → file roster → issue accounts → filing package. */
const s = browserSuite();

describe.each(SIZES)('class manager at $name size', (size) => {
  it(`[JS-12] [JS-11.1] [JS-11.2] creates a class (a short draft saved with its shortfall), files it, imports and files the roster (warned of missing ID photos), issues printable slips and downloads the filing package (${size.name})`, async () => {
    const w = await createWorld(s.t);
    const people = trainees(2, size.name === 'phone' ? 720 : 710);
    const { p, errors } = await pageAs(s.t, s.browser, w.usernames.manager, size);
    await p.goto(`${s.t.baseUrl}/app/manager.html#/new`);
    await p.fill('input[name=code]', `M${w.code}`);
    await p.fill('input[name=name]', `网页新建班 ${w.code}`);
    await p.fill('table.editor tbody tr:nth-child(1) td:nth-child(5) input', '个人安全 1');
    // One 4-hour session against a 16-hour syllabus: the editor counts the shortfall with core's rule.
    await p.getByText('还差 Short by 12 h').waitFor();
    await p.click('button[type=submit]');
    await p.waitForURL(/#\/class\/[0-9a-f-]{36}$/);
    await p.getByTestId('plan-problems').waitFor();
    let text = await bodyText(p);
    expect(text).toContain('还差 Short by 12 h');
    expect(text).toContain('还剩 7 天');
    const classId = /#\/class\/([0-9a-f-]{36})/.exec(p.url())![1]!;

    // Amend the draft to cover the syllabus, then file it.
    await p.click('text=编辑计划 Edit plan');
    for (let i = 0; i < 3; i++) await p.click('text=＋ 添加课次 Add session');
    for (let i = 2; i <= 4; i++)
      await p.fill(`table.editor tbody tr:nth-child(${i}) td:nth-child(5) input`, `个人安全 ${i}`);
    await p.getByText('✓ 满足 Covered').waitFor();
    await p.click('button[type=submit]');
    await p.waitForURL(/#\/class\/[0-9a-f-]{36}$/);
    await p.getByText('✓ 满足 Covered').waitFor();
    await shot(p, `manager-plan-draft-${size.name}`);
    await p.click('text=提交备案 File plan');
    await p.getByText('已报备，等待海事管理机构审核').waitFor();
    text = await p.innerText('[data-testid=filing-rule]');
    expect(text).not.toContain('还剩');

    // Roster: import the template's CSV through the file picker.
    await p.click('text=名册 Roster');
    await p.setInputFiles('input[type=file][accept^=".xlsx"]', {
      name: 'roster.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(rosterCsv(people)),
    });
    await p.getByRole('button', { name: '导入名册 Import roster' }).click();
    await p.getByText('已导入 2 条').waitFor();
    await p.getByText(people[1]!.name).waitFor();
    // Every masked ID number is on screen in full (no cut-off column on a phone).
    for (const r of people) {
      const masked = `${r.idNumber.slice(0, 4)}**********${r.idNumber.slice(-4)}`;
      const cell = p.locator('td', { hasText: masked });
      const box = (await cell.boundingBox())!;
      expect(box.x).toBeGreaterThanOrEqual(0);
      expect(box.x + box.width).toBeLessThanOrEqual(size.viewport.width);
      expect(await cell.evaluate((el) => el.scrollWidth <= el.clientWidth + 1)).toBe(true);
    }
    await shot(p, `manager-roster-${size.name}`);

    // Filing the roster without ID photos warns, and the button rests until the roster changes.
    const fileRoster = p.getByRole('button', { name: '报备名册 File roster' });
    await fileRoster.click();
    await p.getByText('尚无证件照').waitFor();
    await p.getByText('Roster filed.').waitFor();
    expect(await fileRoster.isDisabled()).toBe(true);

    // Accounts: slips with the sign-in address (and its QR code), the class and the first session.
    await p.click('text=发放学员账户 Issue trainee accounts');
    await p.locator('.slip').first().waitFor();
    expect(await p.locator('.slip').count()).toBe(2);
    expect(await p.locator('.slip .slip-qr svg').count()).toBe(2);
    const slip = await p.locator('.slip').first().innerText();
    expect(slip).toContain('/app/');
    expect(slip).toContain(`M${w.code}`);
    expect(slip).toContain(w.firstSessionDate);
    expect(slip).toContain('08:30');
    await shot(p, `manager-slips-${size.name}`);
    // Printed, the slips are all there is on paper.
    await p.emulateMedia({ media: 'print' });
    expect(await p.locator('header').isVisible()).toBe(false);
    expect(await p.locator('.slips').isVisible()).toBe(true);
    expect(await p.getByText('打印账户条 Print slips').isVisible()).toBe(false);
    await shot(p, `manager-slips-print-${size.name}`);
    await p.emulateMedia({ media: 'screen' });
    await p.click('text=关闭 Close');

    // The filing package, downloaded as an officer would get it.
    await p.click('text=计划与备案 Plan');
    const [dl] = await Promise.all([
      p.waitForEvent('download'),
      p.click('text=下载备案材料 Filing package (XLSX)'),
    ]);
    expect(dl.suggestedFilename()).toMatch(/\.xlsx$/);
    const bytes = await readFile((await dl.path())!);
    expect(bytes.subarray(0, 2).toString()).toBe('PK');
    expect(classId).toHaveLength(36);
    expect(errors).toEqual([]);
    await p.context().close();
  });
});
