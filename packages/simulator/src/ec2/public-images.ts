import type { ImageBlockDevice } from './images.js';

/** A public AMI the simulator offers from the start, in the shape of the real ones. */
export interface PublicImage {
  id: string;
  name: string;
  description: string;
  ownerId: string;
  ownerAlias?: string;
  creationDate: string;
  architecture: string;
  rootDeviceName: string;
  rootDevice: ImageBlockDevice;
  bootMode?: string;
}

const CANONICAL = '099720109477';
const DEBIAN = '136693071363';
const AMAZON = '137112412989';

function root(deviceName: string, snapshotId: string, volumeType: string): ImageBlockDevice {
  return { deviceName, snapshotId, volumeSize: 8, volumeType, deleteOnTermination: true };
}

/**
 * Ubuntu, Debian and Amazon Linux images named as their publishers name them. The ids are
 * made up in the real format (they are not real AMIs of any region).
 */
export const PUBLIC_IMAGES: readonly PublicImage[] = [
  {
    id: 'ami-0f3c9e1a7b5d24c86',
    name: 'ubuntu/images/hvm-ssd/ubuntu-jammy-22.04-amd64-server-20240301',
    description: 'Canonical, Ubuntu, 22.04 LTS, amd64 jammy image build on 2024-03-01',
    ownerId: CANONICAL,
    creationDate: '2024-03-01T07:31:12.000Z',
    architecture: 'x86_64',
    rootDeviceName: '/dev/sda1',
    rootDevice: root('/dev/sda1', 'snap-04c1e6f5a2b9d3087', 'gp2'),
  },
  {
    id: 'ami-0b7d4e29c6a1f5e30',
    name: 'ubuntu/images/hvm-ssd-gp3/ubuntu-noble-24.04-amd64-server-20240801',
    description: 'Canonical, Ubuntu, 24.04 LTS, amd64 noble image build on 2024-08-01',
    ownerId: CANONICAL,
    creationDate: '2024-08-01T09:12:45.000Z',
    architecture: 'x86_64',
    rootDeviceName: '/dev/sda1',
    rootDevice: root('/dev/sda1', 'snap-0a8e2d71c4f69b513', 'gp3'),
    bootMode: 'uefi-preferred',
  },
  {
    id: 'ami-06c2a8f1d9e4b7350',
    name: 'ubuntu/images/hvm-ssd-gp3/ubuntu-noble-24.04-arm64-server-20240801',
    description: 'Canonical, Ubuntu, 24.04 LTS, arm64 noble image build on 2024-08-01',
    ownerId: CANONICAL,
    creationDate: '2024-08-01T09:14:02.000Z',
    architecture: 'arm64',
    rootDeviceName: '/dev/sda1',
    rootDevice: root('/dev/sda1', 'snap-0e5b93a0d17c4f268', 'gp3'),
    bootMode: 'uefi',
  },
  {
    id: 'ami-0d94f7b3e1c25a618',
    name: 'debian-12-amd64-20240717-1811',
    description: 'Debian 12 (20240717-1811)',
    ownerId: DEBIAN,
    creationDate: '2024-07-17T18:41:27.000Z',
    architecture: 'x86_64',
    rootDeviceName: '/dev/xvda',
    rootDevice: root('/dev/xvda', 'snap-0713c5e8a9b2d4f61', 'gp2'),
  },
  {
    id: 'ami-0a1e6c8b3f7d95420',
    name: 'al2023-ami-2023.5.20240805.0-kernel-6.1-x86_64',
    description: 'Amazon Linux 2023 AMI 2023.5.20240805.0 x86_64 HVM kernel-6.1',
    ownerId: AMAZON,
    ownerAlias: 'amazon',
    creationDate: '2024-08-05T21:02:33.000Z',
    architecture: 'x86_64',
    rootDeviceName: '/dev/xvda',
    rootDevice: root('/dev/xvda', 'snap-02f7d6b4c8e1a9350', 'gp3'),
    bootMode: 'uefi-preferred',
  },
];
