export { connectClient, nextEvent, parseHosts, sharedServerHosts, startScript, testChroot, waitFor } from '@cloudpool/common/testing';
