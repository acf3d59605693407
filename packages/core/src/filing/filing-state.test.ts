import {
  canOpenLiveRoom,
  FILING_EVENTS,
  FILING_STATES,
  FILING_TRANSITIONS,
  transition,
  type FilingEvent,
  type FilingState,
} from './filing-state';

/** Runs events from a state; throws on the first refusal. */
function run(from: FilingState, ...events: FilingEvent[]): FilingState {
  return events.reduce<FilingState>((state, event) => {
    const r = transition(state, event);
    if (!r.ok) throw new Error(r.problem.en);
    return r.state;
  }, from);
}

describe('filing state machine', () => {
  it('[JS-11.3] a draft is filed, then confirmed; only a confirmed plan opens the live room', () => {
    expect(run('draft', 'file')).toBe('filed');
    expect(run('draft', 'file', 'confirm')).toBe('confirmed');
    expect(run('draft', 'file', 'reject')).toBe('rejected');
    expect(FILING_STATES.filter(canOpenLiveRoom)).toEqual(['confirmed']);
  });

  it('[JS-11.3] amending after confirmation supersedes that version and starts an unconfirmed draft', () => {
    const r = transition('confirmed', 'amend');
    expect(r).toEqual({ ok: true, state: 'superseded', newVersion: 'draft' });
    if (!r.ok || !r.newVersion) return;
    expect(canOpenLiveRoom(r.state)).toBe(false);
    expect(canOpenLiveRoom(r.newVersion)).toBe(false);
    // The new version goes through filing and review again before the class may run.
    expect(canOpenLiveRoom(run(r.newVersion, 'file'))).toBe(false);
    expect(canOpenLiveRoom(run(r.newVersion, 'file', 'confirm'))).toBe(true);
  });

  it('[JS-11.3] amending a filed or rejected plan also opens a new draft', () => {
    expect(transition('filed', 'amend')).toEqual({ ok: true, state: 'superseded', newVersion: 'draft' });
    expect(transition('rejected', 'amend')).toEqual({ ok: true, state: 'superseded', newVersion: 'draft' });
  });

  it('[JS-11.3] a superseded version can never be filed, confirmed, rejected or amended', () => {
    for (const event of FILING_EVENTS) {
      const r = transition('superseded', event);
      expect(r.ok).toBe(false);
      if (r.ok) continue;
      expect(r.problem.code).toBe('CONFLICT');
      expect(r.problem.zh).toContain('已被新版本取代');
    }
  });

  it('[JS-11.3] illegal transitions are conflicts with a message naming the state', () => {
    const confirmDraft = transition('draft', 'confirm');
    expect(confirmDraft).toMatchObject({ ok: false, problem: { code: 'CONFLICT' } });
    if (!confirmDraft.ok) {
      expect(confirmDraft.problem.zh).toBe('状态为“草稿（未报备）”的计划不能确认');
      expect(confirmDraft.problem.en).toBe('A plan that is draft (not filed) cannot be confirmed');
    }
    for (const [state, event] of [
      ['filed', 'file'],
      ['confirmed', 'file'],
      ['confirmed', 'confirm'],
      ['confirmed', 'reject'],
      ['rejected', 'file'],
      ['rejected', 'confirm'],
      ['draft', 'reject'],
      ['draft', 'amend'],
    ] as const) {
      expect(transition(state, event)).toMatchObject({ ok: false, problem: { code: 'CONFLICT' } });
    }
  });

  it('[JS-11.3] the exported table is exactly what transition() applies', () => {
    let legal = 0;
    for (const state of FILING_STATES) {
      for (const event of FILING_EVENTS) {
        const row = FILING_TRANSITIONS.find((t) => t.from === state && t.event === event);
        const r = transition(state, event);
        expect(r.ok).toBe(row !== undefined);
        if (row && r.ok) {
          legal += 1;
          expect(r).toEqual({ ok: true, state: row.to, newVersion: row.newVersion });
        }
      }
    }
    expect(legal).toBe(FILING_TRANSITIONS.length);
    // Every amendment supersedes the old version and opens a new draft; nothing else opens a version.
    for (const t of FILING_TRANSITIONS) expect(t.newVersion !== null).toBe(t.event === 'amend');
    expect(Object.isFrozen(FILING_TRANSITIONS)).toBe(true);
  });
});
