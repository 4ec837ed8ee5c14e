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
import { imagesCanAuthenticate, noIpv6OnlyNics, tagsWithinArmLimits } from './arm-refusals.js';

const { atLeastOneOf, count, exactlyOneOf, ignored, name, stringMap } = configSchema;

/** Nodepool's Azure `boot-timeout` default, seconds. */
const AZURE_BOOT_TIMEOUT = 120;

/** The subnet Nodepool uses when `network` does not name one. */
const DEFAULT_SUBNET = 'default';

/** A gallery image: `shared-gallery-image` or `community-gallery-image`. */
const galleryImageSchema = z.strictObject({ 'gallery-name': name(), name: name(), version: name().optional() });

/** Whether to attach addresses; unset at the pool, the provider's value applies. */
const addressKeys = {
  /** Private IPv4; default true unless only IPv6 is enabled. */
  ipv4: z.boolean().optional(),
  /** Private IPv6; default false. */
  ipv6: z.boolean().optional(),
  /** Default true; implies `ipv4`. */
  'public-ipv4': z.boolean().optional(),
  /** Default false; implies `ipv6`. */
  'public-ipv6': z.boolean().optional(),
  /** Prefer the private address even when a public one is attached (default false). */
  'use-internal-ip': z.boolean().optional(),
  /** Default true. */
  'host-key-checking': z.boolean().optional(),
};

/** A `providers` entry with `driver: azure`: Nodepool's Azure keys. */
export const azureProviderSchema = providerSchema({
  provider: {
    location: name(),
    /** Where the nodes' resources are created. */
    'resource-group': name(),
    /** Where the resource group is, or is created. Required by Nodepool; default here: `location`. */
    'resource-group-location': name().optional(),
    /** Service principal credentials (`az ad sp create-for-rbac --sdk-auth`); otherwise the SDK's default chain. */
    'auth-path': name().optional(),
    /**
     * cloudpool addition: a PEM file of CA certificates that the clients and the credential
     * trust besides the system's (private clouds, the simulator).
     */
    'ca-file': name().optional(),
    /** A network of the resource group (subnet `default`), or a network and subnet elsewhere. */
    network: z
      .union([
        name(),
        z.strictObject({ 'resource-group': name().optional(), network: name(), subnet: name().optional() }),
      ])
      .optional(),
    /** A subnet's full resource id; takes precedence over `network`, as in Nodepool. */
    'subnet-id': name().optional(),
    /** The SSH public key installed on nodes whose cloud image sets no `key`, as in Nodepool. */
    'zuul-public-key': name().optional(),
    ...addressKeys,
    // Image upload settings of nodepool-builder.
    'post-upload-hook': ignored(),
  },
  pool: addressKeys,
  label: {
    'hardware-profile': z.strictObject({ 'vm-size': name() }),
    tags: stringMap().default({}),
    /** Tags whose values are format strings over the request (`{request.id}`...). */
    'dynamic-tags': stringMap().default({}),
    'user-data': z.string().optional(),
    'custom-data': z.string().optional(),
    /** OS disk size, GiB. */
    'volume-size': count().optional(),
  },
  cloudImage: {
    username: name(),
    /** The administrator password a Windows image needs; a secret. */
    password: z.string().min(1).optional(),
    /** A random administrator password, for images that authenticate by key anyway. */
    'generate-password': z.boolean().default(false),
    /** The SSH public key installed on the node. */
    key: name().optional(),
    /** A Marketplace image. */
    'image-reference': z
      .strictObject({ sku: name(), publisher: name(), version: name(), offer: name() })
      .optional(),
    /** A private image by resource id. */
    'image-id': name().optional(),
    /** The last (by name) image of the resource group matching every filter. */
    'image-filter': z
      .strictObject({ name: name().optional(), location: name().optional(), tags: stringMap().optional() })
      .optional(),
    'shared-gallery-image': galleryImageSchema.optional(),
    'community-gallery-image': galleryImageSchema.optional(),
  },
  // --- diskimages (uploads of nodepool-builder) ---
  diskimage: {
    /** The administrator password a Windows image needs; a secret. */
    password: z.string().min(1).optional(),
    'generate-password': z.boolean().default(false),
    /** The SSH public key installed on the node. */
    key: name().optional(),
    /** Tags of the uploaded image. */
    tags: stringMap().optional(),
  },
  rules: {
    provider: [atLeastOneOf('network', 'subnet-id'), imagesCanAuthenticate, noIpv6OnlyNics],
    label: [tagsWithinArmLimits],
    cloudImage: exactlyOneOf(
      'image-reference',
      'image-id',
      'image-filter',
      'shared-gallery-image',
      'community-gallery-image',
    ),
  },
});

type AzureProviderEntry = z.output<typeof azureProviderSchema>;
type AddressKeys = Pick<AzureProviderEntry, keyof typeof addressKeys>;

export type AzureNetwork = { resourceGroup: string; network: string; subnet: string };

export type AzureProviderSettings = {
  location: string;
  resourceGroup: string;
  resourceGroupLocation: string;
  authPath?: string;
  /** A PEM file of CAs trusted besides the system's. */
  caFile?: string;
  /** Unset when `subnetId` is. */
  network?: AzureNetwork;
  subnetId?: string;
};

export type AzurePoolSettings = {
  ipv4: boolean;
  ipv6: boolean;
  publicIpv4: boolean;
  publicIpv6: boolean;
  useInternalIp: boolean;
  hostKeyChecking: boolean;
};

export type AzureLabelSettings = {
  vmSize: string;
  /** Format strings over the request, e.g. `{request.id}`. */
  dynamicTags: Record<string, string>;
  /** As written (the driver base64-encodes it). */
  userData?: string;
  /** As written (the driver base64-encodes it). */
  customData?: string;
  /** GiB. */
  volumeSize?: number;
};

export type AzureGalleryImage = { galleryName: string; name: string; version?: string };

/** Exactly one of the image keys is set. */
export type AzureCloudImageSettings = {
  /** A secret: never log it. */
  password?: string;
  generatePassword: boolean;
  sshPublicKey?: string;
  imageReference?: { sku: string; publisher: string; version: string; offer: string };
  imageId?: string;
  imageFilter?: { name?: string; location?: string; tags?: Record<string, string> };
  sharedGalleryImage?: AzureGalleryImage;
  communityGalleryImage?: AzureGalleryImage;
};

/** How a VM booted from a diskimage's upload (the image resource id is the upload's) is reached. */
export type AzureDiskimageSettings = Pick<AzureCloudImageSettings, 'password' | 'generatePassword' | 'sshPublicKey'>;

export type AzureSettings = {
  provider: AzureProviderSettings;
  pool: AzurePoolSettings;
  label: AzureLabelSettings;
  cloudImage: AzureCloudImageSettings;
  diskimage: AzureDiskimageSettings;
};

/** The configuration of one `driver: azure` provider. `rate` is requests per second (default 1). */
export class AzureProviderConfig extends BaseProviderConfig<AzureProviderEntry, AzureSettings> {
  constructor(raw: Readonly<Record<string, unknown>>) {
    super(raw, 'azure', azureProviderSchema, AZURE_BOOT_TIMEOUT);
  }

  protected providerSettings(provider: AzureProviderEntry): AzureProviderSettings {
    return {
      location: provider.location,
      resourceGroup: provider['resource-group'],
      resourceGroupLocation: provider['resource-group-location'] ?? provider.location,
      authPath: provider['auth-path'],
      caFile: provider['ca-file'],
      network: provider['subnet-id'] === undefined ? networkOf(provider) : undefined,
      subnetId: provider['subnet-id'],
    };
  }

  /** Nodepool's rules: pool over provider; a public address implies the private one of its family; IPv4 when neither. */
  protected poolSettings(pool: PoolOf<AzureProviderEntry>, provider: AzureProviderEntry): AzurePoolSettings {
    const key = <K extends keyof AddressKeys>(name: K) => pool[name] ?? provider[name];
    const publicIpv4 = key('public-ipv4') ?? true;
    const publicIpv6 = key('public-ipv6') ?? false;
    const ipv6 = (key('ipv6') ?? false) || publicIpv6;
    const ipv4 = (key('ipv4') ?? false) || publicIpv4 || !ipv6;
    return {
      ipv4,
      ipv6,
      publicIpv4,
      publicIpv6,
      useInternalIp: key('use-internal-ip') ?? false,
      hostKeyChecking: key('host-key-checking') ?? true,
    };
  }

  /** Nodepool's rule: the pool's key, else the provider's, else true. */
  protected hostKeyChecking(_label: LabelOf<AzureProviderEntry>, pool: PoolOf<AzureProviderEntry>, provider: AzureProviderEntry): boolean {
    return pool['host-key-checking'] ?? provider['host-key-checking'] ?? true;
  }

  protected labelSettings(label: LabelOf<AzureProviderEntry>): AzureLabelSettings {
    return {
      vmSize: label['hardware-profile']['vm-size'],
      dynamicTags: label['dynamic-tags'],
      userData: label['user-data'],
      customData: label['custom-data'],
      volumeSize: label['volume-size'],
    };
  }

  protected diskimageSettings(image: DiskimageOf<AzureProviderEntry>, provider: AzureProviderEntry): AzureDiskimageSettings {
    return { password: image.password, generatePassword: image['generate-password'], sshPublicKey: image.key ?? provider['zuul-public-key'] };
  }

  protected cloudImageSettings(image: CloudImageOf<AzureProviderEntry>, provider: AzureProviderEntry): AzureCloudImageSettings {
    return {
      password: image.password,
      generatePassword: image['generate-password'],
      sshPublicKey: image.key ?? provider['zuul-public-key'],
      imageReference: image['image-reference'],
      imageId: image['image-id'],
      imageFilter: image['image-filter'],
      sharedGalleryImage: galleryImage(image['shared-gallery-image']),
      communityGalleryImage: galleryImage(image['community-gallery-image']),
    };
  }

  protected labelTags(label: LabelOf<AzureProviderEntry>): Record<string, string> {
    return label.tags;
  }
}

function networkOf(provider: AzureProviderEntry): AzureNetwork | undefined {
  const { network } = provider;
  if (network === undefined) return undefined;
  if (typeof network === 'string') {
    return { resourceGroup: provider['resource-group'], network, subnet: DEFAULT_SUBNET };
  }
  return {
    resourceGroup: network['resource-group'] ?? provider['resource-group'],
    network: network.network,
    subnet: network.subnet ?? DEFAULT_SUBNET,
  };
}

function galleryImage(image: z.output<typeof galleryImageSchema> | undefined): AzureGalleryImage | undefined {
  return image && { galleryName: image['gallery-name'], name: image.name, version: image.version };
}
