/** Nodepool's ZooKeeper layout (see the compatibility spec), plus cloudpool's own system id. */

export const NODEPOOL_ROOT = '/nodepool';
export const REQUEST_ROOT = '/nodepool/requests';
export const REQUEST_LOCK_ROOT = '/nodepool/requests-lock';
export const NODE_ROOT = '/nodepool/nodes';
export const COMPONENTS_ROOT = '/nodepool/components';
export const ELECTION_ROOT = '/nodepool/elections';
export const SYSTEM_ID_PATH = '/cloudpool/system-id';
/** Where Nodepool's builders record images, their builds and each build's uploads per provider. */
export const IMAGE_ROOT = '/nodepool/images';

export type ComponentKind = 'launcher' | 'pool';

/** Throws unless `name` can be one znode name (no `/`, not empty, not `.` or `..`). */
export function assertZnodeName(name: string, what: string): void {
  if (name === '' || name === '.' || name === '..' || name.includes('/')) {
    throw new TypeError(`invalid ${what} ${JSON.stringify(name)}: not usable as a znode name`);
  }
}

function under(root: string, name: string, what: string): string {
  assertZnodeName(name, what);
  return `${root}/${name}`;
}

/** cloudpool's per-pool quota locks (not Nodepool's): `/cloudpool/pool-quota/<pool id>`. */
export const POOL_QUOTA_LOCK_ROOT = '/cloudpool/pool-quota';

/** `/cloudpool/pool-quota/<pool id>`: held by a launcher while it checks a pool's quota and creates the nodes of a request. */
export const poolQuotaLockPath = (poolId: string): string => under(POOL_QUOTA_LOCK_ROOT, poolId, 'pool id');

/** `/nodepool/requests/<id>`, e.g. `/nodepool/requests/100-0000000001`. */
export const requestPath = (id: string): string => under(REQUEST_ROOT, id, 'request id');

/** `/nodepool/requests-lock/<id>`: a separate tree, not under the request. */
export const requestLockPath = (id: string): string => under(REQUEST_LOCK_ROOT, id, 'request id');

/** `/nodepool/nodes/<id>`, e.g. `/nodepool/nodes/0000000042`. */
export const nodePath = (id: string): string => under(NODE_ROOT, id, 'node id');

/** `/nodepool/nodes/<id>/lock`. */
export const nodeLockPath = (id: string): string => `${nodePath(id)}/lock`;

/** `/nodepool/components/<kind>`. */
export const componentRoot = (kind: ComponentKind): string => under(COMPONENTS_ROOT, kind, 'component kind');

/** `/nodepool/elections/<name>`. */
export const electionPath = (name: string): string => under(ELECTION_ROOT, name, 'election name');

/** `/nodepool/images/<image>`. */
export const imagePath = (image: string): string => under(IMAGE_ROOT, image, 'image name');

/** `/nodepool/images/<image>/pause`: present while the image's builds are paused (`nodepool image-pause`). */
export const imagePausePath = (image: string): string => `${imagePath(image)}/pause`;

/** `/nodepool/images/<image>/request-build`: present while a build was asked for (`nodepool image-build`). */
export const imageBuildRequestPath = (image: string): string => `${imagePath(image)}/request-build`;

/** `/nodepool/images/<image>/builds`: an image's builds (and the builders' `lock`). */
export const imageBuildsPath = (image: string): string => `${imagePath(image)}/builds`;

/** `/nodepool/images/<image>/builds/<build>`: one build's record. */
export const imageBuildPath = (image: string, build: string): string => under(imageBuildsPath(image), build, 'build id');

/** `/nodepool/images/<image>/builds/<build>/providers`: the providers a build was uploaded to. */
export const imageProvidersPath = (image: string, build: string): string => `${imageBuildPath(image, build)}/providers`;

/**
 * `/nodepool/images/<image>/builds/<build>/providers/<provider>/images`: the uploads of one
 * build to one provider (and the uploaders' `lock`).
 */
export function imageUploadsPath(image: string, build: string, provider: string): string {
  return `${under(imageProvidersPath(image, build), provider, 'provider name')}/images`;
}

/** `/nodepool/images/<image>/builds/<build>/providers/<provider>/images/<upload>`: one upload's record. */
export function imageUploadPath(image: string, build: string, provider: string, upload: string): string {
  return under(imageUploadsPath(image, build, provider), upload, 'upload id');
}
