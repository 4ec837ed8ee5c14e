import { z } from 'zod';
import { DEFAULT_LAUNCH_RETRIES } from '../errors/retry-policy.js';
import { count, exactlyOneOf, freeMap, type KeyRule, name, port, seconds, wholeNumber, withRules } from './schema-helpers.js';

type Shape = z.core.$ZodLooseShape;
type NoKeys = Record<never, never>;

/** Keys of a `cloud-images` entry that every driver has. */
const commonCloudImageSchema = z.strictObject({
  name: name(),
  /** The user a consumer connects as. */
  username: name().optional(),
  /** Zuul's `ansible_python_interpreter`; `auto` lets Ansible choose. */
  'python-path': name().default('auto'),
  /** Zuul's `ansible_shell_type`, for images whose shell is not sh-compatible. */
  'shell-type': name().optional(),
  'connection-type': name().default('ssh'),
  /** Default: 5986 for `winrm`, 22 otherwise. */
  'connection-port': port().optional(),
});

// --- diskimages (images of nodepool-builder) ---

/**
 * Keys of a provider's `diskimages` entry that every driver has (Nodepool's per-driver schemas
 * share these). `name` is a top-level `diskimages` entry; `username`, `python-path` and
 * `shell-type` default to that entry's.
 */
const commonDiskimageSchema = z.strictObject({
  name: name(),
  /** Stops nodepool-builder's uploads to this provider; a launcher still boots ready uploads. */
  pause: z.boolean().default(false),
  username: name().optional(),
  'python-path': name().optional(),
  'shell-type': name().optional(),
  'connection-type': name().default('ssh'),
  /** Default: 5986 for `winrm`, 22 otherwise. */
  'connection-port': port().optional(),
});

/** Keys of a pool's `labels` entry that every driver has. */
const commonLabelSchema = z.strictObject({
  /** Must be declared in the top-level `labels`. */
  name: name(),
  /** The `cloud-images` entry of this provider that the label boots. */
  'cloud-image': name().optional(),
  /** An entry of this provider's `diskimages`: the label boots its newest ready upload. */
  diskimage: name().optional(),
});

/** A pool label boots either a cloud image or a diskimage, as in Nodepool. */
const commonLabelRules: KeyRule[] = exactlyOneOf('cloud-image', 'diskimage');

/** Keys of a `pools` entry that every driver has (limits map to quota as in `PoolConfig.limits`). */
const commonPoolSchema = z.strictObject({
  name: name(),
  'max-servers': count().optional(),
  'max-cores': count().optional(),
  /** MiB. */
  'max-ram': count().optional(),
  'max-volumes': count().optional(),
  'max-volume-gb': count().optional(),
  /** Other quota resources, e.g. an AWS quota code: `L-43DA4232: 448`. */
  'max-resources': z.record(z.string(), count()).default({}),
  /** Lower is preferred. Default: the provider's `priority`. */
  priority: wholeNumber().optional(),
  /** Stored with each node's record in ZooKeeper. */
  'node-attributes': freeMap().default({}),
  'availability-zones': z.array(name()).optional(),
});

/** Keys of a `providers` entry that every driver has. */
const commonProviderSchema = z.strictObject({
  name: name(),
  /** Checked by the loader (Nodepool's default is `openstack`). */
  driver: z.string().optional(),
  /** Nodepool's `rate`: requests per second or seconds between requests, depending on the driver. */
  rate: z.number().positive().optional(),
  /** Attempts at launching a node before its request fails (the outer layer of RETRY_POLICY). */
  'launch-retries': wholeNumber().min(1).default(DEFAULT_LAUNCH_RETRIES),
  /** Seconds from the create call until the instance is active. */
  'launch-timeout': seconds().default(3600),
  /** Seconds from active until the node answers; the default depends on the driver. */
  'boot-timeout': seconds().optional(),
  /** Requests handled at once; 0 (or Nodepool's -1) means no limit. */
  'max-concurrency': wholeNumber().min(-1).default(0),
  /** The default `priority` of the provider's pools. */
  priority: wholeNumber().default(100),
});

/**
 * What a driver adds to the common keys, level by level, and the rules across keys of one
 * level (e.g. "exactly one of image-id, image-filters"). A driver key with the name of a common
 * key replaces it (e.g. to make `username` required).
 */
export interface ProviderSchemaExtension<P extends Shape, PL extends Shape, L extends Shape, I extends Shape, D extends Shape = NoKeys> {
  provider: P;
  pool: PL;
  label: L;
  cloudImage: I;
  /** The driver's keys of a `diskimages` entry (upload keys of nodepool-builder among them). */
  diskimage?: D;
  rules?: { provider?: KeyRule[]; pool?: KeyRule[]; label?: KeyRule[]; cloudImage?: KeyRule[]; diskimage?: KeyRule[] };
}

/**
 * The schema of a driver's `providers` entry: the common keys plus the driver's, at the provider,
 * pool, label and cloud-image levels. Every level is strict: an unknown key is an error, as in
 * Nodepool's own schemas.
 */
export function providerSchema<P extends Shape, PL extends Shape, L extends Shape, I extends Shape, D extends Shape = NoKeys>(
  extension: ProviderSchemaExtension<P, PL, L, I, D>,
) {
  const { rules = {} } = extension;
  const cloudImage = withRules(commonCloudImageSchema.extend(extension.cloudImage), rules.cloudImage);
  const diskimage = withRules(commonDiskimageSchema.extend((extension.diskimage ?? {}) as D), rules.diskimage);
  const label = withRules(commonLabelSchema.extend(extension.label), [...commonLabelRules, ...(rules.label ?? [])]);
  const pool = withRules(
    commonPoolSchema.extend(extension.pool).extend({ labels: z.array(label).default([]) }),
    rules.pool,
  );
  return withRules(
    commonProviderSchema.extend(extension.provider).extend({
      'cloud-images': z.array(cloudImage).default([]),
      diskimages: z.array(diskimage).default([]),
      pools: z.array(pool).default([]),
    }),
    rules.provider,
  );
}

/** A provider entry as every driver's schema outputs it (the common keys, defaults applied). */
export type CommonProviderOutput = z.output<ReturnType<typeof providerSchema<NoKeys, NoKeys, NoKeys, NoKeys, NoKeys>>>;
