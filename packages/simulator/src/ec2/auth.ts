import type { IncomingHttpHeaders } from 'node:http';

/**
 * The access key id an AWS Signature V4 request was signed with, read from its
 * `Authorization: AWS4-HMAC-SHA256 Credential=AKID/date/region/service/aws4_request, …`
 * header. The signature itself is not verified. Undefined when the request is not SigV4-signed.
 */
export function sigV4AccessKeyId(headers: IncomingHttpHeaders): string | undefined {
  const authorization = headers.authorization;
  if (typeof authorization !== 'string' || !authorization.startsWith('AWS4-HMAC-SHA256 ')) return undefined;
  return /Credential=([^/,\s]+)\//.exec(authorization)?.[1];
}
