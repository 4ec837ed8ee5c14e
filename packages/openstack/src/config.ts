import {
  BaseProviderConfig,
  type CloudImageOf,
  type DiskimageOf,
  configSchema,
  type LabelOf,
  type PoolOf,
  providerSchema,
} from '@cloudpool/common';
import { z } from 'zod';

const { atLeastOneOf, atMostOneOf, count, freeMap, ignored, name, secondsOrOff, stringMap } = configSchema;

/** Nodepool's OpenStack `boot-timeout` default, seconds. */
const OPENSTACK_BOOT_TIMEOUT = 60;

/** Nodepool's default `volume-size` for `boot-from-volume`, GB. */
const DEFAULT_VOLUME_SIZE = 50;

/** A `providers` entry with `driver: openstack` (Nodepool's default driver): Nodepool's OpenStack keys. */
export const openstackProviderSchema = providerSchema({
  provider: {
    /** A cloud of `clouds.yaml`. */
    cloud: name(),
    'region-name': name().optional(),
    /**
     * Delete floating IPs attached to nothing, assuming cloudpool is the project's only user.
     * Nodepool's default is true; cloudpool keeps the heuristic but off unless asked for.
     */
    'clean-floating-ips': z.boolean().default(false),
    /**
     * Seconds after which ports left DOWN are deleted, assuming cloudpool is the project's only
     * user; 0: never. Nodepool's default is 600; cloudpool keeps the heuristic but off unless asked for.
     */
    'port-cleanup-interval': secondsOrOff().default(0),
    // Image building and upload settings of nodepool-builder, and Nodepool's deprecated keys.
    'image-name-format': ignored(),
    'image-upload-timeout': ignored(),
    'post-upload-hook': ignored(),
    'hostname-format': ignored(),
    'nodepool-id': ignored(),
  },
  pool: {
    /** Networks (names or ids) attached to each node. */
    networks: z.array(name()).default([]),
    'security-groups': z.array(name()).default([]),
    /** Attach a floating IP to each node. */
    'auto-floating-ip': z.boolean().default(true),
    'host-key-checking': z.boolean().default(true),
    /** Check only this pool's own limits, not the cloud's quota. */
    'ignore-provider-quota': z.boolean().default(false),
  },
  label: {
    /**
     * The flavor (name or id). Alone it must match exactly; with `min-ram`, it picks the
     * smallest flavor with that much RAM whose name contains it.
     */
    'flavor-name': name().optional(),
    /** MiB: the smallest flavor with at least this much RAM. */
    'min-ram': count().optional(),
    'key-name': name().optional(),
    /** Fetch the console log when a node fails its boot check. */
    'console-log': z.boolean().default(false),
    'boot-from-volume': z.boolean().default(false),
    /** GB, for `boot-from-volume`. */
    'volume-size': count().default(DEFAULT_VOLUME_SIZE),
    /** Server metadata. */
    'instance-properties': stringMap().default({}),
    /** Server metadata whose values are format strings over the request (`{request.id}`...). */
    'dynamic-instance-properties': stringMap().default({}),
    userdata: z.string().optional(),
    /** Replaces the pool's `networks`. */
    networks: z.array(name()).optional(),
    /** Replaces the pool's `host-key-checking`. */
    'host-key-checking': z.boolean().optional(),
    /** A server group (name or id), for affinity rules. */
    'server-group': name().optional(),
  },
  cloudImage: {
    /** Unset: the cloud's default. */
    'config-drive': z.boolean().optional(),
    'image-id': name().optional(),
    /** A name or id. */
    'image-name': name().optional(),
  },
  // --- diskimages (uploads of nodepool-builder) ---
  diskimage: {
    /** Unset: the cloud's default. */
    'config-drive': z.boolean().optional(),
    /** Glance properties of the uploaded image (the builder's). */
    meta: freeMap().optional(),
  },
  rules: {
    label: [atLeastOneOf('flavor-name', 'min-ram')],
    cloudImage: [atMostOneOf('image-id', 'image-name')],
  },
});

type OpenStackProviderEntry = z.output<typeof openstackProviderSchema>;

export type OpenStackProviderSettings = {
  cloud: string;
  regionName?: string;
  cleanFloatingIps: boolean;
  /** Seconds; 0: off. */
  portCleanupInterval: number;
};

export type OpenStackPoolSettings = {
  networks: string[];
  securityGroups: string[];
  autoFloatingIp: boolean;
  hostKeyChecking: boolean;
  ignoreProviderQuota: boolean;
};

export type OpenStackLabelSettings = {
  /** With `minRam`, a substring of the flavor's name; alone, the exact flavor. */
  flavorName?: string;
  /** MiB. */
  minRam?: number;
  keyName?: string;
  consoleLog: boolean;
  bootFromVolume: boolean;
  /** GB. */
  volumeSize: number;
  /** Format strings over the request, e.g. `{request.id}`. */
  dynamicInstanceProperties: Record<string, string>;
  userdata?: string;
  /** The label's networks, or else the pool's. */
  networks: string[];
  /** The label's setting, or else the pool's. */
  hostKeyChecking: boolean;
  serverGroup?: string;
};

export type OpenStackCloudImageSettings = {
  configDrive?: boolean;
  imageId?: string;
  /** A name or id; the entry's own name when neither `image-id` nor `image-name` is set, as in Nodepool. */
  imageName?: string;
};

/** How a server is booted from a diskimage's upload (its Glance id is the upload's). */
export type OpenStackDiskimageSettings = {
  configDrive?: boolean;
  /** `meta`: Glance properties of the uploads (`cloudpool image upload`), values as strings. */
  meta?: Record<string, string>;
};

export type OpenStackSettings = {
  provider: OpenStackProviderSettings;
  pool: OpenStackPoolSettings;
  label: OpenStackLabelSettings;
  cloudImage: OpenStackCloudImageSettings;
  diskimage: OpenStackDiskimageSettings;
};

/**
 * The configuration of one `driver: openstack` provider. `rate` is Nodepool's seconds between
 * requests (default 1.0, i.e. one request per second). A label's `tags` are its
 * `instance-properties`: OpenStack keeps tags as server metadata.
 */
export class OpenStackProviderConfig extends BaseProviderConfig<OpenStackProviderEntry, OpenStackSettings> {
  constructor(raw: Readonly<Record<string, unknown>>) {
    super(raw, 'openstack', openstackProviderSchema, OPENSTACK_BOOT_TIMEOUT);
  }

  protected providerSettings(provider: OpenStackProviderEntry): OpenStackProviderSettings {
    return {
      cloud: provider.cloud,
      regionName: provider['region-name'],
      cleanFloatingIps: provider['clean-floating-ips'],
      portCleanupInterval: provider['port-cleanup-interval'],
    };
  }

  protected poolSettings(pool: PoolOf<OpenStackProviderEntry>): OpenStackPoolSettings {
    return {
      networks: pool.networks,
      securityGroups: pool['security-groups'],
      autoFloatingIp: pool['auto-floating-ip'],
      hostKeyChecking: pool['host-key-checking'],
      ignoreProviderQuota: pool['ignore-provider-quota'],
    };
  }

  protected labelSettings(label: LabelOf<OpenStackProviderEntry>, pool: PoolOf<OpenStackProviderEntry>): OpenStackLabelSettings {
    return {
      flavorName: label['flavor-name'],
      minRam: label['min-ram'],
      keyName: label['key-name'],
      consoleLog: label['console-log'],
      bootFromVolume: label['boot-from-volume'],
      volumeSize: label['volume-size'],
      dynamicInstanceProperties: label['dynamic-instance-properties'],
      userdata: label.userdata,
      networks: label.networks ?? pool.networks,
      hostKeyChecking: label['host-key-checking'] ?? pool['host-key-checking'],
      serverGroup: label['server-group'],
    };
  }

  protected diskimageSettings(image: DiskimageOf<OpenStackProviderEntry>): OpenStackDiskimageSettings {
    return { configDrive: image['config-drive'], meta: Object.fromEntries(Object.entries(image.meta ?? {}).map(([key, value]) => [key, String(value)])) };
  }

  /** The label's key replaces the pool's, as in Nodepool. */
  protected hostKeyChecking(label: LabelOf<OpenStackProviderEntry>, pool: PoolOf<OpenStackProviderEntry>): boolean {
    return label['host-key-checking'] ?? pool['host-key-checking'];
  }

  protected cloudImageSettings(image: CloudImageOf<OpenStackProviderEntry>): OpenStackCloudImageSettings {
    const imageId = image['image-id'];
    return {
      configDrive: image['config-drive'],
      imageId,
      imageName: image['image-name'] ?? (imageId === undefined ? image.name : undefined),
    };
  }

  protected labelTags(label: LabelOf<OpenStackProviderEntry>): Record<string, string> {
    return label['instance-properties'];
  }
}
