export { JUTE_MAX_BUFFER, maxWriteBytes, ZkClient } from './client.js';
export type { ZkClientEvents, ZkConnectionState } from './client.js';
export { childPath } from './znode.js';
export type { ZkCreateOptions, ZkStat, ZkWatchEvent, ZkWatcher } from './znode.js';
export type { ZkAuth, ZkClientConfig, ZkHost, ZkTlsConfig } from './client-config.js';
export { ZkTlsError, checkTlsFiles, tlsFileProblems } from './tls.js';
export type { ZkTlsFiles } from './tls.js';
export { ZkError, isZkError } from './errors.js';
export type { BackgroundErrorHandler, ZkErrorCode } from './errors.js';
export * from './paths.js';
export {
  InvalidRecordError,
  NODE_NONCE_FIELD,
  newNodeNonce,
  nodeNonce,
  NODE_STATES,
  REQUEST_STATES,
  parseNode,
  parseRequest,
  serializeNode,
  serializeRequest,
} from './records.js';
export type {
  NewNode,
  NewNodeRequest,
  NodeFields,
  NodeKnownFields,
  NodeRecord,
  NodeRequestFields,
  NodeRequestKnownFields,
  NodeRequestRecord,
  NodeState,
  RequestState,
  UnknownFields,
} from './records.js';
export { compareRequestIds, parseRequestId, sortRequestsForService } from './request-order.js';
export type { RequestIdParts } from './request-order.js';
export { ZkLock } from './lock.js';
export type { LockAcquireOptions, ZkLockOptions } from './lock.js';
export {
  IMAGE_BUILD_STATES,
  IMAGE_UPLOAD_STATES,
  EmptyImageZnode,
  ImageDeleteRefused,
  ImageUploadCache,
  buildFormats,
  deleteImageBuild,
  deleteImageUpload,
  imageBuildFields,
  imageLocks,
  imageUploadFields,
  listProviderUploads,
  markBuildDeleting,
  markUploadDeleting,
  newestReadyUpload,
  parseImageBuild,
  parseImageUpload,
  readImageTree,
  storeImageBuild,
  storeImageUpload,
  uploadImageId,
} from './image-records.js';
export type {
  ImageBuildFields,
  ImageBuildRecord,
  ImageBuildState,
  ImageBuildWrite,
  ImageTreeEntry,
  ImageUploadFields,
  ImageUploadRecord,
  ImageUploadState,
  ImageUploadWrite,
  ProviderUpload,
} from './image-records.js';
export { NodepoolZk } from './nodepool-zk.js';
export type { LockedNode, NodepoolZkOptions, NodeStateWritten } from './nodepool-zk.js';
export { ComponentRegistration, listComponents } from './components.js';
export type {
  BaseComponentContent,
  ComponentRegistrationOptions,
  LauncherComponentContent,
  PoolComponentContent,
  RegisteredComponent,
} from './components.js';
export { CACHE_LOAD_CONCURRENCY, ZkRecordCache, createNodeCache, createPoolComponentCache, createRequestCache } from './cache.js';
export type { CachedRecord, PoolComponentRecord, RecordCacheEvents, RecordCacheOptions, RecordParser } from './cache.js';
export { ZkElection } from './election.js';
