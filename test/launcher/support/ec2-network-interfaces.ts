import { createHash, createHmac } from 'node:crypto';
import type { Ec2ConnectionInfo } from '@cloudpool/simulator';
import type { HeldResource } from './cloud-under-test.js';

const CONTENT_TYPE = 'application/x-www-form-urlencoded; charset=utf-8';
const SIGNED_HEADERS = 'content-type;host;x-amz-date';

/**
 * Every network interface of the EC2 account, with its tags. The AWS driver never lists
 * interfaces (they go with their instance), so the Ec2Port it exports has no call for it, and
 * the SDK is not a dependency of these tests: this is DescribeNetworkInterfaces as the EC2 Query
 * API defines it, SigV4-signed, its XML answer read for ids and tag sets only.
 */
export async function describeNetworkInterfaces(connection: Ec2ConnectionInfo): Promise<HeldResource[]> {
  const xml = await ec2Query(connection, { Action: 'DescribeNetworkInterfaces', Version: '2016-11-15', MaxResults: '1000' });
  return xml
    .split('<networkInterfaceId>')
    .slice(1)
    .map((part) => {
      const tagSet = /<tagSet>([\s\S]*?)<\/tagSet>/.exec(part)?.[1] ?? '';
      const tags = Object.fromEntries([...tagSet.matchAll(/<key>([^<]*)<\/key>\s*<value>([^<]*)<\/value>/g)].map((m) => [m[1]!, m[2]!]));
      return { type: 'network-interface', id: part.slice(0, part.indexOf('<')), tags };
    });
}

/** One EC2 Query API call (POST, form body), signed with AWS Signature Version 4; the XML answer. */
async function ec2Query(connection: Ec2ConnectionInfo, params: Record<string, string>): Promise<string> {
  const body = new URLSearchParams(params).toString();
  const url = new URL(connection.endpoint);
  const amzDate = new Date().toISOString().replace(/[-:]|\.\d{3}/g, '');
  const scope = `${amzDate.slice(0, 8)}/${connection.region}/ec2/aws4_request`;
  const canonicalRequest = ['POST', '/', '', `content-type:${CONTENT_TYPE}`, `host:${url.host}`, `x-amz-date:${amzDate}`, '', SIGNED_HEADERS, sha256(body)].join('\n');
  const stringToSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256(canonicalRequest)].join('\n');
  const signingKey = scope.split('/').reduce<Buffer | string>((key, part) => hmac(key, part), `AWS4${connection.secretAccessKey}`);
  const authorization = `AWS4-HMAC-SHA256 Credential=${connection.accessKeyId}/${scope}, SignedHeaders=${SIGNED_HEADERS}, Signature=${hmac(signingKey, stringToSign).toString('hex')}`;
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': CONTENT_TYPE, 'x-amz-date': amzDate, authorization }, body });
  const text = await response.text();
  if (!response.ok) throw new Error(`EC2 ${params.Action}: HTTP ${response.status}`);
  return text;
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

function hmac(key: Buffer | string, text: string): Buffer {
  return createHmac('sha256', key).update(text).digest();
}
