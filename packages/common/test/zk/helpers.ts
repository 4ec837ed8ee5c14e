export {
  connectClient,
  nextEvent,
  parseHosts,
  sharedServerConfig,
  sharedServerHosts,
  sharedServerTls,
  startScript,
  testChroot,
  waitFor,
} from '@cloudpool/common/testing';
