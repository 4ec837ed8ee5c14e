import { describe, expect, it } from 'vitest';
import { wantsJson } from '../../src/web/accept.js';
import { formatAge } from '../../src/web/nodepool-status.js';
import { renderTable } from '../../src/web/text-table.js';

const COLUMNS = [
  { key: 'id', header: 'ID' },
  { key: 'types', header: 'Node Types' },
  { key: 'extra', header: 'Extra' },
];

describe("web: Nodepool's text formats", () => {
  it('renders a PrettyTable-style table, left-aligned, with None, joined lists and only the chosen fields in table order', () => {
    const rows = [
      { id: '100-0000000001', types: ['small', 'large'], extra: null },
      { id: '7', types: [], extra: { a: 1 } },
      { id: 'x', types: ['a'], extra: 'two\nlines' },
    ];
    expect(renderTable(COLUMNS, rows)).toBe(
      [
        '+----------------+-------------+-----------+',
        '| ID             | Node Types  | Extra     |',
        '+----------------+-------------+-----------+',
        '| 100-0000000001 | small,large | None      |',
        '| 7              |             | {"a":1}   |',
        '| x              | a           | two lines |',
        '+----------------+-------------+-----------+',
      ].join('\n'),
    );
    expect(renderTable(COLUMNS, rows.slice(0, 1), ['extra', 'id', 'unknown'])).toBe(
      ['+----------------+-------+', '| ID             | Extra |', '+----------------+-------+', '| 100-0000000001 | None  |', '+----------------+-------+'].join('\n'),
    );
    expect(renderTable(COLUMNS, [])).toBe(['+----+------------+-------+', '| ID | Node Types | Extra |', '+----+------------+-------+', '+----+------------+-------+'].join('\n'));
    expect(renderTable(COLUMNS, rows, ['nothing'])).toBe('');
  });

  it('serves JSON only when application/json is preferred over text, as Nodepool negotiates', () => {
    expect(wantsJson('application/json')).toBe(true);
    expect(wantsJson('text/plain;q=0.5, application/json')).toBe(true);
    expect(wantsJson('application/json, */*;q=0.1')).toBe(true);
    for (const accept of [undefined, '', '*/*', 'text/plain', 'application/json, text/plain', 'application/json;q=0', 'image/png', 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8']) {
      expect(wantsJson(accept), String(accept)).toBe(false);
    }
  });

  it("formats ages as Nodepool's DD:HH:MM:SS", () => {
    const now = 1_700_000_000_000;
    expect(formatAge(now / 1000 - 90_061.7, now)).toBe('01:01:01:01');
    expect(formatAge(now / 1000 + 5, now)).toBe('00:00:00:00');
  });
});
