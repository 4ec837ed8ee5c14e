import { openstackDriver } from './driver.js';

export { createOpenStackDriver, openstackDriver, type OpenStackDriverOptions } from './driver.js';
export { OpenStackAdapter, type OpenStackAdapterConfig, type OpenStackAdapterOptions } from './adapter.js';
export { HEURISTIC_TAG } from './leak-resources.js';
export { ATTEMPT_KEY, identityDescription, providerServerTag, toNeutronTags, fromNeutronTags } from './tags.js';
export type * from './port.js';
export { HttpOpenStackApi, type HttpOpenStackApiOptions } from './sdk/sdk-port.js';
export { defaultCloudsYamlSearch, loadCloudConfig, type CloudsYamlSearch } from './clouds/clouds-yaml.js';
export type * from './clouds/cloud-config.js';
export { CloudConfigError } from './clouds/cloud-config-error.js';
export { ConnectionRegistry, openstackConnections, type ConnectionLease, type OpenStackConnection } from './sdk/client-registry.js';
export { OpenStackClient } from './sdk/http-client.js';
export { COMPUTE, Microversion } from './sdk/microversion.js';
export * from './config.js';

export default openstackDriver;
export { GlanceImageUploads, HttpGlanceUploadApi, type GlanceUploadApi, type GlanceImageUploadsOptions } from './image-upload.js';
