import { randomBytes } from 'node:crypto';
import { newHexId } from '../wire.js';

/** Who may sign in to the simulated cloud: one domain, one user, one project, one application credential. */
export interface CloudIdentity {
  domain: { id: string; name: string };
  user: { id: string; name: string; password: string };
  project: { id: string; name: string };
  applicationCredential: { id: string; name: string; secret: string };
}

/** Names and secrets to sign in with; the secrets are random unless given. */
export interface IdentityOptions {
  username?: string;
  password?: string;
  projectName?: string;
  applicationCredentialName?: string;
  applicationCredentialSecret?: string;
}

export function makeIdentity(options: IdentityOptions = {}): CloudIdentity {
  return {
    domain: { id: 'default', name: 'Default' },
    user: { id: newHexId(), name: options.username ?? 'cloudpool', password: options.password ?? randomSecret() },
    project: { id: newHexId(), name: options.projectName ?? 'cloudpool' },
    applicationCredential: {
      id: newHexId(),
      name: options.applicationCredentialName ?? 'cloudpool-launcher',
      secret: options.applicationCredentialSecret ?? randomSecret(),
    },
  };
}

function randomSecret(): string {
  return randomBytes(18).toString('base64url');
}
