import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { describeIssue } from '../../src/config/config-issue.js';
import { issuesFromZod } from '../../src/config/zod-issues.js';

/** The messages for `input` against `schema`, placed under `providers[0]`. */
function messages(schema: z.ZodType, input: unknown, fromEnvironment: string[] = []): string[] {
  const result = schema.safeParse(input, { reportInput: true });
  if (result.success) return [];
  const issues = issuesFromZod(result.error.issues, {
    at: ['providers', 0],
    fromEnvironment: (path) => fromEnvironment.includes(path.join('.')),
  });
  return issues.map(describeIssue);
}

describe('issuesFromZod', () => {
  it('names what was expected and what was found', () => {
    const schema = z.strictObject({ a: z.number(), b: z.string(), c: z.boolean(), d: z.array(z.string()), e: z.record(z.string(), z.string()) });
    expect(messages(schema, { a: 'ten', b: 5, c: 'maybe', d: 'x', e: [] })).toEqual([
      'providers[0].a: expected a number, got "ten"',
      'providers[0].b: expected a string, got 5',
      'providers[0].c: expected true or false, got "maybe"',
      'providers[0].d: expected a list, got "x"',
      'providers[0].e: expected a mapping, got a list',
    ]);
  });

  it('tells a missing key from an empty one, and reports each unknown key', () => {
    const schema = z.strictObject({ a: z.string(), b: z.string() });
    expect(messages(schema, { b: null, c: 1, d: 2 })).toEqual([
      'providers[0].a: missing required key',
      'providers[0].b: expected a string, got nothing',
      'providers[0].c: unknown key',
      'providers[0].d: unknown key',
    ]);
  });

  it('describes bounds and choices', () => {
    const schema = z.strictObject({
      a: z.number().min(1),
      b: z.number().positive(),
      c: z.array(z.string()).min(1),
      d: z.string().min(1),
      e: z.enum(['x', 'y']),
      f: z.number().multipleOf(1),
    });
    expect(messages(schema, { a: 0, b: 0, c: [], d: '', e: 'z', f: 1.5 })).toEqual([
      'providers[0].a: must be at least 1, got 0',
      'providers[0].b: must be greater than 0, got 0',
      'providers[0].c: must not be empty',
      'providers[0].d: must not be empty',
      'providers[0].e: expected one of "x", "y", got "z"',
      'providers[0].f: expected a whole number, got 1.5',
    ]);
  });

  it('explains a value that fits no alternative, or the problems inside the alternative of its type', () => {
    const schema = z.strictObject({ network: z.union([z.string(), z.strictObject({ network: z.string() })]) });
    expect(messages(schema, { network: 5 })).toEqual(['providers[0].network: expected a string or a mapping, got 5']);
    expect(messages(schema, { network: { subnet: 'a' } })).toEqual([
      'providers[0].network.network: missing required key',
      'providers[0].network.subnet: unknown key',
    ]);
  });

  it('never shows the value of a secret-looking key, nor of a value from the environment', () => {
    const schema = z.strictObject({
      password: z.string(),
      'client-secret': z.string(),
      credentials: z.strictObject({ token: z.string() }),
      region: z.number(),
    });
    const shown = messages(schema, { password: 1234, 'client-secret': 5678, credentials: { token: 9012 }, region: 'hunter2' }, [
      'providers.0.region',
    ]);
    expect(shown).toEqual([
      'providers[0].password: expected a string, got a number (value not shown)',
      'providers[0].client-secret: expected a string, got a number (value not shown)',
      'providers[0].credentials.token: expected a string, got a number (value not shown)',
      'providers[0].region: expected a number, got a string (value not shown)',
    ]);
    for (const secret of ['1234', '5678', '9012', 'hunter2']) expect(shown.join('\n')).not.toContain(secret);
  });

  it('shortens long values', () => {
    const [message] = messages(z.strictObject({ a: z.number() }), { a: 'x'.repeat(200) });
    expect(message).toBe(`providers[0].a: expected a number, got "${'x'.repeat(60)}…"`);
  });
});
