// Who owns a captured job. The owner is always the user signed in to PullPrint; the
// user named inside the job (PJL, LPD control file, IPP requesting-user-name) is only
// compared with it. SPEC §4 says the user who prints must be the signed-in user, but on
// a desktop the job names the OS login ("jdoe", "CORP\jdoe") while the sign-in is an
// e-mail address, so an exact match would refuse most jobs.
//
// Default 'accept-and-record': accept, owner = the signed-in user, keep the declared name
// and flag the mismatch. Safe on a single-user desktop because ownership never follows
// the declared name: a job can only be released by whoever is signed in. Shared hosts
// (terminal servers), where another person's job could arrive, should use 'reject'.

import { assertNever } from '../util/errors.js';

export type UserMatchPolicy = 'reject' | 'accept-and-record';

export const DEFAULT_USER_MATCH_POLICY: UserMatchPolicy = 'accept-and-record';

export interface JobUserCheck {
  readonly accepted: boolean;
  /** The signed-in user, always. */
  readonly owner: string;
  /** The job names somebody else (or something we cannot match). */
  readonly mismatch: boolean;
}

/** 'CORP\\Alice' → 'alice', 'alice@corp' stays, whitespace trimmed, lower case. */
function canonical(name: string): string {
  const t = name.trim().toLowerCase();
  const slash = t.lastIndexOf('\\');
  return slash >= 0 ? t.slice(slash + 1) : t;
}

function localPart(name: string): string {
  const at = name.lastIndexOf('@');
  return at >= 0 ? name.slice(0, at) : name;
}

/** Same person: equal ignoring case, or equal local parts when one side has no domain. */
export function sameUser(signedInEmail: string, declaredUser: string): boolean {
  const a = canonical(signedInEmail);
  const b = canonical(declaredUser);
  if (!a || !b) return false;
  if (a === b) return true;
  const aHasDomain = a.includes('@');
  const bHasDomain = b.includes('@');
  // Two full addresses with different domains are different people.
  if (aHasDomain && bHasDomain) return false;
  return localPart(a) === localPart(b);
}

export function checkJobUser(policy: UserMatchPolicy, signedInEmail: string, declaredUser: string | null | undefined): JobUserCheck {
  const owner = signedInEmail.trim().toLowerCase();
  if (declaredUser === null || declaredUser === undefined || declaredUser.trim() === '') {
    return { accepted: true, owner, mismatch: false };
  }
  const mismatch = !sameUser(signedInEmail, declaredUser);
  if (!mismatch) return { accepted: true, owner, mismatch: false };
  switch (policy) {
    case 'reject':
      return { accepted: false, owner, mismatch: true };
    case 'accept-and-record':
      return { accepted: true, owner, mismatch: true };
    default:
      return assertNever(policy, 'user match policy');
  }
}
