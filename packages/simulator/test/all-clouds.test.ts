import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import https from 'node:https';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SIMULATOR_LABELS, startAllClouds, writeClientFiles, type AllClouds, type ClientFiles } from '../src/all-clouds.js';

/** The status of `GET <url>/__sim/counters`, trusting `ca` for HTTPS. */
function adminStatus(url: string, ca?: string): Promise<number> {
  return new Promise((resolve, reject) => {
    https
      .get(`${url}/__sim/counters`, ca === undefined ? {} : { ca }, (response) => {
        response.resume();
        resolve(response.statusCode ?? 0);
      })
      .on('error', reject);
  });
}

async function httpStatus(url: string): Promise<number> {
  return (await fetch(`${url}/__sim/counters`)).status;
}

describe('startAllClouds and writeClientFiles', () => {
  let clouds: AllClouds;
  let directory: string;
  let files: ClientFiles;

  beforeAll(async () => {
    clouds = await startAllClouds({ ec2: { region: 'eu-west-1' }, openstack: { cloudName: 'sim-cloud' } });
    directory = await mkdtemp(path.join(tmpdir(), 'cloudpool-all-clouds-'));
    files = await writeClientFiles(directory, clouds, { host: '127.0.0.1', port: 2281, chroot: '/demo' });
  });
  afterAll(async () => {
    await clouds?.stop();
    await rm(directory, { recursive: true, force: true });
  });

  it('starts the three simulators on distinct loopback ports, with the options given to each', async () => {
    const urls = [clouds.ec2.url, clouds.azure.url, clouds.openstack.url];
    for (const url of urls) expect(new URL(url).hostname).toBe('127.0.0.1');
    expect(new Set(urls.map((url) => new URL(url).port)).size).toBe(3);
    expect(clouds.ec2.connectionInfo().region).toBe('eu-west-1');
    expect(clouds.openstack.connectionInfo().cloudName).toBe('sim-cloud');
    expect(await httpStatus(clouds.ec2.url)).toBe(200);
    expect(await httpStatus(clouds.openstack.url)).toBe(200);
    expect(await adminStatus(clouds.azure.url, clouds.azure.ca)).toBe(200);
  });

  it('writes the AWS variables, the Azure auth file and CA, and clouds.yaml, secrets readable by the owner only', async () => {
    const ec2 = clouds.ec2.connectionInfo();
    expect(await readFile(files.awsEnv, 'utf8')).toBe(
      `AWS_ENDPOINT_URL=${ec2.endpoint}\nAWS_ACCESS_KEY_ID=${ec2.accessKeyId}\nAWS_SECRET_ACCESS_KEY=${ec2.secretAccessKey}\nAWS_REGION=eu-west-1\n`,
    );
    expect(JSON.parse(await readFile(files.azureAuth, 'utf8'))).toEqual(clouds.azure.connectionInfo().authFile);
    expect(await readFile(files.azureCa, 'utf8')).toBe(clouds.azure.ca);
    expect(await readFile(files.cloudsYaml, 'utf8')).toBe(clouds.openstack.connectionInfo().yaml);
    for (const secret of [files.awsEnv, files.azureAuth, files.cloudsYaml]) expect((await stat(secret)).mode & 0o777).toBe(0o600);
  });

  it('writes a nodepool.yaml on the given ZooKeeper with one provider per cloud pointing at the simulators and the files', async () => {
    const text = await readFile(files.nodepoolYaml, 'utf8');
    expect(text).toContain('  - host: "127.0.0.1"\n    port: 2281\n    chroot: "/demo"');
    expect(text).toContain(`endpoint: "${clouds.ec2.url}"`);
    expect(text).toContain(`auth-path: ${JSON.stringify(files.azureAuth)}`);
    expect(text).toContain(`ca-file: ${JSON.stringify(files.azureCa)}`);
    expect(text).toContain(`subnet-id: ${JSON.stringify(clouds.azure.subnetId)}`);
    expect(text).toContain('cloud: "sim-cloud"');
    expect(text).toContain(`export OS_CLIENT_CONFIG_FILE=${JSON.stringify(files.cloudsYaml)}`);
    for (const label of Object.values(SIMULATOR_LABELS)) expect(text).toContain(`  - name: ${label}\n`);
  });

  it('stops every simulator', async () => {
    const stopped = await startAllClouds();
    const urls = [stopped.ec2.url, stopped.openstack.url];
    await stopped.stop();
    for (const url of urls) await expect(httpStatus(url)).rejects.toThrow();
  });

  it('fails when one simulator cannot start, stopping the others', async () => {
    const blocker: Server = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const { port } = blocker.address() as { port: number };
    try {
      await expect(startAllClouds({ openstack: { port } })).rejects.toThrow(/EADDRINUSE/);
    } finally {
      blocker.close();
    }
  });
});
