// Showing errors: the API's coded message in zh and en, its per-row problems, and the request id.
import { ApiError } from '@seafarer/sdk';
import { h } from './dom';

/** A page-side refusal (a form left incomplete), shown like an API error. */
export const inputError = (zh: string, en: string): ApiError =>
  new ApiError(0, { code: 'INPUT', message: { zh, en }, requestId: '' });

/** "中文 · English" text of an error (API or otherwise). */
export function errorText(err: unknown): string {
  if (err instanceof ApiError) return `${err.body.message.zh} · ${err.body.message.en}`;
  return String((err as Error | undefined)?.message ?? err);
}

interface DetailProblem {
  index?: number | null;
  zh?: string;
  en?: string;
}

/**
 * An element describing an error: the message, any per-row problems (timetable: details.problems with a
 * 0-based index), validation details, and the request id (what support asks for).
 */
export function errorBox(err: unknown): HTMLDivElement {
  const box = h('div', { class: 'error', role: 'alert' }, h('strong', {}, errorText(err)));
  const body = err instanceof ApiError ? err.body : null;
  const d = body?.details as
    | { problems?: DetailProblem[]; field?: string; displayName?: string; teachingYears?: number }
    | Array<{ path?: string; message?: string }>
    | undefined;
  const items: string[] = [];
  if (Array.isArray(d)) {
    for (const v of d)
      if (v && typeof v === 'object') items.push(`${v.path ?? ''} ${v.message ?? JSON.stringify(v)}`);
  } else if (d && Array.isArray(d.problems)) {
    for (const p of d.problems) {
      const where =
        typeof p.index === 'number' && Number.isInteger(p.index)
          ? `第 ${p.index + 1} 行 Row ${p.index + 1}: `
          : '';
      items.push(`${where}${p.zh ?? ''} · ${p.en ?? ''}`);
    }
  } else if (d?.field) items.push(`字段 Field: ${d.field}`);
  else if (d?.displayName) items.push(`${d.displayName}（${d.teachingYears ?? '?'} 年 years）`);
  if (items.length)
    box.append(
      h(
        'ul',
        {},
        items.map((t) => h('li', {}, t)),
      ),
    );
  if (body?.requestId) box.append(h('div', { class: 'req-id' }, `请求编号 Request id: ${body.requestId}`));
  return box;
}

/** Puts an error (or clears it when err is null) into a container element. */
export function showError(container: HTMLElement | null, err: unknown): void {
  if (!container) return;
  container.replaceChildren(...(err ? [errorBox(err)] : []));
  container.hidden = !err;
}

/** A button that disables itself while its async action runs, showing errors in errEl. */
export function actionButton(
  text: string,
  action: (b: HTMLButtonElement) => unknown,
  { errEl, cls }: { errEl?: HTMLElement; cls?: string } = {},
): HTMLButtonElement {
  const b = h('button', { type: 'button', class: cls }, text);
  b.addEventListener('click', () => {
    b.disabled = true;
    if (errEl) showError(errEl, null);
    void (async () => {
      try {
        await action(b);
      } catch (err) {
        if (errEl) showError(errEl, err);
        else alert(errorText(err));
      } finally {
        if (!b.dataset.keepDisabled) b.disabled = false;
      }
    })();
  });
  return b;
}
