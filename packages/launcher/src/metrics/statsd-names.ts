/** How one of Nodepool's statsd names is found among cloudpool's Prometheus series. */
export interface StatsdMapping {
  statsd: string;
  prometheus: string;
  note?: string;
}

/**
 * Nodepool's launcher stats (statsd: the variable parts are in the name; sent as such by
 * `StatsdReporter` when STATSD_HOST is set) and the Prometheus series that carry the same
 * numbers (the variable parts are labels):
 *
 * | Nodepool statsd name | cloudpool series |
 * |---|---|
 * | `nodepool.nodes.<state>` | `sum by (state) (cloudpool_nodes)` |
 * | `nodepool.provider.<provider>.nodes.<state>` | `sum by (provider, state) (cloudpool_nodes)` |
 * | `nodepool.label.<label>.nodes.<state>` | `sum by (label, state) (cloudpool_nodes)` |
 * | `nodepool.launch.<result>` | `cloudpool_launches_total{result}`, `cloudpool_launch_duration_seconds` |
 * | `nodepool.launch.provider.<provider>.<az>.<result>` | `cloudpool_launches_total{provider,result}` |
 * | `nodepool.launch.image.<image>.<result>` | `cloudpool_launches_total{label,result}` |
 * | `nodepool.task.<provider>.<task>` | `cloudpool_api_calls_total{provider,action}`, `cloudpool_api_call_duration_seconds{provider,action}` |
 * | `nodepool.provider.<provider>.max_servers` | `cloudpool_quota_limit{provider,resource="instances",layer="pools"}` |
 * | `nodepool.provider.<provider>.leaked.<type>s` | `cloudpool_cleanup_deleted_total{provider,type}` (`type` singular: `instance`) |
 * | `cloudpool.provider.<provider>.health.<state>` (cloudpool's own) | `cloudpool_provider_health{provider,state}` (`auth_failing` is `auth-failing`) |
 *
 * Launch results: Nodepool's `ready` is `ready`, `error.quota` is `aborted`, `error.unknown`
 * and `error.zksession` are `failed`. There is no `az` label (a node's AZ is in its record),
 * and no requestor label (`nodepool.launch.requestor.<requestor>.<result>` is not kept:
 * requestor names are unbounded).
 */
export const STATSD_MAPPINGS: readonly StatsdMapping[] = [
  { statsd: 'nodepool.nodes.<state>', prometheus: 'sum by (state) (cloudpool_nodes)' },
  { statsd: 'nodepool.provider.<provider>.nodes.<state>', prometheus: 'sum by (provider, state) (cloudpool_nodes)' },
  { statsd: 'nodepool.label.<label>.nodes.<state>', prometheus: 'sum by (label, state) (cloudpool_nodes)' },
  {
    statsd: 'nodepool.launch.<result>',
    prometheus: 'cloudpool_launches_total{result}, cloudpool_launch_duration_seconds{result}',
    note: 'ready = ready, error.quota = aborted, error.unknown and error.zksession = failed',
  },
  { statsd: 'nodepool.launch.provider.<provider>.<az>.<result>', prometheus: 'cloudpool_launches_total{provider,result}', note: 'no az label' },
  { statsd: 'nodepool.launch.image.<image>.<result>', prometheus: 'cloudpool_launches_total{label,result}', note: 'by label, which names its image' },
  { statsd: 'nodepool.launch.requestor.<requestor>.<result>', prometheus: '(not kept)', note: 'requestor names are unbounded' },
  { statsd: 'nodepool.task.<provider>.<task>', prometheus: 'cloudpool_api_calls_total{provider,action}, cloudpool_api_call_duration_seconds{provider,action}' },
  { statsd: 'nodepool.provider.<provider>.max_servers', prometheus: 'cloudpool_quota_limit{provider,resource="instances",layer="pools"}' },
  { statsd: 'nodepool.provider.<provider>.leaked.<type>s', prometheus: 'cloudpool_cleanup_deleted_total{provider,type}', note: 'type is singular: instance, volume...' },
  { statsd: 'cloudpool.provider.<provider>.health.<state>', prometheus: 'cloudpool_provider_health{provider,state}', note: "cloudpool's own; auth_failing = auth-failing" },
];

/** The mapping as plain text, for `/metrics/help`. */
export function statsdMappingText(): string {
  const width = Math.max(...STATSD_MAPPINGS.map((m) => m.statsd.length));
  const lines = STATSD_MAPPINGS.map((m) => `  ${m.statsd.padEnd(width)}  ->  ${m.prometheus}${m.note ? `  (${m.note})` : ''}`);
  return ['Nodepool statsd names and the cloudpool series that carry them:', ...lines].join('\n');
}
