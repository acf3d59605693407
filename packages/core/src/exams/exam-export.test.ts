import { csvCell, resultsCsv } from './exam-export';

describe('exam results export (JS-7.3)', () => {
  it('[JS-7.3] a CSV cell that looks like a formula stays text; commas and quotes are quoted', () => {
    expect(csvCell('=HYPERLINK("http://x")')).toBe(`"'=HYPERLINK(""http://x"")"`);
    expect(csvCell('+86 123')).toBe("'+86 123");
    expect(csvCell('-1')).toBe("'-1");
    expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvCell('张三, 李四')).toBe('"张三, 李四"');
    expect(csvCell(16.67)).toBe('16.67');
  });

  it('[JS-7.3] results.csv starts with a UTF-8 BOM and has zh-CN headers with English', () => {
    const buf = resultsCsv({
      examId: '00000000-0000-4000-8000-000000000001',
      classId: '00000000-0000-4000-8000-000000000002',
      title: '结业考试',
      passMarkText: { zh: '60 分及格', en: 'Pass at 60 points' },
      released: false,
      releasedAt: null,
      releasedAtText: null,
      canRelease: false,
      blockers: { inProgress: 0, unmarked: 0, manualPending: 0, stillOpen: 0 },
      blockersText: [],
      rows: [],
    });
    expect([...buf.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(buf.toString('utf8').slice(1)).toMatch(/^序号 No\.,姓名 Name,证件号码 ID number,/);
  });
});
