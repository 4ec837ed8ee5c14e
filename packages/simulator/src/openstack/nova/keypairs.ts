import { createHash } from 'node:crypto';
import { json } from '../../core/index.js';
import { ApiError } from '../errors.js';
import type { KeypairRecord } from '../model.js';
import type { RouteAdder } from '../router.js';
import type { RouteSpec, ServiceEnv } from '../service.js';
import { isoMicros, readJson, requireMember } from '../wire.js';

/**
 * `os-keypairs`: import (the public key is required, as from 2.92), list, show, delete.
 * Servers may name a key pair in `key_name` only if it exists.
 */
export function addKeypairRoutes(router: RouteAdder<RouteSpec>, env: ServiceEnv): void {
  const { state } = env;
  const find = (name: string): KeypairRecord => {
    const keypair = state.keypairs.get(name);
    if (!keypair) throw new ApiError(404, `Keypair ${name} not found for user ${state.userId}`);
    return keypair;
  };
  router
    .add('GET', '/os-keypairs', {
      action: 'nova.keypairs.list',
      kind: 'read',
      handle: () =>
        json(200, {
          keypairs: [...state.keypairs.values()].map((keypair) => ({
            keypair: { fingerprint: keypair.fingerprint, name: keypair.name, public_key: keypair.publicKey, type: 'ssh' },
          })),
        }),
    })
    .add('POST', '/os-keypairs', {
      action: 'nova.keypairs.create',
      kind: 'write',
      handle: (context) => {
        const request = requireMember(readJson(context.request), 'keypair');
        const { name, public_key: publicKey } = request;
        if (typeof name !== 'string' || !/^[\w. -]{1,255}$/.test(name)) {
          throw new ApiError(400, 'Keypair data is invalid: Keypair name contains unsafe characters');
        }
        if (typeof publicKey !== 'string') throw new ApiError(400, "Invalid input for field/attribute keypair. 'public_key' is a required property");
        if (state.keypairs.has(name)) throw new ApiError(409, `Key pair '${name}' already exists.`);
        const keypair: KeypairRecord = { name, publicKey, fingerprint: fingerprintOf(publicKey), userId: state.userId, createdAt: env.clock.now() };
        state.keypairs.set(name, keypair);
        const body = { keypair: { fingerprint: keypair.fingerprint, name, public_key: publicKey, type: 'ssh', user_id: state.userId } };
        return json(context.version.atLeast('2.2') ? 201 : 200, body);
      },
    })
    .add('GET', '/os-keypairs/:name', {
      action: 'nova.keypairs.get',
      kind: 'read',
      handle: (context) => {
        const keypair = find(context.params.name ?? '');
        return json(200, {
          keypair: {
            created_at: isoMicros(keypair.createdAt),
            deleted: false,
            deleted_at: null,
            fingerprint: keypair.fingerprint,
            id: 1,
            name: keypair.name,
            public_key: keypair.publicKey,
            type: 'ssh',
            updated_at: null,
            user_id: keypair.userId,
          },
        });
      },
    })
    .add('DELETE', '/os-keypairs/:name', {
      action: 'nova.keypairs.delete',
      kind: 'write',
      handle: (context) => {
        state.keypairs.delete(find(context.params.name ?? '').name);
        return { status: context.version.atLeast('2.2') ? 204 : 202 };
      },
    });
}

/** The MD5 fingerprint of an OpenSSH public key, as `ssh-keygen -l -E md5` prints it. */
function fingerprintOf(publicKey: string): string {
  const body = publicKey.trim().split(/\s+/)[1] ?? publicKey;
  const digest = createHash('md5').update(Buffer.from(body, 'base64')).digest('hex');
  return digest.match(/../g)?.join(':') ?? digest;
}
