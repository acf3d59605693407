// JS-7.3 / REL-2: the candidate's exam page (exam.html?class=…&exam=…), phone-first. Start or resume
// the attempt, one question per screen with a navigator, every change saved at once with its state
// shown, the server's countdown, a confirmation listing unanswered questions before submitting, and
// the submitted page (results come with their release: #exam-result is the marking view's slot).
// The page decides nothing: the server's answers (deadline, refusals) are shown as they are. Owner: sitting.
import type { AttemptView, CandidateAnswer, CandidateQuestionView } from '@seafarer/contracts';
import { api, ApiError, requireSignIn } from '../shared/api';
import { byId, h } from '../shared/dom';
import { errorBox, errorText, inputError } from '../shared/errors';
import { fmtDateTime } from '../shared/format';
import { initHeader } from '../shared/ui';
import { startProctoring, type ProctoringHandle } from './proctor';
import { AnswerSaver, type SaveState } from './saver';

const params = new URLSearchParams(location.search);
const classId = params.get('class');
const examId = params.get('exam');
const view = byId('view');

const SAVE_LABELS: Record<SaveState, string> = {
  none: '未作答 Not answered',
  saving: '保存中… Saving…',
  saved: '已保存 Saved',
  retrying: '未保存，重试中 Not saved, retrying',
  refused: '未保存 Not saved',
};

/** This browser's device id (kept with each answer; a second device is recorded by the server). */
function deviceId(): string {
  let id = localStorage.getItem('examDeviceId');
  if (!id) {
    id = crypto.randomUUID();
    localStorage.setItem('examDeviceId', id);
  }
  return id;
}

const isAnswered = (a: CandidateAnswer | undefined): boolean => {
  if (a === null || a === undefined) return false;
  if (typeof a === 'string') return a.trim() !== '';
  if (Array.isArray(a)) return a.some((s) => s.trim() !== '');
  return true;
};

function submittedPage(a: AttemptView): void {
  const answered = a.answers.filter((x) => isAnswered(x.answer)).length;
  view.replaceChildren(
    h(
      'section',
      { class: 'card exam-done', 'data-testid': 'exam-submitted' },
      h('h2', {}, '已交卷 Submitted'),
      h('p', {}, a.examTitle),
      h(
        'p',
        {},
        `交卷时间 Submitted at ${fmtDateTime(a.submittedAt)}`,
        a.submitReasonLabel ? ` · ${a.submitReasonLabel.zh} ${a.submitReasonLabel.en}` : '',
      ),
      h('p', {}, `已作答 Answered ${answered} / ${a.questions.length}`),
      a.answersSha256
        ? h('p', { class: 'muted small' }, `答卷校验码 Answers SHA-256 ${a.answersSha256.slice(0, 16)}…`)
        : null,
      h(
        'p',
        { class: 'hint' },
        '成绩将在阅卷完成并公布后显示。 · Results are shown here once marked and released.',
      ),
      // The marking helper's result view mounts here once results are released.
      h('div', { id: 'exam-result', dataset: { attemptId: a.id, classId: a.classId, examId: a.examId } }),
      h('p', {}, h('a', { href: './index.html', class: 'button secondary' }, '返回首页 Back home')),
    ),
  );
}

function sitting(start: AttemptView): void {
  const cls = start.classId;
  const exam = start.examId;
  let attempt = start;
  let current = 0;
  let proctor: ProctoringHandle | null = null;
  let finished = false;
  // The server's clock: remaining = deadline − (local now + offset).
  let offset = new Date(start.serverNow).getTime() - Date.now();
  let deadline = new Date(start.deadlineAt).getTime();
  const answers = new Map<string, CandidateAnswer>(start.answers.map((a) => [a.questionId, a.answer]));
  const qs = start.questions;

  const clockEl = h('span', { class: 'exam-clock', 'data-testid': 'exam-clock', role: 'timer' });
  const notice = h('div', { class: 'exam-notice', role: 'status' });
  const nav = h('nav', { class: 'exam-nav', 'aria-label': '题目导航 Questions' });
  const card = h('section', { class: 'card exam-q' });
  const errorSlot = h('div');

  const saver = new AnswerSaver(
    {
      attemptId: start.id,
      deviceId: deviceId(),
      send: (questionId, answer, seq) =>
        api.examAttempts.saveAnswer(cls, exam, start.id, { questionId, answer, seq, deviceId: deviceId() }),
      onState: () => {
        renderNav();
        renderState();
      },
      onRefused: (err) => {
        notice.replaceChildren(errorBox(err));
        void finish();
      },
      onServerNow: (now, dl) => {
        offset = new Date(now).getTime() - Date.now();
        deadline = new Date(dl).getTime();
      },
    },
    start.answers,
  );
  for (const [qid, a] of Object.entries(saver.restore())) answers.set(qid, a);

  const stateEl = h('p', { class: 'save-state', 'data-testid': 'save-state', 'aria-live': 'polite' });
  function renderState() {
    const q = qs[current]!;
    const s = saver.state(q.questionId);
    stateEl.className = `save-state s-${s}`;
    stateEl.textContent = SAVE_LABELS[s];
  }

  function renderNav() {
    nav.replaceChildren(
      ...qs.map((q, i) => {
        const s = saver.state(q.questionId);
        const answered = isAnswered(answers.get(q.questionId));
        return h(
          'button',
          {
            type: 'button',
            class: `nav-q${answered ? ' answered' : ''}${i === current ? ' current' : ''}${
              s === 'retrying' || s === 'saving' ? ' unsaved' : ''
            }`,
            title: `第 ${q.no} 题 ${answered ? '已答 answered' : '未答 unanswered'}`,
            'aria-current': i === current ? 'true' : undefined,
            onclick: () => show(i),
          },
          String(q.no),
        );
      }),
    );
  }

  function change(q: CandidateQuestionView, answer: CandidateAnswer) {
    answers.set(q.questionId, answer);
    saver.change(q.questionId, answer);
    renderNav();
    renderState();
  }

  /** Text fields are saved after a short pause in typing, and at once when they lose focus. */
  function textSaver(q: CandidateQuestionView, read: () => CandidateAnswer) {
    let t: ReturnType<typeof setTimeout> | null = null;
    const fire = () => {
      if (t) clearTimeout(t);
      t = null;
      const a = read();
      if (JSON.stringify(a) !== JSON.stringify(answers.get(q.questionId) ?? null)) change(q, a);
    };
    return {
      oninput: () => {
        if (t) clearTimeout(t);
        t = setTimeout(fire, 600);
      },
      onblur: fire,
    };
  }

  function answerInput(q: CandidateQuestionView): HTMLElement {
    const a = answers.get(q.questionId);
    const name = `q-${q.questionId}`;
    switch (q.type) {
      case 'single':
        return h(
          'div',
          { class: 'options', role: 'radiogroup' },
          q.options.map((o) =>
            h(
              'label',
              { class: 'option' },
              h('input', {
                type: 'radio',
                name,
                value: o.key,
                checked: a === o.key,
                onchange: () => change(q, o.key),
              }),
              h('span', { class: 'key' }, o.key),
              h('span', {}, o.text),
            ),
          ),
        );
      case 'multiple': {
        const box = h('div', { class: 'options' });
        const chosen = new Set(Array.isArray(a) ? a : []);
        box.append(
          ...q.options.map((o) =>
            h(
              'label',
              { class: 'option' },
              h('input', {
                type: 'checkbox',
                name,
                value: o.key,
                checked: chosen.has(o.key),
                onchange: () => {
                  const keys = [...box.querySelectorAll<HTMLInputElement>('input:checked')].map(
                    (i) => i.value,
                  );
                  change(q, keys.length ? keys.sort() : null);
                },
              }),
              h('span', { class: 'key' }, o.key),
              h('span', {}, o.text),
            ),
          ),
        );
        return box;
      }
      case 'true_false':
        return h(
          'div',
          { class: 'options', role: 'radiogroup' },
          (
            [
              [true, '正确 True'],
              [false, '错误 False'],
            ] as const
          ).map(([v, text]) =>
            h(
              'label',
              { class: 'option' },
              h('input', { type: 'radio', name, checked: a === v, onchange: () => change(q, v) }),
              h('span', {}, text),
            ),
          ),
        );
      case 'fill_in': {
        const n = Math.max(1, q.blanks ?? 1);
        const prior = Array.isArray(a) ? a : typeof a === 'string' ? [a] : [];
        const inputs: HTMLInputElement[] = [];
        const read = (): CandidateAnswer => {
          const vals = inputs.map((i) => i.value);
          if (!vals.some((v) => v.trim())) return null;
          return n === 1 ? vals[0]! : vals;
        };
        const ts = textSaver(q, read);
        for (let i = 0; i < n; i++)
          inputs.push(
            h('input', {
              type: 'text',
              class: 'blank',
              maxlength: 500,
              value: prior[i] ?? '',
              'aria-label': `第 ${i + 1} 空 Blank ${i + 1}`,
              placeholder: n > 1 ? `第 ${i + 1} 空 Blank ${i + 1}` : '请填写 Your answer',
              ...ts,
            }),
          );
        return h('div', { class: 'blanks' }, inputs);
      }
      default: {
        const ta: HTMLTextAreaElement = h('textarea', {
          rows: 8,
          maxlength: 5000,
          value: typeof a === 'string' ? a : '',
          'aria-label': '作答 Your answer',
          placeholder: '请在此作答 Write your answer here',
          ...textSaver(q, () => (ta.value.trim() ? ta.value : null)),
        });
        return ta;
      }
    }
  }

  function show(i: number) {
    // Leaving a text field saves it (blur fires before the re-render only if it had focus).
    (document.activeElement as HTMLElement | null)?.blur?.();
    current = Math.max(0, Math.min(qs.length - 1, i));
    const q = qs[current]!;
    card.replaceChildren(
      h(
        'div',
        { class: 'q-head' },
        h('strong', {}, `第 ${q.no} / ${qs.length} 题`),
        h('span', { class: 'badge' }, `${q.typeLabel.zh} ${q.typeLabel.en}`),
        h('span', { class: 'muted' }, `${q.score} 分 pts`),
      ),
      h('p', { class: 'stem', 'data-testid': 'stem' }, q.stem),
      answerInput(q),
      stateEl,
      h(
        'div',
        { class: 'q-move' },
        h(
          'button',
          { type: 'button', class: 'secondary', disabled: current === 0, onclick: () => show(current - 1) },
          '上一题 Previous',
        ),
        current < qs.length - 1
          ? h('button', { type: 'button', onclick: () => show(current + 1) }, '下一题 Next')
          : h('button', { type: 'button', class: 'ok', onclick: () => void confirmSubmit() }, '交卷 Submit'),
      ),
    );
    renderNav();
    renderState();
  }

  function tick() {
    if (finished) return;
    const left = deadline - (Date.now() + offset);
    const s = Math.max(0, Math.ceil(left / 1000));
    const mm = Math.floor(s / 60);
    const ss = String(s % 60).padStart(2, '0');
    clockEl.textContent = `剩余 ${mm}:${ss} Left`;
    clockEl.classList.toggle('low', s <= 300);
    if (left <= 0) {
      notice.replaceChildren(
        h('div', { class: 'error' }, '考试时间已到，正在交卷… · Time is up; the paper is being submitted…'),
      );
      void finish(true);
    }
  }

  /** The attempt is over (submitted, time up, refused): show what the server holds now. */
  async function finish(timeUp = false): Promise<void> {
    if (finished) return;
    finished = true;
    saver.stop();
    proctor?.stop();
    // The server submits at its deadline (the auto-submit job): give it a moment, then read.
    for (let i = 0; i < 20; i++) {
      try {
        attempt = await api.examAttempts.get(cls, exam, start.id);
        if (attempt.status !== 'in_progress') {
          document.querySelector('.exam-dialog')?.remove();
          return submittedPage(attempt);
        }
      } catch (err) {
        errorSlot.replaceChildren(errorBox(err));
      }
      await new Promise((r) => setTimeout(r, timeUp ? 1500 : 500));
    }
    errorSlot.replaceChildren(
      errorBox(
        inputError('交卷状态未确认，请刷新页面', 'The submission is not confirmed yet; reload the page'),
      ),
    );
  }

  async function confirmSubmit(): Promise<void> {
    (document.activeElement as HTMLElement | null)?.blur?.();
    const unanswered = qs.filter((q) => !isAnswered(answers.get(q.questionId))).map((q) => q.no);
    const dialog = h(
      'div',
      { class: 'exam-dialog', role: 'dialog', 'aria-modal': 'true', 'data-testid': 'submit-dialog' },
      h(
        'div',
        { class: 'card' },
        h('h3', {}, '确认交卷 Submit the paper?'),
        unanswered.length
          ? h(
              'p',
              { class: 'error', 'data-testid': 'unanswered' },
              `还有 ${unanswered.length} 题未作答：第 ${unanswered.join('、')} 题 · ${unanswered.length} unanswered: ${unanswered.join(', ')}`,
            )
          : h('p', {}, '全部题目已作答。 · Every question is answered.'),
        h('p', { class: 'hint' }, '交卷后不能再修改答案。 · Answers cannot change after submitting.'),
        h('div', { class: 'dialog-error' }),
        h(
          'div',
          {},
          h(
            'button',
            { type: 'button', class: 'secondary', onclick: () => dialog.remove() },
            '继续作答 Keep answering',
          ),
          h(
            'button',
            {
              type: 'button',
              class: 'ok',
              'data-testid': 'confirm-submit',
              onclick: async (ev: Event) => {
                const btn = ev.currentTarget as HTMLButtonElement;
                btn.disabled = true;
                const slot = dialog.querySelector('.dialog-error')!;
                try {
                  // Every answer acknowledged first (stored), so the submission hashes them.
                  slot.replaceChildren(h('p', { class: 'muted' }, '正在保存答案… Saving answers…'));
                  await Promise.race([saver.idle(), new Promise((r) => setTimeout(r, 15_000))]);
                  if (saver.unsavedCount() > 0)
                    throw inputError(
                      '有答案尚未保存成功，请检查网络后重试',
                      'Some answers are not saved yet; check the network and try again',
                    );
                  attempt = await api.examAttempts.submit(cls, exam, start.id);
                  finished = true;
                  saver.stop();
                  proctor?.stop();
                  dialog.remove();
                  submittedPage(attempt);
                } catch (err) {
                  btn.disabled = false;
                  slot.replaceChildren(errorBox(err));
                  if (err instanceof ApiError && err.body.code === 'DEADLINE_PASSED') void finish(true);
                }
              },
            },
            '确认交卷 Submit',
          ),
        ),
      ),
    );
    document.body.append(dialog);
  }

  view.replaceChildren(
    h(
      'div',
      { class: 'exam-top' },
      h(
        'div',
        { class: 'exam-title' },
        h('strong', {}, start.examTitle),
        h('span', { class: 'muted' }, `总分 ${start.totalScore} 分 pts`),
      ),
      clockEl,
    ),
    notice,
    nav,
    card,
    errorSlot,
  );
  show(0);
  tick();
  const timer = setInterval(() => (finished ? clearInterval(timer) : tick()), 1000);
  window.addEventListener('beforeunload', (e) => {
    if (!finished && saver.unsavedCount() > 0) e.preventDefault();
  });
  const proctorOpts = {
    attemptId: start.id,
    examId: exam,
    classId: cls,
    sessionId: start.examSessionId,
    camera: start.proctoring.camera,
  };
  startProctoring(proctorOpts).then(
    (p) => {
      if (finished) p.stop();
      else proctor = p;
    },
    (err: unknown) => notice.replaceChildren(h('div', { class: 'error' }, errorText(err))),
  );
}

async function main(): Promise<void> {
  const me = await requireSignIn(['trainee']);
  if (!me) return;
  initHeader(me);
  if (me.notAllowed) {
    view.replaceChildren(errorBox(inputError('只有考生可以进入考试', 'Only candidates can sit an exam')));
    return;
  }
  if (!classId || !examId) {
    view.replaceChildren(errorBox(inputError('链接缺少班级或考试', 'The link names no class or exam')));
    return;
  }
  const a = await api.examAttempts.start(classId, examId, { deviceId: deviceId() });
  if (a.status !== 'in_progress') submittedPage(a);
  else sitting(a);
}

main().catch((err: unknown) =>
  view.replaceChildren(
    errorBox(err),
    h('p', {}, h('a', { href: './index.html', class: 'button secondary' }, '返回首页 Back home')),
  ),
);
