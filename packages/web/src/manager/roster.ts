// The manager's roster tab: import (with per-row errors naming the template's column), ID photos,
// filing the roster (warned about entries without an ID photo; disabled until the roster changes
// again), and issuing trainee accounts with printable slips.
import type { ClassView, IssueAccountsResult, RosterEntryView } from '@seafarer/contracts';
import { renderSVG } from 'uqr';
import { ApiError, api, download } from '../shared/api';
import { errSlot, h, saveBlob, section } from '../shared/dom';
import { actionButton, inputError, showError } from '../shared/errors';
import { fmtDateTime } from '../shared/format';
import { rosterTable } from '../shared/ui';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
function spreadsheetType(file: File): string {
  const n = file.name.toLowerCase();
  if (n.endsWith('.csv')) return 'text/csv';
  if (n.endsWith('.xlsx')) return XLSX;
  return file.type || 'application/octet-stream';
}

/** Whether the roster changed after it was filed (an entry added since), so it may be filed again. */
const changedSinceFiling = (cls: ClassView, items: RosterEntryView[]): boolean =>
  !cls.rosterFiledAt || items.some((r) => r.createdAt > (cls.rosterFiledAt ?? ''));

export function rosterTab(panel: HTMLElement, initial: ClassView, { stale }: { stale: () => boolean }): void {
  let cls = initial;
  let items: RosterEntryView[] = [];
  const importErr = errSlot();
  const importResult = h('div', {});
  const fileInput = h('input', { type: 'file', accept: `.xlsx,.csv,text/csv,${XLSX}` });
  const listBox = h('div', {}, h('p', { class: 'muted' }, '加载中… Loading…'));
  const fileErr = errSlot();
  const fileNote = h('div', { 'data-testid': 'roster-file-result' });
  const issueErr = errSlot();
  const rosterTitle = h('h3', {}, `学员名册 Roster（${cls.rosterCount}）`);
  const rosterFiled = h('p', {});

  const fileBtn = actionButton(
    '报备名册 File roster',
    async (b) => {
      if (!confirm('向海事管理机构报备学员名册？ File the roster with the maritime authority?')) return;
      const r = await api.classes.fileRoster(cls.id);
      const warnings = r.warnings ?? [];
      fileNote.replaceChildren(
        ...warnings.map((w) =>
          h('p', { class: 'warn', role: 'alert' }, `⚠ ${w.message.zh} · ${w.message.en}`),
        ),
      );
      b.dataset.keepDisabled = '1';
      await reloadClass();
    },
    { errEl: fileErr },
  );
  const showFiled = () => {
    rosterFiled.replaceChildren(
      cls.rosterFiledAt
        ? h('span', { class: 'ok-note' }, `名册已于 ${fmtDateTime(cls.rosterFiledAt)} 报备 Roster filed.`)
        : h(
            'span',
            { class: 'hint' },
            '学员名册须在首次课次开始前报备 The roster must be filed before the first session starts.',
          ),
    );
    const canFile = items.length > 0 && changedSinceFiling(cls, items);
    fileBtn.disabled = !canFile;
    fileBtn.dataset.keepDisabled = canFile ? '' : '1';
    fileBtn.title = canFile
      ? ''
      : cls.rosterFiledAt
        ? '名册报备后未变更 The roster has not changed since it was filed'
        : '名册为空 The roster is empty';
  };
  const reloadClass = async () => {
    cls = await api.classes.get(cls.id);
    rosterTitle.textContent = `学员名册 Roster（${cls.rosterCount}）`;
    await loadRoster();
  };

  const importBtn = h('button', { type: 'button' }, '导入名册 Import roster');
  importBtn.addEventListener('click', () => {
    showError(importErr, null);
    importResult.replaceChildren();
    const f = fileInput.files?.[0];
    if (!f) return showError(importErr, inputError('请选择 XLSX 或 CSV 文件', 'Choose an XLSX or CSV file'));
    importBtn.disabled = true;
    void (async () => {
      try {
        const r = await api.classes.importRoster(cls.id, f, spreadsheetType(f));
        importResult.replaceChildren(
          h(
            'p',
            { class: 'ok-note' },
            `已导入 ${r.imported} 条，名册共 ${r.total} 人 Imported ${r.imported}; ${r.total} on the roster.`,
          ),
        );
        fileInput.value = '';
        await reloadClass();
      } catch (e) {
        showError(importErr, e);
        const rowErrors =
          e instanceof ApiError ? (e.body.details as { errors?: RowError[] } | undefined)?.errors : undefined;
        if (Array.isArray(rowErrors) && rowErrors.length)
          importResult.replaceChildren(rowErrorTable(rowErrors));
      } finally {
        importBtn.disabled = false;
      }
    })();
  });

  panel.replaceChildren(
    section(
      '导入名册 Import roster',
      h(
        'p',
        { class: 'hint' },
        '按模板填写（XLSX 或 CSV）。有任何错误时不会导入任何记录，请按逐行错误修改后重新导入。 Fill in the template (XLSX or CSV). If any row has an error nothing is imported; fix the rows listed and import again.',
      ),
      h(
        'div',
        { class: 'actions' },
        actionButton(
          '下载名册模板 Download template',
          () => download(api.rosterTemplate(), 'roster-template.xlsx'),
          {
            errEl: importErr,
            cls: 'secondary',
          },
        ),
      ),
      h('div', { class: 'file-row' }, fileInput, importBtn),
      importErr,
      importResult,
    ),
    h(
      'section',
      { class: 'card' },
      rosterTitle,
      h('p', { class: 'hint' }, '证件号与手机号已脱敏 ID numbers and phones are masked.'),
      listBox,
    ),
    section(
      '名册报备与学员账户 Filing & trainee accounts',
      rosterFiled,
      h(
        'div',
        { class: 'actions' },
        fileBtn,
        actionButton(
          '发放学员账户 Issue trainee accounts',
          async () => {
            if (
              !confirm(
                '为名册中尚无账户的学员生成账户和一次性密码？密码只显示一次。 Create accounts with one-time passwords for trainees without one? The passwords are shown only once.',
              )
            )
              return;
            const r = await api.classes.issueAccounts(cls.id);
            showSlips(cls, r);
            await loadRoster();
          },
          { errEl: issueErr, cls: 'secondary' },
        ),
      ),
      fileNote,
      fileErr,
      issueErr,
    ),
  );

  async function loadRoster(): Promise<void> {
    try {
      items = (await api.classes.roster(cls.id)).items;
    } catch (e) {
      showError(listBox, e);
      return;
    }
    if (stale()) return;
    showFiled();
    listBox.replaceChildren(rosterTable(items, { withAccount: true, photoCell: idPhotoCell }));
  }
  showFiled();
  void loadRoster();
}

/** The ID-photo cell with its upload control. */
function idPhotoCell(r: RosterEntryView): HTMLTableCellElement {
  const photoCell = h('td', {});
  const renderPhoto = (has: boolean): void => {
    const input = h('input', {
      type: 'file',
      accept: 'image/jpeg,image/png',
      class: 'visually-hidden',
      id: `photo-${r.id}`,
    });
    const status = h('span', {}, has ? '✓ 已上传 Uploaded ' : '✗ 未上传 None ');
    const lbl = h(
      'label',
      { for: `photo-${r.id}`, class: 'button small secondary' },
      has ? '更换 Replace' : '上传 Upload',
    );
    const err = h('div', { hidden: true });
    input.addEventListener('change', () => {
      const f = input.files?.[0];
      if (!f) return;
      showError(err, null);
      const type = f.type === 'image/png' || /\.png$/i.test(f.name) ? 'image/png' : 'image/jpeg';
      status.textContent = '上传中… Uploading… ';
      void api.rosterEntries.uploadIdPhoto(r.id, f, type).then(
        () => renderPhoto(true),
        (e: unknown) => {
          status.textContent = has ? '✓ ' : '✗ ';
          showError(err, e);
        },
      );
    });
    photoCell.replaceChildren(status, lbl, input, err);
  };
  renderPhoto(r.hasIdPhoto);
  return photoCell;
}

interface RowError {
  row: number;
  field?: string;
  column?: string;
  columnEn?: string;
  code?: string;
  zh?: string;
  en?: string;
}

function rowErrorTable(errors: RowError[]): HTMLElement {
  const sorted = [...errors].sort((a, b) => a.row - b.row);
  return h(
    'div',
    {},
    h(
      'h4',
      { class: 'error' },
      `共 ${errors.length} 处错误，未导入任何记录 ${errors.length} error(s); nothing was imported`,
    ),
    h(
      'div',
      { class: 'table-wrap' },
      h(
        'table',
        { class: 'errors' },
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            ['行 Row', '列 Column', '问题 Problem', '代码 Code'].map((t) => h('th', {}, t)),
          ),
        ),
        h(
          'tbody',
          {},
          sorted.map((e) =>
            h(
              'tr',
              {},
              h(
                'td',
                { class: 'nowrap' },
                e.row === 0 ? '整个文件 Whole file' : `第 ${e.row} 行 Row ${e.row}`,
              ),
              h('td', {}, e.column ? `${e.column}${e.columnEn ? ` ${e.columnEn}` : ''}` : (e.field ?? '')),
              h('td', {}, e.zh ?? '', h('br'), h('span', { class: 'muted' }, e.en ?? '')),
              h('td', { class: 'muted' }, e.code ?? ''),
            ),
          ),
        ),
      ),
    ),
  );
}

// ---------- account slips ----------

const csvCell = (v: unknown): string => {
  let s = String(v ?? '');
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`; // keep spreadsheet formulas out
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

/** The sign-in address as a QR code (SVG, drawn locally: the address never leaves the page). */
function qrOf(url: string): HTMLElement {
  const holder = h('div', { class: 'slip-qr', role: 'img', 'aria-label': `二维码 QR code: ${url}` });
  // uqr renders a self-contained SVG document from the encoded modules; parsed, never executed.
  const svg = new DOMParser().parseFromString(renderSVG(url, { border: 1 }), 'image/svg+xml').documentElement;
  holder.append(document.importNode(svg, true));
  return holder;
}

function showSlips(cls: ClassView, result: IssueAccountsResult): void {
  const box = document.getElementById('slips');
  if (!box) return;
  const issued = result.issued ?? [];
  const signInUrl = result.signInUrl || `${location.origin}/app/`;
  const first = result.firstSession;
  const firstText = first ? `${first.date} ${first.start}–${first.end}（北京时间 China time）` : '—';
  const classText = `${result.classCode ?? cls.code} ${result.className ?? cls.name}`;
  const close = () => {
    if (
      issued.length &&
      !confirm(
        '关闭后无法再次查看这些密码。已打印或下载了吗？ The passwords cannot be shown again after closing. Printed or downloaded them?',
      )
    )
      return;
    box.hidden = true;
    box.replaceChildren();
    document.body.classList.remove('has-overlay');
  };
  const csv = () => {
    const lines = [
      [
        '班级 Class',
        '首次课次 First session',
        '登录地址 Sign-in address',
        '姓名 Name',
        '证件号 ID (masked)',
        '用户名 Username',
        '一次性密码 One-time password',
      ],
      ...issued.map((s) => [
        classText,
        firstText,
        signInUrl,
        s.name,
        s.idNumberMasked,
        s.username,
        s.oneTimePassword,
      ]),
    ].map((r) => r.map(csvCell).join(','));
    saveBlob(
      new Blob([`\ufeff${lines.join('\r\n')}\r\n`], { type: 'text/csv;charset=utf-8' }),
      `${cls.code}-accounts.csv`,
    );
  };
  box.replaceChildren(
    h(
      'div',
      { class: 'overlay-inner' },
      h(
        'div',
        { class: 'no-print' },
        h('h2', {}, '学员账户 Trainee accounts'),
        h(
          'p',
          { class: 'warn' },
          h(
            'strong',
            {},
            '⚠ 一次性密码只显示这一次，请立即打印或下载并妥善分发。 The one-time passwords are shown only this once: print or download them now and hand them out safely.',
          ),
        ),
        result.notice ? h('p', { class: 'hint' }, `${result.notice.zh} · ${result.notice.en}`) : null,
        h(
          'p',
          {},
          `本次发放 ${issued.length} 个；已有账户 ${result.alreadyHadAccount ?? 0} 人 Issued ${issued.length}; ${result.alreadyHadAccount ?? 0} already had an account.`,
        ),
        h(
          'div',
          { class: 'actions' },
          issued.length
            ? h('button', { type: 'button', onclick: () => window.print() }, '打印账户条 Print slips')
            : null,
          issued.length
            ? h('button', { type: 'button', class: 'secondary', onclick: csv }, '下载 CSV Download CSV')
            : null,
          h('button', { type: 'button', class: 'secondary', onclick: close }, '关闭 Close'),
        ),
      ),
      h(
        'div',
        { class: 'slips' },
        issued.map((s) =>
          h(
            'div',
            { class: 'slip' },
            h('div', { class: 'slip-title' }, '船员线上培训平台 学员账户 · Trainee account'),
            h(
              'div',
              { class: 'slip-body' },
              h(
                'dl',
                {},
                h('dt', {}, '班级 Class'),
                h('dd', {}, classText),
                h('dt', {}, '首次课次 First session'),
                h('dd', {}, firstText),
                h('dt', {}, '姓名 Name'),
                h('dd', {}, `${s.name}（${s.idNumberMasked}）`),
                h('dt', {}, '登录地址 Sign in at'),
                h('dd', { class: 'mono' }, signInUrl),
                h('dt', {}, '用户名 Username'),
                h('dd', { class: 'mono' }, s.username),
                h('dt', {}, '一次性密码 One-time password'),
                h('dd', { class: 'mono big' }, s.oneTimePassword),
              ),
              qrOf(signInUrl),
            ),
            h(
              'div',
              { class: 'slip-foot' },
              '扫码或输入地址登录，首次登录须修改密码 Scan or type the address to sign in; change your password at first sign-in',
            ),
          ),
        ),
      ),
    ),
  );
  box.hidden = false;
  document.body.classList.add('has-overlay');
}
