import type { Ec2Action } from './action-context.js';
import { Ec2Error } from './errors.js';
import { compileFilters, parseFilters, type FilterCatalog } from './filters.js';
import { findInstanceType, INSTANCE_TYPES, type InstanceTypeSpec } from './instance-types.js';
import { decodeNextToken, encodeNextToken, pageSizeOf } from './paging.js';
import { instanceTypeXml } from './resource-xml.js';
import { xmlList, xmlText } from './xml.js';

const INSTANCE_TYPE_FILTERS: FilterCatalog<InstanceTypeSpec> = {
  'instance-type': (spec) => spec.name,
  'current-generation': (spec) => String(spec.currentGeneration),
  'free-tier-eligible': (spec) => String(spec.freeTierEligible),
  'burstable-performance-supported': (spec) => String(spec.burstable),
  hypervisor: (spec) => spec.hypervisor,
  'vcpu-info.default-vcpus': (spec) => String(spec.vcpus),
  'vcpu-info.default-cores': (spec) => String(spec.cores),
  'memory-info.size-in-mib': (spec) => String(spec.memoryMiB),
  'processor-info.supported-architecture': (spec) => spec.architectures,
};

/**
 * DescribeInstanceTypes over the simulator's catalog: `InstanceType.N` (unknown ones are
 * `InvalidInstanceType`) and filters, paged (`MaxResults` 5 to 100) in catalog order.
 */
export const describeInstanceTypes: Ec2Action = {
  kind: 'read',
  run(params, context) {
    const names = params.list('InstanceType');
    const unknown = names.filter((name) => !findInstanceType(name));
    if (unknown.length > 0) {
      throw new Ec2Error('InvalidInstanceType', `The following supplied instance types do not exist: [${unknown.join(', ')}]`);
    }
    const filters = compileFilters(parseFilters(params), INSTANCE_TYPE_FILTERS, false);
    const after = decodeNextToken(params.string('NextToken'));
    const limit = pageSizeOf(params, { min: 5, max: 100 }, context.knobs.maxPageSize);
    const matching = INSTANCE_TYPES.map((spec, index) => ({ spec, position: index + 1 })).filter(
      ({ spec, position }) => position > after && (names.length === 0 || names.includes(spec.name)) && filters.test(spec),
    );
    const page = matching.slice(0, limit);
    const last = page[page.length - 1];
    const nextToken = matching.length > limit && last ? encodeNextToken(last.position) : undefined;
    return xmlList('instanceTypeSet', page, ({ spec }) => instanceTypeXml(spec)) + xmlText('nextToken', nextToken);
  },
};
