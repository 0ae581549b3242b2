// The sign-in session as the tray shows it: one current user and state, from the
// identity subsystem's per-user Sessions. On a single-user desktop the current user is
// the one whose state changed last, else a signed-in one from the keychain, else
// whoever needs to sign in again.

import type { SessionState, SessionStateEvent } from '../identity/sessions.js';
import type { SessionView } from './ui-state.js';

export interface SessionSource {
  current(): SessionView;
  /** Returns the unsubscribe function. */
  onChange(listener: () => void): () => void;
}

export interface SessionsLike {
  on(event: 'state', listener: (e: SessionStateEvent) => void): () => void;
  snapshot(): Array<{ user: string; state: SessionState }>;
  state(user: string): SessionState;
}

const RANK: Record<SessionState, number> = { 'signed-in': 0, 'signing-in': 1, 'sign-in-required': 2, 'signed-out': 3 };

export function sessionSourceOf(sessions: SessionsLike): SessionSource {
  let last: string | null = null;
  const listeners = new Set<() => void>();
  sessions.on('state', (e) => {
    last = e.user;
    for (const l of [...listeners]) l();
  });
  return {
    current(): SessionView {
      if (last !== null) {
        const state = sessions.state(last);
        // After a logout the user is no longer "current": show the plain signed-out state.
        return { user: state === 'signed-out' ? null : last, state };
      }
      const best = [...sessions.snapshot()].sort((a, b) => RANK[a.state] - RANK[b.state])[0];
      return best && best.state !== 'signed-out' ? { user: best.user, state: best.state } : { user: null, state: 'signed-out' };
    },
    onChange(listener) {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
  };
}
