import { pacedRequest, type ApiCallKind, type CloudCallQueue } from '@cloudpool/common';
import { toCloudError } from '../errors.js';

/** How one provider's commands are paced: its queue, and the priority of the call among waiting ones. */
export interface Pacing {
  queue: CloudCallQueue;
  /** Among waiting calls, the queue sends higher priorities first; default 0. */
  priority?: number;
}

/** The middleware's name in a command's stack. */
export const PACING_MIDDLEWARE = 'cloudpoolPacing';

/** What a finalizeRequest-step handler of the SDK takes and calls (the request is already serialized). */
type Handler = (args: { request: unknown }) => Promise<unknown>;
type Middleware = (next: Handler, context: { commandName?: string; __smithy_context?: { operation?: string } }) => Handler;

/** Any SDK command: its own middleware stack, concatenated with the client's when it is sent. */
interface Command {
  readonly middlewareStack: { addRelativeTo(middleware: never, options: never): void };
}

/** EC2 and Service Quotas actions that only look: Describe…, List…, Get…. */
function kindOfAction(action: string): ApiCallKind {
  return /^(Describe|List|Get)/.test(action) ? 'read' : 'write';
}

/**
 * The pacing middleware: every HTTP request of the command goes through `pacing.queue`, one
 * queued call per request, named by the API action (`RunInstances`), a read or a write by its
 * name. It sits in the `finalizeRequest` step below the SDK's retry middleware and above
 * signing, so each attempt is paced and counted (the SDK's own retries too, were they on; the
 * clients make one attempt, see client-registry.ts) and a request that waited for a token is
 * signed when it leaves. The error the deserializer throws is classified for the queue (a
 * throttle pauses it and is sent again, `RETRY_POLICY.throttledCall`); the SDK gets its own error back.
 */
function pacingMiddleware(pacing: Pacing): Middleware {
  return (next, context) => (args) => {
    const action = context.__smithy_context?.operation ?? context.commandName?.replace(/Command$/, '') ?? 'unknown';
    const call = { action, kind: kindOfAction(action), ...(pacing.priority === undefined ? {} : { priority: pacing.priority }) };
    return pacedRequest(pacing.queue, call, () => next(args), { ofError: (error) => toCloudError(error, action) });
  };
}

/** `command`, with its requests paced by `pacing` (see pacingMiddleware). Pagers pass it as `withCommand`. */
export function paced<C extends Command>(command: C, pacing: Pacing): C {
  command.middlewareStack.addRelativeTo(
    pacingMiddleware(pacing) as never,
    { name: PACING_MIDDLEWARE, relation: 'before', toMiddleware: 'httpSigningMiddleware', override: true } as never,
  );
  return command;
}
