/** Writing EC2's XML: elements named as the SDK's schema names them, lists of `<item>`. */

const XML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

const NEEDS_ESCAPING = /[&<>"']/;

export function escapeXml(text: string): string {
  if (!NEEDS_ESCAPING.test(text)) return text;
  return text.replace(/[&<>"']/g, (character) => XML_ESCAPES[character] ?? character);
}

/** `<name>escaped value</name>`, or nothing when the value is absent (EC2 omits unset members). */
export function xmlText(name: string, value: string | number | boolean | undefined): string {
  if (value === undefined) return '';
  return `<${name}>${typeof value === 'string' ? escapeXml(value) : String(value)}</${name}>`;
}

/** `<name>…</name>` around already serialized children. */
export function xmlElement(name: string, children: string): string {
  return `<${name}>${children}</${name}>`;
}

/** An EC2 list: `<name><item>…</item>…</name>`, `<name/>` when empty. */
export function xmlList<T>(name: string, items: Iterable<T>, render: (item: T) => string): string {
  let children = '';
  for (const item of items) children += `<item>${render(item)}</item>`;
  return children ? `<${name}>${children}</${name}>` : `<${name}/>`;
}

/** EC2's `tagSet`, left out when there are no tags, as EC2 does. */
export function xmlTagSet(tags: ReadonlyMap<string, string>): string {
  if (tags.size === 0) return '';
  return xmlList('tagSet', tags, ([key, value]) => xmlText('key', key) + xmlText('value', value));
}

let lastTime = { ms: Number.NaN, text: '' };

/** An ISO 8601 timestamp with milliseconds, as EC2 writes them. (Remembers the last one: neighbours often share it.) */
export function xmlTime(ms: number): string {
  if (ms !== lastTime.ms) lastTime = { ms, text: new Date(ms).toISOString() };
  return lastTime.text;
}
