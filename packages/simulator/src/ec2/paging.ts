import { ec2Errors } from './errors.js';
import type { QueryParams } from './query-protocol.js';

/** The `MaxResults` range one Describe call accepts, as EC2 documents it. */
export interface PageBounds {
  min: number;
  max: number;
}

/**
 * The page size of a Describe call: `MaxResults` (checked against the call's bounds), never
 * more than the simulator's `maxPageSize` knob, which is also the size when none is asked.
 */
export function pageSizeOf(params: QueryParams, bounds: PageBounds, maxPageSize: number): number {
  const asked = params.integer('MaxResults');
  if (asked === undefined) return Math.max(1, maxPageSize);
  if (asked < bounds.min || asked > bounds.max) {
    throw ec2Errors.invalidParameterValue(
      `Value ( ${asked} ) for parameter maxResults is invalid. Expecting a value between ${bounds.min} and ${bounds.max}.`,
    );
  }
  return Math.max(1, Math.min(asked, maxPageSize));
}

/** An opaque `NextToken` naming the position after which the next page starts. */
export function encodeNextToken(afterSeq: number): string {
  return Buffer.from(JSON.stringify({ after: afterSeq })).toString('base64url');
}

/** The position a `NextToken` names; 0 (the start) without one. */
export function decodeNextToken(token: string | undefined): number {
  if (token === undefined || token === '') return 0;
  try {
    const decoded = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { after?: unknown };
    if (typeof decoded.after === 'number' && Number.isInteger(decoded.after) && decoded.after >= 0) return decoded.after;
  } catch {
    // Not ours: reported below.
  }
  throw ec2Errors.invalidNextToken(token);
}
