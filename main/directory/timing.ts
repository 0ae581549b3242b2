// When the workstation's value should be in the directory, per ADWriteOption (SPEC §3),
// as a pure function of the publisher's inputs, so the whole timeline is testable
// without a directory. `verify` asks for a round trip even when the publisher believes
// the directory already agrees: at start and resume (a crash or another machine may have
// left things otherwise), at print time for AtStartupAndPrintTime ("write at print
// time"), and at suspend and shutdown (removal must not depend on a belief).

import type { AdWriteOption } from '../config/types.js';
import { assertNever } from '../util/errors.js';

export type PublisherInput =
  | { readonly kind: 'start'; readonly held: number }
  | { readonly kind: 'job-held' }
  | { readonly kind: 'held-changed'; readonly held: number }
  | { readonly kind: 'suspend' }
  | { readonly kind: 'resume'; readonly held: number }
  | { readonly kind: 'shutdown' };

export interface Intent {
  /** Our value should be in the directory. */
  readonly want: boolean;
  /** Check and fix the directory even if we believe it is already right. */
  readonly verify: boolean;
}

export function intentFor(option: AdWriteOption, input: PublisherInput, wantedBefore: boolean): Intent {
  switch (input.kind) {
    case 'start':
    case 'resume':
      // AtPrintTime with no held job: verify removes a value a crash may have left behind.
      return { want: option === 'AtPrintTime' ? input.held > 0 : true, verify: true };
    case 'job-held':
      switch (option) {
        case 'AtStartup':
          return { want: wantedBefore, verify: false };
        case 'AtPrintTime':
          return { want: true, verify: false };
        case 'AtStartupAndPrintTime':
          return { want: true, verify: true };
        default:
          return assertNever(option, 'ADWriteOption');
      }
    case 'held-changed':
      // Only AtPrintTime follows the job count; the others keep the value until sleep or shutdown.
      return option === 'AtPrintTime' ? { want: input.held > 0, verify: false } : { want: wantedBefore, verify: false };
    case 'suspend':
    case 'shutdown':
      return { want: false, verify: true };
    default:
      return assertNever(input, 'publisher input');
  }
}
