import type { Driver } from '@cloudpool/common';
import type { CallOutcome, Quotas, RateLimit, SimulatedCloud } from '@cloudpool/simulator';

/** Simulated time from create to a running instance: short, yet long enough to be seen booting. */
export const BOOT_TIME_MS = 200;

/** One resource a cloud holds, as the checks made around the launcher see it. */
export interface HeldResource {
  /** The test's name for its kind, e.g. `instance`, `volume`, `port`, `public-ip`. */
  type: string;
  id: string;
  /** Its tags (or, for an OpenStack server, its metadata). */
  tags: Record<string, string>;
}

/** What a test changes in the provider entry. */
export interface ProviderOptions {
  /** The pool's `max-servers` (default 10). */
  maxServers?: number;
  /** The provider's `launch-retries` (default 3). */
  launchRetries?: number;
  /** The labels boot nodepool-builder's image `dib` (a `diskimages` entry of the provider) instead of the cloud image. */
  diskimage?: boolean;
  /** Credentials the cloud refuses: its known user or principal with `WRONG_SECRET` (AWS: an unknown access key). */
  wrongCredentials?: boolean;
  /** The provider's `boot-timeout` in seconds (default: the driver's). */
  bootTimeout?: number;
  /** The pool's `host-key-checking` (default: Nodepool's, true, where the cloud's simulated VMs run an sshd). */
  hostKeyChecking?: boolean;
}

/** The builder image `dib` of `ProviderOptions.diskimage`, as the top-level `diskimages` entry names it. */
export const DISKIMAGE = 'dib';

/** A label's image key: the cloud image `ubuntu`, or the builder image. */
export function labelImage(options: ProviderOptions): string {
  return options.diskimage ? `diskimage: ${DISKIMAGE}` : 'cloud-image: ubuntu';
}

/** The secret of `wrongCredentials`; no output of the launcher may contain it. */
export const WRONG_SECRET = 'wrong-secret-5c1e0d7a';

/** The port the simulated VMs' sshd listens on, and the cloud images' `connection-port`. */
export const SSH_PORT = 2222;

/**
 * One cloud as the launcher tests drive it: its simulator, what its driver needs to reach it
 * (credentials, CA, auth file, clouds.yaml), the provider entry of a `nodepool.yaml`, and checks
 * made on the cloud itself, around the launcher and its driver.
 *
 * The provider has one pool `main` with two labels from the simulator's catalog, `small`
 * (2 vCPUs) and `large` (4 vCPUs), both booting one cloud image whose user is `username`.
 */
export abstract class CloudUnderTest<S extends SimulatedCloud = SimulatedCloud> {
  /** The driver's name (`aws`, `azure`, `openstack`); also names the test cases. */
  abstract readonly name: string;
  abstract readonly providerName: string;
  abstract readonly username: string;
  /** The kinds of resource each node is made of in this cloud (one of each). */
  abstract readonly nodeResourceTypes: readonly string[];
  /** The node record's `cloud`: the driver's name unless the driver names the cloud (OpenStack: its `clouds.yaml` cloud). */
  get nodeCloud(): string {
    return this.name;
  }
  /** The simulator's action that creates an instance, as its counters name it. */
  abstract readonly createAction: string;
  private started: S | undefined;

  /** Starts the simulator and writes what the driver reads. */
  async start(): Promise<void> {
    this.started = await this.startSimulator();
  }

  /** Stops the simulator and removes what `start` wrote. */
  async stop(): Promise<void> {
    await this.release();
    await this.started?.stop();
  }

  /** The simulator (after `start`). */
  get sim(): S {
    if (!this.started) throw new Error(`${this.name}: cloud not started`);
    return this.started;
  }

  /** The driver, as the launcher is given it (after `start`). */
  abstract get driver(): Driver;
  /** The provider's entry under `providers:` (after `start`). */
  abstract providerYaml(options?: ProviderOptions): string;
  /**
   * Plants an image in the cloud as nodepool-builder's upload leaves it (private, with the
   * upload tags) and returns its id, the upload record's `external_id`.
   */
  abstract seedBuilderImage(name: string): Promise<string>;
  /** The id of the image an instance was booted from. */
  abstract bootedImage(instanceId: string): Promise<string | undefined>;
  /** Every instance the cloud holds that is not gone yet (booting, failed or being deleted included). */
  abstract instances(): Promise<HeldResource[]>;
  /** Every resource of a kind the driver makes (instances as in `instances()`), with its tags. */
  abstract resources(): Promise<HeldResource[]>;
  /**
   * Makes the next instance created fail as it boots, the way this cloud fails: resolves once
   * the failure is in place, the instance made (where it must be) and the cloud healthy again.
   */
  abstract failNextBoot(): Promise<void>;
  protected abstract startSimulator(): Promise<S>;
  /** Gives back what `startSimulator` took besides the simulator (clients, files, environment). */
  protected abstract release(): Promise<void>;

  /** Sets the cloud's own quotas (an absent key keeps its value, an undefined one lifts it). */
  setQuotas(quotas: Quotas): void {
    this.sim.setKnobs({ quotas });
  }

  /** Limits the cloud's read calls and its write calls (no limit where none is given). */
  setRateLimits({ read, write }: { read?: RateLimit; write?: RateLimit }): void {
    this.sim.setKnobs({ rateLimits: { read, write } });
  }

  /** Calls of `action` the simulator counted, of every outcome unless one is given. */
  calls(action: string, outcome?: CallOutcome): number {
    return this.sim.counters.count(action, outcome);
  }

  /**
   * Requests in which the cloud checked the provider's credentials so far: each EC2 call (every
   * one is signed), each AAD or Keystone token request.
   */
  abstract credentialChecks(): number;

  /** Calls the simulator throttled, over every action. */
  throttledCalls(): number {
    return Object.values(this.sim.counters.snapshot()).reduce((sum, counts) => sum + (counts.throttled ?? 0), 0);
  }
}
