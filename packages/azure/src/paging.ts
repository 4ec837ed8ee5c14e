import type { CloudCallQueue } from '@cloudpool/common';
import type { PageReader } from './port.js';

/** Every item of an ARM list, each page its own queued call; a failed page fails the whole read. */
export async function readAllPages<T>(queue: CloudCallQueue, reader: PageReader<T>): Promise<T[]> {
  const items: T[] = [];
  for (;;) {
    const page = await queue.run({ action: reader.action, kind: 'read' }, () => reader.nextPage());
    items.push(...page.items);
    if (page.last) return items;
  }
}
