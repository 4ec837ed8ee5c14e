import { randomUUID } from 'node:crypto';
import {
  SimulatedCloud,
  seededRandom,
  type CallDescription,
  type GateErrorFormat,
  type HandlerResult,
  type SimRequest,
  type SimResponse,
  type SimulatedCloudOptions,
} from '../core/index.js';
import { sigV4AccessKeyId } from './auth.js';
import { EC2_ACTIONS } from './ec2-actions.js';
import { Ec2Account } from './ec2-account.js';
import { Ec2Error, ec2ErrorResponse, ec2Errors } from './errors.js';
import { IdGenerator } from './ids.js';
import { instanceStateAt, type InstanceStateName } from './instances.js';
import { networkInterfaceStatus } from './network-interfaces.js';
import { ec2Response, QueryParams } from './query-protocol.js';
import { seedAccount, type Ec2SeedRequest, type Ec2SeedResult, type SeedInstances } from './seed.js';
import {
  runServiceQuotasOperation,
  SERVICE_QUOTAS_OPERATIONS,
  SERVICE_QUOTAS_TARGET_PREFIX,
  serviceQuotasErrorResponse,
  ServiceQuotasError,
  serviceQuotasErrors,
  serviceQuotasJson,
} from './service-quotas.js';
import { volumeState } from './volumes.js';

export interface Ec2Credentials {
  accessKeyId: string;
  secretAccessKey: string;
}

export interface Ec2SimulatorOptions extends SimulatedCloudOptions {
  /** Default `us-east-1`. */
  region?: string;
  /** The simulated account's id (owner of everything made). Default `123456789012`. */
  accountId?: string;
  /** The only credentials accepted (by access key id). Default: fixed simulator credentials. */
  credentials?: Ec2Credentials;
  /** Answer every Service Quotas call with `AccessDeniedException` (to test a driver's fallback). */
  serviceQuotasAccessDenied?: boolean;
  /** How long terminated instances stay visible. Default one hour of the simulator's clock. */
  terminatedRetentionMs?: number;
}

/** What an SDK client needs to talk to the simulator. */
export interface Ec2ConnectionInfo {
  endpoint: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
}

/** Resource counts by type and state, as `GET /__sim/resources` reports them. */
export interface Ec2ResourceSummary {
  instances: Record<InstanceStateName, number>;
  volumes: Record<string, number>;
  networkInterfaces: Record<string, number>;
  images: { public: number; own: number };
  snapshots: number;
  addresses: { associated: number; unassociated: number };
  usage: { instances: number; vcpus: number; memoryMiB: number; volumes: number; volumeGiB: number };
}

const DEFAULT_CREDENTIALS: Ec2Credentials = {
  accessKeyId: 'AKIACLOUDPOOLSIM0EC2',
  secretAccessKey: 'cloudpool-simulator-not-a-secret-0000000',
};
const ONE_HOUR_MS = 3_600_000;

/**
 * A simulated EC2 and Service Quotas endpoint speaking the real wire protocols: the EC2 Query
 * API (form body with `Action`, XML answers) and Service Quotas' awsJson1_1 (routed by
 * `X-Amz-Target`). `@aws-sdk/client-ec2` and `@aws-sdk/client-service-quotas` talk to it as to
 * AWS when given `connectionInfo()`. Every call must be SigV4-signed with the configured access
 * key id (`AuthFailure` / `UnrecognizedClientException` otherwise) and passes the call gate.
 */
export class Ec2Simulator extends SimulatedCloud {
  readonly region: string;
  readonly accountId: string;
  private readonly credentials: Ec2Credentials;
  private readonly ids: IdGenerator;
  private readonly terminatedRetentionMs: number;
  private serviceQuotasAccessDenied: boolean;
  private account: Ec2Account;

  protected readonly errorFormat: GateErrorFormat = {
    throttled: (call) => this.gateError(call, ec2Errors.requestLimitExceeded(), serviceQuotasErrors.tooManyRequests()),
    serverError: (call) =>
      this.gateError(call, call.kind === 'read' ? ec2Errors.unavailable() : ec2Errors.internalError(), serviceQuotasErrors.serviceException()),
    capacity: (call) => this.gateError(call, ec2Errors.insufficientCapacity(), serviceQuotasErrors.serviceException()),
  };

  constructor(options: Ec2SimulatorOptions = {}) {
    super(options);
    this.region = options.region ?? 'us-east-1';
    this.accountId = options.accountId ?? '123456789012';
    this.credentials = options.credentials ?? DEFAULT_CREDENTIALS;
    this.ids = new IdGenerator(seededRandom((options.seed ?? 1) ^ 0x0ec2));
    this.terminatedRetentionMs = options.terminatedRetentionMs ?? ONE_HOUR_MS;
    this.serviceQuotasAccessDenied = options.serviceQuotasAccessDenied ?? false;
    this.account = this.newAccount();
  }

  /** Endpoint, region and credentials for an SDK client (only after `start()`). */
  connectionInfo(): Ec2ConnectionInfo {
    return { endpoint: this.url, region: this.region, ...this.credentials };
  }

  /** Switches the Service Quotas API between answering and `AccessDeniedException`. */
  setServiceQuotasAccessDenied(denied: boolean): void {
    this.serviceQuotasAccessDenied = denied;
  }

  /** Plants resources (see `Ec2SeedRequest`); the body of `POST /__sim/seed`. */
  seed(body: unknown): Ec2SeedResult {
    const now = this.clock.now();
    this.account.settle(now);
    return seedAccount(this.account, body as Ec2SeedRequest, now, this.knobs);
  }

  /** Plants `count` running instances with these tags (on them, their volumes and interfaces); returns their ids. */
  seedInstances(count: number, tags: Record<string, string> = {}, options: Omit<SeedInstances, 'count' | 'tags'> = {}): string[] {
    return this.seed({ instances: [{ ...options, tags, count }] }).instances;
  }

  resources(): Ec2ResourceSummary {
    const now = this.clock.now();
    const account = this.account;
    account.settle(now);
    const instances: Record<InstanceStateName, number> = { pending: 0, running: 0, 'shutting-down': 0, terminated: 0 };
    for (const instance of account.instances.values()) instances[instanceStateAt(instance, now)] += 1;
    let own = 0;
    for (const image of account.images.values()) if (image.ownerId === account.accountId) own += 1;
    let associated = 0;
    for (const address of account.addresses.values()) if (address.association) associated += 1;
    return {
      instances,
      volumes: countBy(account.volumes.values(), volumeState),
      networkInterfaces: countBy(account.networkInterfaces.values(), networkInterfaceStatus),
      images: { public: account.images.size - own, own },
      snapshots: account.snapshots.size,
      addresses: { associated, unassociated: account.addresses.size - associated },
      usage: { ...account.usage },
    };
  }

  protected clearState(): void {
    this.account = this.newAccount();
  }

  protected async handle(request: SimRequest): Promise<HandlerResult> {
    const target = request.headers['x-amz-target'];
    if (typeof target === 'string') return this.handleServiceQuotas(target, request);
    return this.handleEc2(request);
  }

  private newAccount(): Ec2Account {
    return new Ec2Account({
      accountId: this.accountId,
      region: this.region,
      ids: this.ids,
      terminatedRetentionMs: this.terminatedRetentionMs,
      ssh: this.ssh,
    });
  }

  private authorized(request: SimRequest): boolean {
    return sigV4AccessKeyId(request.headers) === this.credentials.accessKeyId;
  }

  private async handleEc2(request: SimRequest): Promise<HandlerResult> {
    const requestId = randomUUID();
    const form = request.method === 'GET' ? request.url.search.slice(1) : request.body.toString('utf8');
    const params = QueryParams.fromForm(form);
    const actionName = params.string('Action');
    const action = actionName === undefined ? undefined : EC2_ACTIONS.get(actionName);
    if (actionName === undefined || !action) {
      return ec2ErrorResponse(actionName === undefined ? ec2Errors.missingParameter('Action') : ec2Errors.invalidAction(actionName), requestId);
    }
    if (!this.authorized(request)) {
      this.gate.record(actionName, 'client-error');
      return ec2ErrorResponse(ec2Errors.authFailure(), requestId);
    }
    return this.gated({ action: actionName, kind: action.kind, isCreate: action.isCreate }, () => {
      try {
        if (params.boolean('DryRun')) throw ec2Errors.dryRun();
        const now = this.clock.now();
        this.account.settle(now);
        const children = action.run(params, { account: this.account, now, knobs: this.knobs });
        return ec2Response(actionName, requestId, children);
      } catch (error) {
        if (!(error instanceof Ec2Error)) throw error;
        this.gate.record(actionName, 'client-error');
        return ec2ErrorResponse(error, requestId);
      }
    });
  }

  private async handleServiceQuotas(target: string, request: SimRequest): Promise<HandlerResult> {
    const requestId = randomUUID();
    const operation = target.startsWith(SERVICE_QUOTAS_TARGET_PREFIX) ? target.slice(SERVICE_QUOTAS_TARGET_PREFIX.length) : '';
    if (!SERVICE_QUOTAS_OPERATIONS.has(operation)) return serviceQuotasErrorResponse(serviceQuotasErrors.unknownOperation(), requestId);
    if (!this.authorized(request)) {
      this.gate.record(operation, 'client-error');
      return serviceQuotasErrorResponse(serviceQuotasErrors.unrecognizedClient(), requestId);
    }
    return this.gated({ action: operation, kind: 'read' }, () => {
      try {
        if (this.serviceQuotasAccessDenied) throw serviceQuotasErrors.accessDenied(this.accountId, operation);
        const input = parseJsonObject(request.body);
        const output = runServiceQuotasOperation(operation, input, { quotas: this.knobs.quotas, region: this.region, accountId: this.accountId });
        return serviceQuotasJson(200, output, requestId);
      } catch (error) {
        if (!(error instanceof ServiceQuotasError)) throw error;
        this.gate.record(operation, 'client-error');
        return serviceQuotasErrorResponse(error, requestId);
      }
    });
  }

  /** A gate-made error in the wire format of the API the call belongs to. */
  private gateError(call: CallDescription, ec2: Ec2Error, serviceQuotas: ServiceQuotasError): SimResponse {
    const requestId = randomUUID();
    return SERVICE_QUOTAS_OPERATIONS.has(call.action) ? serviceQuotasErrorResponse(serviceQuotas, requestId) : ec2ErrorResponse(ec2, requestId);
  }
}

function parseJsonObject(body: Buffer): Record<string, unknown> {
  if (body.length === 0) return {};
  let value: unknown;
  try {
    value = JSON.parse(body.toString('utf8'));
  } catch {
    throw new ServiceQuotasError('SerializationException', 'The request body could not be parsed as JSON.');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ServiceQuotasError('SerializationException', 'The request body must be a JSON object.');
  }
  return value as Record<string, unknown>;
}

function countBy<T>(items: Iterable<T>, key: (item: T) => string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const item of items) counts[key(item)] = (counts[key(item)] ?? 0) + 1;
  return counts;
}
