import { readFile } from 'node:fs/promises';
import { ClientSecretCredential, DefaultAzureCredential } from '@azure/identity';
import { z } from 'zod';
import { type ArmConnection, digest, tlsOptionsFor } from './client-registry.js';

/** Azure's public cloud, for auth files without endpoint fields. */
const PUBLIC_CLOUD = {
  activeDirectoryEndpointUrl: 'https://login.microsoftonline.com',
  resourceManagerEndpointUrl: 'https://management.azure.com',
};

/**
 * The service-principal file that `az ad sp create-for-rbac --sdk-auth` writes. Fields the driver
 * does not use (`activeDirectoryGraphResourceId`, `galleryEndpointUrl`, ...) are allowed.
 */
const authFileSchema = z.looseObject({
  clientId: z.string().min(1),
  clientSecret: z.string().min(1),
  subscriptionId: z.string().min(1),
  tenantId: z.string().min(1),
  activeDirectoryEndpointUrl: z.url().optional(),
  resourceManagerEndpointUrl: z.url().optional(),
});

export interface ConnectionOptions {
  /** The provider's `auth-path`; without it, the SDK's default credential chain. */
  authPath?: string;
  /** A PEM CA to trust (tests' simulators). */
  ca?: string;
  /** Environment for the default chain's subscription (`AZURE_SUBSCRIPTION_ID`); default `process.env`. */
  env?: Readonly<Record<string, string | undefined>>;
}

/**
 * How to reach ARM as the configured principal. With `auth-path`: a client-secret credential whose
 * authority is the file's `activeDirectoryEndpointUrl`, and ARM at `resourceManagerEndpointUrl`
 * (so sovereign clouds and simulators work). Instance discovery is off: the authority comes from
 * trusted configuration, and discovery would ask the public cloud about a private one. Without
 * `auth-path`: `DefaultAzureCredential` and the subscription in `AZURE_SUBSCRIPTION_ID`.
 * Errors name the file and the offending keys, never its contents.
 */
export async function openConnection(options: ConnectionOptions): Promise<ArmConnection> {
  const tls = tlsOptionsFor(options.ca);
  if (options.authPath === undefined) {
    const subscriptionId = (options.env ?? process.env).AZURE_SUBSCRIPTION_ID;
    if (!subscriptionId) throw new Error('azure: no auth-path configured and AZURE_SUBSCRIPTION_ID is not set');
    return {
      subscriptionId,
      endpoint: PUBLIC_CLOUD.resourceManagerEndpointUrl,
      credential: new DefaultAzureCredential({ ...tls, retryOptions: { maxRetries: 0 } }),
      credentialKey: 'default-azure-credential',
      ...(options.ca === undefined ? {} : { ca: options.ca }),
    };
  }
  const file = await readAuthFile(options.authPath);
  const authorityHost = file.activeDirectoryEndpointUrl ?? PUBLIC_CLOUD.activeDirectoryEndpointUrl;
  return {
    subscriptionId: file.subscriptionId,
    endpoint: (file.resourceManagerEndpointUrl ?? PUBLIC_CLOUD.resourceManagerEndpointUrl).replace(/\/+$/, ''),
    credential: new ClientSecretCredential(file.tenantId, file.clientId, file.clientSecret, {
      authorityHost,
      disableInstanceDiscovery: true,
      retryOptions: { maxRetries: 0 },
      ...tls,
    }),
    credentialKey: digest(authorityHost, file.tenantId, file.clientId, file.clientSecret),
    ...(options.ca === undefined ? {} : { ca: options.ca }),
  };
}

async function readAuthFile(path: string): Promise<z.output<typeof authFileSchema>> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new Error(`azure: cannot read auth-path ${path}: ${(error as NodeJS.ErrnoException).code ?? 'unreadable'}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new Error(`azure: auth-path ${path} is not valid JSON`);
  }
  const parsed = authFileSchema.safeParse(json);
  if (!parsed.success) {
    const keys = [...new Set(parsed.error.issues.map((issue) => issue.path.join('.') || '(file)'))];
    throw new Error(`azure: auth-path ${path} lacks or has invalid: ${keys.join(', ')}`);
  }
  return parsed.data;
}
