import { describe, expect, it } from 'vitest';
import {
  DynamicValues,
  formatRequestValues,
  formatWithRequest,
  nodeRequestInfo,
  type DynamicValueWarning,
  type NodeRequestInfo,
  type PoolLabelConfig,
} from '@cloudpool/common';

const request: NodeRequestInfo = {
  id: '100-0000000001',
  labels: ['ubuntu', 'centos'],
  requestor: 'zuul-scheduler',
  requestor_data: { job_name: 'tox-py311', n: 3, nested: { k: [1, 2.5, null, true] }, q: "it's", '2': 'two' },
  relative_priority: 2,
  event_id: null,
  created_time: 1700000000.25,
  tenant_name: 'openstack',
};

const value = (text: string) => {
  const result = formatWithRequest(text, request);
  if (!result.ok) throw new Error(`expected a value for ${text}, got ${result.error}`);
  return result.value;
};
const error = (text: string) => {
  const result = formatWithRequest(text, request);
  if (result.ok) throw new Error(`expected an error for ${text}, got ${result.value}`);
  return result.error;
};

// Every expectation below was checked against Python 3's str.format over Nodepool's Attributes.
describe('formatWithRequest', () => {
  it('formats attributes, item access and chains of both as Python does', () => {
    expect(value('{request.id}')).toBe('100-0000000001');
    expect(value('job-{request.requestor_data[job_name]}')).toBe('job-tox-py311');
    expect(value('{request.labels[0]}/{request.labels[1]}')).toBe('ubuntu/centos');
    expect(value('{request.requestor_data[nested][k][1]}')).toBe('2.5');
    expect(value('{request.id[0]}')).toBe('1');
    expect(value('{request.tenant_name}-{request.requestor}')).toBe('openstack-zuul-scheduler');
    expect(value('{{literal}} and }}{{')).toBe('{literal} and }{');
    expect(value('no fields')).toBe('no fields');
  });

  it("renders values as Python's str(): None, ints, floats, lists and dicts", () => {
    expect(value('{request.event_id}')).toBe('None');
    expect(value('{request.relative_priority}')).toBe('2');
    expect(value('{request.created_time}')).toBe('1700000000.25');
    expect(value('{request.labels}')).toBe("['ubuntu', 'centos']");
    expect(value('{request.requestor_data[nested]}')).toBe("{'k': [1, 2.5, None, True]}");
    const data = (requestor_data: unknown) => formatWithRequest('{request.requestor_data}', { ...request, requestor_data });
    expect(data(['a\'b', 'a"b', 'a\'b"c', 'tab\there\n'])).toEqual({ ok: true, value: `["a'b", 'a"b', 'a\\'b"c', 'tab\\there\\n']` });
    expect(data(['é\u200b\x7f😀'])).toEqual({ ok: true, value: "['é\\u200b\\x7f😀']" });
    expect(data([0.00001, 1.5e-7, 0.0001, 123.456, 1e22])).toEqual({ ok: true, value: '[1e-05, 1.5e-07, 0.0001, 123.456, 10000000000000000000000]' });
    expect(data({})).toEqual({ ok: true, value: '{}' });
  });

  it('supports the conversions !s, !r and !a and an empty format spec', () => {
    expect(value('{request.id!r}')).toBe("'100-0000000001'");
    expect(value('{request.requestor_data[q]!r}')).toBe(`"it's"`);
    expect(value('{request.id!s}')).toBe('100-0000000001');
    expect(formatWithRequest('{request.tenant_name!a}', { ...request, tenant_name: 'é😀' })).toEqual({ ok: true, value: "'\\xe9\\U0001f600'" });
    expect(value('{request.tenant_name!s:}')).toBe('openstack');
  });

  it('fails with the error Python raises for a missing key, attribute or index', () => {
    expect(error('{request.labels[5]}')).toBe('IndexError: list index out of range');
    expect(error('{request.labels[x]}')).toBe('TypeError: list indices must be integers or slices, not str');
    expect(error('{request.requestor_data[2]}')).toBe('KeyError: 2');
    expect(error('{request.requestor_data[missing]}')).toBe("KeyError: 'missing'");
    expect(error('{request.nope}')).toBe("AttributeError: 'Attributes' object has no attribute 'nope'");
    expect(error('{request.requestor_data.job_name}')).toBe("AttributeError: 'dict' object has no attribute 'job_name'");
    expect(error('{request[id]}')).toBe("TypeError: 'Attributes' object is not subscriptable");
    expect(error('{request.relative_priority[0]}')).toBe("TypeError: 'int' object is not subscriptable");
    expect(error('{request.event_id[0]}')).toBe("TypeError: 'NoneType' object is not subscriptable");
    expect(error('{nope}')).toBe("KeyError: 'nope'");
    expect(error('{}')).toBe('IndexError: Replacement index 0 out of range for positional args tuple');
    expect(error('{0}')).toBe('IndexError: Replacement index 0 out of range for positional args tuple');
  });

  it('fails on bad syntax with the message Python gives', () => {
    expect(error('a}b')).toBe("ValueError: Single '}' encountered in format string");
    expect(error('a{')).toBe("ValueError: Single '{' encountered in format string");
    expect(error('{request.id')).toBe("ValueError: expected '}' before end of string");
    expect(error('{request.id!}')).toBe("ValueError: unmatched '{' in format spec");
    expect(error('{request.id!x}')).toBe('ValueError: Unknown conversion specifier x');
    expect(error('{request.id!rr}')).toBe("ValueError: expected ':' after conversion specifier");
    expect(error('{request.labels[0}')).toBe("ValueError: expected '}' before end of string");
    expect(error('{request.labels[0]x}')).toBe("ValueError: Only '.' or '[' may follow ']' in format field specifier");
    expect(error('{request..id}')).toBe('ValueError: Empty attribute in format string');
    expect(error('{request.labels[]}')).toBe('ValueError: Empty attribute in format string');
    expect(error('{x{y}')).toBe("ValueError: unexpected '{' in field name");
  });

  it('reads keys with braces, colons and spaces inside brackets as Python does', () => {
    const data = { 'job}name': 'a', 'a:b': 'b', 'job name': 'c' };
    const formatted = formatRequestValues(
      { brace: '{request.requestor_data[job}name]}', colon: '{request.requestor_data[a:b]}', space: '{request.requestor_data[job name]}' },
      { ...request, requestor_data: data },
    );
    expect(formatted).toEqual({ brace: { ok: true, value: 'a' }, colon: { ok: true, value: 'b' }, space: { ok: true, value: 'c' } });
  });

  it('refuses what it does not support: format specs and the request object itself', () => {
    expect(error('{request.id:>20}')).toMatch(/format spec ">20" is not supported/);
    expect(error('{request}')).toMatch(/request object itself/);
  });

  it('without a request formats literal text and fails on any field', () => {
    expect(formatWithRequest('ci-{{x}}', undefined)).toEqual({ ok: true, value: 'ci-{x}' });
    expect(formatWithRequest('{request.id}', undefined)).toEqual({ ok: false, error: 'no node request for this launch' });
  });

  it('returns per key either the value or the error', () => {
    expect(formatRequestValues({ good: '{request.id}', bad: '{request.nope}' }, request)).toEqual({
      good: { ok: true, value: '100-0000000001' },
      bad: { ok: false, error: "AttributeError: 'Attributes' object has no attribute 'nope'" },
    });
  });
});

describe('nodeRequestInfo', () => {
  it('copies the attributes of a request record, detached from it', () => {
    const record = {
      id: '200-0000000007',
      node_types: ['small'],
      requestor: 'NodePool:min-ready',
      requestor_data: { a: [1] },
      relative_priority: 0,
      event_id: 'e1',
      created_time: 1.5,
      tenant_name: null,
      state: 'pending',
    };
    const info = nodeRequestInfo(record);
    expect(info).toEqual({
      id: '200-0000000007',
      labels: ['small'],
      requestor: 'NodePool:min-ready',
      requestor_data: { a: [1] },
      relative_priority: 0,
      event_id: 'e1',
      created_time: 1.5,
      tenant_name: null,
    });
    record.node_types.push('large');
    record.requestor_data.a.push(2);
    expect(info.labels).toEqual(['small']);
    expect(info.requestor_data).toEqual({ a: [1] });
  });
});

describe('DynamicValues', () => {
  const label = { name: 'small', poolName: 'main', tags: {}, hostKeyChecking: false, settings: {} } satisfies PoolLabelConfig;

  it('leaves out failing and protected keys, warning once per label and key with the request id', () => {
    const warnings: DynamicValueWarning[] = [];
    const values = new DynamicValues('dynamic tag', (warning) => warnings.push(warning));
    const formats = { request: '{request.id}', broken: '{request.nope}', nodepool_node_id: '{request.id}', cloudpool_x: 'y' };
    expect(values.of({ label, request }, formats)).toEqual({ request: '100-0000000001' });
    expect(values.of({ label, request: { ...request, id: '100-0000000002' } }, formats)).toEqual({ request: '100-0000000002' });
    expect(warnings).toEqual([
      {
        label: 'small',
        key: 'broken',
        request: '100-0000000001',
        error: "AttributeError: 'Attributes' object has no attribute 'nope'",
        message: "label small: dynamic tag broken not written (request 100-0000000001): AttributeError: 'Attributes' object has no attribute 'nope'",
      },
    ]);
    values.of({ label: { ...label, name: 'large' }, request }, formats);
    expect(warnings.map((warning) => warning.label)).toEqual(['small', 'large']);
  });

  it('without a request writes literal values and warns once per label and key for the others', () => {
    const warnings: DynamicValueWarning[] = [];
    const values = new DynamicValues('dynamic tag', (warning) => warnings.push(warning));
    const formats = { request: '{request.id}', literal: 'ci-{{x}}' };
    expect(values.of({ label }, formats)).toEqual({ literal: 'ci-{x}' });
    expect(values.of({ label }, formats)).toEqual({ literal: 'ci-{x}' });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ key: 'request', request: undefined, message: expect.stringContaining('no node request') });
  });
});
