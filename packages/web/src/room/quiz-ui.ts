import {
  QUESTION_TYPE_LABELS,
  type CandidateAnswer,
  type LiveEvents,
  type QuestionView,
  type QuizQuestionType,
  type QuizTypedQuestion,
} from '@seafarer/contracts';
import { api } from '../shared/api';
import { h } from '../shared/dom';
import type { LiveClient } from './live-client';

/**
 * JS-7.1 / JS-14: the room's in-class quiz (随堂测试). A trainee gets the questions over everything (a
 * phone first: options as big buttons, a countdown, one submit), then 「已提交」, and after the close
 * their score with the right answers. The instructor and class managers get a 「随堂测试 Quiz」 console:
 * push from the bank (questions of the class's training item) or type one, a time limit, the live
 * distribution as answers arrive, close early. The server decides everything (who may, in time, the
 * marks); the page shows what it says.
 */
const t = (zh: string, en: string) => `${zh} ${en}`;
type Prompt = LiveEvents['quiz.prompt'];
type View = LiveEvents['quiz.progress'];
type Result = LiveEvents['quiz.result'];
type Err = { data?: { message?: { zh: string; en: string } } };
const messageOf = (e: unknown, zh: string, en: string) => {
  const m = (e as Err).data?.message;
  return m ? t(m.zh, m.en) : t(zh, en);
};

const STYLE = `
#quiz-modal{position:fixed;inset:0;z-index:48;display:flex;align-items:flex-start;justify-content:center;
  background:rgba(10,20,40,.72);padding:12px;overflow:auto}
#quiz-modal .card{background:#fff;color:#111;border-radius:14px;max-width:560px;width:100%;padding:18px 16px;
  box-shadow:0 10px 40px rgba(0,0,0,.4)}
#quiz-modal h2{margin:0 0 4px;font-size:1.35rem}
#quiz-modal .quiz-count{font-size:1.6rem;font-weight:700;font-variant-numeric:tabular-nums;margin:6px 0}
#quiz-modal .quiz-count.urgent{color:#b3261e}
#quiz-modal .quiz-q{border-top:1px solid #dde3ea;padding:10px 0}
#quiz-modal .quiz-stem{font-size:1.1rem;margin:0 0 8px}
#quiz-modal button.quiz-opt{display:block;width:100%;min-height:56px;font-size:1.1rem;text-align:left;
  border:2px solid #c8d3e0;border-radius:10px;background:#f7fafc;color:#111;margin:6px 0;padding:8px 12px;cursor:pointer}
#quiz-modal button.quiz-opt[aria-pressed=true]{border-color:#0b57d0;background:#dbe8ff;font-weight:700}
#quiz-modal input.quiz-blank{width:100%;min-height:48px;font-size:1.1rem;margin:4px 0;box-sizing:border-box}
#quiz-modal button.quiz-submit{display:block;width:100%;min-height:64px;font-size:1.4rem;font-weight:700;border:0;
  border-radius:12px;background:#0b6b3a;color:#fff;margin-top:12px;cursor:pointer}
#quiz-modal button.quiz-submit:disabled{opacity:.6}
#quiz-modal .quiz-done{font-size:1.3rem;font-weight:700;color:#0b6b3a;margin:12px 0}
#quiz-modal .quiz-score{font-size:2rem;font-weight:700;margin:8px 0}
#quiz-modal .right{color:#0b6b3a}#quiz-modal .wrong{color:#b3261e}
#quiz-modal .err{color:#b3261e;margin-top:8px}
#quiz{margin:8px 0}
#quiz .quiz-panel{border:1px solid #c8d3e0;border-radius:8px;padding:8px 12px;margin-top:8px;background:#f7fafc}
#quiz .quiz-panel label{display:block;margin:4px 0}
#quiz .bar{display:flex;align-items:center;gap:6px;margin:2px 0}
#quiz .bar .fill{height:14px;background:#0b57d0;border-radius:3px;min-width:2px}
#quiz .bar.right .fill{background:#0b6b3a}
#quiz .bank-list{max-height:220px;overflow:auto;margin:4px 0}
#quiz .typed input[type=text],#quiz .typed textarea{width:100%;box-sizing:border-box}
#quiz .typed .opts{display:grid;grid-template-columns:repeat(auto-fit,minmax(220px,1fr));gap:4px}
#quiz input[type=number]{width:8em}
`;

export interface QuizUi {
  render(role: string | null): void;
}

const clock = (ms: number) => {
  const s = Math.max(0, Math.ceil(ms / 1000));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
};

export function createQuizUi(client: LiveClient, opts: { after: HTMLElement; classId: string }): QuizUi {
  const style = document.createElement('style');
  style.textContent = STYLE;
  document.head.append(style);
  const panel = h('section', { id: 'quiz' });
  opts.after.after(panel);

  // ---- trainee ------------------------------------------------------------------------------------
  let modal: HTMLDivElement | null = null;
  /** What the modal shows now: `${quizId}:answer|submitted|result`. */
  let shown: string | null = null;
  const dismissed = new Set<string>();
  let picks: Record<string, CandidateAnswer> = {};

  function closeModal() {
    modal?.remove();
    modal = null;
    shown = null;
  }

  function tick() {
    const p = client.quiz.prompt;
    const count = modal?.querySelector<HTMLElement>('.quiz-count');
    if (!p || !count) return;
    const left = Date.parse(p.closesAt) - Date.now();
    count.className = left <= 10_000 ? 'quiz-count urgent' : 'quiz-count';
    count.textContent =
      left > 0 ? t(`剩余 ${clock(left)}`, `${clock(left)} left`) : t('时间到，等待结束', 'Time is up');
    const submit = modal?.querySelector<HTMLButtonElement>('#quiz-submit');
    if (submit && left <= 0) submit.disabled = true;
  }
  setInterval(tick, 250);

  function optionButtons(q: Prompt['questions'][number], onPick: () => void): HTMLElement[] {
    const choices =
      q.type === 'true_false'
        ? [
            { key: 'true', text: '正确 True' },
            { key: 'false', text: '错误 False' },
          ]
        : (q.options ?? []).map((o) => ({ key: o.key, text: `${o.key}. ${o.text}` }));
    const pressed = (key: string) => {
      const a = picks[q.questionId];
      if (q.type === 'true_false') return a === (key === 'true');
      if (q.type === 'multiple') return Array.isArray(a) && a.includes(key);
      return a === key;
    };
    return choices.map((c) => {
      const b = h(
        'button',
        {
          type: 'button',
          class: 'quiz-opt',
          'data-q': q.questionId,
          'data-key': c.key,
          'aria-pressed': String(pressed(c.key)),
        },
        c.text,
      );
      b.addEventListener('click', () => {
        if (q.type === 'true_false') picks[q.questionId] = c.key === 'true';
        else if (q.type === 'multiple') {
          const cur = new Set(Array.isArray(picks[q.questionId]) ? (picks[q.questionId] as string[]) : []);
          if (cur.has(c.key)) cur.delete(c.key);
          else cur.add(c.key);
          picks[q.questionId] = [...cur].sort();
        } else picks[q.questionId] = c.key;
        onPick();
      });
      return b;
    });
  }

  function answerCard(p: Prompt): HTMLElement {
    const err = h('p', { class: 'err', role: 'status' });
    const list = h('div', {});
    const draw = () => {
      list.replaceChildren(
        ...p.questions.map((q) =>
          h(
            'div',
            { class: 'quiz-q', 'data-no': String(q.no) },
            h(
              'p',
              { class: 'quiz-stem' },
              `${q.no}. `,
              h('span', { class: 'muted' }, `[${QUESTION_TYPE_LABELS[q.type].zh} ${q.score} 分] `),
              q.stem,
            ),
            q.type === 'fill_in'
              ? Array.from({ length: q.blanks ?? 1 }, (_, i) =>
                  h('input', {
                    class: 'quiz-blank',
                    type: 'text',
                    'data-q': q.questionId,
                    'aria-label': t(`第 ${q.no} 题 第 ${i + 1} 空`, `Question ${q.no} blank ${i + 1}`),
                    value:
                      (Array.isArray(picks[q.questionId]) ? (picks[q.questionId] as string[])[i] : '') ?? '',
                    oninput: (e: Event) => {
                      const cur = Array.isArray(picks[q.questionId])
                        ? [...(picks[q.questionId] as string[])]
                        : [];
                      cur[i] = (e.target as HTMLInputElement).value;
                      picks[q.questionId] = Array.from({ length: q.blanks ?? 1 }, (_, j) => cur[j] ?? '');
                    },
                  }),
                )
              : optionButtons(q, draw),
          ),
        ),
      );
    };
    draw();
    const submit = h('button', { type: 'button', class: 'quiz-submit', id: 'quiz-submit' }, '提交 Submit');
    submit.addEventListener('click', () => {
      submit.disabled = true;
      err.textContent = '';
      const answers: Record<string, CandidateAnswer> = {};
      for (const q of p.questions) answers[q.questionId] = picks[q.questionId] ?? null;
      client.answerQuiz(answers).then(
        () => renderTrainee(),
        (e: unknown) => {
          submit.disabled = Date.now() >= Date.parse(p.closesAt);
          err.textContent = messageOf(e, '未送达，请再提交一次', 'Not delivered; submit again');
        },
      );
    });
    return h(
      'div',
      { class: 'card' },
      h('h2', { id: 'quiz-title' }, `随堂测试 Quiz · ${p.title}`),
      h(
        'div',
        { class: 'muted' },
        t(
          `共 ${p.questions.length} 题，满分 ${p.totalScore} 分`,
          `${p.questions.length} questions, ${p.totalScore} points`,
        ),
      ),
      h('div', { class: 'quiz-count' }),
      list,
      submit,
      err,
    );
  }

  function submittedCard(p: Prompt): HTMLElement {
    return h(
      'div',
      { class: 'card' },
      h('h2', { id: 'quiz-title' }, `随堂测试 Quiz · ${p.title}`),
      h('div', { class: 'quiz-count' }),
      h('p', { class: 'quiz-done', id: 'quiz-submitted' }, '✓ 已提交 Submitted'),
      h(
        'p',
        { class: 'muted' },
        t('测试结束后显示得分和正确答案', 'Your score and the right answers show when the quiz closes'),
      ),
    );
  }

  const yourText = (q: Result['questions'][number]): string => {
    const a = q.yourAnswer;
    if (a === null || a === undefined || (Array.isArray(a) && a.every((x) => !x))) return '未作答 No answer';
    if (typeof a === 'boolean') return a ? '正确 True' : '错误 False';
    return Array.isArray(a) ? a.join(q.type === 'fill_in' ? ' / ' : '、') : a;
  };

  function resultCard(r: Result): HTMLElement {
    return h(
      'div',
      { class: 'card' },
      h('h2', { id: 'quiz-title' }, `随堂测试结果 Quiz result · ${r.title}`),
      h(
        'div',
        { class: 'quiz-score', id: 'quiz-score' },
        t(`得分 ${r.score} / ${r.max}`, `${r.score} of ${r.max} points`),
      ),
      r.answered
        ? null
        : h('p', { class: 'wrong' }, t('未在时限内提交，本次记 0 分', 'Not submitted in time: 0 points')),
      r.questions.map((q) =>
        h(
          'div',
          { class: 'quiz-q', 'data-no': String(q.no) },
          h('p', { class: 'quiz-stem' }, `${q.no}. ${q.stem}`),
          q.options.length
            ? h('div', { class: 'muted' }, q.options.map((o) => `${o.key}. ${o.text}`).join('　'))
            : null,
          h(
            'div',
            { class: q.correct ? 'right' : 'wrong' },
            `${q.correct ? '✓' : '✗'} ${t('你的答案', 'Yours')}：${yourText(q)} · ${q.score}/${q.max} 分`,
          ),
          h('div', { class: 'right quiz-answer' }, `${t('正确答案', 'Right answer')}：${q.answerText}`),
        ),
      ),
      h(
        'button',
        {
          type: 'button',
          class: 'quiz-submit',
          id: 'quiz-dismiss',
          onclick: () => {
            dismissed.add(r.quizId);
            closeModal();
          },
        },
        '关闭 Close',
      ),
    );
  }

  function renderTrainee() {
    const { prompt, result, answeredAt } = client.quiz;
    const id = result?.quizId ?? prompt?.quizId ?? null;
    if (!id || dismissed.has(id)) return closeModal();
    const phase = result && result.quizId === id ? 'result' : answeredAt ? 'submitted' : 'answer';
    const key = `${id}:${phase}`;
    if (key === shown) return;
    if (!shown?.startsWith(`${id}:`)) picks = {};
    shown = key;
    if (!modal) {
      modal = h('div', { id: 'quiz-modal', role: 'dialog', 'aria-labelledby': 'quiz-title' });
      document.body.append(modal);
    }
    modal.dataset.phase = phase;
    modal.replaceChildren(
      phase === 'result'
        ? resultCard(result!)
        : phase === 'submitted'
          ? submittedCard(prompt!)
          : answerCard(prompt!),
    );
    tick();
  }

  // ---- staff --------------------------------------------------------------------------------------
  let composer: HTMLElement | null = null;
  let consoleBox: HTMLElement | null = null;
  let consoleKey = '';
  let bank: QuestionView[] | null = null;

  async function loadBank(list: HTMLElement) {
    list.replaceChildren(t('正在读取题库…', 'Loading the bank…'));
    try {
      const cls = await api.classes.get(opts.classId);
      const { items } = await api.questions.list(cls.trainingItemId, { status: 'active' });
      bank = items.filter((q) => q.current.type !== 'short_answer');
      list.replaceChildren(
        ...(bank.length
          ? bank.map((q) =>
              h(
                'label',
                {},
                h('input', { type: 'checkbox', class: 'bank-pick', value: q.id }),
                ` [${q.current.typeLabel.zh}·${q.current.score} 分] ${q.current.stem}`,
              ),
            )
          : [
              t(
                '本培训项目题库中没有可用的客观题',
                'The bank of this training item has no objective questions',
              ),
            ]),
      );
    } catch (e) {
      list.replaceChildren(messageOf(e, '题库读取失败', 'Could not read the bank'));
    }
  }

  function typedForm(): { el: HTMLElement; read(): QuizTypedQuestion } {
    const type = h(
      'select',
      { id: 'quiz-type' },
      (['single', 'multiple', 'true_false', 'fill_in'] as const).map((k) =>
        h('option', { value: k }, `${QUESTION_TYPE_LABELS[k].zh} ${QUESTION_TYPE_LABELS[k].en}`),
      ),
    );
    const stem = h('textarea', { id: 'quiz-stem', rows: 2, placeholder: '题干 Question' });
    const keys = ['A', 'B', 'C', 'D'];
    const optionInputs = keys.map((k) =>
      h('input', { type: 'text', class: 'quiz-option', 'data-key': k, placeholder: `选项 ${k} Option ${k}` }),
    );
    const answer = h('input', {
      type: 'text',
      id: 'quiz-answer',
      placeholder: '答案：选择题填 A 或 A,C；判断题填 对/错；填空题填标准答案 Answer',
    });
    const score = h('input', { type: 'number', id: 'quiz-score-input', min: 0.5, step: 0.5, value: 1 });
    const options = h('div', { class: 'opts' }, optionInputs);
    type.addEventListener('change', () => {
      options.hidden = !(type.value === 'single' || type.value === 'multiple');
    });
    return {
      el: h(
        'div',
        { class: 'typed' },
        h('label', {}, '题型 Type ', type),
        h('label', {}, '题干 Question', stem),
        options,
        h('label', {}, '答案 Answer', answer),
        h('label', {}, '分值 Score ', score),
      ),
      read() {
        const ty = type.value as QuizQuestionType;
        const a = answer.value.trim();
        const opts2 = optionInputs
          .filter((i) => i.value.trim() !== '')
          .map((i) => ({ key: i.dataset.key!, text: i.value.trim() }));
        return {
          type: ty,
          stem: stem.value,
          ...(ty === 'single' || ty === 'multiple' ? { options: opts2 } : {}),
          answer:
            ty === 'true_false'
              ? /^(对|正确|true|t|y|yes|√)$/i.test(a)
                ? { value: true }
                : /^(错|错误|false|f|n|no|×)$/i.test(a)
                  ? { value: false }
                  : {}
              : ty === 'fill_in'
                ? {
                    accepted: a
                      .split(/[/／]/)
                      .map((s) => s.trim())
                      .filter(Boolean),
                  }
                : {
                    keys: a
                      .toUpperCase()
                      .split(/[\s,，、]+/)
                      .filter(Boolean),
                  },
          score: Number(score.value),
        };
      },
    };
  }

  function buildComposer(): HTMLElement {
    const status = h('span', { class: 'chat-status', role: 'status', id: 'quiz-status' });
    const limit = h('input', { type: 'number', id: 'quiz-limit', min: 10, max: 1800, step: 5, value: 60 });
    const title = h('input', { type: 'text', id: 'quiz-title-input', placeholder: '标题（可选） Title' });
    const bankList = h('div', { class: 'bank-list', id: 'quiz-bank' });
    const typed = typedForm();
    const modeBank = h('input', { type: 'radio', name: 'quiz-mode', value: 'bank', id: 'quiz-mode-bank' });
    const modeTyped = h('input', {
      type: 'radio',
      name: 'quiz-mode',
      value: 'typed',
      id: 'quiz-mode-typed',
      checked: true,
    });
    const sync = () => {
      bankList.hidden = !modeBank.checked;
      typed.el.hidden = modeBank.checked;
      if (modeBank.checked && !bank) void loadBank(bankList);
    };
    modeBank.addEventListener('change', sync);
    modeTyped.addEventListener('change', sync);
    const push = h('button', { type: 'button', id: 'quiz-push' }, '发布测试 Push quiz');
    push.addEventListener('click', () => {
      status.textContent = '';
      const timeLimitS = Number(limit.value);
      const base = { timeLimitS, ...(title.value.trim() && { title: title.value.trim() }) };
      const body = modeBank.checked
        ? {
            ...base,
            questionIds: [...bankList.querySelectorAll<HTMLInputElement>('input.bank-pick:checked')].map(
              (i) => i.value,
            ),
          }
        : { ...base, questions: [typed.read()] };
      push.disabled = true;
      client.request('quiz.push', body).then(
        () => {
          push.disabled = false;
          status.textContent = '';
          box.hidden = true;
        },
        (e: unknown) => {
          push.disabled = false;
          status.textContent = messageOf(e, '未能发布测试', 'Could not push the quiz');
        },
      );
    });
    const box: HTMLElement = h(
      'div',
      { class: 'quiz-panel', id: 'quiz-composer', hidden: true },
      h('strong', {}, '随堂测试 In-class quiz'),
      h('label', {}, modeTyped, ' 现场出题 Type a question　', modeBank, ' 从题库选题 From the bank'),
      typed.el,
      bankList,
      h('label', {}, '标题 Title', title),
      h('label', {}, '答题时限（秒） Time limit (s) ', limit),
      push,
      ' ',
      status,
    );
    sync();
    const toggle = h('button', { type: 'button', id: 'quiz-open' }, '随堂测试 Quiz');
    toggle.addEventListener('click', () => {
      box.hidden = !box.hidden;
    });
    return h('div', {}, toggle, box);
  }

  function barRow(label: string, n: number, of: number, right: boolean) {
    return h(
      'div',
      { class: `bar${right ? ' right' : ''}` },
      h('span', { style: 'min-width:9em' }, label),
      h('span', { class: 'fill', style: `width:${of ? Math.round((n / of) * 180) : 0}px` }),
      h('span', {}, String(n)),
    );
  }

  function buildConsole(v: View): HTMLElement {
    const open = v.status === 'open';
    const closeBtn = open ? h('button', { type: 'button', id: 'quiz-close' }, '提前结束 Close now') : null;
    const status = h('span', { class: 'chat-status', role: 'status' });
    closeBtn?.addEventListener('click', () => {
      closeBtn.disabled = true;
      client.request('quiz.close', { quizId: v.quizId }).then(
        () => undefined,
        (e: unknown) => {
          closeBtn.disabled = false;
          status.textContent = messageOf(e, '未能结束测试', 'Could not close the quiz');
        },
      );
    });
    return h(
      'div',
      { class: 'quiz-panel', id: 'quiz-console', 'data-quiz': v.quizId, 'data-status': v.status },
      h(
        'div',
        {},
        h('strong', {}, `${v.title} · ${v.statusLabel.zh} ${v.statusLabel.en}`),
        open ? h('span', { class: 'quiz-left', 'data-closes': v.closesAt }, '') : null,
      ),
      h(
        'div',
        { class: 'rc-counts', id: 'quiz-answered' },
        t(`已作答 ${v.answered}/${v.expected}`, `answered ${v.answered}/${v.expected}`),
      ),
      v.questions.map((q) => {
        const of = Math.max(v.answered, 1);
        const keys = Object.keys(q.counts);
        return h(
          'div',
          { class: 'quiz-dist', 'data-no': String(q.no) },
          h('div', {}, `${q.no}. ${q.stem}（${t('答案', 'answer')}：${q.answerText}）`),
          keys.map((k) => {
            const label = k === 'true' ? '正确 True' : k === 'false' ? '错误 False' : k;
            const text = q.options.find((o) => o.key === k)?.text;
            return barRow(text ? `${label}. ${text}` : label, q.counts[k] ?? 0, of, q.rightKeys.includes(k));
          }),
          h(
            'div',
            { class: 'muted quiz-rw' },
            `对 Right ${q.right} · 部分 Partial ${q.partial} · 错 Wrong ${q.wrong} · 未答 Blank ${q.blank}`,
          ),
        );
      }),
      v.scores
        ? h(
            'ul',
            { id: 'quiz-scores' },
            v.scores.map((s) =>
              h('li', { 'data-account': s.accountId }, `${s.name} · ${s.score}/${s.max} 分`),
            ),
          )
        : null,
      closeBtn,
      status,
    );
  }

  setInterval(() => {
    const el = consoleBox?.querySelector<HTMLElement>('.quiz-left');
    if (el?.dataset.closes)
      el.textContent = ` · ${t(`剩余 ${clock(Date.parse(el.dataset.closes) - Date.now())}`, 'left')}`;
  }, 500);

  function renderStaff() {
    if (!composer) {
      composer = buildComposer();
      panel.replaceChildren(composer);
    }
    const v = client.quiz.view;
    const key = v
      ? `${v.quizId}:${v.status}:${v.answered}:${v.questions.map((q) => JSON.stringify(q.counts)).join()}`
      : '';
    if (key === consoleKey) return;
    consoleKey = key;
    consoleBox?.remove();
    consoleBox = v ? buildConsole(v) : null;
    if (consoleBox) composer.after(consoleBox);
  }

  return {
    render(role) {
      if (role === 'trainee') renderTrainee();
      else if (role === 'instructor' || role === 'class_manager') renderStaff();
      else {
        closeModal();
        panel.replaceChildren();
        composer = consoleBox = null;
        consoleKey = '';
      }
    },
  };
}
