import { EC2Client } from '@aws-sdk/client-ec2';
import { ServiceQuotasClient } from '@aws-sdk/client-service-quotas';
import { SharedByLease } from '@cloudpool/common';

/** Where and as whom a provider talks to AWS: its `region-name`, `profile-name` and `endpoint`. */
export interface AwsClientTarget {
  region: string;
  /** A profile of the shared config and credentials files; otherwise the SDK's default chain. */
  profile?: string;
  /** The provider's `endpoint` key, for both EC2 and Service Quotas. */
  endpoint?: string;
}

/** The SDK clients of one target, shared by every provider on it until the last one releases them. */
export interface AwsClientLease {
  readonly ec2: EC2Client;
  readonly serviceQuotas: ServiceQuotasClient;
  /** Gives the lease back; the clients are destroyed when no lease on them is left. Idempotent. */
  release(): void;
}

/** Milliseconds to connect and to wait for an answer, after which a call fails (as `transient`). */
const CONNECTION_TIMEOUT_MS = 5_000;
const REQUEST_TIMEOUT_MS = 60_000;

interface Clients {
  ec2: EC2Client;
  serviceQuotas: ServiceQuotasClient;
}

/**
 * One long-lived EC2 client and Service Quotas client per (profile, region, endpoint). Clients
 * make one attempt per call (`maxAttempts: 1`): the provider's queue owns pacing and retries.
 * Credentials come from the SDK's default chain (environment, shared files with `profile`,
 * SSO, container and instance roles).
 *
 * Endpoints: the target's `endpoint`, else `AWS_ENDPOINT_URL_EC2` (EC2) or
 * `AWS_ENDPOINT_URL_SERVICE_QUOTAS` (Service Quotas), else `AWS_ENDPOINT_URL`, else AWS's own.
 */
export class AwsClientRegistry {
  private readonly entries = new SharedByLease<Clients>((clients) => {
    clients.ec2.destroy();
    clients.serviceQuotas.destroy();
  });

  constructor(private readonly env: Readonly<Record<string, string | undefined>> = process.env) {}

  acquire(target: AwsClientTarget): AwsClientLease {
    const ec2Endpoint = this.endpointFor(target, 'AWS_ENDPOINT_URL_EC2');
    const quotasEndpoint = this.endpointFor(target, 'AWS_ENDPOINT_URL_SERVICE_QUOTAS');
    const key = JSON.stringify([target.profile ?? null, target.region, ec2Endpoint ?? null, quotasEndpoint ?? null]);
    const lease = this.entries.acquire(key, () => ({
      ec2: new EC2Client(clientConfig(target, ec2Endpoint)),
      serviceQuotas: new ServiceQuotasClient(clientConfig(target, quotasEndpoint)),
    }));
    return { ...lease.value, release: () => lease.release() };
  }

  /** Clients alive now (one entry per distinct target with a lease). */
  get size(): number {
    return this.entries.size;
  }

  private endpointFor(target: AwsClientTarget, serviceVariable: string): string | undefined {
    return target.endpoint ?? nonEmpty(this.env[serviceVariable]) ?? nonEmpty(this.env.AWS_ENDPOINT_URL);
  }
}

function clientConfig(target: AwsClientTarget, endpoint: string | undefined) {
  return {
    region: target.region,
    maxAttempts: 1,
    requestHandler: { connectionTimeout: CONNECTION_TIMEOUT_MS, requestTimeout: REQUEST_TIMEOUT_MS },
    ...(target.profile === undefined ? {} : { profile: target.profile }),
    ...(endpoint === undefined ? {} : { endpoint }),
  };
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value;
}
