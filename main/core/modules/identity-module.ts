// Identity for the modes that authenticate users at the identity provider (Hybrid,
// Cloud): sessions with tokens in the keychain, job ownership by the signed-in user, jobs
// that wait for sign-in (never lost), and logout that wipes the user's held jobs.

import { z } from 'zod';
import type { IdpSettings, Mode, ModeKind } from '../../config/types.js';
import { defineMethod } from '../../control/protocol.js';
import {
  IdpConnector, KeytarVault, LogoutJournal, Sessions, checkJobUser, identitySettingsFor,
  logout, resumePendingLogouts, sameUser,
} from '../../identity/index.js';
import type { OpenUrl, TokenVault, UserMatchPolicy } from '../../identity/index.js';
import { drop, errorCode } from '../../util/errors.js';
import type { EngineContext, EngineModule, Ownership } from '../context.js';
import { INITIAL_STATE } from './spool-module.js';

export interface IdentityPorts {
  /** The keychain; default keytar. */
  readonly vault?: TokenVault;
  /** Opens the system browser for single sign-on started by the tray. */
  readonly openUrl?: OpenUrl;
}

const NEEDS_SIGN_IN: ReadonlySet<ModeKind> = new Set(['hybrid', 'cloud']);

function idpOf(modes: readonly Mode[]): IdpSettings | null {
  for (const m of modes) if (m.kind === 'hybrid' || m.kind === 'cloud') return m.idp;
  return null;
}

/** Deletes every locally held job of a user (Cloud jobs already queued stay), then the user's folder. */
async function deleteHeldJobs(ctx: EngineContext, user: string): Promise<number> {
  const spool = ctx.services.require('spool');
  const mine = spool.list().filter((j) => j.mode !== 'cloud' && sameUser(user, j.owner));
  for (const j of mine) await spool.delete(j.id, 'logout');
  for (const owner of new Set(mine.map((j) => j.owner))) await spool.removeEmptyUserFolder(owner);
  return mine.length;
}

export function identityModule(ctx: EngineContext, ports: IdentityPorts = {}): EngineModule | null {
  const idp = idpOf(ctx.config.modes);
  if (!idp) return null;
  const log = ctx.logger.child('identity');
  const policy: UserMatchPolicy = idp.userMatchPolicy;
  const settings = identitySettingsFor(idp, { clientId: idp.clientId, scopes: [...idp.scopes], caFile: idp.caFile, resource: idp.resource });
  let connector: IdpConnector | null = null;
  const offs: Array<() => void> = [];

  const knownUser = (s: Sessions): string | null => {
    const all = s.snapshot();
    return all.find((x) => x.state === 'signed-in')?.user ?? all.find((x) => x.state === 'sign-in-required')?.user ?? null;
  };

  const ownership = (s: Sessions): Ownership => ({
    ownerOf: (meta) => {
      const u = knownUser(s);
      return u ? checkJobUser(policy, u, meta.user).owner : ctx.osUser;
    },
    initialStateOf: (mode, owner) => (NEEDS_SIGN_IN.has(mode) && s.state(owner) !== 'signed-in' ? 'waiting-for-sign-in' : INITIAL_STATE[mode]),
  });

  /** After a sign-in: the user's waiting jobs continue; jobs printed before anyone signed in are adopted. */
  const releaseWaiting = async (user: string): Promise<void> => {
    const spool = ctx.services.get('spool');
    if (!spool) return;
    for (const j of spool.list({ states: ['waiting-for-sign-in'] })) {
      const next = INITIAL_STATE[j.mode];
      if (sameUser(user, j.owner)) {
        await spool.setState(j.id, next);
      } else if (j.owner === ctx.osUser) {
        const declared = j.declaredUser ?? j.owner;
        if (policy === 'accept-and-record' || sameUser(user, declared)) await spool.reassign(j.id, user.toLowerCase(), next);
      }
    }
  };

  return {
    name: 'identity',
    start: async () => {
      connector = new IdpConnector(settings, { logger: log, openUrl: ports.openUrl });
      const s = new Sessions({ idp: () => (connector as IdpConnector).get(), vault: ports.vault ?? new KeytarVault(), logger: log });
      try {
        await s.init();
      } catch (err) {
        // Sign-in will fail with the same clear message; capture and held jobs keep working.
        log.critical('the OS keychain is unavailable: nobody can sign in until it is', { code: errorCode(err) });
      }
      ctx.services.set('sessions', s);
      ctx.services.set('ownership', ownership(s));
      offs.push(
        s.on('sign-in-required', (e) => ctx.events.emit({ type: 'sign-in-required', user: e.user, reason: e.reason, message: e.message })),
        s.on('state', (e) => {
          if (e.state === 'signed-in') drop(releaseWaiting(e.user), (err) => log.error('waiting jobs not released', { code: errorCode(err) }));
        }),
      );
    },
    stop: async () => {
      for (const o of offs.splice(0)) o();
      ctx.services.delete('sessions');
      ctx.services.delete('ownership');
      const c = connector;
      connector = null;
      c?.close();
    },
    methods: () => ({
      'identity.status': defineMethod(z.object({}).strict(), async () => {
        const s = ctx.services.require('sessions');
        return { users: s.snapshot(), policy };
      }),
      'identity.reload': defineMethod(z.object({ user: z.string().min(1).max(320).optional() }).strict(), async (p) => {
        const s = ctx.services.require('sessions');
        await s.reload(p.user);
        const signedIn = s.snapshot().filter((x) => x.state === 'signed-in');
        for (const u of signedIn) await releaseWaiting(u.user);
        return { users: s.snapshot() };
      }),
      'identity.logout': defineMethod(z.object({ user: z.string().min(1).max(320) }).strict(), async (p) => {
        const s = ctx.services.require('sessions');
        return logout(p.user, { sessions: s, deleteHeldJobs: (u) => deleteHeldJobs(ctx, u), journal: new LogoutJournal(ctx.config.paths.dataDir), logger: log });
      }),
    }),
  };
}

/** Runs after the spool: completes logouts a crash interrupted, hooks job events, releases jobs of users already signed in. */
export function identityAfterSpoolModule(ctx: EngineContext): EngineModule | null {
  if (!idpOf(ctx.config.modes)) return null;
  const log = ctx.logger.child('identity');
  let off: (() => void) | null = null;
  return {
    name: 'identity:jobs',
    start: async () => {
      const sessions = ctx.services.require('sessions');
      await resumePendingLogouts(ctx.config.paths.dataDir, { sessions, deleteHeldJobs: (u) => deleteHeldJobs(ctx, u), logger: log });
      const policy = idpOf(ctx.config.modes)?.userMatchPolicy;
      const spool = ctx.services.require('spool');
      off = spool.on('job-stored', (job) => {
        if (job.state === 'waiting-for-sign-in') {
          ctx.events.emit({ type: 'sign-in-required', user: job.owner === ctx.osUser ? null : job.owner, reason: 'SIGN_IN_REQUIRED', message: `"${job.title ?? 'untitled'}" waits until you sign in` });
        } else if (policy === 'reject' && job.declaredUser && NEEDS_SIGN_IN.has(job.mode) && !sameUser(job.owner, job.declaredUser)) {
          drop(spool.delete(job.id, 'user-deleted'), (err) => log.error('could not delete a refused job', { code: errorCode(err), job: job.id }));
          ctx.events.emit({ type: 'error', code: 'JOB_USER_MISMATCH', message: `a job printed as ${job.declaredUser} was refused: ${job.owner} is signed in` });
        }
      });
      for (const u of sessions.snapshot().filter((x) => x.state === 'signed-in')) {
        for (const j of spool.list({ states: ['waiting-for-sign-in'] })) {
          if (sameUser(u.user, j.owner)) await spool.setState(j.id, INITIAL_STATE[j.mode]);
        }
      }
    },
    stop: async () => {
      off?.();
      off = null;
    },
  };
}

