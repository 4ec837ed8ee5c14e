/** What a route of the web server sends back. */
export interface Reply {
  status: number;
  headers?: Record<string, string>;
  body: string;
}

export const TEXT_PLAIN = 'text/plain; charset=utf-8';

/** A plain-text reply. */
export function textReply(status: number, body: string, headers: Record<string, string> = {}): Reply {
  return { status, headers: { 'content-type': TEXT_PLAIN, ...headers }, body };
}
