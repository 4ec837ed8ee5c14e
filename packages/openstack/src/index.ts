import { openstackDriver } from './driver.js';

export { createOpenStackDriver, openstackDriver, type OpenStackDriverOptions } from './driver.js';
export { OpenStackAdapter, type OpenStackAdapterConfig, type OpenStackAdapterOptions } from './adapter/openstack-adapter.js';
export { HEURISTIC_TAG } from './adapter/leak-resources.js';
export { ATTEMPT_KEY, providerServerTag, toNeutronTags, fromNeutronTags } from './adapter/tags.js';
export type * from './api/openstack-api.js';
export { HttpOpenStackApi, type HttpOpenStackApiOptions } from './api/http-openstack-api.js';
export { defaultCloudsYamlSearch, loadCloudConfig, type CloudsYamlSearch } from './clouds/clouds-yaml.js';
export type * from './clouds/cloud-config.js';
export { CloudConfigError } from './clouds/cloud-config-error.js';
export { ConnectionRegistry, openstackConnections, type ConnectionLease, type OpenStackConnection } from './transport/connection-registry.js';
export { OpenStackClient } from './transport/openstack-client.js';
export { COMPUTE, Microversion } from './transport/microversion.js';
export * from './config.js';

export default openstackDriver;
