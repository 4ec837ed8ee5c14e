import type { configSchema} from '@cloudpool/common';
import { TAG } from '@cloudpool/common';

/** ARM's tag limits: 50 tags per resource, names up to 512 characters, values up to 256. */
export const ARM_TAG_LIMITS = { perResource: 50, nameLength: 512, valueLength: 256 } as const;

/** The tags cloudpool adds to every node resource besides the label's. */
const FRAMEWORK_TAGS = [TAG.nodeId, TAG.poolName, TAG.providerName, TAG.systemId];

const isMapping = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const entries = (value: unknown): Array<[string, unknown]> => (isMapping(value) ? Object.entries(value) : []);
const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);

/**
 * A label whose resources ARM would refuse for their tags: more than 50 with cloudpool's own, a
 * name over 512 characters, a value over 256 (a dynamic tag's template is checked as written;
 * what it formats to is checked by ARM at launch).
 */
export const tagsWithinArmLimits: configSchema.KeyRule = (label, ctx) => {
  const names = new Set<string>(FRAMEWORK_TAGS);
  for (const key of ['tags', 'dynamic-tags'] as const) {
    for (const [name, value] of entries(label[key])) {
      names.add(name);
      if (name.length > ARM_TAG_LIMITS.nameLength) {
        ctx.addIssue({ code: 'custom', message: `tag name longer than ARM's ${ARM_TAG_LIMITS.nameLength} characters`, path: [key, name] });
      }
      if (key === 'tags' && typeof value === 'string' && value.length > ARM_TAG_LIMITS.valueLength) {
        ctx.addIssue({ code: 'custom', message: `tag value longer than ARM's ${ARM_TAG_LIMITS.valueLength} characters`, path: [key, name] });
      }
    }
  }
  if (names.size > ARM_TAG_LIMITS.perResource) {
    ctx.addIssue({
      code: 'custom',
      message: `${names.size} tags with cloudpool's ${FRAMEWORK_TAGS.length} (${FRAMEWORK_TAGS.join(', ')}): ARM allows ${ARM_TAG_LIMITS.perResource} per resource`,
      path: ['tags'],
    });
  }
};

/**
 * Cloud images ARM would refuse a VM of: one with neither an SSH key (`key`, or the provider's
 * `zuul-public-key`) nor a password (`password`, `generate-password`). A Linux VM needs one of
 * them, a Windows VM a password.
 */
export const imagesCanAuthenticate: configSchema.KeyRule = (provider, ctx) => {
  if (typeof provider['zuul-public-key'] === 'string') return;
  list(provider['cloud-images']).forEach((image, index) => {
    if (!isMapping(image)) return;
    if (image.key !== undefined || image.password !== undefined || image['generate-password'] === true) return;
    ctx.addIssue({
      code: 'custom',
      message: 'neither key nor password (nor generate-password): ARM refuses a Linux VM without SSH key or password, a Windows VM without password',
      path: ['cloud-images', index],
    });
  });
};

/**
 * Pools whose NICs would be IPv6 only (`ipv6` without `ipv4`, `public-ipv4` off), after Nodepool's
 * rules of inheritance: ARM refuses a NIC whose primary ip configuration is not IPv4.
 */
export const noIpv6OnlyNics: configSchema.KeyRule = (provider, ctx) => {
  const flag = (pool: Record<string, unknown>, key: string): boolean | undefined => {
    const value = pool[key] ?? provider[key];
    return typeof value === 'boolean' ? value : undefined;
  };
  list(provider.pools).forEach((pool, index) => {
    if (!isMapping(pool)) return;
    const publicIpv4 = flag(pool, 'public-ipv4') ?? true;
    const ipv6 = (flag(pool, 'ipv6') ?? false) || (flag(pool, 'public-ipv6') ?? false);
    const ipv4 = (flag(pool, 'ipv4') ?? false) || publicIpv4 || !ipv6;
    if (ipv4) return;
    ctx.addIssue({
      code: 'custom',
      message: "IPv6 only: ARM refuses a network interface whose primary ip configuration is not IPv4; set ipv4 (or public-ipv4) as well",
      path: ['pools', index],
    });
  });
};
