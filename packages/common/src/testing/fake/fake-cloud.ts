import { CloudError, type CloudErrorKind } from '../../errors/cloud-error.js';

/** One instance of the in-memory cloud. */
export interface FakeInstance {
  id: string;
  tags: Record<string, string>;
  flavor: string;
  /** What it boots: the builder upload's image id, or the cloud image's name. */
  image?: string;
  cores: number;
  ram: number;
  createdAt: number;
  readyAt: number;
  /** Set once a delete was requested; the instance disappears at `goneAt`. */
  goneAt?: number;
  /** Set when the instance failed to boot. */
  error?: { kind: CloudErrorKind; message: string };
  /** The idempotency token it was created with. */
  token: string;
}

/** A volume made with each instance (so leak cleanup has sub-resources to find). */
export interface FakeVolume {
  id: string;
  tags: Record<string, string>;
  attachedTo: string | undefined;
  createdAt: number;
}

export interface FakeCloudOptions {
  clock?: { now(): number };
  /** Ms from create to ready. */
  bootTimeMs?: number;
  /** Ms from delete to gone. */
  deleteTimeMs?: number;
  /** Cloud limits; absent keys are unlimited. */
  limits?: { instances?: number; cores?: number; ram?: number };
}

/**
 * An in-memory cloud for testing the framework: instances with tags, a volume per instance
 * (deleted with it), quotas, latency-free by default, and failures on demand. Time comes from
 * the injected clock, so boot and delete delays are tested without sleeping.
 */
export class FakeCloud {
  readonly instances = new Map<string, FakeInstance>();
  readonly volumes = new Map<string, FakeVolume>();
  /** Calls per action, for asserting API economy. */
  readonly calls = new Map<string, number>();
  readonly clock: { now(): number };
  bootTimeMs: number;
  deleteTimeMs: number;
  limits: { instances?: number; cores?: number; ram?: number };
  /** Errors the next creates throw, in order (before creating anything). */
  readonly failNextCreates: CloudErrorKind[] = [];
  /** Errors the next creates put the instance into after it was created (boot failures). */
  readonly failNextBoots: Array<{ kind: CloudErrorKind; message: string }> = [];
  /** Errors the next provider starts throw, in order (e.g. an identity-token timeout, bad credentials). */
  readonly failNextStarts: CloudErrorKind[] = [];
  /** While set, every list call fails with this kind (a failed page). */
  failListsWith: CloudErrorKind | undefined;
  /** While set, every delete call fails with this kind. */
  failDeletesWith: CloudErrorKind | undefined;
  private nextId = 1;

  constructor(options: FakeCloudOptions = {}) {
    this.clock = options.clock ?? { now: () => Date.now() };
    this.bootTimeMs = options.bootTimeMs ?? 0;
    this.deleteTimeMs = options.deleteTimeMs ?? 0;
    this.limits = options.limits ?? {};
  }

  /** What a provider start asks of the cloud (sign-in): fails with the next of `failNextStarts`. */
  connect(): void {
    this.count('connect');
    const failure = this.failNextStarts.shift();
    if (failure) throw new CloudError(failure, `fake ${failure} error on sign-in`, { action: 'connect', code: failure });
  }

  /** Creates an instance and its volume, or returns the one made with the same token. */
  createInstance(input: { token: string; tags: Record<string, string>; flavor: string; image?: string; cores: number; ram: number }): FakeInstance {
    this.count('create');
    const existing = [...this.instances.values()].find((i) => i.token === input.token);
    if (existing) return existing;
    const failure = this.failNextCreates.shift();
    if (failure) throw new CloudError(failure, `fake ${failure} error on create`, { action: 'create', code: failure });
    this.checkQuota(input.cores, input.ram);
    const now = this.clock.now();
    const instance: FakeInstance = {
      id: `fake-${this.nextId++}`,
      tags: { ...input.tags },
      flavor: input.flavor,
      ...(input.image === undefined ? {} : { image: input.image }),
      cores: input.cores,
      ram: input.ram,
      createdAt: now,
      readyAt: now + this.bootTimeMs,
      token: input.token,
    };
    const bootFailure = this.failNextBoots.shift();
    if (bootFailure) instance.error = bootFailure;
    this.instances.set(instance.id, instance);
    const volume: FakeVolume = { id: `vol-${instance.id}`, tags: { ...input.tags }, attachedTo: instance.id, createdAt: now };
    this.volumes.set(volume.id, volume);
    return instance;
  }

  /** Instances still present (deleted ones vanish once their delete time passed). */
  listInstances(): FakeInstance[] {
    this.count('list-instances');
    if (this.failListsWith) throw new CloudError(this.failListsWith, 'fake list failure', { action: 'list-instances' });
    this.expire();
    return [...this.instances.values()];
  }

  listVolumes(): FakeVolume[] {
    this.count('list-volumes');
    if (this.failListsWith) throw new CloudError(this.failListsWith, 'fake list failure', { action: 'list-volumes' });
    this.expire();
    return [...this.volumes.values()];
  }

  /** Starts deleting an instance; its volume goes with it. NotFound is a not-found CloudError. */
  deleteInstance(id: string): void {
    this.count('delete-instance');
    if (this.failDeletesWith) throw new CloudError(this.failDeletesWith, 'fake delete failure', { action: 'delete-instance' });
    this.expire();
    const instance = this.instances.get(id);
    if (!instance) throw new CloudError('not-found', `instance ${id} not found`, { action: 'delete-instance' });
    instance.goneAt ??= this.clock.now() + this.deleteTimeMs;
    this.expire();
  }

  deleteVolume(id: string): void {
    this.count('delete-volume');
    if (this.failDeletesWith) throw new CloudError(this.failDeletesWith, 'fake delete failure', { action: 'delete-volume' });
    const volume = this.volumes.get(id);
    if (!volume) throw new CloudError('not-found', `volume ${id} not found`, { action: 'delete-volume' });
    if (volume.attachedTo && this.instances.has(volume.attachedTo)) {
      throw new CloudError('permanent', `volume ${id} is attached`, { action: 'delete-volume', code: 'VolumeInUse' });
    }
    this.volumes.delete(id);
  }

  /** Plants a resource as if someone else (or an earlier crash) had made it. */
  plantInstance(tags: Record<string, string>, options: { ageMs?: number } = {}): FakeInstance {
    const now = this.clock.now() - (options.ageMs ?? 0);
    const instance: FakeInstance = {
      id: `fake-${this.nextId++}`,
      tags: { ...tags },
      flavor: 'planted',
      cores: 1,
      ram: 1024,
      createdAt: now,
      readyAt: now,
      token: `planted-${this.nextId}`,
    };
    this.instances.set(instance.id, instance);
    return instance;
  }

  plantVolume(tags: Record<string, string>, options: { ageMs?: number } = {}): FakeVolume {
    const volume: FakeVolume = { id: `vol-planted-${this.nextId++}`, tags: { ...tags }, attachedTo: undefined, createdAt: this.clock.now() - (options.ageMs ?? 0) };
    this.volumes.set(volume.id, volume);
    return volume;
  }

  private checkQuota(cores: number, ram: number): void {
    const live = [...this.instances.values()].filter((i) => i.goneAt === undefined);
    const used = { instances: live.length, cores: live.reduce((s, i) => s + i.cores, 0), ram: live.reduce((s, i) => s + i.ram, 0) };
    const need = { instances: 1, cores, ram };
    for (const key of ['instances', 'cores', 'ram'] as const) {
      const limit = this.limits[key];
      if (limit !== undefined && used[key] + need[key] > limit) {
        throw new CloudError('quota', `fake quota exceeded for ${key}: ${used[key]} + ${need[key]} > ${limit}`, { action: 'create', code: 'QuotaExceeded' });
      }
    }
  }

  private expire(): void {
    const now = this.clock.now();
    for (const instance of this.instances.values()) {
      if (instance.goneAt !== undefined && instance.goneAt <= now) {
        this.instances.delete(instance.id);
        for (const volume of this.volumes.values()) if (volume.attachedTo === instance.id) this.volumes.delete(volume.id);
      }
    }
  }

  private count(action: string): void {
    this.calls.set(action, (this.calls.get(action) ?? 0) + 1);
  }
}
