import { belongsTo, compileAccessRule, jurisdictionCovers, pathParams, type ScopeTarget } from './scope';

describe('jurisdiction coverage', () => {
  it('[SEC-1] an officer covers their own jurisdiction and those below, never a sibling', () => {
    expect(jurisdictionCovers('JS', 'JS')).toBe(true);
    expect(jurisdictionCovers('JS', 'JS.JS-NJ')).toBe(true);
    expect(jurisdictionCovers('JS.JS-NJ', 'JS')).toBe(false);
    expect(jurisdictionCovers('JS.JS-NJ', 'JS.JS-NJX')).toBe(false);
    expect(jurisdictionCovers('JS.JS-NJ', 'JS.JS-SZ')).toBe(false);
  });
});

describe('access rules against their paths', () => {
  const roles = ['class_manager'] as const;
  const url = '/api/v1/classes/:classId/sessions/:sessionId/presence';

  it('[SEC-1] every path parameter is resolved, in path order, whatever order the rule lists them in', () => {
    expect(pathParams(url)).toEqual(['classId', 'sessionId']);
    const rule = compileAccessRule(url, { roles, scope: { sessionId: 'session', classId: 'class' } });
    expect(rule.steps).toEqual([
      { param: 'classId', kind: 'class' },
      { param: 'sessionId', kind: 'session' },
    ]);
  });

  it('[SEC-1] a route that leaves a path id out of its rule, or names one not in its path, does not start', () => {
    expect(() => compileAccessRule(url, { roles, scope: { classId: 'class' } })).toThrow(
      /:sessionId has no scope kind/,
    );
    expect(() => compileAccessRule(url, { roles })).toThrow(/:classId has no scope kind/);
    expect(() =>
      compileAccessRule('/api/v1/classes/:classId', {
        roles,
        scope: { classId: 'class', entryId: 'rosterEntry' },
      }),
    ).toThrow(/:entryId, which is not in the path/);
  });

  it('[SEC-1] two path ids must be a parent and its child; a numbered child needs its parent first', () => {
    expect(() =>
      compileAccessRule('/api/v1/licences/:licenceId/classes/:classId', {
        roles,
        scope: { licenceId: 'licence', classId: 'class' },
      }),
    ).toThrow(/a class \(:classId\) cannot belong to a licence/);
    expect(() =>
      compileAccessRule('/api/v1/versions/:version', { roles, scope: { version: 'planVersion' } }),
    ).toThrow(/name the class first/);
    expect(
      compileAccessRule('/api/v1/classes/:classId/versions/:version/diff', {
        roles,
        scope: { classId: 'class', version: 'planVersion' },
      }).steps.map((s) => s.kind),
    ).toEqual(['class', 'planVersion']);
  });

  it('[SEC-1] a child belongs to a parent only when its own parent of that kind is that very resource', () => {
    const session = { parents: { class: 'class-b', institution: 'inst-b' } } as Pick<ScopeTarget, 'parents'>;
    expect(belongsTo(session, { kind: 'class', id: 'class-b' })).toBe(true);
    expect(belongsTo(session, { kind: 'class', id: 'class-a' })).toBe(false);
    expect(belongsTo(session, { kind: 'rosterEntry', id: 'class-b' })).toBe(false);
  });
});
