/**
 * The tags of a label's `dynamic-tags` that can be written at launch. Nodepool formats each
 * value with Python's `str.format` over the node request (`{request.id}`,
 * `{request.tenant_name}`...). A launch here knows no request, so:
 * - a value without replacement fields is written as is (`{{` and `}}` read as `{` and `}`);
 * - a value with a replacement field is skipped and returned in `skipped`.
 * Tags named `nodepool_*` or `cloudpool_*` are never taken from here.
 */
export function dynamicTagsWithoutRequest(dynamicTags: Readonly<Record<string, string>>): {
  tags: Record<string, string>;
  skipped: string[];
} {
  const tags: Record<string, string> = {};
  const skipped: string[] = [];
  for (const [key, format] of Object.entries(dynamicTags)) {
    if (key.startsWith('nodepool_') || key.startsWith('cloudpool_')) continue;
    const literal = literalText(format);
    if (literal === undefined) skipped.push(key);
    else tags[key] = literal;
  }
  return { tags, skipped };
}

/** The text of a format string with no replacement fields; undefined when it has one (or a stray brace). */
function literalText(format: string): string | undefined {
  let text = '';
  for (let i = 0; i < format.length; i++) {
    const character = format[i];
    if (character === '{' || character === '}') {
      if (format[i + 1] !== character) return undefined;
      i += 1;
    }
    text += character;
  }
  return text;
}
