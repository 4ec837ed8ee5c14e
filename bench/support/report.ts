import { mkdir, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { Harness } from './harness.js';

export const RESULTS_DIR = fileURLToPath(new URL('../results/', import.meta.url));

export type Cell = string | number | undefined;

export interface Table {
  title: string;
  columns: string[];
  rows: Cell[][];
  /** Lines printed under the table. */
  notes?: string[];
}

/**
 * A benchmark's part of the README snippet: rows of the summary table (what, the ratio's
 * definition, then the aws, azure and openstack figures) and/or bullet lines.
 */
export interface Snippet {
  rows?: Array<[string, string, string, string, string]>;
  bullets?: string[];
}

/** What a benchmark hands back: its tables, its JSON, and its part of the README snippet. */
export interface BenchResult {
  tables: Table[];
  json: unknown;
  snippet: Snippet;
}

export interface Benchmark {
  name: string;
  /** One line: what it measures against what. */
  description: string;
  run(harness: Harness): Promise<BenchResult>;
}

/** A number for a table: 3 significant digits, thousands kept whole. */
export function fmt(value: number | undefined, digits = 3): string {
  if (value === undefined || !Number.isFinite(value)) return '–';
  if (Math.abs(value) >= 1000) return Math.round(value).toString();
  return Number(value.toPrecision(digits)).toString();
}

function cellText(cell: Cell): string {
  return typeof cell === 'number' ? fmt(cell) : (cell ?? '–');
}

export function printTable(table: Table): void {
  const text = table.rows.map((row) => row.map(cellText));
  const widths = table.columns.map((column, i) => Math.max(column.length, ...text.map((row) => row[i]?.length ?? 0)));
  const line = (cells: string[]) => cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ');
  console.log(`\n${table.title}`);
  console.log(line(table.columns));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const row of text) console.log(line(row));
  for (const note of table.notes ?? []) console.log(`  ${note}`);
}

export function markdownTable(columns: string[], rows: Cell[][]): string[] {
  return [`| ${columns.join(' | ')} |`, `|${columns.map(() => '---').join('|')}|`, ...rows.map((row) => `| ${row.map(cellText).join(' | ')} |`)];
}

/** The aws, azure and openstack cells of a summary row, from per-cloud items. */
export function cloudCells<T extends { cloud: string }>(items: T[], cell: (item: T, all: T[]) => string): [string, string, string] {
  const of = (cloud: string) => {
    const mine = items.filter((item) => item.cloud === cloud);
    return mine.length > 0 ? cell(mine[0]!, mine) : '–';
  };
  return [of('aws'), of('azure'), of('openstack')];
}

/** Figures joined: `0.73 / 0.66`. */
export function joined(values: Array<number | undefined>, digits = 2): string {
  return values.map((v) => (v === undefined || !Number.isFinite(v) ? '–' : fmt(v, digits))).join(' / ');
}

export async function writeResult(name: string, value: unknown): Promise<string> {
  await mkdir(RESULTS_DIR, { recursive: true });
  const file = `${RESULTS_DIR}${name}.json`;
  await writeFile(file, `${JSON.stringify(value, null, 2)}\n`);
  return file;
}

export async function writeText(name: string, text: string): Promise<void> {
  await mkdir(RESULTS_DIR, { recursive: true });
  await writeFile(`${RESULTS_DIR}${name}`, text);
}

/** The median and the 95th percentile (nearest rank) of `values`. */
export function percentiles(values: number[]): { median: number; p95: number } {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? NaN;
  return { median: at(0.5), p95: at(0.95) };
}
