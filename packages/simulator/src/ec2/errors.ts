import type { SimResponse } from '../core/index.js';
import { escapeXml } from './xml.js';

/**
 * An EC2 API error: its code (the SDK error's `name`), message and HTTP status. EC2 answers
 * client errors with 400 (401 for `AuthFailure`, 412 for `DryRunOperation`) and server-side
 * ones with 5xx.
 */
export class Ec2Error extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
    this.name = code;
  }
}

/** EC2's error document: `<Response><Errors><Error><Code>…</Code><Message>…</Message></Error></Errors><RequestID>…`. */
export function ec2ErrorResponse(error: Ec2Error, requestId: string): SimResponse {
  const body =
    `<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error>` +
    `<Code>${escapeXml(error.code)}</Code><Message>${escapeXml(error.message)}</Message>` +
    `</Error></Errors><RequestID>${requestId}</RequestID></Response>`;
  return { status: error.status, headers: { 'content-type': 'text/xml;charset=UTF-8', 'x-amzn-requestid': requestId }, body };
}

/** EC2's own words for the errors the simulator produces. */
export const ec2Errors = {
  authFailure: () => new Ec2Error('AuthFailure', 'AWS was not able to validate the provided access credentials', 401),
  requestLimitExceeded: () => new Ec2Error('RequestLimitExceeded', 'Request limit exceeded.', 503),
  internalError: () => new Ec2Error('InternalError', 'An internal error has occurred', 500),
  unavailable: () => new Ec2Error('Unavailable', "The server is overloaded and can't handle the request.", 503),
  insufficientCapacity: () => new Ec2Error('InsufficientInstanceCapacity', 'Insufficient capacity.', 500),
  unauthorized: () => new Ec2Error('UnauthorizedOperation', 'You are not authorized to perform this operation.', 403),
  invalidAction: (action: string) => new Ec2Error('InvalidAction', `The action ${action} is not valid for this web service.`),
  dryRun: () => new Ec2Error('DryRunOperation', 'Request would have succeeded, but DryRun flag is set.', 412),
  missingParameter: (name: string) => new Ec2Error('MissingParameter', `The request must contain the parameter ${name}`),
  invalidParameterValue: (message: string) => new Ec2Error('InvalidParameterValue', message),
  invalidParameterCombination: (message: string) => new Ec2Error('InvalidParameterCombination', message),
  invalidFilter: (name: string) => new Ec2Error('InvalidParameterValue', `The filter '${name}' is invalid`),
  invalidNextToken: (token: string) =>
    new Ec2Error('InvalidParameterValue', `Value (${token}) for parameter NextToken is invalid. The token is invalid.`),
  idempotentMismatch: () =>
    new Ec2Error(
      'IdempotentParameterMismatch',
      'Arguments on this idempotent request are inconsistent with arguments used in previous request(s).',
    ),
} as const;
