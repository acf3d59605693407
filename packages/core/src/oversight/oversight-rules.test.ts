import { correctionDecisionEffect, deadlineFacts, itemAcceptsCorrection } from './oversight-rules';

describe('oversight item rules', () => {
  it('[JS-17] the deadline day itself is not overdue; the day after is, unless the correction was accepted', () => {
    expect(deadlineFacts({ deadline: '2026-12-10', status: 'open' }, '2026-12-03')).toEqual({
      daysLeft: 7,
      overdue: false,
    });
    expect(deadlineFacts({ deadline: '2026-12-03', status: 'open' }, '2026-12-03')).toEqual({
      daysLeft: 0,
      overdue: false,
    });
    expect(deadlineFacts({ deadline: '2026-12-02', status: 'correction_submitted' }, '2026-12-03')).toEqual({
      daysLeft: -1,
      overdue: true,
    });
    expect(deadlineFacts({ deadline: '2026-12-02', status: 'accepted' }, '2026-12-03').overdue).toBe(false);
    expect(deadlineFacts({ deadline: null, status: 'open' }, '2026-12-03')).toEqual({
      daysLeft: null,
      overdue: false,
    });
  });
  it('[JS-17] a correction is taken only while the item is open; rejected opens it again', () => {
    expect(itemAcceptsCorrection('open')).toBeNull();
    expect(itemAcceptsCorrection('correction_submitted')?.zh).toContain('待审核');
    expect(itemAcceptsCorrection('accepted')).not.toBeNull();
    expect(correctionDecisionEffect('rejected')).toBe('open');
    expect(correctionDecisionEffect('accepted')).toBe('accepted');
  });
});
