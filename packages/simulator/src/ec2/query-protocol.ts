import type { SimResponse } from '../core/index.js';
import { Ec2Error, ec2Errors } from './errors.js';

/** The API version the SDK sends in `Version` and EC2 names in its XML namespace. */
const EC2_API_VERSION = '2016-11-15';

/**
 * The parameters of one EC2 Query request, as the SDK flattens them into a form body:
 * `Action=RunInstances&MinCount=1&TagSpecification.1.Tag.1.Key=team&InstanceId.1=i-…`.
 * Lists are `Name.N` (N from 1), structures are `Name.Member`, and both nest.
 */
export class QueryParams {
  private constructor(private readonly values: ReadonlyMap<string, string>) {}

  static fromForm(body: string): QueryParams {
    return new QueryParams(new Map(new URLSearchParams(body)));
  }

  string(name: string): string | undefined {
    return this.values.get(name);
  }

  /** A parameter EC2 insists on: `MissingParameter` when absent. */
  requiredString(name: string): string {
    const value = this.values.get(name);
    if (value === undefined || value === '') {
      throw ec2Errors.missingParameter(name);
    }
    return value;
  }

  integer(name: string): number | undefined {
    const raw = this.values.get(name);
    if (raw === undefined) return undefined;
    const value = Number(raw);
    if (!Number.isInteger(value)) throw new Ec2Error('InvalidParameterValue', `Invalid value '${raw}' for ${name}`);
    return value;
  }

  boolean(name: string): boolean | undefined {
    const raw = this.values.get(name);
    if (raw === undefined) return undefined;
    if (raw !== 'true' && raw !== 'false') throw new Ec2Error('InvalidParameterValue', `Invalid value '${raw}' for ${name}`);
    return raw === 'true';
  }

  /** The scalar list `Name.1`, `Name.2`, … in index order. */
  list(name: string): string[] {
    return this.indexed(name).flatMap((index) => {
      const value = this.values.get(`${name}.${index}`);
      return value === undefined ? [] : [value];
    });
  }

  /** The structure list `Name.1.*`, `Name.2.*`, … each as its own parameters. */
  structures(name: string): QueryParams[] {
    return this.indexed(name).map((index) => this.member(`${name}.${index}`));
  }

  /** The nested structure `Name.*` with the prefix stripped. */
  member(name: string): QueryParams {
    const prefix = `${name}.`;
    const nested = new Map<string, string>();
    for (const [key, value] of this.values) {
      if (key.startsWith(prefix)) nested.set(key.slice(prefix.length), value);
    }
    return new QueryParams(nested);
  }

  /** Every parameter but those named, sorted: two requests with equal fingerprints asked for the same thing. */
  fingerprint(ignore: readonly string[]): string {
    return [...this.values]
      .filter(([key]) => !ignore.includes(key))
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([key, value]) => `${key}=${value}`)
      .join('&');
  }

  /** The distinct indexes N used under `Name.N`, ascending. */
  private indexed(name: string): number[] {
    const prefix = `${name}.`;
    const indexes = new Set<number>();
    for (const key of this.values.keys()) {
      if (!key.startsWith(prefix)) continue;
      const rest = key.slice(prefix.length);
      const dot = rest.indexOf('.');
      const index = Number(dot === -1 ? rest : rest.slice(0, dot));
      if (Number.isInteger(index) && index > 0) indexes.add(index);
    }
    return [...indexes].sort((a, b) => a - b);
  }
}

/** The successful answer to `action`: `<ActionResponse xmlns=…><requestId>…</requestId>…</ActionResponse>`. */
export function ec2Response(action: string, requestId: string, children: string): SimResponse {
  const body =
    `<?xml version="1.0" encoding="UTF-8"?>\n` +
    `<${action}Response xmlns="http://ec2.amazonaws.com/doc/${EC2_API_VERSION}/">` +
    `<requestId>${requestId}</requestId>${children}</${action}Response>`;
  return { status: 200, headers: { 'content-type': 'text/xml;charset=UTF-8', 'x-amzn-requestid': requestId }, body };
}
