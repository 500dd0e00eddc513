import { otherConnectionIds } from '../store/shared-groups.js';
import type { ApplyContext } from './context.js';

const byContext = new WeakMap<ApplyContext, Promise<string[]>>();

/** The organization's other connections, read once per batch (see store/shared-groups.ts). */
export function otherConnections(ctx: ApplyContext): Promise<string[]> {
  let found = byContext.get(ctx);
  if (found === undefined) {
    found = otherConnectionIds(ctx.trx, ctx.organizationId, ctx.connectionId);
    byContext.set(ctx, found);
  }
  return found;
}
