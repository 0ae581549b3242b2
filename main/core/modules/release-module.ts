// The release service (every mode that holds jobs: local, Hybrid, Serverless AD): the
// printer-facing HTTPS API, release to ordinary printers, lifespans and clean-up. Starts
// after the spool and before capture and the directory, so printers can connect before
// the directory advertises this workstation (docs/release-api.md).

import type { HybridMode, ServerlessAdMode } from '../../config/types.js';
import { issuerUrlOf } from '../../identity/index.js';
import { ReleaseService, releaseControlMethods, releaseServerPlans } from '../../release/index.js';
import type { BearerAuthOptions, ReleaseServiceAccountVerifier } from '../../release/index.js';
import { REAL_CLOCK } from '../../util/clock.js';
import type { EngineContext, EngineModule } from '../context.js';

export interface ReleasePorts {
  /** Test hook: listen on this port instead of EsfListenerPort (0 = any free port). */
  readonly port?: number;
  /** Test hook: listening address (default ReleaseSettings/ListenAddress). */
  readonly host?: string;
}

export function releaseModule(ctx: EngineContext, ports: ReleasePorts = {}): EngineModule | null {
  const cfg = ctx.config;
  const holding = cfg.modes.filter((m) => 'release' in m);
  if (holding.length === 0) return null;
  const log = ctx.logger.child('release');
  const hybrid = cfg.modes.find((m): m is HybridMode => m.kind === 'hybrid');
  const ad = cfg.modes.find((m): m is ServerlessAdMode => m.kind === 'serverless-ad');
  const first = holding[0] as HybridMode | ServerlessAdMode;
  const subjects = new Map<string, string>();

  const bearer: BearerAuthOptions | null = hybrid
    ? {
        issuer: issuerUrlOf(hybrid.idp),
        audience: hybrid.idp.resource ?? hybrid.idp.clientId,
        caFile: hybrid.idp.caFile,
        // A token without an e-mail claim: the signed-in user whose ID token had this subject.
        subjectToOwner: async (sub) => {
          const known = subjects.get(sub);
          if (known) return known;
          const sessions = ctx.services.get('sessions');
          if (!sessions) return null;
          for (const u of await sessions.storedUsers()) {
            const info = await sessions.describe(u);
            if (info.sub) subjects.set(info.sub, u);
          }
          return subjects.get(sub) ?? null;
        },
      }
    : null;

  // The directory module starts later; the check is looked up when a printer asks.
  const serviceAccount: ReleaseServiceAccountVerifier | null = ad
    ? {
        verify: (u, p, peer) => {
          const v = ctx.services.get('serviceAccountVerifier');
          return v ? v.verify(u, p, peer) : Promise.resolve(false);
        },
        check: async (u, p, peer) => {
          const v = ctx.services.get('serviceAccountVerifier') as ReleaseServiceAccountVerifier | undefined;
          if (!v) return 'unreachable';
          if (v.check) return v.check(u, p, peer);
          return (await v.verify(u, p, peer)) ? 'ok' : 'invalid-credentials';
        },
      }
    : null;

  let service: ReleaseService | null = null;
  let off: (() => void) | null = null;
  return {
    name: 'release',
    start: async () => {
      const plans = releaseServerPlans(cfg).map((p) => (ports.port === undefined ? p : { ...p, port: ports.port }));
      const s = new ReleaseService({
        spool: ctx.services.require('spool'),
        dataDir: cfg.paths.dataDir,
        logger: log,
        clock: REAL_CLOCK,
        lateBindingEnabled: cfg.lateBinding.enabled,
        lifespans: Object.fromEntries(cfg.modes.flatMap((m) => ('client' in m ? [[m.kind, m.client]] : []))),
        emptyFolders: cfg.deleteEmptyUserFolders,
        forgetUser: async (user) => {
          const sessions = ctx.services.get('sessions');
          if (sessions) await sessions.logout(user);
        },
        servers: plans,
        host: ports.host ?? (first.release.listenAddress === '::' ? undefined : first.release.listenAddress),
        tls: { certFile: first.release.certificateFile, keyFile: first.release.keyFile },
        bearer,
        serviceAccount,
      });
      await s.start();
      service = s;
      ctx.services.set('release', s);
      off = s.events.on((e) => {
        if (e.type === 'release-failed') ctx.events.emit({ type: 'error', code: e.code, message: `release of ${e.jobId} to ${e.printer} failed: ${e.message}` });
      });
    },
    stop: async () => {
      off?.();
      off = null;
      ctx.services.delete('release');
      const s = service;
      service = null;
      await s?.stop();
    },
    methods: () => releaseControlMethods({
      releaseJob: (...a: Parameters<ReleaseService['releaseJob']>) => ctx.services.require('release').releaseJob(...a),
      status: () => ctx.services.require('release').status(),
      sweep: () => ctx.services.require('release').sweep(),
      get printers() {
        return ctx.services.require('release').printers;
      },
    } as unknown as ReleaseService),
  };
}
