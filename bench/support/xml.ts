/**
 * Just enough XML for the list benchmark's baseline: the EC2 simulator's answers (elements,
 * attributes on the start tag, text, no CDATA or comments) parsed into a tree and written back
 * to the same text. Entities stay as they are in the text.
 */
export interface XmlElement {
  name: string;
  /** The start tag's attributes, verbatim (with their leading space). */
  attributes: string;
  children: Array<XmlElement | string>;
}

const TOKEN = /<\?[^>]*\?>|<\/([^\s>]+)\s*>|<([^\s/>]+)([^>]*?)(\/?)>|([^<]+)/g;

export function parseXml(text: string): XmlElement {
  const root: XmlElement = { name: '', attributes: '', children: [] };
  const stack = [root];
  for (const match of text.matchAll(TOKEN)) {
    const [, closing, opening, attributes, selfClosing, content] = match;
    const top = stack[stack.length - 1]!;
    if (closing !== undefined) stack.pop();
    else if (opening !== undefined) {
      const element: XmlElement = { name: opening, attributes: attributes ?? '', children: [] };
      top.children.push(element);
      if (!selfClosing) stack.push(element);
    } else if (content !== undefined && content.trim() !== '') top.children.push(content);
  }
  return root;
}

export function toXml(element: XmlElement): string {
  const parts: string[] = [];
  const write = (node: XmlElement) => {
    for (const child of node.children) {
      if (typeof child === 'string') parts.push(child);
      else {
        parts.push(`<${child.name}${child.attributes}>`);
        write(child);
        parts.push(`</${child.name}>`);
      }
    }
  };
  write(element);
  return parts.join('');
}
