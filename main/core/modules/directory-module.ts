// Serverless AD: publish this workstation in the user's directory attribute (timing per
// ADWriteOption, driven by held jobs and power events) and provide the printers'
// service-account check to the release service. Only with a ServerSettings/Directory
// group; without one the configuration already warned that nothing is published.

import { z } from 'zod';
import type { ServerlessAdMode } from '../../config/types.js';
import { defineMethod } from '../../control/protocol.js';
import {
  DirectoryPublisher, KeychainCredentialStore, LdapAttributeWriter, LdapServiceAccountVerifier, connectPowerEvents, directoryHost,
  directorySettings, loadOrCreateWorkstationId, sourceAddressToward, verifyDirectoryPassword, watchAddress,
} from '../../directory/index.js';
import type { CredentialStore, PowerEvents } from '../../directory/index.js';
import type { JobRecord } from '../../spool/types.js';
import { isIP } from 'node:net';
import { defaultWorkstation } from '../../tracker/index.js';
import { REAL_CLOCK } from '../../util/clock.js';
import { errorCode } from '../../util/errors.js';
import type { EngineContext, EngineModule } from '../context.js';

export interface DirectoryPorts {
  /** The user's directory password; default the OS keychain. */
  readonly credentials?: CredentialStore;
  /** suspend / resume / shutdown: the Electron shell's powerMonitor, the CLI's signals. */
  readonly power?: PowerEvents;
}

const UNREACHABLE = /^(127\.|0\.0\.0\.0$|::1?$)/;

/**
 * The address printers should use: the release service's ListenAddress when it names one,
 * else the address this machine uses toward the directory, else (a directory on this
 * machine, as in tests) its first non-internal address.
 */
async function publishableAddress(listen: string, directory: string | null): Promise<string | null> {
  if (isIP(listen) && !UNREACHABLE.test(listen)) return listen;
  const toward = directory ? await sourceAddressToward(directory).catch(() => null) : null;
  if (toward && !UNREACHABLE.test(toward)) return toward;
  const fallback = defaultWorkstation().address;
  return UNREACHABLE.test(fallback) ? null : fallback;
}

function adMode(ctx: EngineContext): ServerlessAdMode | null {
  const m = ctx.config.modes.find((x): x is ServerlessAdMode => x.kind === 'serverless-ad');
  return m && m.server.directory ? m : null;
}

export function directoryModule(ctx: EngineContext, ports: DirectoryPorts = {}): EngineModule | null {
  const mode = adMode(ctx);
  if (!mode || !mode.server.directory) return null;
  const log = ctx.logger.child('directory');
  const settings = directorySettings({ ...mode.server.directory, attribute: mode.server.activeDirectoryUserProperty });
  const credentials = ports.credentials ?? new KeychainCredentialStore();
  const user = ctx.osUser;
  const offs: Array<() => void> = [];
  let publisher: DirectoryPublisher | null = null;

  const heldCount = (): number => {
    const spool = ctx.services.get('spool');
    return spool ? spool.list({ owner: user }).filter((j: JobRecord) => j.mode === 'serverless-ad' && j.state === 'held').length : 0;
  };

  return {
    name: 'directory',
    start: async () => {
      const workstationId = await loadOrCreateWorkstationId(ctx.config.paths.dataDir);
      const target = directoryHost(settings.urls);
      const port = mode.release.esfListenerPort;
      const secure = mode.release.useSsl;
      const first = await publishableAddress(mode.release.listenAddress, target);
      const p = new DirectoryPublisher({
        user,
        option: mode.adWrite.option,
        attribute: settings.attribute,
        workstationId,
        address: first ? { host: first, port, secure } : null,
        writer: new LdapAttributeWriter(settings, log),
        credentials,
        log,
      });
      publisher = p;
      ctx.services.set('directoryPublisher', p);
      ctx.services.set('serviceAccountVerifier', new LdapServiceAccountVerifier({ settings, serviceAccountUserName: mode.server.serviceAccountUserName, log }));
      offs.push(p.events.on((e) => {
        if (e.type === 'sign-in-required') ctx.events.emit({ type: 'sign-in-required', user: e.user, reason: e.reason, message: 'PullPrint needs your directory password to publish this workstation' });
        else if (e.type === 'directory-error') ctx.events.emit({ type: 'error', code: e.code, message: e.message });
      }));
      const spool = ctx.services.require('spool');
      offs.push(
        spool.on('job-stored', (j) => {
          if (j.mode === 'serverless-ad' && j.state === 'held' && j.owner === user) p.jobHeld();
        }),
        spool.on('job-state', (j) => {
          if (j.mode === 'serverless-ad') p.heldJobsChanged(heldCount());
        }),
        spool.on('job-deleted', (j) => {
          if (j.mode === 'serverless-ad') p.heldJobsChanged(heldCount());
        }),
      );
      if (target) {
        offs.push(watchAddress({ probe: () => publishableAddress(mode.release.listenAddress, target), onChange: (host) => p.addressChanged({ host, port, secure }), clock: REAL_CLOCK }));
      }
      if (ports.power) offs.push(connectPowerEvents(ports.power, p, heldCount));
      p.start(heldCount());
    },
    stop: async () => {
      for (const o of offs.splice(0)) o();
      ctx.services.delete('directoryPublisher');
      ctx.services.delete('serviceAccountVerifier');
      const p = publisher;
      publisher = null;
      // Shutdown removes our value (every ADWriteOption removes it at shutdown).
      await p?.shutdown();
    },
    methods: () => ({
      'directory.status': defineMethod(z.object({}).strict(), () => ctx.services.require('directoryPublisher').status()),
      'directory.sign-in': defineMethod(z.object({ password: z.string().min(1).max(1024) }).strict(), async (p) => {
        // The password travels only over the owner-only control socket, goes to the keychain, never to logs.
        await verifyDirectoryPassword(settings, user, p.password, log);
        await credentials.set(user, { password: p.password });
        ctx.services.require('directoryPublisher').signedIn();
        return { user };
      }),
      'directory.sign-out': defineMethod(z.object({}).strict(), async () => {
        await ctx.services.require('directoryPublisher').signedOut();
        await credentials.delete(user).catch((err: unknown) => log.warn('could not delete the directory password', { code: errorCode(err) }));
        return { user };
      }),
    }),
  };
}

