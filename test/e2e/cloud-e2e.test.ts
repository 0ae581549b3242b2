// Cloud mode end to end with real peers: a job printed through a private CUPS arrives in
// the reference cloud server's queue with correct metadata and a byte-identical document,
// uploaded with a JWT access token from the real oidc-provider; the local copy is removed.
// A Hybrid job is registered with its release URL and unregistered when deleted.

import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { startTestEngine } from '../helpers/engine.js';
import type { TestEngine } from '../helpers/engine.js';
import { makePdf, pdfPageCount, tempDir } from '../helpers/documents.js';
import { startCups, CUPS_MODELS } from '../peers/cups.js';
import type { Cups } from '../peers/cups.js';
import { ACCOUNTS, CLIENT_ID, RESOURCE, startTestIdp } from '../peers/oidc-provider.js';
import type { TestIdp } from '../peers/oidc-provider.js';
import { startCloudServer } from '../../main/cloud-server/server.js';
import type { CloudServer } from '../../main/cloud-server/server.js';
import { InMemoryVault } from '../../main/identity/index.js';
import type { EngineEvent } from '../../main/core/engine.js';

const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex');
const ALICE = 'alice@example.com';

async function until(what: string, fn: () => Promise<boolean> | boolean, ms = 30_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await fn())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('Cloud and Hybrid modes end to end', () => {
  let idp: TestIdp;
  let server: CloudServer;
  let te: TestEngine;
  let cups: Cups;
  let docs: { path: string; cleanup(): Promise<void> };
  const events: EngineEvent[] = [];

  before(async () => {
    idp = await startTestIdp();
    docs = await tempDir('pp-cloud-e2e-');
    server = await startCloudServer({
      dataDir: `${docs.path}/server`,
      tls: { key: idp.pki.keyPem, cert: idp.pki.certPem },
      auth: { issuer: idp.issuer, audience: RESOURCE, ca: idp.pki.caPem, ownerClaim: 'sub' },
    });
    const idpXml = `<IDPServerSettings><ServerIP>127.0.0.1</ServerIP><ServerPort>${idp.port}</ServerPort><ClientId>${CLIENT_ID}</ClientId><Resource>${RESOURCE}</Resource><CAFile>${idp.pki.caFile}</CAFile></IDPServerSettings>`;
    const serverXml = `<ServerSettings><ServerIP>${server.host}${server.basePath}</ServerIP><ServerPort>${server.port}</ServerPort><CAFile>${idp.pki.caFile}</CAFile></ServerSettings>`;
    te = await startTestEngine({
      ports: { identity: { vault: new InMemoryVault() } },
      sections: `
  <LPMServerSettings>
    <CaptureSettings><LoopbackPort>9168</LoopbackPort></CaptureSettings>
    ${serverXml}
    ${idpXml}
  </LPMServerSettings>
  <LPMServerlessSettings>
    <CaptureSettings><LoopbackPort>9167</LoopbackPort></CaptureSettings>
    ${serverXml}
    <ServerAPISettings>${idpXml}</ServerAPISettings>
  </LPMServerlessSettings>`,
    });
    te.engine.events.on((e) => events.push(e));
    await te.engine.service('sessions').signInWithPassword(ALICE, ACCOUNTS[ALICE].password);
    cups = await startCups();
  });
  after(async () => {
    await cups?.stop();
    await te?.dispose();
    await server?.close();
    await idp?.stop();
    await docs?.cleanup();
  });

  test('a job printed through CUPS to the Cloud queue lands in the cloud, byte for byte', async () => {
    await cups.addQueue('cloud', `ipp://127.0.0.1:${te.port('cloud')}/ipp/print`, CUPS_MODELS.raw);
    const pdf = await makePdf(docs.path, 'report.pdf', { pages: 3, title: 'Quarterly Report', colorPages: [2] });
    const bytes = await readFile(pdf);
    const id = await cups.print('cloud', pdf, { title: 'Quarterly Report', user: 'alice' });
    await cups.waitJobDone(id, 30_000);
    const sub = ACCOUNTS[ALICE].sub;
    await until('the job in the cloud queue', async () => (await server.store.list(sub)).length === 1);
    const [job] = await server.store.list(sub);
    assert.equal(job.location, 'cloud');
    assert.equal(job.metadata.title, 'Quarterly Report');
    assert.equal(job.metadata.pages, await pdfPageCount(pdf));
    assert.equal(job.metadata.format, 'pdf');
    assert.equal(job.metadata.copies, 1);
    assert.equal(job.metadata.sha256, sha(bytes));
    assert.equal(sha(await readFile(server.store.documentPath(sub, job.key))), sha(bytes));
    await until('the local copy removed', () => te.engine.listJobs().filter((j) => j.mode === 'cloud').length === 0);
    assert.ok(events.some((e) => e.type === 'cloud' && e.event.type === 'submitted'), 'submitted event for the notification');
  });

  test('a Hybrid job stays on the workstation, registered with its release URL, unregistered when deleted', async () => {
    await cups.addQueue('hybrid', `ipp://127.0.0.1:${te.port('hybrid')}/ipp/print`, CUPS_MODELS.raw);
    const pdf = await makePdf(docs.path, 'held.pdf', { pages: 1, title: 'Held' });
    const id = await cups.print('hybrid', pdf, { title: 'Held', user: 'alice' });
    await cups.waitJobDone(id, 30_000);
    const sub = ACCOUNTS[ALICE].sub;
    await until('the registration', async () => (await server.store.list(sub)).some((j) => j.location === 'workstation'));
    const reg = (await server.store.list(sub)).find((j) => j.location === 'workstation');
    assert.ok(reg);
    const local = te.engine.listJobs().find((j) => j.mode === 'hybrid');
    assert.ok(local);
    assert.equal(local.state, 'held');
    assert.match(String(reg.releaseUrl), new RegExp(`/release/v1/jobs/${local.id}$`));
    await te.engine.deleteJob(local.id);
    await until('the unregistration', async () => !(await server.store.list(sub)).some((j) => j.location === 'workstation'));
  });
});
