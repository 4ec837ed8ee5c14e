import { QuotaSet, type PoolConfig, type PoolLabelConfig } from '@cloudpool/common';
import type { AwsProviderView } from '../adapter.js';
import type { AwsCloudImageSettings, AwsLabelSettings, AwsPoolSettings } from '../config.js';
import { PUBLIC_IMAGES } from '@cloudpool/simulator';

export const PROVIDER_NAME = 'ec2-sim';
export const SYSTEM_ID = 'system-under-test';
export const POOL_NAME = 'main';

/** The simulator's Ubuntu 22.04 amd64 image. */
export const JAMMY_IMAGE_ID = PUBLIC_IMAGES.find((image) => image.name.includes('jammy-22.04-amd64'))!.id;
/** The newest amd64 Ubuntu image the simulator offers (24.04). */
export const NOBLE_AMD64_IMAGE_ID = PUBLIC_IMAGES.find((image) => image.name.includes('noble-24.04-amd64'))!.id;

export type LabelFixture = { name: string; cloudImage?: string; tags?: Record<string, string> } & Partial<AwsLabelSettings>;

/** A label's settings as the config would load them: t3.medium, 20 GiB gp3, key `zuul`. */
export function labelSettings(overrides: Partial<AwsLabelSettings> = {}): AwsLabelSettings {
  return {
    instanceType: 't3.medium',
    keyName: 'zuul',
    volumeType: 'gp3',
    volumeSize: 20,
    ebsOptimized: false,
    dynamicTags: {},
    useSpot: false,
    dedicatedHost: false,
    ...overrides,
  };
}

export function poolSettings(overrides: Partial<AwsPoolSettings> = {}): AwsPoolSettings {
  return { publicIpv4: true, publicIpv6: false, useInternalIp: false, hostKeyChecking: true, ...overrides };
}

/**
 * An AWS provider's configuration as the adapter reads it: one pool `main` with the given
 * labels (default: `small`), cloud images `jammy` (by id) and `ubuntu-newest` (by filters).
 */
export function providerView(labels: LabelFixture[] = [{ name: 'small' }], pool: Partial<AwsPoolSettings> = {}): AwsProviderView {
  const poolLabels = new Map<string, PoolLabelConfig<AwsLabelSettings>>();
  for (const { name, cloudImage, tags, ...settings } of labels) {
    poolLabels.set(name, { name, poolName: POOL_NAME, cloudImage: cloudImage ?? 'jammy', tags: tags ?? { team: 'ci' }, hostKeyChecking: pool.hostKeyChecking ?? false, settings: labelSettings(settings) });
  }
  const mainPool: PoolConfig<AwsPoolSettings> & { labels: Map<string, PoolLabelConfig<AwsLabelSettings>> } = {
    name: POOL_NAME,
    providerName: PROVIDER_NAME,
    limits: QuotaSet.of({ instances: 10 }),
    priority: 100,
    nodeAttributes: {},
    azs: [],
    labels: poolLabels,
    settings: poolSettings(pool),
  };
  return {
    name: PROVIDER_NAME,
    settings: { regionName: 'us-east-1' },
    pools: new Map([[POOL_NAME, mainPool]]),
    cloudImages: new Map([
      ['jammy', cloudImage('jammy', { imageId: JAMMY_IMAGE_ID })],
      ['ubuntu-newest', cloudImage('ubuntu-newest', { imageFilters: [{ name: 'name', values: ['ubuntu/images/*-amd64-server-*'] }] })],
    ]),
  };
}

function cloudImage(name: string, settings: AwsCloudImageSettings) {
  return { name, username: 'ubuntu', pythonPath: 'auto', connectionType: 'ssh', connectionPort: 22, settings };
}
