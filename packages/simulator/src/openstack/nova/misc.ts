import { json, type SimResponse } from '../../core/index.js';
import { ApiError } from '../errors.js';
import type { ApiVersion } from '../microversion.js';
import type { FlavorSpec } from '../model.js';
import { computeUrl, DEFAULT_AVAILABILITY_ZONE, MAX_SERVER_METADATA, resourceLinks } from './common.js';
import { limitOf } from '../quotas.js';
import type { RouteAdder } from '../router.js';
import type { ApiContext, RouteSpec, ServiceEnv } from '../service.js';

/** Flavors (`/flavors`, `/flavors/detail`, `/flavors/{id}`), `/limits` and `/os-availability-zone`. */
export function addNovaMiscRoutes(router: RouteAdder<RouteSpec>, env: ServiceEnv): void {
  router
    .add('GET', '/flavors', {
      action: 'nova.flavors.list',
      kind: 'read',
      handle: (context) => json(200, { flavors: env.state.flavors.map((flavor) => flavorSummary(env, flavor, context.version)) }),
    })
    .add('GET', '/flavors/detail', {
      action: 'nova.flavors.detail',
      kind: 'read',
      handle: (context) => json(200, { flavors: env.state.flavors.map((flavor) => flavorDetail(env, flavor, context.version)) }),
    })
    .add('GET', '/flavors/:id', {
      action: 'nova.flavors.get',
      kind: 'read',
      handle: (context) => {
        const flavor = env.state.flavors.find((candidate) => candidate.id === context.params.id);
        if (!flavor) throw new ApiError(404, `Flavor ${context.params.id ?? ''} could not be found.`);
        return json(200, { flavor: flavorDetail(env, flavor, context.version) });
      },
    })
    .add('GET', '/limits', { action: 'nova.limits.get', kind: 'read', handle: (context) => limits(env, context) })
    .add('GET', '/os-availability-zone', {
      action: 'nova.availability_zones.list',
      kind: 'read',
      handle: () => json(200, { availabilityZoneInfo: [{ zoneName: DEFAULT_AVAILABILITY_ZONE, zoneState: { available: true }, hosts: null }] }),
    });
}

function flavorSummary(env: ServiceEnv, flavor: FlavorSpec, version: ApiVersion): Record<string, unknown> {
  const view: Record<string, unknown> = { id: flavor.id, links: resourceLinks(computeUrl(env), 'flavors', flavor.id), name: flavor.name };
  if (version.atLeast('2.55')) view.description = null;
  return view;
}

function flavorDetail(env: ServiceEnv, flavor: FlavorSpec, version: ApiVersion): Record<string, unknown> {
  const view: Record<string, unknown> = {
    ...flavorSummary(env, flavor, version),
    'OS-FLV-DISABLED:disabled': false,
    'OS-FLV-EXT-DATA:ephemeral': 0,
    disk: flavor.diskGb,
    'os-flavor-access:is_public': true,
    ram: flavor.ramMb,
    rxtx_factor: 1.0,
    swap: version.atLeast('2.75') ? 0 : '',
    vcpus: flavor.vcpus,
  };
  if (version.atLeast('2.61')) view.extra_specs = {};
  return view;
}

/**
 * `GET /limits`: the quotas of the knobs (-1 for unlimited) and the project's usage, with the
 * fields of the microversion (network quotas go at 2.36, personality at 2.57).
 */
function limits(env: ServiceEnv, context: ApiContext): SimResponse {
  const { quotas } = env.knobs();
  const usage = env.state.servers.totals;
  const absolute: Record<string, number> = {
    maxImageMeta: 128,
    maxServerMeta: MAX_SERVER_METADATA,
    maxTotalCores: limitOf(quotas, 'cores'),
    maxTotalInstances: limitOf(quotas, 'instances'),
    maxTotalKeypairs: 100,
    maxTotalRAMSize: limitOf(quotas, 'ramMb'),
    maxServerGroups: 10,
    maxServerGroupMembers: 10,
    totalCoresUsed: usage.cores,
    totalInstancesUsed: usage.instances,
    totalRAMUsed: usage.ramMb,
    totalServerGroupsUsed: 0,
  };
  if (!context.version.atLeast('2.57')) Object.assign(absolute, { maxPersonality: 5, maxPersonalitySize: 10240 });
  if (!context.version.atLeast('2.36')) {
    Object.assign(absolute, {
      maxSecurityGroupRules: 20,
      maxSecurityGroups: 10,
      maxTotalFloatingIps: -1,
      totalFloatingIpsUsed: env.state.floatingIps.size,
      totalSecurityGroupsUsed: 1,
    });
  }
  return json(200, { limits: { absolute, rate: [] } });
}
