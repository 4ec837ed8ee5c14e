import { closeSync, fstatSync, openSync, readFileSync, statSync, writeSync } from 'node:fs';
import path from 'node:path';
import { isMapping } from '@cloudpool/common';
import { parse } from 'yaml';
import { CliError } from './cli-error.js';
import type { TextOutput } from './io.js';

/**
 * Nodepool's logging configuration (`nodepool-launcher -l <file>`): Python's `logging.config`,
 * as a dictConfig in YAML or JSON (`.yaml`, `.yml`, `.json`, as Nodepool decides) or a
 * fileConfig INI file otherwise. What maps onto cloudpool's log is honoured: levels, the
 * `nodepool` logger (with its parents and `propagate`), stream handlers on stdout or stderr,
 * file handlers (`WatchedFileHandler` reopens a rotated file), and %-style formatters. Anything
 * that cannot be honoured (filters, other handler classes, unknown record fields) is refused with
 * the file and the place named.
 */

/** Python's level numbers. */
const LEVELS: Readonly<Record<string, number>> = { NOTSET: 0, DEBUG: 10, INFO: 20, WARN: 30, WARNING: 30, ERROR: 40, CRITICAL: 50, FATAL: 50 };
const LEVEL_NAMES: Readonly<Record<number, string>> = { 10: 'DEBUG', 20: 'INFO', 30: 'WARNING', 40: 'ERROR', 50: 'CRITICAL' };

/** pino's level numbers to Python's. */
const PINO_TO_PYTHON: Readonly<Record<number, number>> = { 10: 5, 20: 10, 30: 20, 40: 30, 50: 40, 60: 50 };

/** The logger every cloudpool record is logged under, as Nodepool's launcher logs under `nodepool.*`. */
export const RECORD_LOGGER = 'nodepool.launcher';

/** Record fields a format may use. */
const FIELDS = new Set(['asctime', 'created', 'levelname', 'levelno', 'message', 'msecs', 'name', 'process', 'processName', 'relativeCreated', 'thread', 'threadName']);
const FORMAT_FIELD = /%\((\w+)\)([-#0 +]*)(\d+)?(?:\.(\d+))?([sdifrxXeEgG])|%%/g;
const DATE_DIRECTIVES = /%([a-zA-Z%])/g;
const SUPPORTED_DATE = new Set(['Y', 'y', 'm', 'd', 'H', 'I', 'M', 'S', 'p', 'b', 'B', 'a', 'A', 'j', 'z', 'Z', '%']);

/** Python's default formats. */
const DEFAULT_FORMAT = '%(message)s';

type Sink = { kind: 'stream'; stream: 'stdout' | 'stderr' } | { kind: 'file'; file: string; watched: boolean; truncate: boolean } | { kind: 'null' };

interface Formatter {
  format: string;
  datefmt?: string;
}

interface HandlerPlan {
  name: string;
  level: number;
  formatter: Formatter;
  sink: Sink;
}

/** What a logging configuration means for cloudpool's records. */
export interface LoggingPlan {
  /** Python level: records below it are not produced. */
  level: number;
  /** The handlers a record of `RECORD_LOGGER` reaches. */
  handlers: HandlerPlan[];
}

/** A Python dictConfig (version 1), as Nodepool's own defaults are written. */
export type DictConfig = Record<string, unknown>;

/** Nodepool's default in the foreground (`-d`/`-f` without `-l`): `nodepool` at INFO (DEBUG with `-d`) to stdout. */
export function foregroundDefault(debug: boolean): DictConfig {
  const level = debug ? 'DEBUG' : 'INFO';
  return {
    version: 1,
    formatters: { simple: { format: '%(asctime)s %(levelname)s %(name)s: %(message)s' } },
    handlers: { console: { class: 'logging.StreamHandler', stream: 'ext://sys.stdout', level, formatter: 'simple' } },
    loggers: { nodepool: { handlers: ['console'], level } },
    root: { handlers: [] },
  };
}

/** Nodepool's default as a daemon without `-l`: `nodepool` at INFO to /var/log/nodepool/nodepool.log. */
export function daemonDefault(): DictConfig {
  return {
    version: 1,
    formatters: { simple: { format: '%(asctime)s %(levelname)s %(name)s: %(message)s' } },
    handlers: { normal: { class: 'logging.handlers.WatchedFileHandler', filename: '/var/log/nodepool/nodepool.log', level: 'INFO', formatter: 'simple' } },
    loggers: { nodepool: { handlers: ['normal'], level: 'INFO' } },
    root: { handlers: [] },
  };
}

/** Reads `-l <file>` as Nodepool does: by its extension, a dictConfig in YAML/JSON, else an INI fileConfig. */
export function readLoggingConfig(file: string): LoggingPlan {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new CliError(`cannot read the logging configuration ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  if (['.yaml', '.yml', '.json'].includes(path.extname(file))) {
    let data: unknown;
    try {
      data = parse(text);
    } catch (error) {
      throw new CliError(`${file}: not valid YAML: ${(error as Error).message.split('\n')[0]}`);
    }
    return planFromDict(data, file);
  }
  return planFromDict(dictFromIni(text, file), file);
}

/** The plan of a dictConfig; `source` names it in errors. */
export function planFromDict(data: unknown, source: string): LoggingPlan {
  const fail = (where: string, what: string): never => {
    throw new CliError(`${source}: ${where}: ${what}`);
  };
  if (!isMapping(data)) return fail('top level', 'expected a mapping (a logging.config dictConfig)');
  if (data.version !== 1) fail('version', 'must be 1');
  if (data.incremental === true) fail('incremental', 'incremental configuration cannot be honoured');
  if (isMapping(data.filters) && Object.keys(data.filters).length > 0) fail('filters', 'filters cannot be honoured');

  const formatters = new Map<string, Formatter>();
  for (const [name, raw] of Object.entries(mappingAt(data, 'formatters', fail))) {
    const where = `formatters.${name}`;
    if (!isMapping(raw)) fail(where, 'expected a mapping');
    const entry = raw as Record<string, unknown>;
    if (entry['()'] !== undefined) fail(`${where}.()`, 'custom formatter factories cannot be honoured');
    const known = ['logging.Formatter', 'nodepool.logconfig.MultiLineFormatter'];
    if (entry.class !== undefined && !known.includes(String(entry.class))) fail(`${where}.class`, `${String(entry.class)} cannot be honoured (known: ${known.join(', ')})`);
    if (entry.style !== undefined && entry.style !== '%') fail(`${where}.style`, 'only %-style formats can be honoured');
    const format = entry.format === undefined ? DEFAULT_FORMAT : String(entry.format);
    checkFormat(format, `${where}.format`, fail);
    // As Python's Formatter: an empty datefmt means the default.
    const datefmt = entry.datefmt === undefined || entry.datefmt === null || entry.datefmt === '' ? undefined : String(entry.datefmt);
    if (datefmt !== undefined) checkDateFormat(datefmt, `${where}.datefmt`, fail);
    formatters.set(name, { format, ...(datefmt === undefined ? {} : { datefmt }) });
  }

  const handlers = new Map<string, HandlerPlan>();
  for (const [name, raw] of Object.entries(mappingAt(data, 'handlers', fail))) {
    const where = `handlers.${name}`;
    if (!isMapping(raw)) fail(where, 'expected a mapping');
    const entry = raw as Record<string, unknown>;
    if (Array.isArray(entry.filters) && entry.filters.length > 0) fail(`${where}.filters`, 'filters cannot be honoured');
    const formatterName = entry.formatter === undefined ? undefined : String(entry.formatter);
    const formatter = formatterName === undefined ? { format: DEFAULT_FORMAT } : formatters.get(formatterName);
    if (!formatter) fail(`${where}.formatter`, `no formatter "${formatterName}"`);
    handlers.set(name, { name, level: levelOf(entry.level, `${where}.level`, fail) ?? 0, formatter: formatter!, sink: sinkOf(entry, where, fail) });
  }

  const loggers = mappingAt(data, 'loggers', fail);
  const chain: Array<[string, unknown]> = [];
  for (let name = RECORD_LOGGER; ; name = name.slice(0, name.lastIndexOf('.'))) {
    if (loggers[name] !== undefined) chain.push([`loggers.${name}`, loggers[name]]);
    if (!name.includes('.')) break;
  }
  chain.push(['root', data.root ?? {}]);

  let level: number | undefined;
  const reached: HandlerPlan[] = [];
  for (const [where, raw] of chain) {
    if (!isMapping(raw)) fail(where, 'expected a mapping');
    const entry = raw as Record<string, unknown>;
    level ??= levelOf(entry.level, `${where}.level`, fail) || undefined;
    const names = entry.handlers === undefined ? [] : entry.handlers;
    if (!Array.isArray(names)) fail(`${where}.handlers`, 'expected a list of handler names');
    for (const handlerName of names as unknown[]) {
      const handler = handlers.get(String(handlerName));
      if (!handler) fail(`${where}.handlers`, `no handler "${String(handlerName)}"`);
      if (!reached.includes(handler!)) reached.push(handler!);
    }
    if (entry.propagate === false || entry.propagate === 0) break;
  }
  // Python's root logger defaults to WARNING.
  return { level: level ?? LEVELS.WARNING!, handlers: reached };
}

function mappingAt(data: Record<string, unknown>, key: string, fail: (where: string, what: string) => never): Record<string, unknown> {
  const value = data[key];
  if (value === undefined || value === null) return {};
  if (!isMapping(value)) fail(key, 'expected a mapping');
  return value as Record<string, unknown>;
}

function levelOf(value: unknown, where: string, fail: (where: string, what: string) => never): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0) return value;
  const level = LEVELS[String(value).toUpperCase()];
  if (level === undefined) fail(where, `unknown level "${String(value)}" (known: ${Object.keys(LEVELS).join(', ')})`);
  return level;
}

const STREAMS: Readonly<Record<string, 'stdout' | 'stderr'>> = { 'ext://sys.stdout': 'stdout', 'ext://sys.stderr': 'stderr' };
const FILE_HANDLERS: Readonly<Record<string, boolean>> = { 'logging.FileHandler': false, 'logging.handlers.WatchedFileHandler': true };

function sinkOf(entry: Record<string, unknown>, where: string, fail: (where: string, what: string) => never): Sink {
  const handlerClass = String(entry.class ?? '');
  if (handlerClass === 'logging.NullHandler') return { kind: 'null' };
  if (handlerClass === 'logging.StreamHandler') {
    const stream = entry.stream === undefined ? 'stderr' : STREAMS[String(entry.stream)];
    if (!stream) return fail(`${where}.stream`, `${String(entry.stream)} cannot be honoured (ext://sys.stdout or ext://sys.stderr)`);
    return { kind: 'stream', stream };
  }
  const watched = FILE_HANDLERS[handlerClass];
  if (watched === undefined) {
    const known = ['logging.StreamHandler', ...Object.keys(FILE_HANDLERS), 'logging.NullHandler'].join(', ');
    return fail(`${where}.class`, `${handlerClass || '(none)'} cannot be honoured (known: ${known})`);
  }
  if (typeof entry.filename !== 'string' || entry.filename === '') return fail(`${where}.filename`, 'a file name is required');
  const mode = entry.mode === undefined ? 'a' : String(entry.mode);
  if (mode !== 'a' && mode !== 'w') fail(`${where}.mode`, `mode "${mode}" cannot be honoured (a or w)`);
  if (entry.delay !== undefined && entry.delay !== false) fail(`${where}.delay`, 'delayed opening cannot be honoured');
  return { kind: 'file', file: entry.filename, watched, truncate: mode === 'w' };
}

function checkFormat(format: string, where: string, fail: (where: string, what: string) => never): void {
  for (const match of format.matchAll(FORMAT_FIELD)) {
    if (match[0] === '%%') continue;
    if (!FIELDS.has(match[1]!)) fail(where, `record field %(${match[1]})${match[5]} cannot be honoured (known: ${[...FIELDS].join(', ')})`);
  }
}

function checkDateFormat(datefmt: string, where: string, fail: (where: string, what: string) => never): void {
  for (const match of datefmt.matchAll(DATE_DIRECTIVES)) {
    if (!SUPPORTED_DATE.has(match[1]!)) fail(where, `date directive %${match[1]} cannot be honoured`);
  }
}

/**
 * An INI fileConfig as the dictConfig it means: `[loggers] keys=`, `[handlers] keys=`,
 * `[formatters] keys=`, then `[logger_<name>]` (`qualname`, `level`, `handlers`, `propagate`),
 * `[handler_<name>]` (`class`, `level`, `formatter`, `args`) and `[formatter_<name>]`
 * (`format`, `datefmt`, `class`).
 */
export function dictFromIni(text: string, source: string): DictConfig {
  const sections = new Map<string, Map<string, string>>();
  let current: Map<string, string> | undefined;
  let lastKey: string | undefined;
  text.split(/\r?\n/).forEach((line, index) => {
    if (/^\s*([#;]|$)/.test(line)) return;
    const section = /^\[([^\]]+)\]\s*$/.exec(line);
    if (section) {
      current = new Map();
      sections.set(section[1]!.trim(), current);
      lastKey = undefined;
      return;
    }
    if (/^\s/.test(line) && current && lastKey) {
      current.set(lastKey, `${current.get(lastKey)}\n${line.trim()}`);
      return;
    }
    const pair = /^([^=:]+)[=:](.*)$/.exec(line);
    if (!pair || !current) throw new CliError(`${source}: line ${index + 1}: not an INI key = value line`);
    lastKey = pair[1]!.trim().toLowerCase();
    current.set(lastKey, pair[2]!.trim());
  });
  const keys = (name: string) =>
    (sections.get(name)?.get('keys') ?? '')
      .split(',')
      .map((key) => key.trim())
      .filter((key) => key !== '');
  const section = (name: string) => {
    const found = sections.get(name);
    if (!found) throw new CliError(`${source}: section [${name}] is missing`);
    return found;
  };

  const formatters: Record<string, unknown> = {};
  for (const name of keys('formatters')) {
    const entry = section(`formatter_${name}`);
    formatters[name] = definedOnly({ format: entry.get('format'), datefmt: entry.get('datefmt'), class: entry.get('class') });
  }
  const handlers: Record<string, unknown> = {};
  for (const name of keys('handlers')) {
    const entry = section(`handler_${name}`);
    const handlerClass = qualifiedClass(entry.get('class') ?? '');
    const args = pythonArgs(entry.get('args') ?? '()', `${source}: [handler_${name}] args`);
    const handler: Record<string, unknown> = definedOnly({ class: handlerClass, level: entry.get('level'), formatter: entry.get('formatter') || undefined });
    if (handlerClass === 'logging.StreamHandler' && args[0] !== undefined) handler.stream = `ext://${String(args[0])}`;
    if (handlerClass in FILE_HANDLERS) Object.assign(handler, definedOnly({ filename: args[0], mode: args[1] }));
    handlers[name] = handler;
  }
  const loggers: Record<string, unknown> = {};
  let root: unknown;
  for (const name of keys('loggers')) {
    const entry = section(`logger_${name}`);
    const logger = definedOnly({
      level: entry.get('level'),
      handlers: (entry.get('handlers') ?? '').split(',').map((h) => h.trim()).filter((h) => h !== ''),
      propagate: entry.get('propagate') === undefined ? undefined : entry.get('propagate') !== '0',
    });
    if (name === 'root') root = logger;
    else loggers[entry.get('qualname') ?? name] = logger;
  }
  return { version: 1, formatters, handlers, loggers, root: root ?? {} };
}

/** fileConfig evaluates class names in the `logging` namespace: `StreamHandler`, `handlers.WatchedFileHandler`. */
function qualifiedClass(name: string): string {
  return name.startsWith('logging.') ? name : `logging.${name}`;
}

/** A handler's `args`: a Python tuple of strings, numbers and `sys.stdout`/`sys.stderr`. */
function pythonArgs(text: string, where: string): unknown[] {
  const inner = /^\((.*)\)$/s.exec(text.trim());
  if (!inner) throw new CliError(`${where}: expected a tuple such as ('/var/log/nodepool/launcher.log',)`);
  const values: unknown[] = [];
  const item = /\s*(?:'((?:[^'\\]|\\.)*)'|"((?:[^"\\]|\\.)*)"|(sys\.std(?:out|err))|(-?\d+(?:\.\d+)?))\s*(?:,|$)/y;
  const body = inner[1]!.replaceAll('%%', '%');
  while (item.lastIndex < body.length) {
    const match = item.exec(body);
    if (!match) throw new CliError(`${where}: cannot be honoured: ${text.trim()} (strings, numbers, sys.stdout, sys.stderr only)`);
    values.push(match[1] ?? match[2] ?? match[3] ?? Number(match[4]));
  }
  return values;
}

function definedOnly(entry: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(entry).filter(([, value]) => value !== undefined));
}

/** The pino level that produces every record the plan may write. */
export function pinoLevelFor(plan: LoggingPlan): string {
  const least = Math.min(...plan.handlers.filter((h) => h.sink.kind !== 'null').map((h) => Math.max(h.level, plan.level)));
  if (!Number.isFinite(least)) return 'silent';
  if (least < 10) return 'trace';
  if (least < 20) return 'debug';
  if (least < 30) return 'info';
  if (least < 40) return 'warn';
  return least < 50 ? 'error' : 'fatal';
}

/** The context fields cloudpool logs with, shown before the message as Nodepool's log adapters do. */
const CONTEXT_FIELDS: ReadonlyArray<[string, string]> = [
  ['provider', 'provider'],
  ['pool', 'pool'],
  ['request', 'node_request'],
  ['node', 'node'],
];

/** A destination for pino that writes each JSON line through the plan's handlers, formatted as Python would. */
export class PythonLogDestination {
  private readonly files = new Map<string, { fd: number; ino: number; dev: number }>();
  private readonly started = Date.now();

  constructor(
    private readonly plan: LoggingPlan,
    private readonly streams: { stdout: TextOutput; stderr: TextOutput },
  ) {
    for (const handler of plan.handlers) if (handler.sink.kind === 'file') this.open(handler.sink.file, handler.sink.truncate);
  }

  write(line: string): void {
    let record: Record<string, unknown>;
    try {
      record = JSON.parse(line) as Record<string, unknown>;
    } catch {
      return;
    }
    const levelno = PINO_TO_PYTHON[record.level as number] ?? 20;
    if (levelno < this.plan.level) return;
    for (const handler of this.plan.handlers) {
      if (levelno < handler.level || handler.sink.kind === 'null') continue;
      const text = `${this.format(handler.formatter, record, levelno)}\n`;
      if (handler.sink.kind === 'stream') this.streams[handler.sink.stream].write(text);
      else this.writeFile(handler.sink.file, handler.sink.watched, text);
    }
  }

  close(): void {
    for (const { fd } of this.files.values()) closeSync(fd);
    this.files.clear();
  }

  private format(formatter: Formatter, record: Record<string, unknown>, levelno: number): string {
    const time = typeof record.time === 'number' ? record.time : Date.now();
    const context = CONTEXT_FIELDS.filter(([field]) => record[field] !== undefined).map(([field, label]) => `[${label}: ${String(record[field])}] `);
    const err = record.err as { stack?: string; message?: string } | undefined;
    const message = `${context.join('')}${String(record.msg ?? '')}${err ? `\n${err.stack ?? err.message ?? ''}` : ''}`;
    const fields: Record<string, unknown> = {
      asctime: formatAsctime(time, formatter.datefmt),
      created: time / 1000,
      levelname: LEVEL_NAMES[levelno] ?? `Level ${levelno}`,
      levelno,
      name: RECORD_LOGGER,
      msecs: time % 1000,
      process: record.pid ?? process.pid,
      processName: 'MainProcess',
      relativeCreated: time - this.started,
      thread: 0,
      threadName: 'MainThread',
    };
    // As Nodepool's MultiLineFormatter: every further line of the message is a record of its own, indented.
    return message
      .split('\n')
      .map((text, index) => pythonFormat(formatter.format, { ...fields, message: index === 0 ? text : `  ${text}` }))
      .join('\n');
  }

  private open(file: string, truncate = false): void {
    const fd = openSync(file, truncate ? 'w' : 'a');
    const { ino, dev } = fstatSync(fd);
    this.files.set(file, { fd, ino, dev });
  }

  /** As WatchedFileHandler: a file moved or removed (log rotation) is reopened before writing. */
  private writeFile(file: string, watched: boolean, text: string): void {
    let open = this.files.get(file)!;
    if (watched) {
      const now = statOrUndefined(file);
      if (!now || now.ino !== open.ino || now.dev !== open.dev) {
        closeSync(open.fd);
        this.open(file);
        open = this.files.get(file)!;
      }
    }
    writeSync(open.fd, text);
  }
}

function statOrUndefined(file: string): { ino: number; dev: number } | undefined {
  try {
    return statSync(file);
  } catch {
    return undefined;
  }
}

/** Python's %-formatting of a record. */
function pythonFormat(format: string, fields: Record<string, unknown>): string {
  return format.replace(FORMAT_FIELD, (match, name: string, flags: string, width: string | undefined, precision: string | undefined, type: string) => {
    if (match === '%%') return '%';
    const value = fields[name];
    let text: string;
    if (type === 'd' || type === 'i') text = String(Math.trunc(Number(value)));
    else if (type === 'f') text = Number(value).toFixed(precision === undefined ? 6 : Number(precision));
    else text = String(value);
    if (type === 's' && precision !== undefined) text = text.slice(0, Number(precision));
    const size = width === undefined ? 0 : Number(width);
    return flags.includes('-') ? text.padEnd(size) : text.padStart(size, flags.includes('0') && type !== 's' ? '0' : ' ');
  });
}

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

/** Python's `asctime`: `2026-12-04 18:37:21,123` in local time, or `datefmt` (strftime) without milliseconds. */
function formatAsctime(time: number, datefmt: string | undefined): string {
  const date = new Date(time);
  const pad = (value: number, size = 2) => String(value).padStart(size, '0');
  if (datefmt === undefined) {
    return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())},${pad(date.getMilliseconds(), 3)}`;
  }
  const offset = -date.getTimezoneOffset();
  const start = new Date(date.getFullYear(), 0, 1).getTime();
  const directives: Record<string, () => string> = {
    Y: () => String(date.getFullYear()),
    y: () => pad(date.getFullYear() % 100),
    m: () => pad(date.getMonth() + 1),
    d: () => pad(date.getDate()),
    H: () => pad(date.getHours()),
    I: () => pad(date.getHours() % 12 || 12),
    M: () => pad(date.getMinutes()),
    S: () => pad(date.getSeconds()),
    p: () => (date.getHours() < 12 ? 'AM' : 'PM'),
    b: () => MONTHS[date.getMonth()]!.slice(0, 3),
    B: () => MONTHS[date.getMonth()]!,
    a: () => DAYS[date.getDay()]!.slice(0, 3),
    A: () => DAYS[date.getDay()]!,
    j: () => pad(Math.floor((time - start) / 86_400_000) + 1, 3),
    z: () => `${offset < 0 ? '-' : '+'}${pad(Math.floor(Math.abs(offset) / 60))}${pad(Math.abs(offset) % 60)}`,
    Z: () => Intl.DateTimeFormat('en', { timeZoneName: 'short' }).formatToParts(date).find((part) => part.type === 'timeZoneName')?.value ?? '',
    '%': () => '%',
  };
  return datefmt.replace(DATE_DIRECTIVES, (_, directive: string) => directives[directive]!());
}
