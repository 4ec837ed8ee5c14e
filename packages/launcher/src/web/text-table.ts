/** One column of a status list: the record key (as `?fields=` names it) and its header. */
export interface Column {
  key: string;
  header: string;
}

/**
 * Renders rows as Nodepool renders its status lists (PrettyTable, every column left-aligned):
 *
 * ```
 * +------------+----------+
 * | ID         | Provider |
 * +------------+----------+
 * | 0000000001 | aws-east |
 * +------------+----------+
 * ```
 *
 * `fields` keeps only those columns, in the table's own order (unknown names are ignored;
 * naming none of the columns gives an empty string, as in Nodepool). Lists are joined with
 * commas, null shows as `None` and booleans as `True`/`False` (Python's rendering), objects as JSON, and line breaks inside a
 * value as spaces. No trailing newline.
 */
export function renderTable(columns: readonly Column[], rows: ReadonlyArray<Record<string, unknown>>, fields?: readonly string[]): string {
  const shown = fields ? columns.filter((c) => fields.includes(c.key)) : columns;
  if (shown.length === 0) return '';
  const cells = rows.map((row) => shown.map((c) => cellText(row[c.key])));
  const widths = shown.map((c, i) => Math.max(c.header.length, ...cells.map((r) => r[i]!.length)));
  const rule = `+${widths.map((w) => '-'.repeat(w + 2)).join('+')}+`;
  const line = (values: string[]) => `| ${values.map((v, i) => v.padEnd(widths[i]!)).join(' | ')} |`;
  return [rule, line(shown.map((c) => c.header)), rule, ...cells.map(line), rule].join('\n');
}

function cellText(value: unknown): string {
  let text: string;
  if (value === null || value === undefined) text = 'None';
  else if (typeof value === 'boolean') text = value ? 'True' : 'False';
  else if (Array.isArray(value)) text = value.map((v) => (typeof v === 'string' ? v : JSON.stringify(v))).join(',');
  else if (typeof value === 'object') text = JSON.stringify(value);
  else text = String(value);
  return text.replace(/\r?\n/g, ' ');
}
