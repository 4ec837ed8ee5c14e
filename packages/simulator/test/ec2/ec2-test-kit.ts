import { EC2Client } from '@aws-sdk/client-ec2';
import { ServiceQuotasClient } from '@aws-sdk/client-service-quotas';
import { ManualClock, type Faults } from '../../src/core/index.js';
import { Ec2Simulator, PUBLIC_IMAGES, type Ec2SimulatorOptions } from '../../src/ec2/index.js';

/** A started simulator with SDK clients pointed at it (no SDK retries) and the manual clock it runs on. */
export interface Ec2TestBed {
  sim: Ec2Simulator;
  clock: ManualClock;
  ec2: EC2Client;
  quotas: ServiceQuotasClient;
  /** Changes some fault ratios, keeping the others. */
  setFaults(faults: Partial<Faults>): void;
  stop(): Promise<void>;
}

export async function startEc2TestBed(options: Ec2SimulatorOptions = {}): Promise<Ec2TestBed> {
  const clock = new ManualClock();
  const sim = await new Ec2Simulator({ clock, ...options }).start();
  const { endpoint, region, accessKeyId, secretAccessKey } = sim.connectionInfo();
  const config = { endpoint, region, credentials: { accessKeyId, secretAccessKey }, maxAttempts: 1 };
  const ec2 = new EC2Client(config);
  const quotas = new ServiceQuotasClient(config);
  return {
    sim,
    clock,
    ec2,
    quotas,
    setFaults(faults) {
      sim.setKnobs({ faults: { ...sim.knobs.faults, ...faults } });
    },
    async stop() {
      ec2.destroy();
      quotas.destroy();
      await sim.stop();
    },
  };
}

/** The error a promise rejects with (fails the test if it resolves). */
export async function rejectionOf(promise: Promise<unknown>): Promise<Error & { $metadata?: { httpStatusCode?: number } }> {
  try {
    await promise;
  } catch (error) {
    return error as Error & { $metadata?: { httpStatusCode?: number } };
  }
  throw new Error('expected the call to fail');
}

function publicImageId(namePart: string): string {
  const image = PUBLIC_IMAGES.find((candidate) => candidate.name.includes(namePart));
  if (!image) throw new Error(`no public image named like ${namePart}`);
  return image.id;
}

/** Public images the simulator offers from the start. */
export const UBUNTU_JAMMY_AMD64 = publicImageId('jammy-22.04-amd64');
export const UBUNTU_NOBLE_ARM64 = publicImageId('noble-24.04-arm64');
export const DEBIAN_12 = publicImageId('debian-12');
