/** One page of a paged AWS call: its items and the token of the next page, if any. */
export interface Page<T> {
  items: T[] | undefined;
  nextToken: string | undefined;
}

/**
 * Reads every page of a paged call in order, following `NextToken` until there is none.
 * All or nothing: a failed page rejects the whole read and nothing read so far is returned.
 */
export async function readAllPages<T>(readPage: (nextToken: string | undefined) => Promise<Page<T>>): Promise<T[]> {
  const all: T[] = [];
  let nextToken: string | undefined;
  do {
    const page = await readPage(nextToken);
    all.push(...(page.items ?? []));
    nextToken = page.nextToken || undefined;
  } while (nextToken !== undefined);
  return all;
}
