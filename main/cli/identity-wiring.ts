// Builds what `pullprint login|logout|whoami` need from the configuration: the same
// identity provider, keychain and logout as the engine. When an engine runs, it is told
// (identity.reload) so that jobs waiting for this sign-in continue, and logout goes through
// it so that held jobs are deleted with their events; otherwise logout opens the spool
// itself (no engine means nothing else touches it).

import { queueNameOf } from '../config/index.js';
import type { Config, IdpSettings } from '../config/types.js';
import { callEngine } from '../control/client.js';
import { controlSocketPath } from '../control/socket-path.js';
import {
  IdpConnector, KeytarVault, LogoutJournal, Sessions, TerminalPrompter, identitySettingsFor, logout, openInSystemBrowser, sameUser,
} from '../identity/index.js';
import type { LogoutResult } from '../identity/index.js';
import { nullLogger } from '../log/null-logger.js';
import { createJobInspector } from '../pdl/inspector.js';
import { Spool } from '../spool/spool.js';
import { PullPrintError } from '../util/errors.js';
import type { IdentityCommandContext } from './identity-commands.js';
import type { Io } from './output.js';

function idpOf(cfg: Config): IdpSettings {
  for (const m of cfg.modes) if (m.kind === 'hybrid' || m.kind === 'cloud') return m.idp;
  throw new PullPrintError('NO_IDENTITY_PROVIDER', 'no enabled mode signs users in at an identity provider (enable LPMServerlessSettings or LPMServerSettings)');
}

async function engineOrNull(cfg: Config, method: string, params: Record<string, unknown>): Promise<unknown | null> {
  try {
    return await callEngine(controlSocketPath(cfg.paths.dataDir), method, params, 60_000);
  } catch (err) {
    if (err instanceof PullPrintError && err.code === 'ENGINE_NOT_RUNNING') return null;
    throw err;
  }
}

/** Deletes a user's held jobs with no engine running: opens the spool directly. */
async function deleteHeldJobsOffline(cfg: Config, user: string): Promise<number> {
  const spool = await Spool.open({
    dataDir: cfg.paths.dataDir,
    logger: nullLogger(),
    modes: Object.fromEntries(cfg.modes.map((m) => [m.kind, { fileNameFormat: m.capture.printJobFileNameFormat, queueName: queueNameOf(m.kind), maxJobSizeBytes: m.capture.maxJobSizeBytes, initialState: 'held' as const }])),
    ownerOf: () => user,
    inspect: createJobInspector,
  });
  try {
    const mine = spool.list().filter((j) => j.mode !== 'cloud' && sameUser(user, j.owner));
    for (const j of mine) await spool.delete(j.id, 'logout');
    for (const owner of new Set(mine.map((j) => j.owner))) await spool.removeEmptyUserFolder(owner);
    return mine.length;
  } finally {
    await spool.close();
  }
}

export async function openIdentity(cfg: Config, io: Io): Promise<IdentityCommandContext> {
  const idp = idpOf(cfg);
  const settings = identitySettingsFor(idp, { clientId: idp.clientId, scopes: [...idp.scopes], caFile: idp.caFile, resource: idp.resource });
  const connector = new IdpConnector(settings, {
    openUrl: async (url) => {
      io.err(`If no browser opens, visit: ${url}`);
      await openInSystemBrowser(url).catch(() => undefined);
    },
  });
  const sessions = new Sessions({ idp: () => connector.get(), vault: new KeytarVault() });
  let changed: string | null = null;
  sessions.on('state', (e) => {
    if (e.state === 'signed-in') changed = e.user;
  });
  return {
    sessions,
    prompter: new TerminalPrompter(),
    logout: async (user: string): Promise<LogoutResult> => {
      const viaEngine = (await engineOrNull(cfg, 'identity.logout', { user })) as LogoutResult | null;
      if (viaEngine) return viaEngine;
      return logout(user, { sessions, deleteHeldJobs: (u) => deleteHeldJobsOffline(cfg, u), journal: new LogoutJournal(cfg.paths.dataDir) });
    },
    close: async () => {
      if (changed) await engineOrNull(cfg, 'identity.reload', { user: changed });
      connector.close();
    },
  };
}
