import { randomBytes } from 'node:crypto';
import {
  makeSelfSignedCertificate,
  SimulatedCloud,
  type CloudKnobs,
  type GateErrorFormat,
  type HandlerResult,
  type KnobsPatch,
  type SelfSignedCertificate,
  type SimRequest,
  type SimulatedCloudOptions,
} from '../core/index.js';
import { AccessTokens } from './access-tokens.js';
import { defaultAzureKnobs, mergeAzureKnobs, timingKnobs, type AzureKnobs, type AzureKnobsPatch, type AzureTiming } from './azure-knobs.js';
import { armErrors, azureGateErrors } from './errors.js';
import { normalizeLocation } from './request-fields.js';
import { kindOf } from './resource-kind-registry.js';
import { ResourceManager } from './resource-manager.js';
import { Seeder, type AzureSeedBody, type AzureSeedResult, type SeedVirtualMachineSpec } from './seed.js';
import { TokenEndpoint, type ServicePrincipal } from './token-endpoint.js';

/** The shared knobs plus the Azure ones under `azure`. */
export type AzureSimulatorKnobs = CloudKnobs & { azure: AzureKnobs };
export type AzureSimulatorKnobsPatch = KnobsPatch & { azure?: AzureKnobsPatch };

export interface AzureSimulatorOptions extends Omit<SimulatedCloudOptions, 'tls' | 'knobs'> {
  knobs?: AzureSimulatorKnobsPatch;
  /** `realistic` by default (provisioning and deletions take time); `fast` for benchmarks. Explicit knobs win. */
  timing?: AzureTiming;
  /** Serve with this certificate; by default `start()` makes a fresh self-signed one. */
  certificate?: SelfSignedCertificate;
  tenantId?: string;
  subscriptionId?: string;
  clientId?: string;
  /** The service principal's secret; random by default. */
  clientSecret?: string;
  /** A resource group that always exists (made at start and after a reset), with a vnet `{group}-vnet` and subnet `default`. */
  resourceGroup?: string;
  /** The default region; resources may be created in `locations` (default: this one only). */
  location?: string;
  locations?: string[];
}

/** The service-principal auth file that `az ad sp create-for-rbac --sdk-auth` writes, pointing at the simulator. */
export interface AzureAuthFile {
  clientId: string;
  clientSecret: string;
  subscriptionId: string;
  tenantId: string;
  activeDirectoryEndpointUrl: string;
  resourceManagerEndpointUrl: string;
  activeDirectoryGraphResourceId: string;
  sqlManagementEndpointUrl: string;
  galleryEndpointUrl: string;
  managementEndpointUrl: string;
}

/** Everything a client needs to reach the simulator as it would reach Azure. */
export interface AzureConnectionInfo {
  authFile: AzureAuthFile;
  /** PEM of the CA that signed the server certificate; clients must trust it explicitly. */
  ca: string;
  resourceGroup: string;
  location: string;
  /** The default subnet, for NICs. */
  subnetId: string;
}

/**
 * Simulated Azure: the AAD token endpoint (client credentials) and Azure Resource Manager
 * (VMs, NICs, public IPs, disks, images, virtual networks, resource groups, usages and SKUs)
 * over HTTPS on loopback, spoken to by the official `@azure/*` SDKs as to real Azure.
 */
export class AzureSimulator extends SimulatedCloud {
  readonly principal: ServicePrincipal;
  readonly subscriptionId: string;
  readonly resourceGroup: string;
  readonly location: string;
  protected readonly errorFormat: GateErrorFormat;
  private readonly serverOptions: SimulatedCloudOptions;
  private certificate: SelfSignedCertificate | undefined;
  private readonly initialAzureKnobs: AzureKnobs;
  private azureKnobsValue: AzureKnobs;
  private readonly tokenEndpoint: TokenEndpoint;
  private readonly arm: ResourceManager;
  private readonly seeder: Seeder;

  constructor(options: AzureSimulatorOptions = {}) {
    const pace = timingKnobs(options.timing ?? 'realistic');
    const { azure, ...cloudKnobs } = options.knobs ?? {};
    // The base class reads `tls` from this object when it starts; `start()` fills it in.
    const serverOptions: SimulatedCloudOptions = {
      knobs: { bootTimeMs: pace.bootTimeMs, deleteTimeMs: pace.deleteTimeMs, ...cloudKnobs },
      ...(options.clock ? { clock: options.clock } : {}),
      ...(options.seed !== undefined ? { seed: options.seed } : {}),
      ...(options.port !== undefined ? { port: options.port } : {}),
      ...(options.ssh ? { ssh: options.ssh } : {}),
    };
    super(serverOptions);
    this.serverOptions = serverOptions;
    this.certificate = options.certificate;
    this.initialAzureKnobs = mergeAzureKnobs(mergeAzureKnobs(defaultAzureKnobs(), pace.azure), azure ?? {});
    this.azureKnobsValue = this.initialAzureKnobs;
    this.principal = {
      tenantId: options.tenantId ?? 'c10d9001-7e2a-4b6f-9d3c-5a8e1f0b2c4d',
      clientId: options.clientId ?? '5d3a1e0c-8f4b-4c8e-9a51-0c1d2e3f4a5b',
      clientSecret: options.clientSecret ?? randomBytes(24).toString('base64url'),
    };
    this.subscriptionId = options.subscriptionId ?? '3f2c6b1e-9a7d-4e5f-8b21-6c4d0e9a7b13';
    this.resourceGroup = options.resourceGroup ?? 'cloudpool';
    this.location = normalizeLocation(options.location ?? 'eastus');
    const locations = (options.locations ?? [this.location]).map(normalizeLocation);
    const tokens = new AccessTokens(this.clock, this.principal.tenantId,
      () => ['https://management.azure.com/', 'https://management.core.windows.net/', `${this.url}/`]);
    this.tokenEndpoint = new TokenEndpoint(this.principal, tokens, () => this.url, () => this.azureKnobsValue.tokenLifetimeSeconds, () => {
      const left = this.azureKnobsValue.tokenOutageRequests;
      if (left <= 0) return false;
      this.azureKnobsValue = { ...this.azureKnobsValue, tokenOutageRequests: left - 1 };
      return true;
    });
    this.arm = new ResourceManager({
      subscriptionId: this.subscriptionId,
      locations,
      clock: this.clock,
      random: this.random,
      knobs: () => this.cloudKnobs(),
      azure: () => this.azureKnobsValue,
      baseUrl: () => this.url,
      tokens,
      ssh: this.ssh,
    });
    this.seeder = new Seeder(this.arm, () => ({ resourceGroup: this.resourceGroup, location: this.location, subnetId: this.subnetId }));
    this.errorFormat = azureGateErrors(() => this.cloudKnobs(), this.subscriptionId, this.principal.clientId);
    this.plantDefaults();
  }

  /** Starts serving HTTPS, with the given certificate or one made now. */
  override async start(): Promise<this> {
    this.certificate ??= await makeSelfSignedCertificate();
    this.serverOptions.tls = { key: this.certificate.key, cert: this.certificate.cert };
    await super.start();
    // In SSH mode the default network is planted again, in the loopback block reserved at start.
    if (this.ssh) this.clearState();
    return this;
  }

  /** The CA (PEM) clients must trust, e.g. `tlsOptions: { ca }` in the SDK client options. Only after `start()`. */
  get ca(): string {
    if (!this.certificate) throw new Error('simulated cloud not started');
    return this.certificate.ca;
  }

  override get knobs(): AzureSimulatorKnobs {
    return { ...super.knobs, azure: this.azureKnobsValue };
  }

  get azureKnobs(): AzureKnobs {
    return this.azureKnobsValue;
  }

  /** Merges a patch; Azure knobs go under `azure` (also through `PATCH /__sim/knobs`). */
  override setKnobs(patch: AzureSimulatorKnobsPatch): AzureSimulatorKnobs {
    const { azure, ...cloudKnobs } = patch;
    super.setKnobs(cloudKnobs);
    if (azure) this.azureKnobsValue = mergeAzureKnobs(this.azureKnobsValue, azure);
    return this.knobs;
  }

  override reset(): void {
    super.reset();
    this.azureKnobsValue = this.initialAzureKnobs;
  }

  /** The default subnet's id, for NICs. */
  get subnetId(): string {
    return `/subscriptions/${this.subscriptionId}/resourceGroups/${this.resourceGroup}/providers/Microsoft.Network/virtualNetworks/${this.resourceGroup}-vnet/subnets/default`;
  }

  connectionInfo(): AzureConnectionInfo {
    const url = this.url;
    return {
      authFile: {
        clientId: this.principal.clientId,
        clientSecret: this.principal.clientSecret,
        subscriptionId: this.subscriptionId,
        tenantId: this.principal.tenantId,
        activeDirectoryEndpointUrl: url,
        resourceManagerEndpointUrl: `${url}/`,
        activeDirectoryGraphResourceId: `${url}/`,
        sqlManagementEndpointUrl: `${url}/`,
        galleryEndpointUrl: `${url}/`,
        managementEndpointUrl: `${url}/`,
      },
      ca: this.ca,
      resourceGroup: this.resourceGroup,
      location: this.location,
      subnetId: this.subnetId,
    };
  }

  /** Plants resources (`POST /__sim/seed`); returns their ids. */
  seed(body: unknown): AzureSeedResult {
    return this.seeder.seed(body as AzureSeedBody);
  }

  /** Plants `count` running VMs (each with NIC and OS disk) carrying `tags`; returns their ids. */
  seedVirtualMachines(count: number, tags: Record<string, string> = {}, spec: Omit<SeedVirtualMachineSpec, 'count' | 'tags'> = {}): string[] {
    return this.seeder.virtualMachines({ ...spec, count, tags });
  }

  /** Resources held, by collection (`GET /__sim/resources`); those being deleted still count. */
  resources(): Record<string, number> {
    return this.arm.counts();
  }

  protected async handle(request: SimRequest): Promise<HandlerResult> {
    const aad = this.tokenEndpoint.route(request);
    if (aad) return aad.isTokenRequest ? this.gated({ action: 'token', kind: 'read' }, () => aad.answer()) : aad.answer();
    if (!/^\/subscriptions\//i.test(request.url.pathname)) return armErrors.invalidResourceType(request.url.pathname).toResponse();
    return this.arm.handle(request, {
      gated: (call, work) => this.gated(call, work),
      recordClientError: (action) => this.gate.record(action, 'client-error'),
    });
  }

  protected clearState(): void {
    this.arm.clear();
    this.plantDefaults();
  }

  private cloudKnobs(): CloudKnobs {
    return super.knobs;
  }

  /**
   * The default resource group with its virtual network and subnet, the subnet with a network
   * security group that admits SSH, as Nodepool's documentation asks of an Azure network.
   */
  private plantDefaults(): void {
    this.arm.createOrUpdateGroup(this.resourceGroup, { location: this.location });
    const { resource: nsg } = this.arm.createOrUpdate(this.arm.context(), kindOf('Microsoft.Network/networkSecurityGroups'), this.resourceGroup, `${this.resourceGroup}-nsg`, {
      location: this.location,
      properties: {
        securityRules: [{
          name: 'allow-ssh',
          properties: { protocol: 'Tcp', sourcePortRange: '*', destinationPortRange: '22', sourceAddressPrefix: '*', destinationAddressPrefix: '*', access: 'Allow', priority: 100, direction: 'Inbound' },
        }],
      },
    });
    this.arm.createOrUpdate(this.arm.context(), kindOf('Microsoft.Network/virtualNetworks'), this.resourceGroup, `${this.resourceGroup}-vnet`, {
      location: this.location,
      properties: {
        addressSpace: { addressPrefixes: [this.ssh?.cidrs()?.private ?? '10.0.0.0/16'] },
        subnets: [{ name: 'default', properties: { addressPrefix: this.ssh?.cidrs()?.private ?? '10.0.0.0/16', networkSecurityGroup: { id: nsg.id } } }],
      },
    });
  }
}
