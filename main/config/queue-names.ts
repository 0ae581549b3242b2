// The OS print queues PullPrint creates, one per enabled mode: product-neutral names
// (the guide's LPMCloud-style names are a vendor's).
import { assertNever } from '../util/errors.js';
import type { ModeKind } from './types.js';

export function queueNameOf(kind: ModeKind): string {
  switch (kind) {
    case 'cloud': return 'PullPrint-Cloud';
    case 'hybrid': return 'PullPrint-Hybrid';
    case 'serverless-ad': return 'PullPrint-AD';
    case 'local': return 'PullPrint';
    default: return assertNever(kind, 'mode kind');
  }
}
