import { randomUUID } from 'node:crypto';
import type { CallDescription, CloudKnobs, GateErrorFormat, SimResponse } from '../core/index.js';
import { armJson } from './arm-response.js';
import { aadErrorResponse } from './aad-errors.js';

/** The `error` object of an ARM error answer, also used in failed operation statuses. */
export interface ArmErrorBody {
  code: string;
  message: string;
  target?: string;
}

/** Thrown by ARM handlers; answered as `{"error": {"code", "message"}}` with its HTTP status. */
export class ArmError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly target?: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }

  get body(): ArmErrorBody {
    return this.target ? { code: this.code, message: this.message, target: this.target } : { code: this.code, message: this.message };
  }

  toResponse(): SimResponse {
    return armJson(this.status, { error: this.body }, this.headers);
  }
}

/** Errors ARM itself answers, whatever the resource provider. */
export const armErrors = {
  /** A create-only PUT (`If-None-Match: *`) on a name that exists. */
  preconditionFailed(type: string, name: string): ArmError {
    return new ArmError(412, 'PreconditionFailed', `The condition specified using HTTP conditional header(s) is not met: the resource '${type}/${name}' already exists.`);
  },
  resourceNotFound(type: string, name: string, resourceGroup: string): ArmError {
    return new ArmError(404, 'ResourceNotFound',
      `The Resource '${type}/${name}' under resource group '${resourceGroup}' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix`);
  },
  resourceGroupNotFound(resourceGroup: string): ArmError {
    return new ArmError(404, 'ResourceGroupNotFound', `Resource group '${resourceGroup}' could not be found.`);
  },
  subscriptionNotFound(subscriptionId: string): ArmError {
    return new ArmError(404, 'SubscriptionNotFound', `The subscription '${subscriptionId}' could not be found.`);
  },
  invalidResourceType(path: string): ArmError {
    return new ArmError(404, 'InvalidResourceType', `The resource type could not be found for the request path '${path}'.`);
  },
  methodNotAllowed(method: string, path: string): ArmError {
    return new ArmError(405, 'MethodNotAllowed', `The HTTP method '${method}' is not supported at '${path}'.`);
  },
  missingApiVersion(): ArmError {
    return new ArmError(400, 'MissingApiVersionParameter', "The api-version query parameter (?api-version=) is required for all requests.");
  },
  invalidApiVersion(apiVersion: string): ArmError {
    return new ArmError(400, 'InvalidApiVersionParameter', `The api-version '${apiVersion}' is invalid. The supported versions are in the form 'yyyy-mm-dd' or 'yyyy-mm-dd-preview'.`);
  },
  invalidRequestContent(detail: string): ArmError {
    return new ArmError(400, 'InvalidRequestContent', `The request content was invalid and could not be deserialized: '${detail}'.`);
  },
  locationRequired(): ArmError {
    return new ArmError(400, 'LocationRequired', 'The location property is required for this definition.');
  },
  locationNotAvailable(location: string, type: string, available: readonly string[]): ArmError {
    return new ArmError(400, 'LocationNotAvailableForResourceType',
      `The provided location '${location}' is not available for resource type '${type}'. List of available regions for the resource type is '${available.join(',')}'.`);
  },
  locationMismatch(name: string, existing: string, resourceGroup: string, requested: string): ArmError {
    return new ArmError(409, 'InvalidResourceLocation',
      `The resource '${name}' already exists in location '${existing}' in resource group '${resourceGroup}'. A resource with the same name cannot be created in location '${requested}'. Please select a new resource name.`);
  },
  markedForDeletion(type: string, name: string): ArmError {
    return new ArmError(409, 'OperationNotAllowed',
      `Operation 'PUT' is not allowed on ${type} '${name}' since it is marked for deletion. You can only retry the Delete operation (or wait for an ongoing one to complete).`);
  },
  invalidParameter(message: string, target: string): ArmError {
    return new ArmError(400, 'InvalidParameter', message, target);
  },
};

/** Seconds a throttled caller should wait: the time one token of its bucket takes to refill. */
function retryAfterSeconds(call: CallDescription, knobs: CloudKnobs): number {
  const limit = knobs.rateLimits[call.action] ?? knobs.rateLimits[call.kind];
  return limit && limit.perSecond > 0 ? Math.max(1, Math.ceil(1 / limit.perSecond)) : 1;
}

/**
 * How the gate's errors look on Azure: ARM's `TooManyRequests` (429 with `Retry-After`),
 * `InternalServerError` and, for VM creates, `AllocationFailed`; AAD's own format for `token`.
 * `actor` is the caller's object id, as ARM names it in throttling messages.
 */
export function azureGateErrors(knobs: () => CloudKnobs, subscriptionId: string, actor: string): GateErrorFormat {
  return {
    throttled(call) {
      const retryAfter = String(retryAfterSeconds(call, knobs()));
      if (call.action === 'token') return aadErrorResponse(429, 'temporarily_unavailable', 90025, 'Request was throttled. Please try again later.', { 'retry-after': retryAfter });
      return armJson(429, {
        error: {
          code: 'TooManyRequests',
          message: `Number of '${call.kind}' requests for subscription '${subscriptionId}' actor '${actor}' exceeded. Please try again after '${retryAfter}' seconds after additional tokens are available. Refer to https://aka.ms/arm-throttling`,
        },
      }, { 'retry-after': retryAfter });
    },
    serverError(call) {
      if (call.action === 'token') return aadErrorResponse(500, 'server_error', 50000, 'There was an error issuing a token or an issue with our sign-in service.');
      return armJson(500, {
        error: {
          code: 'InternalServerError',
          message: `Encountered internal server error. Diagnostic information: timestamp '${new Date().toISOString()}', subscription id '${subscriptionId}', tracking id '${randomUUID()}', request correlation id '${randomUUID()}'.`,
        },
      });
    },
    capacity() {
      return armJson(409, {
        error: {
          code: 'AllocationFailed',
          message: 'Allocation failed. We do not have sufficient capacity for the requested VM size in this region. Read more about improving likelihood of allocation success at http://aka.ms/allocation-guidance',
        },
      });
    },
  };
}
