import type { CloudKnobs } from '../core/index.js';
import type { RenderContext } from './instance-xml.js';
import type { QueryParams } from './query-protocol.js';

/** What an EC2 action works with: the account, the simulator's now, and the knobs. */
export interface ActionContext extends RenderContext {
  knobs: CloudKnobs;
}

/** One EC2 API action: how the gate sees it, and its work, which returns the response's children. */
export interface Ec2Action {
  kind: 'read' | 'write';
  /** Creates roll the capacity fault. */
  isCreate?: boolean;
  run(params: QueryParams, context: ActionContext): string;
}
