import { randomUUID } from 'node:crypto';
import { ArmError } from './errors.js';

/** One page of an ARM list: `{ value, nextLink }`. */
export interface ArmPage<T> {
  value: T[];
  nextLink?: string;
}

/** Listings kept for their next pages; the oldest beyond this many are forgotten. */
const LISTINGS_KEPT = 2_000;

/**
 * ARM paging (`x-ms-pageable` with `nextLinkName: nextLink`): a list answers at most a page of
 * items and an absolute `nextLink` on this server carrying a `$skiptoken`. The first request
 * fixes the listing (the keys, in order); the following pages slice it, so paging costs O(n)
 * overall. Items removed since are skipped; items added since show up in the next listing.
 */
export class Pager {
  private readonly listings = new Map<string, unknown[]>();

  /**
   * The page a request asks for. `keys` makes the listing (called for first pages only),
   * `render` turns a key into the item (undefined when it is gone), `pageSize` is the most
   * items a page holds.
   */
  page<K, T>(requestUrl: URL, baseUrl: string, pageSize: number, keys: () => K[], render: (key: K) => T | undefined): ArmPage<T> {
    const skipToken = requestUrl.searchParams.get('$skiptoken');
    let listingId: string;
    let offset: number;
    let listing: K[];
    if (skipToken) {
      [listingId, offset] = parseSkipToken(skipToken);
      const kept = this.listings.get(listingId);
      if (!kept) throw new ArmError(400, 'InvalidSkipToken', `The skip token '${skipToken}' is not valid or has expired. Start the listing again.`);
      listing = kept as K[];
    } else {
      listingId = randomUUID();
      offset = 0;
      listing = keys();
    }
    const end = Math.min(listing.length, offset + Math.max(1, pageSize));
    const value: T[] = [];
    for (let index = offset; index < end; index += 1) {
      const item = render(listing[index] as K);
      if (item !== undefined) value.push(item);
    }
    if (end >= listing.length) {
      this.listings.delete(listingId);
      return { value };
    }
    this.keep(listingId, listing);
    const next = new URL(requestUrl.pathname + requestUrl.search, baseUrl);
    next.searchParams.set('$skiptoken', `${listingId}.${end}`);
    return { value, nextLink: next.toString() };
  }

  clear(): void {
    this.listings.clear();
  }

  private keep(listingId: string, listing: unknown[]): void {
    this.listings.delete(listingId);
    this.listings.set(listingId, listing);
    if (this.listings.size > LISTINGS_KEPT) this.listings.delete(this.listings.keys().next().value as string);
  }
}

function parseSkipToken(token: string): [string, number] {
  const [listingId, offset] = token.split('.');
  const parsed = Number(offset);
  if (!listingId || !Number.isInteger(parsed) || parsed < 0) {
    throw new ArmError(400, 'InvalidSkipToken', `The skip token '${token}' is not valid.`);
  }
  return [listingId, parsed];
}
