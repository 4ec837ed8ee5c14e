import { json, type SimResponse } from '../../core/index.js';
import { ApiError } from '../errors.js';
import { findFlavor } from './flavors.js';
import type { ApiVersion } from '../microversion.js';
import { checkMetadataCount, computeUrl, DEFAULT_AVAILABILITY_ZONE, invalidInput, validateTags } from './common.js';
import { serverSummary, serverViewEnv } from './server-views.js';
import { PRIVATE_NETWORK } from '../openstack-state.js';
import { checkComputeQuota, limitOf, volumeQuotaError } from '../quotas.js';
import { launchServer, type BootVolume, type NicRequest } from './server-launcher.js';
import type { ApiContext, ServiceEnv } from '../service.js';
import { isRecord, readJson, requireMember, stringMap } from '../wire.js';

/** Keys Nova's create schema allows in `server` at a microversion; any other is a 400. */
function allowedCreateKeys(version: ApiVersion): Set<string> {
  const keys = [
    'name', 'imageRef', 'flavorRef', 'adminPass', 'metadata', 'networks', 'OS-DCF:diskConfig', 'accessIPv4',
    'accessIPv6', 'security_groups', 'user_data', 'availability_zone', 'key_name', 'block_device_mapping',
    'block_device_mapping_v2', 'config_drive', 'min_count', 'max_count', 'return_reservation_id',
  ];
  if (!version.atLeast('2.57')) keys.push('personality');
  if (version.atLeast('2.19')) keys.push('description');
  if (version.atLeast('2.52')) keys.push('tags');
  if (version.atLeast('2.63')) keys.push('trusted_image_certificates');
  if (version.atLeast('2.74')) keys.push('host', 'hypervisor_hostname');
  if (version.atLeast('2.90')) keys.push('hostname');
  return new Set(keys);
}

/**
 * Validates and accepts a server (202), as Nova's API does before the build: schema, flavor,
 * image, networks, key pair, zone, then quota (403). With `buildFault` (or a fault queued by
 * a seed) the server is accepted and goes to ERROR with that fault.
 */
export function createServer(env: ServiceEnv, context: ApiContext, buildFault: { code: number; message: string } | undefined): SimResponse {
  const { state } = env;
  const server = requireMember(readJson(context.request), 'server');
  const allowed = allowedCreateKeys(context.version);
  for (const key of Object.keys(server)) {
    if (!allowed.has(key)) throw invalidInput('server', server, `Additional properties are not allowed ('${key}' was unexpected)`);
  }
  const name = server.name;
  if (typeof name !== 'string' || name.trim().length === 0 || name.length > 255) {
    throw invalidInput('server', server, name === undefined ? "'name' is a required property" : `'name' must be 1 to 255 characters`);
  }
  if ((server.min_count ?? 1) !== 1 || (server.max_count ?? 1) !== 1) {
    throw new ApiError(400, 'The simulator creates one server per request: min_count and max_count must be 1');
  }
  if (typeof server.flavorRef !== 'string' && typeof server.flavorRef !== 'number') throw invalidInput('server', server, "'flavorRef' is a required property");
  const flavor = findFlavor(state.flavors, String(server.flavorRef));
  if (!flavor) throw new ApiError(400, 'Invalid flavorRef provided.');

  const bootVolume = parseBootVolume(env, server.block_device_mapping_v2);
  const imageId = bootVolume ? '' : parseImageRef(env, server.imageRef);
  const nics = parseNetworks(env, server.networks, context.version);
  const keyName = parseKeyName(env, server.key_name);
  const availabilityZone = server.availability_zone ?? DEFAULT_AVAILABILITY_ZONE;
  if (availabilityZone !== DEFAULT_AVAILABILITY_ZONE) throw new ApiError(400, 'The requested availability zone is not available');
  const metadata = stringMap(server.metadata, 'metadata');
  checkMetadataCount(metadata);
  const tags = server.tags === undefined ? [] : validateTags(server.tags);
  const userData = parseUserData(server.user_data);
  const description = typeof server.description === 'string' ? server.description : null;

  const knobs = env.knobs();
  const usage = state.servers.totals;
  checkComputeQuota([
    { resource: 'cores', requested: flavor.vcpus, used: usage.cores, limit: limitOf(knobs.quotas, 'cores') },
    { resource: 'instances', requested: 1, used: usage.instances, limit: limitOf(knobs.quotas, 'instances') },
    { resource: 'ram', requested: flavor.ramMb, used: usage.ramMb, limit: limitOf(knobs.quotas, 'ramMb') },
  ]);

  const now = env.clock.now();
  const fault = buildFault ?? state.pendingBuildFaults.shift() ?? bootVolumeQuotaFault(env, bootVolume);
  const record = launchServer(state, {
    name,
    flavor,
    imageId,
    nics,
    keyName,
    availabilityZone,
    metadata,
    tags,
    userData,
    description,
    ...(bootVolume ? { bootVolume } : {}),
    ...(fault ? { fault } : {}),
    createdAt: now,
    readyAt: now + knobs.bootTimeMs,
  });
  const self = `${computeUrl(env)}/servers/${record.id}`;
  return json(
    202,
    {
      server: {
        'OS-DCF:diskConfig': 'MANUAL',
        adminPass: typeof server.adminPass === 'string' ? server.adminPass : randomAdminPass(),
        id: record.id,
        links: serverSummary(record, serverViewEnv(env, context)).links,
        security_groups: [{ name: 'default' }],
      },
    },
    { Location: self },
  );
}

function parseImageRef(env: ServiceEnv, imageRef: unknown): string {
  if (typeof imageRef !== 'string' || imageRef === '') throw new ApiError(400, 'Missing imageRef attribute');
  const id = imageRef.slice(imageRef.lastIndexOf('/') + 1);
  if (!env.state.images.has(id)) throw new ApiError(400, `Image ${id} could not be found.`);
  return id;
}

/** The boot device (`boot_index` 0) of `block_device_mapping_v2`: a new volume from an image or blank, or an existing volume. */
function parseBootVolume(env: ServiceEnv, mappings: unknown): BootVolume | undefined {
  if (mappings === undefined) return undefined;
  if (!Array.isArray(mappings)) throw invalidInput('block_device_mapping_v2', mappings, `${JSON.stringify(mappings)} is not of type 'array'`);
  const boot = mappings.find((mapping) => isRecord(mapping) && String(mapping.boot_index) === '0');
  if (!isRecord(boot)) return undefined;
  const deleteOnTermination = boot.delete_on_termination === true || boot.delete_on_termination === 'true';
  const uuid = typeof boot.uuid === 'string' ? boot.uuid : '';
  switch (boot.source_type) {
    case 'image':
    case 'blank': {
      const sizeGb = Number(boot.volume_size);
      if (!Number.isInteger(sizeGb) || sizeGb <= 0) {
        throw new ApiError(400, "Block Device Mapping is Invalid: Images with destination_type 'volume' need to have a non-zero size specified");
      }
      if (boot.source_type === 'image' && !env.state.images.has(uuid)) throw new ApiError(400, `Image ${uuid} could not be found.`);
      return { kind: 'new', sizeGb, imageId: boot.source_type === 'image' ? uuid : null, deleteOnTermination };
    }
    case 'volume': {
      const volume = env.state.volumes.get(uuid);
      if (!volume) throw new ApiError(400, `Block Device Mapping is Invalid: failed to get volume ${uuid}.`);
      if (volume.attachedTo || volume.deleteRequestedAt !== undefined) {
        throw new ApiError(400, `Invalid volume: volume '${uuid}' status must be 'available'. Currently in 'in-use'`);
      }
      return { kind: 'existing', volume, deleteOnTermination };
    }
    default:
      throw new ApiError(400, `Block Device Mapping is Invalid: source_type ${String(boot.source_type)} is not supported by the simulator.`);
  }
}

/** Nova makes the boot volume during the build; over Cinder's quota, the build fails with Cinder's reason. */
function bootVolumeQuotaFault(env: ServiceEnv, boot: BootVolume | undefined): { code: number; message: string } | undefined {
  if (boot?.kind !== 'new') return undefined;
  const overQuota = volumeQuotaError(env.knobs().quotas, env.state.volumeTotals(), boot.sizeGb);
  return overQuota && { code: 500, message: `Build of instance aborted: ${overQuota.message}` };
}

/**
 * `networks`: a list of `{uuid}` or `{port}`, or (from 2.37, where it is required) `auto` or
 * `none`; before 2.37 an absent value means `auto` (the project's `private` network).
 */
function parseNetworks(env: ServiceEnv, networks: unknown, version: ApiVersion): NicRequest[] {
  const { state } = env;
  if (networks === undefined && version.atLeast('2.37')) throw invalidInput('server', { networks }, "'networks' is a required property");
  if (networks === 'none' && version.atLeast('2.37')) return [];
  if (networks === undefined || (networks === 'auto' && version.atLeast('2.37'))) {
    const network = state.findNetwork(PRIVATE_NETWORK);
    if (!network) throw new ApiError(400, `Unable to automatically allocate a network for project ${state.projectId}`);
    return [{ networkId: network.id }];
  }
  if (!Array.isArray(networks)) throw invalidInput('networks', networks, `${JSON.stringify(networks)} is not of type 'array'`);
  return networks.map((entry): NicRequest => {
    if (isRecord(entry) && typeof entry.port === 'string') {
      const port = state.ports.get(entry.port);
      if (!port) throw new ApiError(400, `Port id ${entry.port} could not be found.`);
      if (port.deviceId) throw new ApiError(409, `Port ${port.id} is still in use.`);
      return { port };
    }
    if (isRecord(entry) && typeof entry.uuid === 'string') {
      if (!state.networks.has(entry.uuid)) throw new ApiError(400, `Network ${entry.uuid} could not be found.`);
      return { networkId: entry.uuid };
    }
    throw invalidInput('networks', entry, "'uuid' or 'port' is required");
  });
}

function parseKeyName(env: ServiceEnv, keyName: unknown): string | null {
  if (keyName === undefined || keyName === null) return null;
  if (typeof keyName !== 'string' || !env.state.keypairs.has(keyName)) throw new ApiError(400, 'Invalid key_name provided.');
  return keyName;
}

/** `user_data` must be base64, at most 65535 bytes encoded. */
function parseUserData(userData: unknown): string | null {
  if (userData === undefined || userData === null) return null;
  const compact = typeof userData === 'string' ? userData.replace(/\s/g, '') : '';
  if (typeof userData !== 'string' || compact.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(compact) || userData.length > 65535) {
    throw invalidInput('user_data', userData, `${JSON.stringify(userData)} is not a 'base64'`);
  }
  return userData;
}

function randomAdminPass(): string {
  const alphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789';
  return Array.from({ length: 12 }, () => alphabet[Math.floor(Math.random() * alphabet.length)]).join('');
}
