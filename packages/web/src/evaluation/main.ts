// JS-7.1 / JS-14: the course evaluation form (evaluate.html): trainees signed in (?class=<id>, or the
// list of their evaluations without it), a sponsor through its invitation link (?token=…, no account).
// Owner: evaluation. The questions, the scale and every rule come from the API; the page only collects
// the ratings and shows what the server says (its refusals included).
import type { EvaluationFormView, EvaluationQuestion, EvaluationScalePoint } from '@seafarer/contracts';
import { api, requireSignIn } from '../shared/api';
import { errSlot, h, section } from '../shared/dom';
import { errorText, showError } from '../shared/errors';
import { initHeader } from '../shared/ui';

const view = document.getElementById('view') as HTMLElement;
const params = new URLSearchParams(location.search);

/** One question as a row of five buttons; `chosen` records the value picked. */
function ratingQuestion(
  q: EvaluationQuestion,
  scale: EvaluationScalePoint[],
  chosen: Record<string, number>,
  testId: string,
): HTMLFieldSetElement {
  const buttons = scale.map((p) =>
    h(
      'button',
      {
        type: 'button',
        'aria-pressed': 'false',
        'aria-label': `${p.value} ${p.zh} ${p.en}`,
        dataset: { value: String(p.value) },
        onclick: () => {
          chosen[q.key] = p.value;
          for (const b of buttons) b.setAttribute('aria-pressed', String(b === buttons[p.value - 1]));
        },
      },
      String(p.value),
      h('small', {}, p.zh),
    ),
  );
  return h(
    'fieldset',
    { class: 'rate-q', dataset: { q: q.key, testid: testId }, 'data-testid': testId },
    h('legend', {}, q.zh, h('br'), h('small', {}, q.en)),
    h('div', { class: 'rate-row', role: 'group' }, buttons),
  );
}

function stateBox(f: EvaluationFormView): HTMLElement {
  const cls = f.state === 'answered' ? 'ok-note' : f.state === 'open' ? 'info' : 'warn';
  return h(
    'p',
    { class: cls, 'data-testid': 'form-state', role: 'status' },
    `${f.stateLabel.zh} · ${f.stateLabel.en}`,
    f.closesAtText && f.state === 'open' ? ` · 截止 closes ${f.closesAtText}（北京时间 China time）` : '',
  );
}

function renderForm(f: EvaluationFormView, send: (body: unknown) => Promise<unknown>, reload: () => void) {
  const err = errSlot();
  const head = h(
    'div',
    {},
    h(
      'h2',
      {},
      f.kind === 'sponsor' ? '送培单位满意度调查' : '课程评价',
      h('br'),
      h('small', {}, f.kind === 'sponsor' ? 'Sponsor satisfaction survey' : 'Course evaluation'),
    ),
    h('p', { class: 'muted' }, `${f.institutionName} · ${f.classCode} ${f.className}`),
    f.sponsorName ? h('p', {}, `送培单位 Sending company：${f.sponsorName}`) : null,
    stateBox(f),
  );
  if (f.state !== 'open') {
    view.replaceChildren(section(null, head));
    return;
  }
  const course: Record<string, number> = {};
  const perInstructor = new Map<string, Record<string, number>>(f.instructors.map((i) => [i.accountId, {}]));
  const comment = h('textarea', {
    id: 'eval-comment',
    maxlength: f.commentMaxLength,
    placeholder: '意见与建议（选填）Comments and suggestions (optional)',
  });
  const submit = h('button', { type: 'submit', class: 'submit' }, '提交评价 Submit');
  const form = h(
    'form',
    {
      class: 'eval-form',
      'data-testid': 'evaluation-form',
      onsubmit: (e: Event) => {
        e.preventDefault();
        const body: Record<string, unknown> = {
          ratings: course,
          comment: comment.value,
        };
        if (f.kind === 'trainee')
          body.instructors = f.instructors.map((i) => ({
            instructorId: i.accountId,
            ratings: perInstructor.get(i.accountId),
          }));
        submit.disabled = true;
        showError(err, null);
        send(body)
          .then(reload)
          .catch((e: unknown) => showError(err, e))
          .finally(() => (submit.disabled = false));
      },
    },
    head,
    h('p', { class: 'hint' }, `${f.notice.zh} ${f.notice.en}`),
    h('h3', {}, f.kind === 'sponsor' ? '评价 Ratings' : '课程 The course'),
    f.questions.map((q) => ratingQuestion(q, f.scale, course, `q-${q.key}`)),
    f.instructors.map((i) =>
      h(
        'div',
        { class: 'instructor-block', 'data-testid': `instructor-${i.accountId}` },
        h('h3', {}, `授课教员 Instructor：${i.name}`),
        f.instructorQuestions.map((q) =>
          ratingQuestion(q, f.scale, perInstructor.get(i.accountId)!, `i-${i.accountId}-${q.key}`),
        ),
      ),
    ),
    h('label', { for: 'eval-comment' }, '意见与建议 Comments'),
    comment,
    err,
    submit,
  );
  view.replaceChildren(form);
}

async function sponsorPage(token: string): Promise<void> {
  const load = async () => {
    try {
      const f = await api.evaluations.sponsorForm(token);
      renderForm(
        f,
        (body) => api.evaluations.sponsorAnswer({ ...(body as object), token } as never),
        () => void load(),
      );
    } catch (e) {
      view.replaceChildren(h('div', { class: 'error', role: 'alert' }, errorText(e)));
    }
  };
  await load();
}

async function traineePage(classId: string | null): Promise<void> {
  let me;
  try {
    me = await requireSignIn(['trainee']);
  } catch (e) {
    view.replaceChildren(h('div', { class: 'error' }, errorText(e)));
    return;
  }
  if (!me) return;
  initHeader(me);
  if (me.notAllowed) {
    view.replaceChildren(
      section(
        '无权访问 Not available',
        h('p', {}, '课程评价由学员填写 Trainees answer the course evaluation.'),
      ),
    );
    return;
  }
  if (!classId) {
    const err = errSlot();
    view.replaceChildren(section('课程评价 Course evaluation', err));
    try {
      const { items } = await api.evaluations.mine();
      view.replaceChildren(
        section(
          '课程评价 Course evaluation',
          items.length === 0
            ? h('p', { class: 'muted' }, '暂无需要填写的评价 No evaluation to answer')
            : h(
                'ul',
                { class: 'links' },
                items.map((i) =>
                  h(
                    'li',
                    {},
                    h('a', { href: `./evaluate.html?class=${i.classId}` }, `${i.classCode} · ${i.className}`),
                    ` — ${i.stateLabel.zh} ${i.stateLabel.en}`,
                  ),
                ),
              ),
        ),
      );
    } catch (e) {
      showError(err, e);
    }
    return;
  }
  const load = async () => {
    try {
      const f = await api.evaluations.form(classId);
      renderForm(
        f,
        (body) => api.evaluations.answer(classId, body as never),
        () => void load(),
      );
    } catch (e) {
      view.replaceChildren(
        h('div', { class: 'error', role: 'alert' }, errorText(e)),
        h('a', { href: './index.html' }, '返回首页 Back'),
      );
    }
  };
  await load();
}

const token = params.get('token');
void (token ? sponsorPage(token) : traineePage(params.get('class')));
