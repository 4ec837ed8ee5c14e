/** A JSON object as found in ARM request bodies. */
export type JsonObject = Record<string, unknown>;

/** `value` if it is a JSON object, else an empty one (absent optional sections read as empty). */
export function objectField(value: unknown): JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as JsonObject) : {};
}

/** `value` if it is an array, else an empty one. */
export function arrayField(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

/** `value` if it is a non-empty string. */
export function stringField(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

/** Tags as ARM stores them: string values only. */
export function tagsField(value: unknown): Record<string, string> {
  const tags: Record<string, string> = {};
  for (const [name, tagValue] of Object.entries(objectField(value))) tags[name] = String(tagValue ?? '');
  return tags;
}

/** ARM's form of a location: `East US` and `eastus` are the same region. */
export function normalizeLocation(location: string): string {
  return location.replace(/\s+/g, '').toLowerCase();
}

/** A copy of `object` without the listed keys. */
export function without(object: JsonObject, ...keys: string[]): JsonObject {
  const copy = { ...object };
  for (const key of keys) delete copy[key];
  return copy;
}

/**
 * A property of a request object, its name matched case-insensitively as ARM does
 * (`publicIpAddressVersion` and `publicIPAddressVersion` are the same property).
 */
export function fieldOf(object: JsonObject, name: string): unknown {
  if (name in object) return object[name];
  const lower = name.toLowerCase();
  for (const [key, value] of Object.entries(object)) if (key.toLowerCase() === lower) return value;
  return undefined;
}

/** A string property holding one of `choices`, matched case-insensitively and answered in the choice's casing. */
export function choiceOf<T extends string>(object: JsonObject, name: string, choices: readonly T[]): T | undefined {
  const value = stringField(fieldOf(object, name))?.toLowerCase();
  return choices.find((choice) => choice.toLowerCase() === value);
}
