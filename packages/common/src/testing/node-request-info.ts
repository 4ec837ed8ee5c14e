import type { NodeRequestInfo } from '../driver/request-format.js';

/** A node request as Zuul makes one, for tests of `dynamic-tags` and `dynamic-instance-properties`. */
export function sampleNodeRequestInfo(labels: string[]): NodeRequestInfo {
  return {
    id: '100-0000000042',
    labels,
    requestor: 'zuul',
    requestor_data: { job_name: 'tox-py311' },
    relative_priority: 0,
    event_id: null,
    created_time: 1700000000.5,
    tenant_name: 'openstack',
  };
}
