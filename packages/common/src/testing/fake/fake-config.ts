import { z } from 'zod';
import { BaseProviderConfig, type LabelOf, type PoolOf } from '../../config/base-provider-config.js';
import { providerSchema } from '../../config/provider-schema.js';
import { count, secondsOrOff, wholeNumber } from '../../config/schema-helpers.js';

/** The `fake` driver's keys, on top of the common ones. */
const fakeProviderSchema = providerSchema({
  provider: {
    /** The fake cloud's own quota (absent keys: unlimited). */
    'cloud-limits': z
      .strictObject({ instances: count().optional(), cores: count().optional(), ram: count().optional() })
      .prefault({}),
    /** Seconds a create call takes. */
    'create-latency': secondsOrOff().default(0),
    /** Seconds from create until the instance is ready. */
    'boot-time': secondsOrOff().default(0),
  },
  pool: {
    /**
     * Off by default, unlike Nodepool's drivers: the fake cloud's instances have no network to
     * answer on (`10.0.0.1`). Tests of readiness give the fake adapter a reachable address.
     */
    'host-key-checking': z.boolean().default(false),
  },
  label: {
    cores: wholeNumber().min(1).default(1),
    /** MiB. */
    ram: count().default(1024),
    flavor: z.string().min(1).optional(),
  },
  cloudImage: {},
  diskimage: {},
});

type FakeProviderEntry = z.output<typeof fakeProviderSchema>;

/** The fake driver's settings, level by level. */
export type FakeConfigSettings = {
  provider: {
    cloudLimits: { instances?: number; cores?: number; ram?: number };
    /** Seconds. */
    createLatency: number;
    /** Seconds. */
    bootTime: number;
  };
  pool: Record<string, never>;
  label: { cores: number; ram: number; flavor?: string };
  cloudImage: Record<string, never>;
  diskimage: Record<string, never>;
};

/** Seconds; Nodepool has no fake driver to follow, so AWS's default. */
const FAKE_BOOT_TIMEOUT = 180;

/** The configuration of a provider of the in-memory `fake` driver used by framework tests. */
export class FakeProviderConfig extends BaseProviderConfig<FakeProviderEntry, FakeConfigSettings> {
  constructor(raw: Readonly<Record<string, unknown>>) {
    super(raw, 'fake', fakeProviderSchema, FAKE_BOOT_TIMEOUT);
  }

  protected providerSettings(provider: FakeProviderEntry): FakeConfigSettings['provider'] {
    return {
      cloudLimits: provider['cloud-limits'],
      createLatency: provider['create-latency'],
      bootTime: provider['boot-time'],
    };
  }

  protected poolSettings(): FakeConfigSettings['pool'] {
    return {};
  }

  protected labelSettings(label: LabelOf<FakeProviderEntry>): FakeConfigSettings['label'] {
    return { cores: label.cores, ram: label.ram, flavor: label.flavor };
  }

  protected diskimageSettings(): FakeConfigSettings['diskimage'] {
    return {};
  }

  protected cloudImageSettings(): FakeConfigSettings['cloudImage'] {
    return {};
  }

  protected labelTags(): Record<string, string> {
    return {};
  }

  protected hostKeyChecking(_label: LabelOf<FakeProviderEntry>, pool: PoolOf<FakeProviderEntry>): boolean {
    return pool['host-key-checking'];
  }
}
