// The tray's path to sign-in, logout, release and saved printers through a REAL engine in
// Hybrid mode whose identity module talks to a real OpenID Connect provider (tokens in
// an in-memory vault given as the engine's port): a wrong password is WRONG_PASSWORD, a
// sign-in shows in the facade's state, release goes through the engine's release
// service to a port-9100 printer, "Log out of Print Management" removes the user's held
// jobs and signs out; saved printers come from the user's preferences.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { join } from 'node:path';
import { loadConfig } from '../../../main/config/index.js';
import { Engine } from '../../../main/core/engine.js';
import { InMemoryVault } from '../../../main/identity/token-vault.js';
import { nullLogger } from '../../../main/log/null-logger.js';
import { SavedPrinters } from '../../../main/release/saved-printers.js';
import { createAppFacade, type AppFacade } from '../../../main/ui/app-facade.js';
import { engineFacadeDeps } from '../../../main/ui/engine-facade-deps.js';
import { postScriptText, tempDir } from '../../helpers/documents.js';
import { freePort } from '../../helpers/process.js';
import { writeFile } from 'node:fs/promises';
import { ACCOUNTS, CLIENT_ID, RESOURCE, startTestIdp, type TestIdp } from '../../peers/oidc-provider.js';
import { startRawSink, type RawSink } from '../../peers/raw-sink.js';
import { readFile } from 'node:fs/promises';

const ALICE = 'alice@example.com';

describe('engine facade functions (Hybrid engine, real identity provider)', () => {
  let idp: TestIdp;
  let dir: { path: string; cleanup(): Promise<void> };
  let engine: Engine;
  let facade: AppFacade;
  let port: number;
  let sink: RawSink;

  before(async () => {
    idp = await startTestIdp();
    sink = await startRawSink();
    dir = await tempDir('facade-deps');
    port = await freePort();
    const file = join(dir.path, 'configuration.xml');
    await writeFile(file, `<?xml version="1.0" encoding="utf-8"?>
<Configuration>
  <LPMServerlessSettings>
    <CaptureSettings><LoopbackPort>${port}</LoopbackPort></CaptureSettings>
    <ServerSettings><ServerIP>127.0.0.1</ServerIP><ServerPort>${await freePort()}</ServerPort><UseSSL>false</UseSSL></ServerSettings>
    <ServerAPISettings><APIVersion>3.0</APIVersion>
      <IDPServerSettings><ServerIP>127.0.0.1</ServerIP><ServerPort>${idp.port}</ServerPort><ClientId>${CLIENT_ID}</ClientId>
        <CAFile>${idp.pki.caFile}</CAFile><Resource>${RESOURCE}</Resource></IDPServerSettings>
    </ServerAPISettings>
  </LPMServerlessSettings>
  <LateBindingSettings><LateBindingEnabled>true</LateBindingEnabled></LateBindingSettings>
</Configuration>
`);
    const config = await loadConfig({ configPath: file, dataDir: join(dir.path, 'data'), env: {} });
    engine = new Engine({
      config, logger: nullLogger(), capturePorts: { hybrid: port }, osUser: 'tester',
      ports: { identity: { vault: new InMemoryVault() }, release: { port: 0, host: '127.0.0.1' } },
    });
    await engine.start();
    facade = createAppFacade({ engine, ...engineFacadeDeps(engine) });
    await new SavedPrinters(config.paths.dataDir).add('Floor 2', `socket://127.0.0.1:${sink.port}`);
  });
  after(async () => {
    facade?.dispose();
    await engine?.stop();
    await idp?.stop();
    await sink?.close();
    await dir?.cleanup();
  });

  async function printRaw(title: string): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      const s = connect({ host: '127.0.0.1', port }, () => s.end(postScriptText({ pages: 1, title })));
      s.on('error', reject);
      s.on('close', () => resolve());
      s.resume();
    });
  }

  test('sign-in is available and starts signed out; late binding follows the configuration', () => {
    const s = facade.snapshot();
    assert.equal(s.signInAvailable, true);
    assert.deepEqual(s.session, { user: null, state: 'signed-out' });
    assert.equal(s.lateBindingEnabled, true);
  });

  test('a wrong password rejects with WRONG_PASSWORD and leaves the user signed out', async () => {
    await assert.rejects(facade.signIn({ email: ALICE, password: 'nope' }), (e: unknown) => (e as { code?: string }).code === 'WRONG_PASSWORD');
    assert.equal(facade.snapshot().session.state, 'signed-out');
  });

  test('sign-in, a held job, then logout: the job is deleted and the user signed out', async () => {
    await facade.signIn({ email: ALICE, password: ACCOUNTS[ALICE].password });
    assert.deepEqual(facade.snapshot().session, { user: ALICE, state: 'signed-in' });
    await printRaw('Before logout');
    const end = Date.now() + 10_000;
    while (facade.snapshot().jobs.held < 1 && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
    const [job] = facade.listJobs();
    assert.equal(job.owner, ALICE, 'the job belongs to the signed-in user');
    assert.equal(job.state, 'held');
    await facade.signOut();
    assert.equal(facade.snapshot().session.state, 'signed-out');
    assert.equal(engine.getJob(job.id), undefined, 'Log out of Print Management deleted the held job');
  });

  test('saved printers come from the preferences; release goes through the engine\'s release service', async () => {
    assert.deepEqual(await facade.savedPrinters(), [{ name: 'Floor 2', uri: `socket://127.0.0.1:${sink.port}` }]);
    await facade.signIn({ email: ALICE, password: ACCOUNTS[ALICE].password });
    await printRaw('To release');
    const end = Date.now() + 10_000;
    while (!facade.listJobs().some((j) => j.state === 'held') && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
    const job = facade.listJobs().find((j) => j.state === 'held');
    assert.ok(job, `a held job (states: ${facade.listJobs().map((j) => j.state).join(', ')})`);
    const bytes = await readFile(job.file);
    await facade.releaseJob(job.id, { printer: 'Floor 2', keep: true });
    assert.ok((await sink.nextJob(5000)).equals(bytes), 'the printer got the stored document');
    assert.equal(engine.getJob(job.id)?.state, 'released-kept');
    await assert.rejects(facade.releaseJob(job.id, { printer: 'Nowhere', keep: false }), (e: unknown) => typeof (e as { code?: string }).code === 'string');
    await facade.signOut();
  });
});
