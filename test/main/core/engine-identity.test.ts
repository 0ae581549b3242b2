// The engine with an identity provider: jobs printed before sign-in wait (never lost) and
// are adopted by the user who signs in; later jobs belong to the signed-in user; logout
// deletes the user's held jobs with reason 'logout'. Real oidc-provider over TLS.

import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { startTestEngine } from '../../helpers/engine.js';
import type { TestEngine } from '../../helpers/engine.js';
import { sendLpdJob } from '../../helpers/lpd-client.js';
import { ACCOUNTS, CLIENT_ID, RESOURCE, startTestIdp } from '../../peers/oidc-provider.js';
import type { TestIdp } from '../../peers/oidc-provider.js';
import { InMemoryVault } from '../../../main/identity/index.js';
import type { EngineEvent } from '../../../main/core/engine.js';
import { engineMethods } from '../../../main/control/methods.js';
import { answer } from '../../../main/control/server.js';

async function sendRaw(port: number, data: string): Promise<void> {
  const s = connect({ port, host: '127.0.0.1', allowHalfOpen: true });
  await once(s, 'connect');
  s.end(data);
  s.resume();
  await once(s, 'close');
}

const ps = (title: string): string => `%!PS-Adobe-3.0\n%%Title: ${title}\n%%Pages: 1\n%%Page: 1 1\nshowpage\n%%EOF\n`;

function hybridSection(idp: TestIdp, policy = 'accept-and-record'): string {
  return `
  <LPMServerlessSettings>
    <CaptureSettings><LoopbackPort>9167</LoopbackPort></CaptureSettings>
    <ServerSettings><ServerIP>127.0.0.1/cpm</ServerIP><ServerPort>1</ServerPort></ServerSettings>
    <ServerAPISettings>
      <IDPServerSettings>
        <ServerIP>127.0.0.1</ServerIP><ServerPort>${idp.port}</ServerPort>
        <ClientId>${CLIENT_ID}</ClientId><Resource>${RESOURCE}</Resource><CAFile>${idp.pki.caFile}</CAFile>
        <UserMatchPolicy>${policy}</UserMatchPolicy>
      </IDPServerSettings>
    </ServerAPISettings>
  </LPMServerlessSettings>`;
}

describe('engine with an identity provider', () => {
  let idp: TestIdp;
  let te: TestEngine;
  const events: EngineEvent[] = [];

  before(async () => {
    idp = await startTestIdp();
    te = await startTestEngine({ sections: hybridSection(idp), ports: { identity: { vault: new InMemoryVault() } } });
    te.engine.events.on((e) => events.push(e));
  });
  after(async () => {
    await te?.dispose();
    await idp?.stop();
  });

  test('a job printed before anyone signed in waits, then is adopted at sign-in', async () => {
    await sendRaw(te.port(), ps('Before sign-in'));
    const [waiting] = te.engine.listJobs();
    assert.equal(waiting.state, 'waiting-for-sign-in');
    assert.ok(events.some((e) => e.type === 'sign-in-required'), 'sign-in-required emitted');
    assert.equal(te.engine.snapshot().jobs.waitingForSignIn, 1);

    const sessions = te.engine.service('sessions');
    await sessions.signInWithPassword('alice@example.com', ACCOUNTS['alice@example.com'].password);
    const deadline = Date.now() + 5000;
    while (te.engine.listJobs()[0]?.state !== 'held' && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    const [adopted] = te.engine.listJobs();
    assert.equal(adopted.id, waiting.id);
    assert.equal(adopted.state, 'held');
    assert.equal(adopted.owner, 'alice@example.com');
    assert.ok(existsSync(adopted.file));
  });

  test('later jobs belong to the signed-in user; the declared user is recorded', async () => {
    await sendLpdJob(te.port(), { user: 'alice', jobName: 'From LPD', data: Buffer.from(ps('From LPD')) });
    const job = te.engine.listJobs().find((j) => j.title === 'From LPD');
    assert.ok(job);
    assert.equal(job.owner, 'alice@example.com');
    assert.equal(job.declaredUser, 'alice');
    assert.equal(job.state, 'held');
  });

  test('logout through the control channel deletes the user\'s held jobs with reason logout', async () => {
    const methods = engineMethods(te.engine);
    const res = await answer(JSON.stringify({ id: 1, method: 'identity.logout', params: { user: 'alice@example.com' } }), methods);
    assert.equal(res.ok, true, JSON.stringify(res));
    assert.deepEqual(te.engine.listJobs(), []);
    const deleted = events.filter((e) => e.type === 'job-deleted');
    assert.equal(deleted.length, 2);
    assert.ok(deleted.every((e) => e.type === 'job-deleted' && e.reason === 'logout'));
    assert.equal(te.engine.service('sessions').state('alice@example.com'), 'signed-out');
    // Idempotent.
    const again = await answer(JSON.stringify({ id: 2, method: 'identity.logout', params: { user: 'alice@example.com' } }), methods);
    assert.equal(again.ok, true);
  });
});

describe('engine with the reject policy', () => {
  test('a job declared by another user than the signed-in one is refused with an error event', async () => {
    const idp = await startTestIdp();
    const te = await startTestEngine({ sections: hybridSection(idp, 'reject'), ports: { identity: { vault: new InMemoryVault() } } });
    try {
      const events: EngineEvent[] = [];
      te.engine.events.on((e) => events.push(e));
      await te.engine.service('sessions').signInWithPassword('bob@example.com', ACCOUNTS['bob@example.com'].password);
      await sendLpdJob(te.port(), { user: 'mallory', jobName: 'Not mine', data: Buffer.from(ps('Not mine')) });
      const deadline = Date.now() + 5000;
      while (te.engine.listJobs().length > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      assert.deepEqual(te.engine.listJobs(), []);
      assert.ok(events.some((e) => e.type === 'error' && e.code === 'JOB_USER_MISMATCH'));
      await sendLpdJob(te.port(), { user: 'bob', jobName: 'Mine', data: Buffer.from(ps('Mine')) });
      assert.equal(te.engine.listJobs().length, 1);
    } finally {
      await te.dispose();
      await idp.stop();
    }
  });
});
