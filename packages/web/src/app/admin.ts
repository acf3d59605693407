// The platform admin's home: institutions (create, online qualification, first institution admin),
// jurisdictions (create) and maritime officers (create) — the actions the API has.
import type { InstitutionView, JurisdictionView, QualificationStatus } from '@seafarer/contracts';
import { QUALIFICATION_LABELS, QUALIFICATION_STATUSES } from '@seafarer/contracts';
import { api } from '../shared/api';
import { h, section } from '../shared/dom';
import { showError } from '../shared/errors';
import { label } from '../shared/format';

const field = (text: string, name: string, attrs: Record<string, unknown> = {}) =>
  h('label', {}, text, h('input', { name, required: true, ...attrs }));

/** A small form whose submit runs `action(values)` and then `done()`, showing errors under it. */
function miniForm(
  title: string,
  fields: HTMLElement[],
  submitText: string,
  action: (v: Record<string, string>) => Promise<unknown>,
  done: (result: unknown) => void,
): HTMLFormElement {
  const err = h('div', { hidden: true });
  const btn = h('button', { type: 'submit' }, submitText);
  const form = h(
    'form',
    { class: 'mini-form' },
    h('h4', {}, title),
    h('div', { class: 'grid2' }, fields),
    h('div', { class: 'actions' }, btn),
    err,
  );
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    showError(err, null);
    const values = Object.fromEntries([...new FormData(form)].map(([k, v]) => [k, String(v).trim()]));
    btn.disabled = true;
    action(values)
      .then((r) => {
        form.reset();
        done(r);
      })
      .catch((ex: unknown) => showError(err, ex))
      .finally(() => (btn.disabled = false));
  });
  return form;
}

const jurisdictionSelect = (items: JurisdictionView[], name = 'jurisdictionId') =>
  h(
    'label',
    {},
    '辖区 Jurisdiction',
    h(
      'select',
      { name, required: true },
      items.map((j) => h('option', { value: j.id }, `${j.code} ${j.nameZh}`)),
    ),
  );

export async function adminHome(box: HTMLElement): Promise<void> {
  const [insts, jurs, officers] = await Promise.all([
    api.institutions.list(),
    api.jurisdictions.list(),
    api.officers.list(),
  ]);
  const rerender = () => void adminHome(box).catch((e: unknown) => showError(box, e));
  const jurName = new Map(jurs.items.map((j) => [j.id, `${j.code} ${j.nameZh}`]));

  const instRows = insts.items.map((i: InstitutionView) => {
    const sel = h(
      'select',
      { 'aria-label': `${i.nameZh} 线上培训资格 Online qualification` },
      // 'none' is where an institution starts, never a measure (the API refuses it): offered only as is.
      QUALIFICATION_STATUSES.filter((q) => q !== 'none' || i.onlineQualification === 'none').map((q) =>
        h('option', { value: q, disabled: q === 'none' }, label(QUALIFICATION_LABELS, q)),
      ),
    );
    sel.value = i.onlineQualification;
    const err = h('div', { hidden: true });
    sel.addEventListener('change', () => {
      showError(err, null);
      const note = prompt('变更线上培训资格的理由（将被审计） Reason for the change (audited)')?.trim();
      if (!note) {
        sel.value = i.onlineQualification;
        return;
      }
      api.institutions
        .setQualification(i.id, { status: sel.value as QualificationStatus, note })
        .then(rerender, (e: unknown) => {
          sel.value = i.onlineQualification;
          showError(err, e);
        });
    });
    return h(
      'tr',
      {},
      h('td', {}, h('strong', {}, i.nameZh), h('br'), h('span', { class: 'muted' }, i.nameEn)),
      h('td', { class: 'nowrap' }, i.creditCode),
      h('td', {}, jurName.get(i.jurisdictionId) ?? '—'),
      h('td', {}, sel, err),
    );
  });

  const th = (t: string) => h('th', {}, t);
  const td = (lbl: string, t: string) => h('td', { 'data-label': lbl }, t);
  const officerList = officers.items.length
    ? h(
        'div',
        { class: 'table-wrap' },
        h(
          'table',
          { class: 'cards' },
          h(
            'thead',
            {},
            h('tr', {}, th('姓名 Name'), th('用户名 Username'), th('辖区 Jurisdiction'), th('状态 Status')),
          ),
          h(
            'tbody',
            {},
            officers.items.map((o) =>
              h(
                'tr',
                {},
                td('姓名 Name', o.displayName),
                td('用户名 Username', o.username),
                td('辖区 Jurisdiction', jurName.get(o.jurisdictionId) ?? '—'),
                td('状态 Status', o.status === 'active' ? '正常 Active' : '已停用 Disabled'),
              ),
            ),
          ),
        ),
      )
    : h('p', { class: 'muted' }, '尚无检查员 No officers yet');
  const adminNote = h('div', {});
  box.replaceChildren(
    section(
      `培训机构 Institutions（${insts.items.length}）`,
      h(
        'div',
        { class: 'table-wrap' },
        h(
          'table',
          {},
          h(
            'thead',
            {},
            h(
              'tr',
              {},
              [
                '机构 Institution',
                '统一社会信用代码 Credit code',
                '辖区 Jurisdiction',
                '线上培训资格 Online qualification',
              ].map((t) => h('th', {}, t)),
            ),
          ),
          h('tbody', {}, instRows),
        ),
      ),
      jurs.items.length
        ? miniForm(
            '新增机构 New institution',
            [
              field('中文名称 Name (zh)', 'nameZh'),
              field('英文名称 Name (en)', 'nameEn'),
              field('统一社会信用代码 Credit code', 'creditCode', {
                pattern: '[0-9A-Z]{18}',
                maxlength: '18',
              }),
              jurisdictionSelect(jurs.items),
            ],
            '创建机构 Create institution',
            (v) =>
              api.institutions.create({
                nameZh: v.nameZh ?? '',
                nameEn: v.nameEn ?? '',
                creditCode: v.creditCode ?? '',
                jurisdictionId: v.jurisdictionId ?? '',
              }),
            rerender,
          )
        : null,
      insts.items.length
        ? miniForm(
            '机构管理员 Institution admin',
            [
              h(
                'label',
                {},
                '机构 Institution',
                h(
                  'select',
                  { name: 'institutionId', required: true },
                  insts.items.map((i) => h('option', { value: i.id }, i.nameZh)),
                ),
              ),
              field('用户名 Username', 'username', { pattern: '[a-zA-Z0-9._\\-]{3,50}' }),
              field('姓名 Name', 'displayName'),
              field('初始密码 Initial password', 'initialPassword', {
                type: 'password',
                autocomplete: 'new-password',
              }),
            ],
            '创建管理员 Create admin',
            (v) =>
              api.institutions.createAdmin(v.institutionId ?? '', {
                username: v.username ?? '',
                displayName: v.displayName ?? '',
                initialPassword: v.initialPassword ?? '',
              }),
            (r) =>
              adminNote.replaceChildren(
                h(
                  'p',
                  { class: 'ok-note' },
                  `已创建 Created: ${(r as { username?: string }).username ?? ''}`,
                ),
              ),
          )
        : null,
      adminNote,
    ),
    section(
      `辖区 Jurisdictions（${jurs.items.length}）`,
      h(
        'ul',
        {},
        jurs.items.map((j) =>
          h(
            'li',
            {},
            `${j.code} · ${j.nameZh} ${j.nameEn}${j.parentId ? ` ← ${jurName.get(j.parentId) ?? ''}` : ''}`,
          ),
        ),
      ),
      miniForm(
        '新增辖区 New jurisdiction',
        [
          field('代码 Code', 'code', { pattern: '[A-Z0-9\\-]{2,40}', placeholder: 'JS-NJ' }),
          field('中文名称 Name (zh)', 'nameZh'),
          field('英文名称 Name (en)', 'nameEn'),
        ],
        '创建辖区 Create jurisdiction',
        (v) =>
          api.jurisdictions.create({ code: v.code ?? '', nameZh: v.nameZh ?? '', nameEn: v.nameEn ?? '' }),
        rerender,
      ),
    ),
    section(
      '海事检查员 Maritime officers',
      h(
        'p',
        { class: 'hint' },
        '新检查员首次登录须修改密码 A new officer changes their password at first sign-in.',
      ),
      officerList,
      jurs.items.length
        ? miniForm(
            '新增检查员 New officer',
            [
              field('用户名 Username', 'username', { pattern: '[a-zA-Z0-9._\\-]{3,50}' }),
              field('姓名 Name', 'displayName'),
              jurisdictionSelect(jurs.items),
              field('初始密码 Initial password', 'initialPassword', {
                type: 'password',
                autocomplete: 'new-password',
              }),
            ],
            '创建检查员 Create officer',
            (v) =>
              api.officers.create({
                username: v.username ?? '',
                displayName: v.displayName ?? '',
                jurisdictionId: v.jurisdictionId ?? '',
                initialPassword: v.initialPassword ?? '',
              }),
            rerender,
          )
        : null,
    ),
  );
}
