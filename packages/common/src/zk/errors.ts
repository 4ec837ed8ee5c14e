/**
 * Typed ZooKeeper errors. Every failure of a ZooKeeper call made through `ZkClient` is a
 * `ZkError` whose `code` says what happened; callers branch on the code, never on messages.
 *
 * | code                    | meaning                                                             |
 * |-------------------------|---------------------------------------------------------------------|
 * | NoNode                  | the znode (or, for create, its parent) does not exist               |
 * | NodeExists              | create of a znode that already exists                               |
 * | BadVersion              | a set/delete with a version that is no longer current               |
 * | NotEmpty                | delete of a znode that has children                                 |
 * | NoChildrenForEphemerals | create under an ephemeral znode                                      |
 * | NoAuth                  | the znode's ACL does not let this session do that (see `auth`)       |
 * | ConnectionLoss          | the connection dropped; the session may still be alive and the call |
 * |                         | may or may not have been applied (retry once reconnected)           |
 * | SessionExpired          | the session ended: its ephemeral znodes, locks and watches are gone  |
 * | Closed                  | the client was closed by its owner                                  |
 * | TooLarge                | a write whose request would exceed ZooKeeper's `jute.maxbuffer`;    |
 * |                         | refused before sending (the session is unharmed, nothing written)   |
 * | Other                   | any other ZooKeeper return code (`rc` holds it)                      |
 */
export type ZkErrorCode =
  | 'NoNode'
  | 'NodeExists'
  | 'BadVersion'
  | 'NotEmpty'
  | 'NoChildrenForEphemerals'
  | 'NoAuth'
  | 'ConnectionLoss'
  | 'SessionExpired'
  | 'Closed'
  | 'TooLarge'
  | 'Other';

export interface ZkErrorOptions {
  /** The ZooKeeper C client return code, when the error came from the server or the client library. */
  rc?: number;
  /** The znode path the call was about. */
  path?: string;
  /** The operation, e.g. `create`, `getChildren`. */
  operation?: string;
}

export class ZkError extends Error {
  readonly code: ZkErrorCode;
  readonly rc: number | undefined;
  readonly path: string | undefined;
  readonly operation: string | undefined;

  constructor(code: ZkErrorCode, message: string, options: ZkErrorOptions = {}) {
    super(message);
    this.name = 'ZkError';
    this.code = code;
    this.rc = options.rc;
    this.path = options.path;
    this.operation = options.operation;
  }
}

/** True when `error` is a `ZkError`, and, if `codes` are given, has one of them. */
export function isZkError(error: unknown, ...codes: ZkErrorCode[]): error is ZkError {
  return error instanceof ZkError && (codes.length === 0 || codes.includes(error.code));
}

/** The C client's return codes (zookeeper.h `ZOO_ERRORS`) that have a code of their own. */
const CODE_BY_RC = new Map<number, ZkErrorCode>([
  [-101, 'NoNode'],
  [-110, 'NodeExists'],
  [-103, 'BadVersion'],
  [-111, 'NotEmpty'],
  [-108, 'NoChildrenForEphemerals'],
  [-102, 'NoAuth'], // ZNOAUTH
  [-4, 'ConnectionLoss'], // ZCONNECTIONLOSS
  [-7, 'ConnectionLoss'], // ZOPERATIONTIMEOUT
  [-112, 'SessionExpired'], // ZSESSIONEXPIRED
  [-118, 'SessionExpired'], // ZSESSIONMOVED
  [-116, 'SessionExpired'], // ZCLOSING: the handle was closed under the call (session replaced)
  [-9, 'SessionExpired'], // ZINVALIDSTATE: the handle is closed or expired
]);

/**
 * Reads the C client's return code out of an error thrown by the `zookeeper` package's promise
 * API. It rejects with `Error("<rc> <text>")` when the server or client answered, and with
 * `Error('fn: "…" args: "…" result: "<NAME> <rc>"')` when the call was refused before being sent.
 */
function returnCodeOf(error: unknown): number | undefined {
  if (!(error instanceof Error)) return undefined;
  const answered = /^(-?\d+) /.exec(error.message);
  const refused = /result: "\w+ (-?\d+)"$/.exec(error.message);
  const digits = answered?.[1] ?? refused?.[1];
  return digits === undefined ? undefined : Number(digits);
}

/**
 * Converts an error from the `zookeeper` package into a `ZkError`. The message names the
 * operation, the path and the code; it never includes the data that was being written.
 */
export function toZkError(error: unknown, operation: string, path: string): ZkError {
  if (error instanceof ZkError) return error;
  const rc = returnCodeOf(error);
  if (rc === undefined) {
    const detail = error instanceof Error ? error.message : String(error);
    return new ZkError('Other', `ZooKeeper ${operation} ${path} failed: ${detail}`, { path, operation });
  }
  const code = CODE_BY_RC.get(rc) ?? 'Other';
  return new ZkError(code, `ZooKeeper ${operation} ${path} failed: ${code} (rc ${rc})`, { rc, path, operation });
}

/** Receives errors of work done in the background (watch handling, re-registration). */
export type BackgroundErrorHandler = (error: unknown) => void;

/** The default `BackgroundErrorHandler`: a process warning, so failures are never silent. */
export function warnBackgroundError(context: string): BackgroundErrorHandler {
  return (error) => process.emitWarning(`${context}: ${error instanceof Error ? error.message : String(error)}`);
}
