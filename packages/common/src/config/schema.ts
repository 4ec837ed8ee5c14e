import { z } from 'zod';
import { count, ignored, name, port, seconds, secondsOrOff, wholeNumber } from './schema-helpers.js';

/** Nodepool's `zookeeper-servers` entry. */
const zookeeperServerSchema = z.strictObject({
  host: name(),
  port: port().default(2181),
  chroot: z.string().optional(),
});

/** Nodepool's `zookeeper-tls`: paths of the client certificate, its key and the CA. */
const zookeeperTlsSchema = z.strictObject({ cert: name(), key: name(), ca: name() });

/** Nodepool's top-level `labels` entry. */
const labelSchema = z.strictObject({
  name: name(),
  /** -1 disables the label: no node of it is ever created. */
  'min-ready': wholeNumber().min(-1).default(0),
  /** Seconds; 0: ready nodes never expire. */
  'max-ready-age': secondsOrOff().default(0),
});

/**
 * Nodepool's `tenant-resource-limits` entry: `max-servers`, `max-cores`, `max-ram`, and any
 * other `max-<resource>` key (a limit on that resource, as a pool's `max-resources`).
 */
const tenantLimitSchema = z
  .strictObject({
    'tenant-name': name(),
    'max-servers': count().optional(),
    'max-cores': count().optional(),
    'max-ram': count().optional(),
  })
  .catchall(count())
  .superRefine((value, ctx) => {
    for (const key of Object.keys(value)) {
      if (key !== 'tenant-name' && !key.startsWith('max-')) ctx.addIssue({ code: 'custom', message: 'unknown key', path: [key] });
    }
  });

/** cloudpool's leak cleanup (Nodepool has no such settings: its cleanup cannot be tuned). */
const cleanupSchema = z.strictObject({
  /** Seconds between passes; Nodepool's cleanup runs every 60 s. */
  interval: seconds().default(60),
  /**
   * Seconds a resource must exist before it may be deleted as leaked. When unset, the longest
   * launch any provider may run (its `launch-timeout` plus `boot-timeout`), so that nothing still
   * inside a launch is ever taken for a leak (or 3600 s without providers).
   */
  'min-age': secondsOrOff().optional(),
  /** Log what would be deleted, delete nothing. */
  'dry-run': z.boolean().default(false),
  /** Treat resources tagged by Nodepool (our provider tag, no system id) as ours: for a migration. */
  'adopt-nodepool-resources': z.boolean().default(false),
  /**
   * Opt-in stop (off unless set): a pass that would delete more than this share of a provider's
   * tagged instances deletes nothing. The breaker that protects against ZooKeeper data loss
   * trips on evidence instead and needs no setting.
   */
  'max-delete-share': z.number().min(0).max(1).optional(),
  /** At most this many resources are deleted per pass; a larger leak is cleaned over several passes. */
  'max-delete-count': count().default(50),
});

/** The `cloudpool:` section: cloudpool's own settings; a plain `nodepool.yaml` has none. */
const cloudpoolSchema = z.strictObject({
  /** Pins the installation id written as `cloudpool_system_id` (otherwise kept in ZooKeeper). */
  'system-id': name().optional(),
  cleanup: cleanupSchema.prefault({}),
});

/**
 * The top level of `nodepool.yaml`. Providers are only checked to be mappings here: each is
 * validated by its driver's schema.
 */
export const topLevelSchema = z.strictObject({
  'zookeeper-servers': z.array(zookeeperServerSchema).min(1),
  'zookeeper-tls': zookeeperTlsSchema.optional(),
  /** Session timeout, seconds. */
  'zookeeper-timeout': seconds().default(10),
  labels: z.array(labelSchema).default([]),
  /** Seconds; 0: held nodes never expire. */
  'max-hold-age': secondsOrOff().default(0),
  'tenant-resource-limits': z.array(tenantLimitSchema).default([]),
  webapp: z
    .strictObject({ port: port().default(8005), listen_address: z.string().min(1).default('0.0.0.0') })
    .prefault({}),
  providers: z.array(z.record(z.string(), z.unknown())).default([]),
  cloudpool: cloudpoolSchema.prefault({}),
  // nodepool-builder's settings, often in the same file; cloudpool has no builder.
  diskimages: ignored(),
  'elements-dir': ignored(),
  'images-dir': ignored(),
  'images-dir-required-free-space': ignored(),
  'build-log-dir': ignored(),
  'build-log-retention': ignored(),
});

export type TopLevelConfig = z.output<typeof topLevelSchema>;
