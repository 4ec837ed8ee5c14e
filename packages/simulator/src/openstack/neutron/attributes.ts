import { ApiError } from '../errors.js';
import { stringField } from '../wire.js';

/** Neutron's limit on a resource's `name` and `description` (`db_const.NAME_FIELD_SIZE`, `DESCRIPTION_FIELD_SIZE`). */
export const NEUTRON_STRING_MAX_LENGTH = 255;

/**
 * A string attribute of a create or update body (`name`, `description`), refused as Neutron
 * refuses it when longer than 255 characters (400 `HTTPBadRequest`, "Invalid input for
 * <attribute>. Reason: '<value>' exceeds maximum length of 255.").
 */
export function boundedString(request: Record<string, unknown>, key: 'name' | 'description'): string | undefined {
  const value = stringField(request, key);
  if (value !== undefined && value.length > NEUTRON_STRING_MAX_LENGTH) {
    throw new ApiError(400, `Invalid input for ${key}. Reason: '${value}' exceeds maximum length of ${NEUTRON_STRING_MAX_LENGTH}.`, 'HTTPBadRequest');
  }
  return value;
}
