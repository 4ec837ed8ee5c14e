/** The types Nodepool's webapp offers, in its order: on a tie the first wins. */
const OFFERS = ['text/html', 'text/plain', 'application/json'] as const;

/**
 * Whether a request asks for JSON, decided as Nodepool decides it (webob's
 * `acceptable_offers` over text/html, text/plain and application/json, first of the best):
 * JSON only when `application/json` is preferred over both text types, so browsers, `curl`
 * without a header and `*\/*` get the text table.
 */
export function wantsJson(accept: string | undefined): boolean {
  if (!accept?.trim()) return false;
  const ranges = accept.split(',').map(parseRange);
  const quality = (offer: string) => {
    const [type] = offer.split('/');
    const match = ranges.find((r) => r.range === offer) ?? ranges.find((r) => r.range === `${type}/*`) ?? ranges.find((r) => r.range === '*/*');
    return match?.q ?? 0;
  };
  const [best] = OFFERS.map((offer) => ({ offer, q: quality(offer) })).sort((a, b) => b.q - a.q);
  return best!.q > 0 && best!.offer === 'application/json';
}

function parseRange(part: string): { range: string; q: number } {
  const [range = '', ...params] = part.split(';').map((s) => s.trim().toLowerCase());
  const q = params.find((p) => p.startsWith('q='));
  const value = q === undefined ? 1 : Number(q.slice(2));
  return { range, q: Number.isFinite(value) ? Math.min(1, Math.max(0, value)) : 0 };
}
