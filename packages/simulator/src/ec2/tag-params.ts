import { ec2Errors } from './errors.js';
import type { QueryParams } from './query-protocol.js';

/**
 * The tags of a request, `Name.N.Key` and `Name.N.Value` (a missing value is empty). Keys
 * starting with `aws:` are EC2's own and refused, as EC2 refuses them.
 */
export function parseTags(params: QueryParams, name: string): Map<string, string> {
  const tags = new Map<string, string>();
  for (const tag of params.structures(name)) {
    const key = tag.requiredString('Key');
    if (key.toLowerCase().startsWith('aws:')) {
      throw ec2Errors.invalidParameterValue(`Value ( ${key} ) for parameter key is invalid. Tag keys starting with 'aws:' are reserved for internal use`);
    }
    tags.set(key, tag.string('Value') ?? '');
  }
  return tags;
}
