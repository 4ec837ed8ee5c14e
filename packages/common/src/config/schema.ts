import { z } from 'zod';
import { count, ignored, name, port, seconds, secondsOrOff, wholeNumber } from './schema-helpers.js';

/** Nodepool's `zookeeper-servers` entry. */
const zookeeperServerSchema = z.strictObject({
  host: name(),
  port: port().default(2181),
  chroot: z.string().optional(),
});

/**
 * A ZooKeeper connection has one chroot, for the whole ensemble (the connect string's
 * `host1:port1,host2:port2/chroot`). Nodepool joins every entry's `host:port<chroot>` with commas,
 * which only works when a single server names it; here the entries that name one must agree,
 * and it applies to every server.
 */
function oneChroot(servers: Array<{ chroot?: string | undefined }>, ctx: z.RefinementCtx): void {
  const firstIndex = servers.findIndex((server) => server.chroot !== undefined);
  const first = servers[firstIndex]?.chroot;
  servers.forEach((server, index) => {
    if (server.chroot === undefined || server.chroot === first) return;
    ctx.addIssue({
      code: 'custom',
      path: [index, 'chroot'],
      message: `chroot "${server.chroot}" differs from zookeeper-servers[${firstIndex}]'s ("${first}"): the ensemble has one chroot`,
    });
  });
}

/** Nodepool's `zookeeper-tls`: paths of the client certificate, its key and the CA. */
const zookeeperTlsSchema = z.strictObject({ cert: name(), key: name(), ca: name() });

/** Nodepool's `zookeeper-auth`: session credentials, `scheme` (default `digest`) with `username` and `password`. */
const zookeeperAuthSchema = z.strictObject({ scheme: name().default('digest'), username: name(), password: z.string() });

/** Nodepool's top-level `labels` entry. */
const labelSchema = z.strictObject({
  name: name(),
  /** -1 disables the label: no node of it is ever created. */
  'min-ready': wholeNumber().min(-1).default(0),
  /** Seconds; 0: ready nodes never expire. */
  'max-ready-age': secondsOrOff().default(0),
});

/**
 * Nodepool's `tenant-resource-limits` entry: `max-servers`, `max-cores`, `max-ram`, any other
 * `max-<resource>` key, and any other key as a resource of its own (an AWS quota code such as
 * `L-43DA4232`), as Nodepool's schema allows (`str: int`).
 */
const tenantLimitSchema = z
  .strictObject({
    'tenant-name': name(),
    'max-servers': count().optional(),
    'max-cores': count().optional(),
    'max-ram': count().optional(),
  })
  .catchall(count());

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

/**
 * An http(s) URL with a host. Refused without echoing the value: a webhook URL may carry
 * credentials (`https://user:token@host/...`).
 */
const httpUrl = () =>
  z.string().refine(
    (value) => {
      try {
        const url = new URL(value);
        return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '';
      } catch {
        return false;
      }
    },
    { message: 'expected an http:// or https:// URL with a host (value not shown: it may hold credentials)' },
  );

/** cloudpool's node state-change notifications (Nodepool has none). */
const notificationsSchema = z.strictObject({
  /** Every notification is POSTed as JSON to this URL, retried with backoff, never blocking a launch. */
  webhook: httpUrl().optional(),
});

/**
 * A top-level `diskimages` entry. The keys a launcher uses are checked; the build keys
 * (`elements`, `env-vars`, `formats`, `rebuild-age`, ...) are nodepool-builder's and pass.
 */
const diskimageSchema = z.looseObject({
  name: name(),
  /** Another entry whose keys this one inherits. */
  parent: name().optional(),
  abstract: z.boolean().optional(),
  username: name().optional(),
  'python-path': name().optional(),
  'shell-type': name().optional(),
  pause: z.boolean().optional(),
  /** Seconds a build is used before the builder makes a new one (Nodepool's default: 86400). */
  'rebuild-age': z.number().int().positive().optional(),
  /** Disk formats built; the first one is what `cloudpool builder` uploads. */
  formats: z.array(name()).optional(),
  /**
   * cloudpool's own: a shell command `cloudpool builder` runs to build the image (instead of
   * diskimage-builder), writing the file named by `$CLOUDPOOL_IMAGE_FILE`.
   */
  'cloudpool-build-command': z.string().min(1).optional(),
});

/** The `cloudpool:` section: cloudpool's own settings; a plain `nodepool.yaml` has none. */
const cloudpoolSchema = z.strictObject({
  /** Pins the installation id written as `cloudpool_system_id` (otherwise kept in ZooKeeper). */
  'system-id': name().optional(),
  cleanup: cleanupSchema.prefault({}),
  notifications: notificationsSchema.prefault({}),
});

/**
 * Nodepool's secure file (`nodepool-launcher -s`): ZooKeeper settings kept out of `nodepool.yaml`.
 * Its `zookeeper-servers`, when any, replace the file's; its `zookeeper-tls` replaces the file's.
 */
export const secureFileSchema = z.strictObject({
  'zookeeper-servers': z.array(zookeeperServerSchema).superRefine(oneChroot).default([]),
  'zookeeper-tls': zookeeperTlsSchema.optional(),
  // nodepool-builder's secret environment of diskimages.
  diskimages: ignored(),
});

/**
 * The top level of `nodepool.yaml`. Providers are only checked to be mappings here: each is
 * validated by its driver's schema.
 */
export const topLevelSchema = z.strictObject({
  'zookeeper-servers': z.array(zookeeperServerSchema).min(1).superRefine(oneChroot),
  'zookeeper-tls': zookeeperTlsSchema.optional(),
  'zookeeper-auth': zookeeperAuthSchema.optional(),
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
  /** nodepool-builder's images: the launcher reads what nodes booted from their uploads need. */
  diskimages: z.array(diskimageSchema).default([]),
  // nodepool-builder's settings, often in the same file.
  'elements-dir': ignored(),
  'images-dir': ignored(),
  'images-dir-required-free-space': ignored(),
  'build-log-dir': ignored(),
  'build-log-retention': ignored(),
});

export type TopLevelConfig = z.output<typeof topLevelSchema>;
