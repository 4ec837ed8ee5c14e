import { CloudError } from '../errors/cloud-error.js';
import { interfaceAddress, type ReadinessSpec } from '../readiness/readiness-spec.js';
import type { ScanTarget } from '../readiness/node-scan.js';
import type { Clock } from '../time/clock.js';
import type { CloudAdapter, CloudInstance, CreateRequest } from './adapter.js';
import { StepMachine } from './step-machine.js';

/** The action of the CloudError a failed readiness scan ends a create with. */
export const NODESCAN_ACTION = 'nodescan';

/** Scans a running node (see `scanNode`); resolves with its host keys. */
export type NodeScanner = (target: ScanTarget, timeoutMs: number, signal: AbortSignal) => Promise<string[]>;

/** The readiness check a create runs once the instance is running (absent: ready at running). */
export interface CreateReadiness {
  spec: ReadinessSpec;
  scan: NodeScanner;
}

type CreateState = 'create' | 'wait-ready' | 'scan';

/**
 * Creates one node: `createResource` (which reports the external id as soon as the cloud has
 * it), then waits in the shared `listNodes` view until the instance is running, then, with a
 * `readiness` check (the label's `host-key-checking`), scans the node until it answers on its
 * connection port and has handed out its host keys (`hostKeys`). Fails with the adapter's
 * CloudError, with the instance's own error when the cloud put it in error, with a `transient`
 * CloudError when `bootTimeoutMs` passes after the create was accepted, or with a `transient`
 * CloudError of action `nodescan` when the scan fails (the node never answered within the
 * spec's timeout). The machine never deletes anything: after a failure the framework runs a
 * DeleteNodeStateMachine for `externalId` (if known) before any retry. The scan holds no slot
 * of the cloud's API queue; aborting the machine (`fail`) stops it.
 */
export class CreateNodeStateMachine extends StepMachine<CreateState> {
  externalId: string | undefined;
  instance: CloudInstance | undefined;
  /** The host keys the scan gathered (empty without a readiness check or for port-only connection types). */
  hostKeys: string[] = [];
  private acceptedAt = 0;
  private readonly abort = new AbortController();

  constructor(
    private readonly adapter: CloudAdapter,
    readonly request: CreateRequest,
    private readonly options: { clock: Clock; bootTimeoutMs: number; onExternalId?: (id: string) => void; readiness?: CreateReadiness },
  ) {
    super('create');
  }

  override fail(error: Error): void {
    this.abort.abort(error);
    super.fail(error);
  }

  /** Polling the shared list may fail transiently; the create itself is retried by the handler. */
  protected override mayRepeat(state: CreateState): boolean {
    return state === 'wait-ready';
  }

  protected async step(state: CreateState): Promise<CreateState | 'complete'> {
    if (state === 'scan') return this.scan();
    if (state === 'create') {
      const externalId = await this.adapter.createResource(this.request, {
        signal: this.abort.signal,
        onExternalId: (id) => this.recordExternalId(id),
      });
      this.recordExternalId(externalId);
      this.acceptedAt = this.options.clock.now();
      return 'wait-ready';
    }
    const instance = (await this.adapter.listNodes()).find((i) => i.externalId === this.externalId);
    if (instance?.state === 'ready') {
      this.instance = instance;
      return this.options.readiness ? 'scan' : 'complete';
    }
    if (instance?.state === 'error') {
      throw new CloudError(instance.error?.kind ?? 'permanent', instance.error?.message ?? 'instance went into error', {
        action: 'boot',
      });
    }
    if (instance?.state === 'deleting' || instance?.state === 'deleted') {
      throw new CloudError('transient', `instance ${this.externalId} is ${instance.state} while booting`, { action: 'boot' });
    }
    if (this.options.clock.now() - this.acceptedAt > this.options.bootTimeoutMs) {
      throw new CloudError('transient', `instance ${this.externalId} not ready within boot timeout`, { action: 'boot' });
    }
    return 'wait-ready';
  }

  private async scan(): Promise<'complete'> {
    const { spec, scan } = this.options.readiness!;
    const host = this.instance && interfaceAddress(this.instance);
    if (host === undefined) {
      throw new CloudError('transient', `instance ${this.externalId} is running but has no address to check`, { action: NODESCAN_ACTION });
    }
    try {
      this.hostKeys = await scan({ host, port: spec.connectionPort, connectionType: spec.connectionType }, spec.timeoutMs, this.abort.signal);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new CloudError('transient', `instance ${this.externalId} not reachable: ${reason}`, { action: NODESCAN_ACTION, cause: error });
    }
    return 'complete';
  }

  private recordExternalId(id: string): void {
    if (this.externalId === id) return;
    this.externalId = id;
    this.options.onExternalId?.(id);
  }
}

/**
 * Deletes one node's cloud resources: `cleanupNode`, then waits in the shared `listNodes`
 * view until the instance is absent or deleted. Idempotent: running it for an instance that is
 * already gone completes without error.
 */
export class DeleteNodeStateMachine extends StepMachine<'delete' | 'wait-gone'> {
  constructor(
    private readonly adapter: CloudAdapter,
    readonly externalId: string,
  ) {
    super('delete');
  }

  /** A delete and its polling may fail transiently; both are idempotent, so they are repeated. */
  protected override mayRepeat(): boolean {
    return true;
  }

  protected async step(state: 'delete' | 'wait-gone'): Promise<'wait-gone' | 'complete'> {
    if (state === 'delete') {
      await this.adapter.cleanupNode(this.externalId);
      return 'wait-gone';
    }
    const instance = (await this.adapter.listNodes()).find((i) => i.externalId === this.externalId);
    return !instance || instance.state === 'deleted' ? 'complete' : 'wait-gone';
  }
}
