// JS-7.3: the 'exams' 考试 tab of a class (#/class/:id/exams): the class's exams (window in China time,
// standard version, paper mode, state), a form to set one from an approved standard version, and per
// exam its candidates with extra time, the retake (补考) of a closed exam, and links to the results
// (#/exam/:classId/:examId) and the proctoring (#/proctoring/:classId/:examId) pages. What may be set
// is the API's answer (approved versions, confirmed sessions); its refusals are shown as given.
import type { ClassView, ExamDetailView, ExamListView, ExamView, PaperMode } from '@seafarer/contracts';
import { PAPER_MODE_LABELS, PAPER_MODES } from '@seafarer/contracts';
import { api } from '../shared/api';
import { errSlot, h, section } from '../shared/dom';
import { actionButton, inputError, showError } from '../shared/errors';
import { chinaDateOf } from '../shared/format';

const both = (l: { zh: string; en: string }) => `${l.zh} ${l.en}`;
const STATE_CLASS: Record<string, string> = {
  not_open: 'st-pending',
  open: 'st-confirmed',
  closed: 'st-superseded',
  released: 'st-verified',
  cancelled: 'st-rejected',
};

/** 'HH:MM' in China time, `plusMin` minutes from now. */
const chinaHhMm = (plusMin = 0) =>
  new Intl.DateTimeFormat('en-GB', {
    timeZone: 'Asia/Shanghai',
    hour: '2-digit',
    minute: '2-digit',
    hour12: false,
  }).format(new Date(Date.now() + plusMin * 60_000));

/** A China-time date and time typed in the form, as the instant the API takes. */
const instantOf = (date: string, time: string, what: string, whatEn: string): string => {
  const at = new Date(`${date}T${time}:00+08:00`);
  if (!date || !time || Number.isNaN(at.getTime()))
    throw inputError(`请填写${what}（北京时间）`, `Enter the ${whatEn} (China time)`);
  return at.toISOString();
};

function whenInputs(label: string, labelEn: string, plusMin: number) {
  const date = h('input', {
    type: 'date',
    'aria-label': `${label}日期 ${labelEn} date`,
    value: chinaDateOf(new Date(Date.now() + plusMin * 60_000).toISOString()),
  });
  const time = h('input', {
    type: 'time',
    'aria-label': `${label}时间 ${labelEn} time`,
    value: chinaHhMm(plusMin),
  });
  return {
    el: h(
      'label',
      {},
      `${label}（北京时间） ${labelEn} (China time)`,
      h('div', { class: 'actions' }, date, time),
    ),
    value: () => instantOf(date.value, time.value, label, labelEn.toLowerCase()),
  };
}

/** The class's 'exams' tab. */
export async function examsTab(
  panel: HTMLElement,
  cls: ClassView,
  o: { stale: () => boolean },
  notice?: string,
): Promise<void> {
  const rerender = (n?: string) => void examsTab(panel, cls, o, n);
  const err = errSlot();
  panel.replaceChildren(h('p', { class: 'muted' }, '加载中… Loading…'));
  let list: ExamListView;
  try {
    list = await api.examSetup.exams(cls.id);
  } catch (e) {
    panel.replaceChildren(err);
    showError(err, e);
    return;
  }
  if (o.stale()) return;
  const detailSlot = h('div', {});
  panel.replaceChildren(
    ...(notice ? [h('p', { class: 'ok-note', 'data-testid': 'exams-notice' }, notice)] : []),
    err,
    section(
      '考试 Exams',
      list.items.length === 0
        ? h(
            'p',
            { class: 'muted', 'data-testid': 'no-exams' },
            '本班尚未安排考试 No exams set for this class',
          )
        : examTable(cls, list.items, (e) => void showDetail(cls, e, detailSlot, err, rerender)),
    ),
    detailSlot,
    createForm(cls, list, rerender),
  );
}

function examTable(cls: ClassView, items: ExamView[], open: (e: ExamView) => void): HTMLElement {
  const cols = [
    '考试 Exam',
    '时段 Window',
    '标准 Standard',
    '试卷 Paper',
    '考生 Candidates',
    '状态 State',
    '',
  ];
  const td = (i: number, ...c: Parameters<typeof h>[2][]) => h('td', { 'data-label': cols[i] }, ...c);
  return h(
    'div',
    { class: 'table-wrap' },
    h(
      'table',
      { class: 'cards', 'data-testid': 'exam-table' },
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          cols.map((c) => h('th', {}, c)),
        ),
      ),
      h(
        'tbody',
        {},
        items.map((e) =>
          h(
            'tr',
            { 'data-testid': 'exam-row' },
            td(
              0,
              h('strong', {}, e.title),
              e.kind === 'retake' ? h('span', { class: 'badge st-pending' }, both(e.kindLabel)) : null,
            ),
            td(1, e.windowText, h('div', { class: 'muted' }, `${e.durationMinutes} 分钟 min`)),
            td(
              2,
              `${e.standardName} · 第 ${e.standardVersion} 版 v${e.standardVersion}`,
              h('div', { class: 'muted' }, both(e.passMarkText)),
            ),
            td(
              3,
              both(e.paperModeLabel),
              h(
                'div',
                { class: 'muted' },
                `${e.questionCount} 题${e.totalScore !== null ? ` · ${e.totalScore} 分` : ''}`,
              ),
            ),
            td(4, String(e.candidateCount)),
            td(5, h('span', { class: `badge ${STATE_CLASS[e.state] ?? ''}` }, both(e.stateLabel))),
            td(
              6,
              h(
                'div',
                { class: 'actions' },
                h(
                  'button',
                  { type: 'button', class: 'secondary small', onclick: () => open(e) },
                  '考生与补考 Candidates',
                ),
                h('a', { href: `#/exam/${cls.id}/${e.id}` }, '成绩 Results'),
                h('a', { href: `#/proctoring/${cls.id}/${e.id}` }, '监考 Proctoring'),
              ),
            ),
          ),
        ),
      ),
    ),
  );
}

async function showDetail(
  cls: ClassView,
  e: ExamView,
  slot: HTMLElement,
  err: HTMLElement,
  rerender: (n?: string) => void,
): Promise<void> {
  let d: ExamDetailView;
  try {
    d = await api.examSetup.exam(cls.id, e.id);
  } catch (x) {
    showError(err, x);
    return;
  }
  const localErr = errSlot();
  const who = h(
    'select',
    { 'aria-label': '考生 Candidate' },
    d.candidates.map((c) => h('option', { value: c.accountId }, `${c.name}（${c.username}）`)),
  );
  const minutes = h('input', {
    type: 'number',
    min: '0',
    max: '600',
    step: '1',
    'aria-label': '加时（分钟） Extra minutes',
    value: '15',
  });
  const reason = h('input', { type: 'text', maxlength: '500', 'aria-label': '加时原因 Reason' });
  const closed = d.state === 'closed' || d.state === 'released';
  const opens = whenInputs('补考开考', 'Retake opens', 5);
  const closes = whenInputs('补考截止', 'Retake closes', 5 + Math.max(120, d.durationMinutes + 30));
  slot.replaceChildren(
    section(
      `${d.title} · 考生 Candidates（${d.candidates.length}）`,
      h(
        'p',
        { class: 'muted' },
        `${d.windowText}（北京时间 China time） · ${d.durationMinutes} 分钟 min · ${both(d.paperModeLabel)} · 多选 ${d.markingPolicyText.multiple.zh} · 填空 ${d.markingPolicyText.fillIn.zh}`,
        d.sessionText ? h('div', {}, `监考课次 Invigilated in: ${d.sessionText}`) : null,
      ),
      h(
        'div',
        { class: 'table-wrap' },
        h(
          'table',
          { class: 'cards', 'data-testid': 'candidate-table' },
          h(
            'thead',
            {},
            h(
              'tr',
              {},
              ['考生 Candidate', '账户 Account', '加时 Extra time', '作答 Attempt', '成绩 Score'].map((c) =>
                h('th', {}, c),
              ),
            ),
          ),
          h(
            'tbody',
            {},
            d.candidates.map((c) =>
              h(
                'tr',
                { 'data-testid': 'candidate-row' },
                h('td', { 'data-label': '考生 Candidate' }, c.name),
                h('td', { 'data-label': '账户 Account' }, c.username),
                h(
                  'td',
                  { 'data-label': '加时 Extra time' },
                  c.extraMinutes > 0 ? `+${c.extraMinutes} 分钟 min` : '—',
                  c.extraReason ? h('div', { class: 'muted' }, c.extraReason) : null,
                ),
                h(
                  'td',
                  { 'data-label': '作答 Attempt' },
                  c.latest
                    ? `第 ${c.latest.attemptNo} 次 · ${both(c.latest.statusLabel)}`
                    : '未作答 Not started',
                ),
                h(
                  'td',
                  { 'data-label': '成绩 Score' },
                  c.latest?.score !== null && c.latest?.score !== undefined ? String(c.latest.score) : '—',
                  c.latest?.verdictLabel ? ` ${both(c.latest.verdictLabel)}` : '',
                ),
              ),
            ),
          ),
        ),
      ),
      d.retakes.length > 0
        ? h(
            'p',
            {},
            '补考 Retakes: ',
            d.retakes.map((r) => h('span', { class: 'badge' }, `${r.title} · ${r.windowText}`)),
          )
        : null,
      localErr,
      closed
        ? null
        : h(
            'div',
            { 'data-testid': 'extra-time-form' },
            h('h4', {}, '加时 Extra time（开考前设定 set before the candidate starts）'),
            h(
              'div',
              { class: 'grid2' },
              h('label', {}, '考生 Candidate', who),
              h('label', {}, '加时（分钟） Extra minutes', minutes),
            ),
            h('label', {}, '原因 Reason', reason),
            actionButton(
              '保存加时 Save extra time',
              async () => {
                if (!reason.value.trim())
                  throw inputError('请填写加时原因', 'Give a reason for the extra time');
                await api.examSetup.extraTime(cls.id, d.id, {
                  accountId: who.value,
                  extraMinutes: Number(minutes.value),
                  reason: reason.value.trim(),
                });
                await showDetail(cls, e, slot, err, rerender);
              },
              { errEl: localErr },
            ),
          ),
      closed
        ? h(
            'div',
            { 'data-testid': 'retake-form' },
            h('h4', {}, '补考 Retake（未通过或未参加的考生 for those who failed or did not sit）'),
            h('div', { class: 'grid2' }, opens.el, closes.el),
            actionButton(
              '安排补考 Set a retake',
              async () => {
                const r = await api.examSetup.retake(cls.id, d.id, {
                  opensAt: opens.value(),
                  closesAt: closes.value(),
                });
                rerender(
                  `已安排补考“${r.title}”，考生 ${r.candidates.length} 人 Retake set for ${r.candidates.length} candidate(s)`,
                );
              },
              { errEl: localErr },
            ),
          )
        : null,
    ),
  );
  slot.scrollIntoView({ block: 'start' });
}

function createForm(cls: ClassView, list: ExamListView, rerender: (n?: string) => void): HTMLElement {
  const err = errSlot();
  if (list.standards.length === 0)
    return section(
      '设置考试 Set an exam',
      h(
        'p',
        { class: 'muted', 'data-testid': 'no-approved-standard' },
        '本培训项目尚无已批准的考试标准，请先在“考试标准”中起草并经机构管理员批准。 The training item has no approved exam standard yet: draft one under Exam standards and have the institution admin approve it.',
      ),
      h('a', { href: `#/standards/${cls.trainingItemId}` }, '考试标准 Exam standards'),
    );
  const standard = h(
    'select',
    { 'aria-label': '考试标准 Standard' },
    list.standards.map((s) =>
      h(
        'option',
        { value: s.versionId },
        `${s.name} · 第 ${s.version} 版 · ${s.questions} 题 · ${s.durationMinutes} 分钟 · ${s.passMarkText.zh}`,
      ),
    ),
  );
  const title = h('input', {
    type: 'text',
    maxlength: '200',
    'aria-label': '考试名称 Title',
    value: `${cls.name} 结业考试`,
  });
  const mode = h(
    'select',
    { 'aria-label': '组卷方式 Paper' },
    PAPER_MODES.map((m) => h('option', { value: m }, both(PAPER_MODE_LABELS[m]))),
  );
  mode.value = 'per_candidate';
  const session = h(
    'select',
    { 'aria-label': '监考课次 Invigilation session' },
    h('option', { value: '' }, '不在直播课堂监考 Not in a live session'),
    list.sessions.map((s) => h('option', { value: s.id }, s.label)),
  );
  const camera = h('input', { type: 'checkbox', 'aria-label': '要求开启摄像头 Camera required' });
  const stills = h('input', {
    type: 'number',
    min: '0',
    max: '20',
    step: '1',
    'aria-label': '随机抓拍次数 Stills per attempt',
    value: '0',
  });
  const opens = whenInputs('开考', 'Opens', 5);
  const closes = whenInputs('截止', 'Closes', 125);
  return h(
    'section',
    { class: 'card', 'data-testid': 'exam-form' },
    h('h3', {}, '设置考试 Set an exam'),
    h(
      'p',
      { class: 'hint' },
      '考生为本班名册中已开通账户的学员；统一试卷在设置时即组卷保存。 Candidates are the roster’s trainees with accounts; a paper for all is drawn and stored when the exam is set.',
    ),
    h('label', {}, '考试标准（已批准版本） Standard (approved version)', standard),
    h(
      'div',
      { class: 'grid2' },
      h('label', {}, '考试名称 Title', title),
      h('label', {}, '组卷方式 Paper', mode),
    ),
    h('div', { class: 'grid2' }, opens.el, closes.el),
    h('label', {}, '监考课次 Invigilation session', session),
    h(
      'div',
      { class: 'grid2' },
      h('label', { class: 'inline' }, camera, ' 要求开启摄像头 Camera required'),
      h('label', {}, '随机抓拍次数 Stills per attempt', stills),
    ),
    err,
    actionButton(
      '设置考试 Set exam',
      async () => {
        const e = await api.examSetup.createExam(cls.id, {
          standardVersionId: standard.value,
          title: title.value.trim(),
          paperMode: mode.value as PaperMode,
          opensAt: opens.value(),
          closesAt: closes.value(),
          ...(session.value && { sessionId: session.value }),
          proctoring: { camera: camera.checked, stillsPerAttempt: Number(stills.value) },
        });
        rerender(
          `已设置考试“${e.title}”，考生 ${e.candidates.length} 人 Exam set for ${e.candidates.length} candidate(s)`,
        );
      },
      { errEl: err },
    ),
  );
}
