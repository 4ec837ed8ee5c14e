import type { NodeRequestFields } from '../zk/records.js';
import type { CreateRequest } from './adapter.js';

/**
 * What a launch knows of the node request that prompted it: the attributes Nodepool offers to
 * `dynamic-tags` (AWS, Azure) and `dynamic-instance-properties` (OpenStack) as `request`, named
 * as Nodepool names them, since format strings refer to them (`{request.tenant_name}`).
 * A plain data object, copied from the request record when the launch starts.
 */
export interface NodeRequestInfo {
  /** The request's id, e.g. `100-0000000001`. */
  readonly id: string;
  /** The labels the request asks for, in order (its `node_types`). */
  readonly labels: readonly string[];
  readonly requestor: string | null;
  /** Opaque JSON of the requestor (Zuul: build set, tenant, pipeline, job...). */
  readonly requestor_data: unknown;
  readonly relative_priority: number;
  readonly event_id: string | null;
  /** Epoch seconds. */
  readonly created_time: number | null;
  readonly tenant_name: string | null;
}

type RequestAttributesSource = Pick<
  NodeRequestFields,
  'node_types' | 'requestor' | 'requestor_data' | 'relative_priority' | 'event_id' | 'created_time' | 'tenant_name'
> & { readonly id: string };

/** The request attributes of a node request record (a deep copy: later changes to the record do not show). */
export function nodeRequestInfo(request: RequestAttributesSource): NodeRequestInfo {
  return {
    id: request.id,
    labels: [...request.node_types],
    requestor: request.requestor,
    requestor_data: request.requestor_data === undefined ? null : structuredClone(request.requestor_data),
    relative_priority: request.relative_priority,
    event_id: request.event_id,
    created_time: request.created_time,
    tenant_name: request.tenant_name,
  };
}

/** One formatted value, or why it could not be formatted (Python's exception, e.g. `KeyError: 'job'`). */
export type FormatResult = { ok: true; value: string } | { ok: false; error: string };

/**
 * Formats `format` as Python's `format.format(request=request)` would, for the subset of
 * `str.format` that dynamic tags use:
 * - literal text, with `{{` and `}}` for `{` and `}`;
 * - replacement fields naming the keyword `request`, followed by any chain of attribute access
 *   (`.tenant_name`) and item access (`[job]`: a key of digits is an integer and indexes a list
 *   or string, like `{request.labels[0]}`; any other key is a string and looks up a dict, so an
 *   integer key never finds a key of a JSON object, as in Python);
 * - the conversions `!s`, `!r` and `!a`.
 * Refused as errors, with the message Python gives where it has one: a non-empty format spec
 * (`{request.id:>20}`), positional fields (`{}`, `{0}`), keywords other than `request`,
 * attributes other than the request's eight (`id`, `labels`, `requestor`, `requestor_data`,
 * `relative_priority`, `event_id`, `created_time`, `tenant_name`), attributes of any other value
 * (Python would render e.g. a bound method), the request object itself (Python would render its
 * address), and syntax errors (a single `{` or `}`, a missing `]`...).
 *
 * Values render as Python's `str()` (or `repr()`/`ascii()`) of the JSON value: strings as is,
 * `None`, `True`/`False`, lists and dicts as Python prints them (`['a', 'b']`, `{'k': 1}`, with
 * Python's string quoting and escapes). Numbers: JSON does not tell `1` from `1.0`, so an
 * integral number renders as a Python int (`1700000000`) and any other as Python's float repr
 * (`1700000000.25`, `1e-05`). A dict prints its keys in JavaScript's order, which puts keys
 * that are array indices (`"2"`) first, where Python keeps the JSON's order.
 *
 * Without a request (a launch the framework made for no node request) a field fails with
 * "no node request for this launch"; literal text still formats.
 */
export function formatWithRequest(format: string, request: NodeRequestInfo | undefined): FormatResult {
  try {
    return { ok: true, value: new FormatRun(format, request).run() };
  } catch (error) {
    if (error instanceof FormatError) return { ok: false, error: error.message };
    throw error;
  }
}

/** `formatWithRequest` for every value of a map, by key. */
export function formatRequestValues(formats: Readonly<Record<string, string>>, request: NodeRequestInfo | undefined): Record<string, FormatResult> {
  return Object.fromEntries(Object.entries(formats).map(([key, format]) => [key, formatWithRequest(format, request)]));
}

/** A value of a label's dynamic map that was left out of a launch. */
export interface DynamicValueWarning {
  label: string;
  key: string;
  /** The node request of the launch, if it had one. */
  request: string | undefined;
  error: string;
  /** A complete log message naming the label, the key and the request. */
  message: string;
}

/**
 * A label's `dynamic-tags` or `dynamic-instance-properties` for one launch, as Nodepool writes
 * them: each value formatted with the launch's node request (see `formatWithRequest`); a value
 * that fails is left out and reported through `warn` once per (label, key) for the life of this
 * object; keys named `nodepool_*` or `cloudpool_*` are never taken (ours cannot be overridden).
 * Callers write the result after the static tags, so a dynamic value wins over a static one.
 * Note that the node may end up serving another request than the one formatted here (a node of
 * a failed request is reused); like Nodepool, the values are not updated then.
 */
export class DynamicValues {
  private readonly warned = new Set<string>();

  /** `kind` names the values in messages, e.g. `dynamic tag`. */
  constructor(
    private readonly kind: string,
    private readonly warn: (warning: DynamicValueWarning) => void,
  ) {}

  of(request: Pick<CreateRequest, 'label' | 'request'>, formats: Readonly<Record<string, string>>): Record<string, string> {
    const values: Record<string, string> = {};
    const label = request.label.name;
    const requestId = request.request?.id;
    for (const [key, result] of Object.entries(formatRequestValues(formats, request.request))) {
      if (key.startsWith('nodepool_') || key.startsWith('cloudpool_')) continue;
      if (result.ok) {
        values[key] = result.value;
        continue;
      }
      const once = JSON.stringify([label, key]);
      if (this.warned.has(once)) continue;
      this.warned.add(once);
      const message = `label ${label}: ${this.kind} ${key} not written (${requestId === undefined ? 'no node request' : `request ${requestId}`}): ${result.error}`;
      this.warn({ label, key, request: requestId, error: result.error, message });
    }
    return values;
  }
}

class FormatError extends Error {}

/** The attributes of `request` (Nodepool's `NodeRequest.getSafeAttributes()`). */
const REQUEST_ATTRIBUTES = ['id', 'labels', 'requestor', 'requestor_data', 'relative_priority', 'event_id', 'created_time', 'tenant_name'] as const;

/** Stands for the request object itself in an access chain. */
const REQUEST = Symbol('request');

/** One pass over a format string, after CPython's MarkupIterator and FieldNameIterator. */
class FormatRun {
  private position = 0;

  constructor(
    private readonly format: string,
    private readonly request: NodeRequestInfo | undefined,
  ) {}

  run(): string {
    let out = '';
    const text = this.format;
    while (this.position < text.length) {
      const character = text[this.position]!;
      this.position += 1;
      if (character === '}') {
        if (text[this.position] !== '}') throw new FormatError("ValueError: Single '}' encountered in format string");
        this.position += 1;
        out += '}';
      } else if (character === '{') {
        if (this.position >= text.length) throw new FormatError("ValueError: Single '{' encountered in format string");
        if (text[this.position] === '{') {
          this.position += 1;
          out += '{';
        } else {
          out += this.field();
        }
      } else {
        out += character;
      }
    }
    return out;
  }

  /** A replacement field, from after its `{` to after its `}`. */
  private field(): string {
    const text = this.format;
    const nameStart = this.position;
    let end: string | undefined;
    while (this.position < text.length) {
      const character = text[this.position]!;
      this.position += 1;
      if (character === '{') throw new FormatError("ValueError: unexpected '{' in field name");
      if (character === '[') {
        while (this.position < text.length && text[this.position] !== ']') this.position += 1;
        continue;
      }
      if (character === '}' || character === ':' || character === '!') {
        end = character;
        break;
      }
    }
    if (end === undefined) throw new FormatError("ValueError: expected '}' before end of string");
    const name = text.slice(nameStart, this.position - 1);
    let conversion: string | undefined;
    let spec = '';
    if (end === '!') {
      if (this.position >= text.length) throw new FormatError('ValueError: end of string while looking for conversion specifier');
      conversion = text[this.position]!;
      this.position += 1;
      const next = text[this.position];
      this.position += 1;
      if (next === ':') spec = this.formatSpec();
      else if (next !== '}') {
        throw new FormatError(next === undefined ? "ValueError: unmatched '{' in format spec" : "ValueError: expected ':' after conversion specifier");
      }
    } else if (end === ':') {
      spec = this.formatSpec();
    }
    const value = this.resolve(name);
    if (conversion !== undefined && !['s', 'r', 'a'].includes(conversion)) {
      throw new FormatError(`ValueError: Unknown conversion specifier ${conversion}`);
    }
    if (spec !== '') throw new FormatError(`format spec ${JSON.stringify(spec)} is not supported`);
    if (value === REQUEST) throw new FormatError('the request object itself cannot be formatted; name one of its attributes');
    if (conversion === 'r') return pythonRepr(value);
    if (conversion === 'a') return pythonAscii(pythonRepr(value));
    return pythonStr(value);
  }

  /** The format spec, from after its `:` to after the field's closing `}`. */
  private formatSpec(): string {
    const text = this.format;
    const start = this.position;
    let depth = 1;
    while (this.position < text.length) {
      const character = text[this.position]!;
      this.position += 1;
      if (character === '{') depth += 1;
      else if (character === '}' && --depth === 0) return text.slice(start, this.position - 1);
    }
    throw new FormatError("ValueError: unmatched '{' in format spec");
  }

  /** The value a field name refers to: its first part, then each `.attribute` and `[key]`. */
  private resolve(name: string): unknown {
    const firstEnd = name.search(/[.[]/);
    const first = firstEnd < 0 ? name : name.slice(0, firstEnd);
    let value = this.keyword(first);
    let rest = firstEnd < 0 ? '' : name.slice(firstEnd);
    while (rest !== '') {
      if (rest.startsWith('.')) {
        const attributeEnd = rest.slice(1).search(/[.[]/);
        const attribute = attributeEnd < 0 ? rest.slice(1) : rest.slice(1, attributeEnd + 1);
        if (attribute === '') throw new FormatError('ValueError: Empty attribute in format string');
        value = this.attributeOf(value, attribute);
        rest = attributeEnd < 0 ? '' : rest.slice(attributeEnd + 1);
      } else {
        const close = rest.indexOf(']');
        if (close < 0) throw new FormatError("ValueError: Missing ']' in format string");
        const key = rest.slice(1, close);
        if (key === '') throw new FormatError('ValueError: Empty attribute in format string');
        rest = rest.slice(close + 1);
        if (rest !== '' && !rest.startsWith('.') && !rest.startsWith('[')) {
          throw new FormatError("ValueError: Only '.' or '[' may follow ']' in format field specifier");
        }
        value = itemOf(value, /^[0-9]+$/.test(key) ? Number(key) : key);
      }
    }
    return value;
  }

  private keyword(first: string): unknown {
    if (first === '' || /^[0-9]+$/.test(first)) {
      throw new FormatError(`IndexError: Replacement index ${first === '' ? 0 : Number(first)} out of range for positional args tuple`);
    }
    if (first !== 'request') throw new FormatError(`KeyError: ${pythonRepr(first)}`);
    if (this.request === undefined) throw new FormatError('no node request for this launch');
    return REQUEST;
  }

  /** `value.attribute`: only the request has attributes here (see `formatWithRequest`). */
  private attributeOf(value: unknown, attribute: string): unknown {
    if (value === REQUEST && this.request && (REQUEST_ATTRIBUTES as readonly string[]).includes(attribute)) {
      return this.request[attribute as (typeof REQUEST_ATTRIBUTES)[number]];
    }
    throw new FormatError(`AttributeError: '${pythonType(value)}' object has no attribute ${pythonRepr(attribute)}`);
  }
}

function itemOf(value: unknown, key: string | number): unknown {
  const type = pythonType(value);
  if (typeof value === 'string' || Array.isArray(value)) {
    const what = typeof value === 'string' ? 'string' : 'list';
    if (typeof key !== 'number') {
      throw new FormatError(typeof value === 'string' ? "TypeError: string indices must be integers, not 'str'" : 'TypeError: list indices must be integers or slices, not str');
    }
    const items = typeof value === 'string' ? [...value] : (value as unknown[]);
    if (key >= items.length) throw new FormatError(`IndexError: ${what} index out of range`);
    return items[key];
  }
  if (type === 'dict') {
    const record = value as Record<string, unknown>;
    if (typeof key === 'number' || !Object.prototype.hasOwnProperty.call(record, key)) throw new FormatError(`KeyError: ${pythonRepr(key)}`);
    return record[key];
  }
  throw new FormatError(`TypeError: '${type}' object is not subscriptable`);
}

/** The Python type name of a JSON value (the request object is Nodepool's `Attributes`). */
function pythonType(value: unknown): string {
  if (value === REQUEST) return 'Attributes';
  if (value === null || value === undefined) return 'NoneType';
  if (typeof value === 'string') return 'str';
  if (typeof value === 'boolean') return 'bool';
  if (typeof value === 'number') return Number.isInteger(value) ? 'int' : 'float';
  if (Array.isArray(value)) return 'list';
  return 'dict';
}

/** Python's `str()` of a JSON value. */
function pythonStr(value: unknown): string {
  return typeof value === 'string' ? value : pythonRepr(value);
}

/** Python's `repr()` of a JSON value. */
function pythonRepr(value: unknown): string {
  if (value === null || value === undefined) return 'None';
  if (typeof value === 'string') return stringRepr(value);
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (typeof value === 'number') return numberRepr(value);
  if (Array.isArray(value)) return `[${value.map(pythonRepr).join(', ')}]`;
  if (typeof value === 'object') {
    return `{${Object.entries(value as Record<string, unknown>)
      .map(([key, item]) => `${stringRepr(key)}: ${pythonRepr(item)}`)
      .join(', ')}}`;
  }
  return String(value);
}

function numberRepr(value: number): string {
  if (Number.isNaN(value)) return 'nan';
  if (!Number.isFinite(value)) return value > 0 ? 'inf' : '-inf';
  if (Number.isInteger(value)) return BigInt(value).toString();
  // Python's float repr: the shortest round-trip digits (as JavaScript's), in exponent form when
  // the decimal exponent is below -4 or at least 16, with at least two exponent digits.
  const [mantissa = '', exponentText = '0'] = value.toExponential().split('e');
  const exponent = Number(exponentText);
  if (exponent < -4 || exponent >= 16) {
    const sign = exponent < 0 ? '-' : '+';
    return `${mantissa}e${sign}${String(Math.abs(exponent)).padStart(2, '0')}`;
  }
  return String(value);
}

const NOT_PRINTABLE = /[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}\p{Zl}\p{Zp}\p{Zs}]/u;

/** Python's `repr()` of a string: single quotes unless it has a single quote and no double one. */
function stringRepr(text: string): string {
  const quote = text.includes("'") && !text.includes('"') ? '"' : "'";
  let out = quote;
  for (const character of text) {
    const code = character.codePointAt(0)!;
    if (character === quote || character === '\\') out += `\\${character}`;
    else if (character === '\t') out += '\\t';
    else if (character === '\n') out += '\\n';
    else if (character === '\r') out += '\\r';
    else if (character !== ' ' && NOT_PRINTABLE.test(character)) out += escapeCodePoint(code);
    else out += character;
  }
  return out + quote;
}

/** Python's `ascii()`: its `repr()` with every non-ASCII character escaped. */
function pythonAscii(repr: string): string {
  let out = '';
  for (const character of repr) {
    const code = character.codePointAt(0)!;
    out += code > 0x7f ? escapeCodePoint(code) : character;
  }
  return out;
}

function escapeCodePoint(code: number): string {
  if (code < 0x100) return `\\x${code.toString(16).padStart(2, '0')}`;
  if (code < 0x10000) return `\\u${code.toString(16).padStart(4, '0')}`;
  return `\\U${code.toString(16).padStart(8, '0')}`;
}
