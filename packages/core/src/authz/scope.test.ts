import { jurisdictionCovers } from './scope';

describe('jurisdiction coverage', () => {
  it('[SEC-1] an officer covers their own jurisdiction and those below, never a sibling', () => {
    expect(jurisdictionCovers('JS', 'JS')).toBe(true);
    expect(jurisdictionCovers('JS', 'JS.JS-NJ')).toBe(true);
    expect(jurisdictionCovers('JS.JS-NJ', 'JS')).toBe(false);
    expect(jurisdictionCovers('JS.JS-NJ', 'JS.JS-NJX')).toBe(false);
    expect(jurisdictionCovers('JS.JS-NJ', 'JS.JS-SZ')).toBe(false);
  });
});
