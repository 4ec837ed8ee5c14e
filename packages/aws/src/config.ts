import {
  BaseProviderConfig,
  type CloudImageOf,
  configSchema,
  type LabelOf,
  type PoolOf,
  providerSchema,
} from '@cloudpool/common';
import { z } from 'zod';

const { atMostOneOf, count, exactlyOneOf, freeMap, ignored, name, stringMap, withRules } = configSchema;

/** Nodepool's AWS `boot-timeout` default, seconds. */
const AWS_BOOT_TIMEOUT = 180;

/** EC2 Fleet allocation strategies Nodepool accepts (on-demand: lowest-price, prioritized). */
const ALLOCATION_STRATEGIES = ['prioritized', 'price-capacity-optimized', 'capacity-optimized', 'diversified', 'lowest-price'] as const;

/** An `image-filters` entry (a DescribeImages filter); Nodepool also accepts `Name` and `Values`. */
const imageFilterSchema = z.preprocess(
  lowercaseFilterKeys,
  z.strictObject({ name: name(), values: z.array(z.string()).min(1) }),
);

/** A label with `dedicated-host` needs the pool's availability zone: the host is allocated in it. */
const dedicatedHostNeedsZone: configSchema.KeyRule = (pool, ctx) => {
  if (pool['availability-zone'] !== undefined || pool['availability-zones'] !== undefined) return;
  if (!Array.isArray(pool.labels)) return;
  pool.labels.forEach((label: unknown, index) => {
    if ((label as Record<string, unknown> | null)?.['dedicated-host'] === true) {
      ctx.addIssue({ code: 'custom', message: "needs the pool's availability-zone", path: ['labels', index, 'dedicated-host'] });
    }
  });
};

/** EC2 Fleet's allocation strategies of each market: on-demand has only two (Nodepool's docs). */
const ON_DEMAND_ALLOCATION_STRATEGIES: ReadonlySet<string> = new Set(['lowest-price', 'prioritized']);
const SPOT_ALLOCATION_STRATEGIES: ReadonlySet<string> = new Set(['price-capacity-optimized', 'capacity-optimized', 'diversified', 'lowest-price']);

/** A fleet's allocation strategy must be one of its market's (use-spot), and a fleet is not a dedicated host. */
const fleetRules: configSchema.KeyRule = (label, ctx) => {
  const fleet = label.fleet as { 'allocation-strategy'?: unknown } | undefined;
  if (fleet === undefined || fleet === null || typeof fleet !== 'object') return;
  if (label['dedicated-host'] === true) ctx.addIssue({ code: 'custom', message: 'cannot be used with fleet', path: ['dedicated-host'] });
  const strategy = fleet['allocation-strategy'];
  if (typeof strategy !== 'string') return;
  const spot = label['use-spot'] === true;
  const allowed = spot ? SPOT_ALLOCATION_STRATEGIES : ON_DEMAND_ALLOCATION_STRATEGIES;
  if (!allowed.has(strategy)) {
    ctx.addIssue({
      code: 'custom',
      message: `${strategy} is not an allocation strategy of ${spot ? 'spot' : 'on-demand'} fleets (${[...allowed].join(', ')})`,
      path: ['fleet', 'allocation-strategy'],
    });
  }
};

/** Spot instances cannot run on dedicated hosts. */
const spotOrDedicatedHost: configSchema.KeyRule = (label, ctx) => {
  if (label['use-spot'] === true && label['dedicated-host'] === true) {
    ctx.addIssue({ code: 'custom', message: 'cannot be used with dedicated-host', path: ['use-spot'] });
  }
};

/** A `providers` entry with `driver: aws`: Nodepool's AWS keys, plus `endpoint`. */
export const awsProviderSchema = providerSchema({
  provider: {
    'region-name': name(),
    /** The credentials profile; otherwise the SDK's default credential chain. */
    'profile-name': name().optional(),
    /**
     * cloudpool addition: the EC2 endpoint URL (a VPC endpoint, a simulator). The standard
     * AWS_ENDPOINT_URL / AWS_ENDPOINT_URL_EC2 variables are read by the driver, not here.
     */
    endpoint: z.url().optional(),
    /** Defaults of every pool's own `max-*` keys. */
    'max-servers': count().optional(),
    'max-cores': count().optional(),
    'max-ram': count().optional(),
    'max-resources': z.record(z.string(), count()).default({}),
    // Image upload settings of nodepool-builder.
    'object-storage': ignored(),
    'image-format': ignored(),
    'image-import-timeout': ignored(),
    'post-upload-hook': ignored(),
  },
  pool: {
    'subnet-id': name().optional(),
    'security-group-id': name().optional(),
    /** Nodepool's AWS key; `availability-zones` (a list) is accepted too. */
    'availability-zone': name().optional(),
    /** Default true. */
    'public-ipv4': z.boolean().optional(),
    /** Deprecated alias of `public-ipv4`. */
    'public-ip-address': z.boolean().optional(),
    'public-ipv6': z.boolean().default(false),
    /** Prefer the private address even when a public one is attached. */
    'use-internal-ip': z.boolean().default(false),
    'host-key-checking': z.boolean().default(true),
  },
  label: {
    'instance-type': name().optional(),
    /** Launch through the EC2 Fleet API, from any of several instance types. */
    fleet: withRules(
      z.strictObject({
        'instance-types': z.array(name()).min(1).optional(),
        /** Nodepool's attribute-based selection: accepted, but such labels are declined (see unavailableReason). */
        'instance-requirements': freeMap().optional(),
        'allocation-strategy': z.enum(ALLOCATION_STRATEGIES),
      }),
      exactlyOneOf('instance-types', 'instance-requirements'),
    ).optional(),
    'key-name': name(),
    'volume-type': name().optional(),
    /** GiB. */
    'volume-size': count().optional(),
    iops: count().optional(),
    /** MiB/s (gp3 only). */
    throughput: count().optional(),
    'ebs-optimized': z.boolean().default(false),
    userdata: z.string().optional(),
    'iam-instance-profile': withRules(
      z.strictObject({ name: name().optional(), arn: name().optional() }),
      exactlyOneOf('name', 'arn'),
    ).optional(),
    tags: stringMap().default({}),
    /** Tags whose values are format strings over the request (`{request.id}`...). */
    'dynamic-tags': stringMap().default({}),
    'use-spot': z.boolean().default(false),
    imdsv2: z.enum(['required', 'optional']).optional(),
    'dedicated-host': z.boolean().default(false),
  },
  cloudImage: {
    username: name(),
    'image-id': name().optional(),
    /** The most recent image matching every filter. */
    'image-filters': z.array(imageFilterSchema).min(1).optional(),
  },
  // --- diskimages (uploads of nodepool-builder) ---
  diskimage: {
    // How nodepool-builder imports the image; a launch boots the AMI whatever they were.
    architecture: name().optional(),
    'ena-support': z.boolean().optional(),
    'volume-size': count().optional(),
    'volume-type': name().optional(),
    'import-method': z.enum(['snapshot', 'ebs-direct', 'image']).optional(),
    'imds-support': z.literal('v2.0').nullable().optional(),
    iops: count().optional(),
    throughput: count().optional(),
    /** Tags of the uploaded image. */
    tags: stringMap().optional(),
  },
  rules: {
    pool: [
      atMostOneOf('availability-zone', 'availability-zones'),
      atMostOneOf('public-ipv4', 'public-ip-address'),
      dedicatedHostNeedsZone,
    ],
    label: [...exactlyOneOf('instance-type', 'fleet'), spotOrDedicatedHost, fleetRules],
    cloudImage: exactlyOneOf('image-id', 'image-filters'),
  },
});

type AwsProviderEntry = z.output<typeof awsProviderSchema>;

export type AwsProviderSettings = {
  regionName: string;
  profileName?: string;
  endpoint?: string;
};

export type AwsPoolSettings = {
  subnetId?: string;
  securityGroupId?: string;
  publicIpv4: boolean;
  publicIpv6: boolean;
  useInternalIp: boolean;
  hostKeyChecking: boolean;
};

export type AwsLabelSettings = {
  /** Set unless `fleet` is. */
  instanceType?: string;
  fleet?: { instanceTypes: string[]; allocationStrategy: (typeof ALLOCATION_STRATEGIES)[number] };
  keyName: string;
  volumeType?: string;
  /** GiB. */
  volumeSize?: number;
  iops?: number;
  /** MiB/s. */
  throughput?: number;
  ebsOptimized: boolean;
  userdata?: string;
  iamInstanceProfile?: { name: string } | { arn: string };
  /** Format strings over the request, e.g. `{request.id}`. */
  dynamicTags: Record<string, string>;
  useSpot: boolean;
  imdsv2?: 'required' | 'optional';
  dedicatedHost: boolean;
};

export type AwsCloudImageSettings = {
  /** Set unless `imageFilters` is. */
  imageId?: string;
  imageFilters?: Array<{ name: string; values: string[] }>;
};

/** A launch from a diskimage's upload needs nothing beyond the AMI id the upload records. */
export type AwsDiskimageSettings = Record<string, never>;

export type AwsSettings = {
  provider: AwsProviderSettings;
  pool: AwsPoolSettings;
  label: AwsLabelSettings;
  cloudImage: AwsCloudImageSettings;
  diskimage: AwsDiskimageSettings;
};

/** The configuration of one `driver: aws` provider. `rate` is requests per second (default 2). */
export class AwsProviderConfig extends BaseProviderConfig<AwsProviderEntry, AwsSettings> {
  constructor(raw: Readonly<Record<string, unknown>>) {
    super(raw, 'aws', awsProviderSchema, AWS_BOOT_TIMEOUT);
  }

  protected providerSettings(provider: AwsProviderEntry): AwsProviderSettings {
    return { regionName: provider['region-name'], profileName: provider['profile-name'], endpoint: provider.endpoint };
  }

  protected override poolLimitDefaults(provider: AwsProviderEntry): Record<string, number | undefined> {
    return {
      instances: provider['max-servers'],
      cores: provider['max-cores'],
      ram: provider['max-ram'],
      ...provider['max-resources'],
    };
  }

  protected override availabilityZones(pool: PoolOf<AwsProviderEntry>): string[] {
    const zone = pool['availability-zone'];
    return zone === undefined ? (pool['availability-zones'] ?? []) : [zone];
  }

  protected poolSettings(pool: PoolOf<AwsProviderEntry>): AwsPoolSettings {
    return {
      subnetId: pool['subnet-id'],
      securityGroupId: pool['security-group-id'],
      publicIpv4: pool['public-ipv4'] ?? pool['public-ip-address'] ?? true,
      publicIpv6: pool['public-ipv6'],
      useInternalIp: pool['use-internal-ip'],
      hostKeyChecking: pool['host-key-checking'],
    };
  }

  protected hostKeyChecking(_label: LabelOf<AwsProviderEntry>, pool: PoolOf<AwsProviderEntry>): boolean {
    return pool['host-key-checking'];
  }

  protected labelSettings(label: LabelOf<AwsProviderEntry>): AwsLabelSettings {
    const { fleet } = label;
    const profile = label['iam-instance-profile'];
    return {
      instanceType: label['instance-type'],
      fleet: fleet && { instanceTypes: fleet['instance-types'] ?? [], allocationStrategy: fleet['allocation-strategy'] },
      keyName: label['key-name'],
      volumeType: label['volume-type'],
      volumeSize: label['volume-size'],
      iops: label.iops,
      throughput: label.throughput,
      ebsOptimized: label['ebs-optimized'],
      userdata: label.userdata,
      iamInstanceProfile: profile && (profile.arn === undefined ? { name: profile.name! } : { arn: profile.arn }),
      dynamicTags: label['dynamic-tags'],
      useSpot: label['use-spot'],
      imdsv2: label.imdsv2,
      dedicatedHost: label['dedicated-host'],
    };
  }

  protected override unavailableReason(label: LabelOf<AwsProviderEntry>): string | undefined {
    if (label.fleet?.['instance-requirements'] === undefined) return super.unavailableReason(label);
    return `label "${label.name}": fleet instance-requirements are not supported by cloudpool yet (list instance-types instead)`;
  }

  protected diskimageSettings(): AwsDiskimageSettings {
    return {};
  }

  protected cloudImageSettings(image: CloudImageOf<AwsProviderEntry>): AwsCloudImageSettings {
    return { imageId: image['image-id'], imageFilters: image['image-filters'] };
  }

  protected labelTags(label: LabelOf<AwsProviderEntry>): Record<string, string> {
    return label.tags;
  }
}

/** `Name`/`Values` (boto's spelling, which Nodepool accepts) as `name`/`values`. */
function lowercaseFilterKeys(filter: unknown): unknown {
  if (filter === null || typeof filter !== 'object' || Array.isArray(filter)) return filter;
  return Object.fromEntries(Object.entries(filter).map(([key, value]) => [key === 'Name' || key === 'Values' ? key.toLowerCase() : key, value]));
}
