// Release through the engine: the CLI's release and printers commands over the control
// channel, delivery to a raw port-9100 receiver, the job deleted with reason 'released'
// (seen by the tracker) or kept; the printer-facing listener answers its health check.

import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { connect } from 'node:net';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { request } from 'node:https';
import { startTestEngine } from '../../helpers/engine.js';
import type { TestEngine } from '../../helpers/engine.js';
import { startRawSink } from '../../peers/raw-sink.js';
import type { RawSink } from '../../peers/raw-sink.js';
import { startControlServer } from '../../../main/control/server.js';
import type { ControlServer } from '../../../main/control/server.js';
import { controlSocketPath } from '../../../main/control/socket-path.js';
import { engineMethods } from '../../../main/control/methods.js';
import { nullLogger } from '../../../main/log/null-logger.js';
import { runCli } from '../../../main/cli/program.js';
import type { EngineEvent } from '../../../main/core/engine.js';

async function sendRaw(port: number, data: Buffer): Promise<void> {
  const s = connect({ port, host: '127.0.0.1', allowHalfOpen: true });
  await once(s, 'connect');
  s.end(data);
  s.resume();
  await once(s, 'close');
}

const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex');
const pjlJob = (title: string): Buffer => Buffer.from(`\x1b%-12345X@PJL JOB NAME="${title}"\r\n@PJL ENTER LANGUAGE=POSTSCRIPT\r\n%!PS-Adobe-3.0\n%%Title: ${title}\n%%Pages: 1\n%%Page: 1 1\nshowpage\n%%EOF\n\x1b%-12345X@PJL EOJ\r\n\x1b%-12345X`);

describe('release through the engine', () => {
  let te: TestEngine;
  let sink: RawSink;
  let control: ControlServer;
  const events: EngineEvent[] = [];
  const out: string[] = [];
  const err: string[] = [];
  let cli: (args: string[]) => Promise<number>;

  before(async () => {
    sink = await startRawSink();
    te = await startTestEngine();
    te.engine.events.on((e) => events.push(e));
    control = await startControlServer(controlSocketPath(te.dataDir), engineMethods(te.engine), nullLogger());
    const io = { out: (t: string) => out.push(t), err: (t: string) => err.push(t) };
    const paths = ['-c', join(te.dir, 'configuration.xml'), '-d', te.dataDir];
    cli = (args) => {
      out.length = 0;
      err.length = 0;
      return runCli([...args, ...paths], { io, env: {}, stopSignal: () => new Promise(() => undefined) });
    };
  });
  after(async () => {
    await control?.close();
    await te?.dispose();
    await sink?.close();
  });

  test('the printer-facing listener answers its health check over TLS', async () => {
    const st = te.engine.service('release').status();
    const port = st.listeners[0].port;
    const body = await new Promise<string>((resolve, reject) => {
      request({ host: '127.0.0.1', port, path: '/release/v1/health', rejectUnauthorized: false, minVersion: 'TLSv1.2' }, (res) => {
        let b = '';
        res.setEncoding('utf8').on('data', (d: string) => (b += d)).on('end', () => resolve(b));
      }).on('error', reject).end();
    });
    assert.match(body, /ok|healthy|status/i);
  });

  test('printers add / list, then release to the saved printer deletes the job as released', async () => {
    assert.equal(await cli(['printers', 'add', 'Desk', `socket://127.0.0.1:${sink.port}`, '--default']), 0, err.join('\n'));
    assert.equal(await cli(['printers', 'list', '--json']), 0, err.join('\n'));
    assert.match(out.join(''), /Desk/);
    const data = pjlJob('Release me');
    await sendRaw(te.port(), data);
    const [job] = te.engine.listJobs();
    assert.equal(await cli(['release', job.id, '--json']), 0, err.join('\n'));
    const got = await sink.nextJob(10_000);
    assert.equal(sha(got), sha(data), 'delivered byte for byte (no late binding asked)');
    assert.deepEqual(te.engine.listJobs(), []);
    assert.ok(events.some((e) => e.type === 'job-deleted' && e.reason === 'released'));
  });

  test('print and keep with late binding refused when late binding is off', async () => {
    const data = pjlJob('Keep me');
    await sendRaw(te.port(), data);
    const job = te.engine.listJobs().find((j) => j.title === 'Keep me');
    assert.ok(job);
    assert.equal(await cli(['release', job.id, '--copies', '2']), 1);
    assert.match(err.join('\n'), /LATE_BINDING_DISABLED|late binding/i);
    assert.equal(await cli(['release', job.id, '--keep', '--printer', `socket://127.0.0.1:${sink.port}`]), 0, err.join('\n'));
    assert.equal(sha(await sink.nextJob(10_000)), sha(data));
    const kept = te.engine.getJob(job.id);
    assert.equal(kept?.state, 'released-kept');
    assert.equal(sha(readFileSync(kept.file)), sha(data));
  });

  test('a release to an unreachable printer leaves the job held and says why', async () => {
    await sendRaw(te.port(), pjlJob('Nowhere'));
    const job = te.engine.listJobs().find((j) => j.title === 'Nowhere');
    assert.ok(job);
    assert.equal(await cli(['release', job.id, '--printer', 'socket://127.0.0.1:1']), 1);
    assert.match(err.join('\n'), /PRINTER_UNREACHABLE/);
    assert.equal(te.engine.getJob(job.id)?.state, 'held');
  });
});
