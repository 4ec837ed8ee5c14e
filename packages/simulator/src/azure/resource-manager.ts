import type { SshHosts } from '../core/ssh-hosts.js';
import type { CallDescription, Clock, CloudKnobs, HandlerResult, Random, SimRequest, SimResponse } from '../core/index.js';
import type { AccessTokens } from './access-tokens.js';
import { armEmpty, armJson } from './arm-response.js';
import { parseArmPath, type ArmTarget } from './arm-router.js';
import type { AzureKnobs } from './azure-knobs.js';
import { resourceSku, virtualMachineSize, VM_SIZES } from './compute-catalog.js';
import { ArmError, armErrors } from './errors.js';
import { genericResourceKeys, genericResourceToArm } from './generic-resources.js';
import { LongRunningOperations } from './long-running.js';
import { Pager } from './paging.js';
import { networkUsages } from './network-usage.js';
import { ComputeUsage } from './quota.js';
import { normalizeLocation, stringField, tagsField, type JsonObject } from './request-fields.js';
import { filteredResourceGroups, liveResourceGroup, resourceGroupBeingDeleted, resourceGroupToArm } from './resource-groups.js';
import { PublicAddressPool } from './public-ip-addresses.js';
import type { ArmContext, ResourceKind } from './resource-kind.js';
import { kindOf, RESOURCE_TYPES } from './resource-kind-registry.js';
import type { Resource, ResourceGroup } from './resource-model.js';
import { ResourceStore } from './resources.js';
import { parseResourceFilter } from './tag-filter.js';
import { subnetToArm } from './virtual-networks.js';

/** How the resource manager reaches the call gate of its simulator. */
export interface GateAccess {
  gated(call: CallDescription, work: () => HandlerResult | Promise<HandlerResult>): Promise<HandlerResult>;
  recordClientError(action: string): void;
}

export interface ResourceManagerOptions {
  subscriptionId: string;
  /** Regions resources may be created in (normalised, e.g. `eastus`). */
  locations: readonly string[];
  clock: Clock;
  random: Random;
  knobs: () => CloudKnobs;
  azure: () => AzureKnobs;
  baseUrl: () => string;
  tokens: AccessTokens;
  /** SSH mode (see `SshHosts`). */
  ssh?: SshHosts;
}

const API_VERSION = /^\d{4}-\d{2}-\d{2}(-preview)?$/;

/** Gate action names per target and method (resources and collections are prefixed with their collection). */
const ACTIONS: Record<ArmTarget['target'], Partial<Record<string, string>>> = {
  resourceGroups: { GET: 'resourceGroups.list' },
  resourceGroup: { PUT: 'resourceGroups.createOrUpdate', GET: 'resourceGroups.get', HEAD: 'resourceGroups.checkExistence', DELETE: 'resourceGroups.delete', PATCH: 'resourceGroups.update' },
  genericResources: { GET: 'resources.list' },
  collection: { GET: 'list' },
  resource: { PUT: 'createOrUpdate', GET: 'get', DELETE: 'delete', PATCH: 'update' },
  subnets: { GET: 'subnets.list' },
  subnet: { GET: 'subnets.get' },
  usages: { GET: 'usage.list' },
  networkUsages: { GET: 'networkUsages.list' },
  vmSizes: { GET: 'virtualMachineSizes.list' },
  skus: { GET: 'resourceSkus.list' },
  operationStatus: { GET: 'operations.get' },
  operationResult: { GET: 'operations.get' },
};

function parseBody(request: SimRequest): JsonObject {
  if (request.body.length === 0) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(request.body.toString('utf8'));
  } catch (error) {
    throw armErrors.invalidRequestContent(error instanceof Error ? error.message : String(error));
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw armErrors.invalidRequestContent('the body must be a JSON object');
  return parsed as JsonObject;
}

/**
 * Azure Resource Manager over the simulator's state: authenticates each request, routes it,
 * passes it through the call gate and answers in ARM's wire format (JSON, long-running
 * operations, paging). Time-based state (provisioning, deletions) is derived from the clock;
 * deletions due are completed at the start of each request.
 */
export class ResourceManager {
  readonly store = new ResourceStore();
  readonly usage = new ComputeUsage();
  private readonly operations: LongRunningOperations;
  private readonly pager = new Pager();
  private publicAddresses: PublicAddressPool;

  constructor(private readonly options: ResourceManagerOptions) {
    this.publicAddresses = new PublicAddressPool(options.ssh);
    this.operations = new LongRunningOperations(options.subscriptionId);
  }

  async handle(request: SimRequest, gate: GateAccess): Promise<HandlerResult> {
    const { url, method } = request;
    const parsed = parseArmPath(url.pathname, url.searchParams);
    const call = parsed && this.describeCall(parsed.route, method);
    try {
      this.options.tokens.authenticate(request.headers.authorization);
      if (!parsed) throw armErrors.invalidResourceType(url.pathname);
      if (!call) throw armErrors.methodNotAllowed(method, url.pathname);
      const apiVersion = url.searchParams.get('api-version');
      if (!apiVersion) throw armErrors.missingApiVersion();
      if (!API_VERSION.test(apiVersion)) throw armErrors.invalidApiVersion(apiVersion);
      if (parsed.subscriptionId.toLowerCase() !== this.options.subscriptionId.toLowerCase()) throw armErrors.subscriptionNotFound(parsed.subscriptionId);
    } catch (error) {
      return this.answerError(error, call?.action ?? 'unroutable', gate);
    }
    return gate.gated(call, () => {
      try {
        return this.execute(parsed.route, request);
      } catch (error) {
        return this.answerError(error, call.action, gate);
      }
    });
  }

  /** The state handlers work on at the current time, after completing the deletions due. */
  context(): ArmContext {
    const now = this.options.clock.now();
    const context: ArmContext = {
      now,
      knobs: this.options.knobs(),
      azure: this.options.azure(),
      store: this.store,
      usage: this.usage,
      publicAddresses: this.publicAddresses,
      ssh: this.options.ssh,
      subscriptionId: this.options.subscriptionId,
      random: this.options.random,
      remove: (resource, at) => this.remove(context, resource, at),
    };
    this.completeDeletions(context);
    return context;
  }

  /**
   * Creates a resource, or updates it if one of that name exists (PUT is idempotent by name).
   * With `createOnly` (the request's `If-None-Match: *`), an existing resource of that name is
   * not updated: ARM answers 412 `PreconditionFailed`, as for any conditional request whose
   * condition fails (RFC 9110 section 13.1.2).
   */
  createOrUpdate(
    ctx: ArmContext,
    kind: ResourceKind<Resource>,
    resourceGroup: string,
    name: string,
    body: JsonObject,
    createOnly = false,
  ): { resource: Resource; created: boolean } {
    const group = liveResourceGroup(this.store, resourceGroup);
    const id = `/subscriptions/${this.options.subscriptionId}/resourceGroups/${group.name}/providers/${kind.type}/${name}`;
    const key = id.toLowerCase();
    const location = this.checkedLocation(body.location, kind.type);
    const tags = tagsField(body.tags);
    const existing = this.store.get(key);
    if (existing && createOnly) throw armErrors.preconditionFailed(kind.type, existing.name);
    if (existing) {
      if (existing.deletingUntil !== undefined) throw armErrors.markedForDeletion(kind.type.split('/')[1] ?? kind.type, existing.name);
      if (existing.location !== location) throw armErrors.locationMismatch(existing.name, existing.location, group.name, location);
      kind.update(ctx, existing, body);
      this.store.setTags(existing, tags);
      return { resource: existing, created: false };
    }
    const resource = kind.create(ctx, { id, key, name, resourceGroup: group.name, location }, body);
    resource.tags = tags;
    this.store.add(resource);
    return { resource, created: true };
  }

  /** Creates or updates a resource group (synchronous in ARM). */
  createOrUpdateGroup(name: string, body: JsonObject): { group: ResourceGroup; created: boolean } {
    const location = this.checkedLocation(body.location, 'Microsoft.Resources/resourceGroups');
    const existing = this.store.group(name);
    if (existing) {
      if (existing.deletingUntil !== undefined) throw resourceGroupBeingDeleted(existing);
      if (existing.location !== location) throw armErrors.locationMismatch(existing.name, existing.location, existing.name, location);
      existing.tags = tagsField(body.tags);
      return { group: existing, created: false };
    }
    const id = `/subscriptions/${this.options.subscriptionId}/resourceGroups/${name}`;
    const managedBy = stringField(body.managedBy);
    const group: ResourceGroup = { id, key: name.toLowerCase(), name, location, tags: tagsField(body.tags), ...(managedBy ? { managedBy } : {}) };
    this.store.addGroup(group);
    return { group, created: true };
  }

  /** Resources held by collection (`virtualMachines: 3`), after completing the deletions due. */
  counts(): Record<string, number> {
    this.context();
    const counts: Record<string, number> = { resourceGroups: [...this.store.groupList()].length };
    for (const [type, count] of Object.entries(this.store.countByType())) counts[type.split('/')[1] as string] = count;
    return counts;
  }

  clear(): void {
    this.store.clear();
    this.usage.clear();
    this.operations.clear();
    this.pager.clear();
    this.publicAddresses = new PublicAddressPool(this.options.ssh);
  }

  /** The gate's view of a request (undefined for a method not served there). */
  private describeCall(route: ArmTarget, method: string): CallDescription | undefined {
    const verb = ACTIONS[route.target][method];
    if (!verb) return undefined;
    const kind = method === 'GET' || method === 'HEAD' ? 'read' : 'write';
    if (route.target === 'collection') {
      return { action: `${route.kind.collection}.${route.resourceGroup === undefined ? 'listAll' : 'list'}`, kind };
    }
    if (route.target === 'resource') {
      const isCreate = method === 'PUT' && route.kind.type === 'Microsoft.Compute/virtualMachines' && !this.store.get(this.resourceId(route).toLowerCase());
      return { action: `${route.kind.collection}.${verb}`, kind, ...(isCreate ? { isCreate } : {}) };
    }
    return { action: verb, kind };
  }

  private execute(route: ArmTarget, request: SimRequest): SimResponse {
    const ctx = this.context();
    const { url } = request;
    const query = url.searchParams;
    switch (route.target) {
      case 'resourceGroups':
        return this.listPage(url, () => filteredResourceGroups(this.store, parseResourceFilter(query.get('$filter'))), (group) => resourceGroupToArm(group));
      case 'resourceGroup':
        return this.resourceGroupRequest(ctx, route.resourceGroup, request);
      case 'genericResources': {
        if (route.resourceGroup !== undefined) this.existingGroup(route.resourceGroup);
        const filter = parseResourceFilter(query.get('$filter'));
        const expand = query.get('$expand') ?? '';
        return this.listPage(url, () => genericResourceKeys(this.store, filter, route.resourceGroup),
          (key) => { const resource = this.store.get(key); return resource && genericResourceToArm(resource, ctx.now, expand); });
      }
      case 'collection': {
        if (route.resourceGroup !== undefined) this.existingGroup(route.resourceGroup);
        const { kind } = route;
        return this.listPage(url, () => [...this.store.list(kind.type, route.resourceGroup)].map((resource) => resource.key),
          (key) => { const resource = this.store.get(key); return resource && kind.toArm(resource, ctx.now, query); });
      }
      case 'resource':
        return this.resourceRequest(ctx, route, request);
      case 'subnets':
      case 'subnet':
        return this.subnetRequest(ctx, route);
      case 'usages':
        return this.listPage(url, () => this.usage.usages(normalizeLocation(route.location), ctx.knobs.quotas), (usage) => usage);
      case 'networkUsages':
        return this.listPage(url, () => networkUsages(this.store, this.options.subscriptionId, normalizeLocation(route.location), ctx.azure.networkQuotas), (usage) => usage);
      case 'vmSizes':
        return armJson(200, { value: VM_SIZES.map(virtualMachineSize) });
      case 'skus': {
        const location = /^location eq '([^']+)'$/i.exec(query.get('$filter') ?? '')?.[1];
        const locations = location ? this.options.locations.filter((l) => l === normalizeLocation(location)) : this.options.locations;
        return this.listPage(url, () => locations.flatMap((l) => VM_SIZES.map((s) => resourceSku(s, l, ctx.azure.unavailableSizes))), (sku) => sku);
      }
      case 'operationStatus':
      case 'operationResult': {
        const operation = this.operations.get(route.operationId);
        if (!operation) throw new ArmError(404, 'NotFound', `The operation '${route.operationId}' could not be found.`);
        const retryAfter = ctx.azure.lroRetryAfterSeconds;
        return route.target === 'operationStatus'
          ? this.operations.statusAnswer(operation, ctx.now, retryAfter)
          : this.operations.resultAnswer(operation, ctx.now, new URL(url.pathname + url.search, this.options.baseUrl()).toString(), retryAfter);
      }
    }
  }

  private resourceRequest(ctx: ArmContext, route: Extract<ArmTarget, { target: 'resource' }>, request: SimRequest): SimResponse {
    const { kind, resourceGroup, name } = route;
    const apiVersion = request.url.searchParams.get('api-version') ?? '';
    const retryAfter = ctx.azure.lroRetryAfterSeconds;
    switch (request.method) {
      case 'PUT': {
        const { resource, created } = this.createOrUpdate(ctx, kind, resourceGroup, name, parseBody(request), request.headers['if-none-match'] === '*');
        const { until, failure, canceled } = resource.provisioning;
        const operation = this.operations.start(kind.provider, resource.location, ctx.now, until, failure, canceled);
        // The answer to a PUT spells the id as the request did, whatever reads answer later.
        const answer = { ...kind.toArm(resource, ctx.now, request.url.searchParams), id: resource.id };
        return armJson(created ? 201 : 200, answer,
          this.operations.headers(operation, this.options.baseUrl(), apiVersion, retryAfter, false));
      }
      case 'DELETE': {
        this.existingGroup(resourceGroup);
        const resource = this.store.get(this.resourceId(route).toLowerCase());
        if (!resource) return armEmpty(204);
        if (resource.deletingUntil === undefined) {
          kind.checkDelete?.(ctx, resource);
          resource.deletingUntil = ctx.now + ctx.knobs.deleteTimeMs;
          this.store.scheduleDeletion(resource.key, resource.deletingUntil);
        }
        const operation = this.operations.start(kind.provider, resource.location, ctx.now, resource.deletingUntil);
        return armEmpty(202, this.operations.headers(operation, this.options.baseUrl(), apiVersion, retryAfter, true));
      }
      case 'PATCH': {
        const resource = this.existingResource(route);
        const tags = parseBody(request).tags;
        if (tags !== undefined) this.store.setTags(resource, tagsField(tags));
        return armJson(200, kind.toArm(resource, ctx.now, request.url.searchParams));
      }
      default:
        return armJson(200, kind.toArm(this.existingResource(route), ctx.now, request.url.searchParams));
    }
  }

  private resourceGroupRequest(ctx: ArmContext, name: string, request: SimRequest): SimResponse {
    switch (request.method) {
      case 'PUT': {
        const { group, created } = this.createOrUpdateGroup(name, parseBody(request));
        return armJson(created ? 201 : 200, resourceGroupToArm(group));
      }
      case 'HEAD':
        return armEmpty(this.store.group(name) ? 204 : 404);
      case 'DELETE': {
        const group = this.existingGroup(name);
        if (group.deletingUntil === undefined) {
          group.deletingUntil = ctx.now + ctx.knobs.deleteTimeMs;
          this.store.scheduleDeletion(group.key, group.deletingUntil, true);
        }
        const operation = this.operations.start('Microsoft.Resources', group.location, ctx.now, group.deletingUntil);
        const apiVersion = request.url.searchParams.get('api-version') ?? '';
        return armEmpty(202, this.operations.headers(operation, this.options.baseUrl(), apiVersion, ctx.azure.lroRetryAfterSeconds, true));
      }
      case 'PATCH': {
        const group = this.existingGroup(name);
        const tags = parseBody(request).tags;
        if (tags !== undefined) group.tags = tagsField(tags);
        return armJson(200, resourceGroupToArm(group));
      }
      default:
        return armJson(200, resourceGroupToArm(this.existingGroup(name)));
    }
  }

  private subnetRequest(ctx: ArmContext, route: Extract<ArmTarget, { target: 'subnets' | 'subnet' }>): SimResponse {
    const group = this.existingGroup(route.resourceGroup);
    const type = 'Microsoft.Network/virtualNetworks';
    const network = this.store.find(`/subscriptions/${this.options.subscriptionId}/resourceGroups/${group.name}/providers/${type}/${route.network}`, type);
    if (!network) throw armErrors.resourceNotFound(type, route.network, group.name);
    if (route.target === 'subnets') return armJson(200, { value: network.subnets.map((subnet) => subnetToArm(network, subnet, ctx.now)) });
    const subnet = network.subnets.find((s) => s.name.toLowerCase() === route.name.toLowerCase());
    if (!subnet) throw armErrors.resourceNotFound(`${type}/subnets`, `${route.network}/${route.name}`, group.name);
    return armJson(200, subnetToArm(network, subnet, ctx.now));
  }

  private listPage<K, T>(url: URL, keys: () => K[], render: (key: K) => T | undefined): SimResponse {
    const top = Number(url.searchParams.get('$top'));
    const maxPageSize = this.options.knobs().maxPageSize;
    const pageSize = Number.isInteger(top) && top > 0 ? Math.min(top, maxPageSize) : maxPageSize;
    return armJson(200, this.pager.page(url, this.options.baseUrl(), pageSize, keys, render));
  }

  private resourceId(route: { kind: ResourceKind<Resource>; resourceGroup: string; name: string }): string {
    return `/subscriptions/${this.options.subscriptionId}/resourceGroups/${route.resourceGroup}/providers/${route.kind.type}/${route.name}`;
  }

  private existingGroup(name: string): ResourceGroup {
    const group = this.store.group(name);
    if (!group) throw armErrors.resourceGroupNotFound(name);
    return group;
  }

  private existingResource(route: { kind: ResourceKind<Resource>; resourceGroup: string; name: string }): Resource {
    const group = this.existingGroup(route.resourceGroup);
    const resource = this.store.get(this.resourceId(route).toLowerCase());
    if (!resource) throw armErrors.resourceNotFound(route.kind.type, route.name, group.name);
    return resource;
  }

  private checkedLocation(value: unknown, type: string): string {
    const given = stringField(value);
    if (!given) throw armErrors.locationRequired();
    const location = normalizeLocation(given);
    if (!this.options.locations.includes(location)) throw armErrors.locationNotAvailable(given, type, this.options.locations);
    return location;
  }

  private answerError(error: unknown, action: string, gate: GateAccess): SimResponse {
    if (!(error instanceof ArmError)) throw error;
    gate.recordClientError(action);
    return error.toResponse();
  }

  /** Completes the deletions whose time has come, in time order, with their cascades. */
  private completeDeletions(ctx: ArmContext): void {
    for (const due of this.store.takeDueDeletions(ctx.now)) {
      if (due.isGroup) {
        const group = this.store.group(due.key);
        if (!group || group.deletingUntil !== due.until) continue;
        for (const type of RESOURCE_TYPES) {
          for (const resource of [...this.store.list(type, group.name)]) this.remove(ctx, resource, due.until);
        }
        this.store.removeGroup(group);
        continue;
      }
      const resource = this.store.get(due.key);
      if (resource && resource.deletingUntil === due.until) this.remove(ctx, resource, due.until);
    }
  }

  private remove(ctx: ArmContext, resource: Resource, at: number): void {
    if (this.store.get(resource.key) !== resource) return;
    this.store.remove(resource);
    kindOf(resource.type).onRemoved?.(ctx, resource, at);
  }
}
