import { diffPlanVersions, type PlanVersionContent } from './plan-diff';

const v1: PlanVersionContent = {
  scale: 30,
  trainingItemId: 'item-fire',
  instructors: ['acc-1', 'acc-2'],
  managers: ['acc-9'],
  sessions: [
    { date: '2026-03-10', start: '09:00', end: '12:00', topic: '消防基础', instructorAccountId: 'acc-1' },
    { date: '2026-03-10', start: '14:00', end: '17:00', topic: '灭火器材', instructorAccountId: 'acc-2' },
    { date: '2026-03-11', start: '09:00', end: '12:00', topic: '火灾应急', instructorAccountId: 'acc-1' },
  ],
  contentNote: '第一版',
};

describe('plan version diff', () => {
  it('[QM-2] identical versions are reported as unchanged', () => {
    const d = diffPlanVersions(v1, structuredClone(v1));
    expect(d.unchanged).toBe(true);
    expect(d.fields).toEqual([]);
    expect(d.summary).toEqual({ zh: '与上一版本相比无变化', en: 'No changes from the previous version' });
  });

  it('[QM-2] the officer sees each changed session field with from/to, added sessions and the scale', () => {
    const v2: PlanVersionContent = {
      ...v1,
      scale: 35,
      sessions: [
        { date: '2026-03-12', start: '09:00', end: '11:00', topic: '复习', instructorAccountId: 'acc-2' },
        { date: '2026-03-11', start: '09:00', end: '12:30', topic: '火灾应急', instructorAccountId: 'acc-1' },
        {
          date: '2026-03-10',
          start: '14:00',
          end: '17:00',
          topic: '灭火器材使用',
          instructorAccountId: 'acc-1',
        },
        { date: '2026-03-10', start: '09:00', end: '12:00', topic: '消防基础', instructorAccountId: 'acc-1' },
      ],
    };
    const d = diffPlanVersions(v1, v2);
    expect(d.unchanged).toBe(false);
    expect(d.fields).toEqual([{ field: 'scale', from: 30, to: 35 }]);
    expect(d.sessions.added).toEqual([v2.sessions[0]]);
    expect(d.sessions.removed).toEqual([]);
    expect(d.sessions.changed).toEqual([
      {
        date: '2026-03-10',
        start: '14:00',
        changes: [
          { field: 'topic', from: '灭火器材', to: '灭火器材使用' },
          { field: 'instructorAccountId', from: 'acc-2', to: 'acc-1' },
        ],
      },
      { date: '2026-03-11', start: '09:00', changes: [{ field: 'end', from: '12:00', to: '12:30' }] },
    ]);
    expect(d.summary).toEqual({
      zh: '新增 1 个课次，修改 2 个课次，删除 0 个课次；规模 30→35',
      en: 'Sessions: 1 added, 2 changed, 0 removed; scale 30→35',
    });
  });

  it('[QM-2] a session moved to another start is one removed and one added', () => {
    const v2 = { ...v1, sessions: [{ ...v1.sessions[0]!, start: '08:30' }, ...v1.sessions.slice(1)] };
    const d = diffPlanVersions(v1, v2);
    expect(d.sessions.added.map((x) => x.start)).toEqual(['08:30']);
    expect(d.sessions.removed.map((x) => x.start)).toEqual(['09:00']);
    expect(d.sessions.changed).toEqual([]);
  });

  it('[QM-2] people added and removed, item and note changes, all in a fixed order', () => {
    const v2: PlanVersionContent = {
      ...v1,
      trainingItemId: 'item-survival',
      instructors: ['acc-3', 'acc-1', 'acc-0', 'acc-3'],
      managers: [],
      contentNote: '第二版',
    };
    const d = diffPlanVersions(v1, v2);
    expect(d.fields).toEqual([
      { field: 'trainingItemId', from: 'item-fire', to: 'item-survival' },
      { field: 'contentNote', from: '第一版', to: '第二版' },
    ]);
    expect(d.instructors).toEqual({ added: ['acc-0', 'acc-3'], removed: ['acc-2'] });
    expect(d.managers).toEqual({ added: [], removed: ['acc-9'] });
    expect(d.summary.zh).toBe(
      '新增 0 个课次，修改 0 个课次，删除 0 个课次；培训项目 item-fire→item-survival；教学内容说明已修改；' +
        '教员新增 2 名、移除 1 名；管理人员新增 0 名、移除 1 名',
    );
    expect(d.summary.en).toBe(
      'Sessions: 0 added, 0 changed, 0 removed; training item item-fire→item-survival; content note changed; ' +
        'instructors: 2 added, 1 removed; managers: 0 added, 1 removed',
    );
  });

  it('[QM-2] the diff does not depend on the order of the input lists', () => {
    const v2 = { ...v1, scale: 20, sessions: v1.sessions.slice(1), instructors: ['acc-5', 'acc-4'] };
    const shuffled = {
      ...v2,
      sessions: [...v2.sessions].reverse(),
      instructors: [...v2.instructors].reverse(),
    };
    expect(diffPlanVersions(v1, shuffled)).toEqual(
      diffPlanVersions({ ...v1, sessions: [...v1.sessions].reverse() }, v2),
    );
    expect(diffPlanVersions(v1, v2).sessions.removed).toEqual([v1.sessions[0]]);
  });

  it('[QM-2] an absent and a blank content note are the same: no note', () => {
    const { contentNote: _omit, ...noNote } = v1;
    expect(diffPlanVersions({ ...v1, contentNote: ' ' }, noNote).unchanged).toBe(true);
    expect(diffPlanVersions(noNote, v1).fields).toEqual([{ field: 'contentNote', from: null, to: '第一版' }]);
  });
});
