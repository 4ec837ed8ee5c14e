/** Whether a parsed YAML value is a mapping (a plain object: not a list, nor a date or other object). */
export function isMapping(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object') return false;
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}
