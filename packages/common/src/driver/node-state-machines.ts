import { CloudError } from '../errors/cloud-error.js';
import type { Clock } from '../time/clock.js';
import type { CloudAdapter, CloudInstance, CreateRequest } from './adapter.js';
import { StepMachine } from './step-machine.js';


/**
 * Creates one node: `createResource` (which reports the external id as soon as the cloud has
 * it), then waits in the shared `listNodes` view until the instance is ready. Fails with the
 * adapter's CloudError, with the instance's own error when the cloud put it in error, or with a
 * `transient` CloudError when `bootTimeoutMs` passes after the create was accepted. The
 * machine never deletes anything: after a failure the framework runs a DeleteNodeStateMachine
 * for `externalId` (if known) before any retry.
 */
export class CreateNodeStateMachine extends StepMachine<'create' | 'wait-ready'> {
  externalId: string | undefined;
  instance: CloudInstance | undefined;
  private acceptedAt = 0;
  private readonly abort = new AbortController();

  constructor(
    private readonly adapter: CloudAdapter,
    readonly request: CreateRequest,
    private readonly options: { clock: Clock; bootTimeoutMs: number; onExternalId?: (id: string) => void },
  ) {
    super('create');
  }

  override fail(error: Error): void {
    this.abort.abort(error);
    super.fail(error);
  }

  /** Polling the shared list may fail transiently; the create itself is retried by the handler. */
  protected override mayRepeat(state: 'create' | 'wait-ready'): boolean {
    return state === 'wait-ready';
  }

  protected async step(state: 'create' | 'wait-ready'): Promise<'wait-ready' | 'complete'> {
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
      return 'complete';
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
