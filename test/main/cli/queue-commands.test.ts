// `pullprint queue install|remove` against a private CUPS scheduler and a REAL engine:
// the queue is created pointing at the capture port, made the default, a job printed
// with `lp` arrives in the engine as a held job with its title and user; remove takes
// every PullPrint queue away and tolerates absent ones; --dry-run changes nothing;
// a failing step exits with QUEUE_COMMAND_FAILED naming the step.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { Command } from 'commander';
import { registerQueueCommands, runCommand } from '../../../main/cli/queue-commands.js';
import type { Io } from '../../../main/cli/output.js';
import { loadConfig } from '../../../main/config/index.js';
import type { Config } from '../../../main/config/types.js';
import { Engine } from '../../../main/core/engine.js';
import type { JobRecord } from '../../../main/spool/types.js';
import { nullLogger } from '../../../main/log/null-logger.js';
import { PullPrintError } from '../../../main/util/errors.js';
import { makePostScript, tempDir } from '../../helpers/documents.js';
import { freePort, run } from '../../helpers/process.js';
import { startCups, type Cups } from '../../peers/cups.js';
import { AD_ONLY, configFrom } from '../ui/queue-config.js';

describe('pullprint queue install|remove (private CUPS, real engine)', () => {
  let cups: Cups;
  let dir: { path: string; cleanup(): Promise<void> };
  let config: Config;
  let engine: Engine;
  let port: number;

  before(async () => {
    dir = await tempDir('queue-cli');
    cups = await startCups();
    port = await freePort();
    config = await configFrom(dir.path, AD_ONLY(port));
    engine = new Engine({ config, logger: nullLogger(), capturePorts: { 'serverless-ad': port }, osUser: 'tester', ports: { release: { port: 0, host: '127.0.0.1' } } });
    await engine.start();
  });
  after(async () => {
    await engine?.stop();
    await cups?.stop();
    await dir?.cleanup();
  });

  async function cli(args: string[]): Promise<{ out: string; err: unknown }> {
    const lines: string[] = [];
    const io: Io = { out: (t) => lines.push(t), err: (t) => lines.push(t) };
    const program = new Command('pullprint').exitOverride().configureOutput({ writeOut: () => undefined, writeErr: () => undefined });
    registerQueueCommands(program, { io, loadConfig: async () => config, run: (cmd) => runCommand(cmd, { env: cups.env }) });
    try {
      await program.parseAsync(args, { from: 'user' });
      return { out: lines.join('\n'), err: null };
    } catch (err) {
      return { out: lines.join('\n'), err };
    }
  }

  const lpstat = async (...args: string[]): Promise<string> => (await run('lpstat', args, { env: cups.env })).stdout;

  test('--dry-run prints the commands and creates nothing', async () => {
    const r = await cli(['queue', 'install', '--dry-run']);
    assert.equal(r.err, null);
    assert.match(r.out, /# create queue PullPrint-AD → capture port \d+\nlpadmin -p PullPrint-AD -E -v 'lpd:\/\/127\.0\.0\.1:\d+\/PullPrint-AD\?reserve=none&snmp=false'/);
    assert.match(r.out, /lpadmin -d PullPrint-AD/);
    assert.doesNotMatch(await lpstat('-p'), /PullPrint/);
    const json = JSON.parse((await cli(['queue', 'remove', '--dry-run', '--json'])).out) as { dryRun: boolean; commands: Array<{ command: string }> };
    assert.equal(json.dryRun, true);
    assert.deepEqual(json.commands.map((c) => c.command), ['lpadmin -x PullPrint-AD', 'lpadmin -x PullPrint-Hybrid', 'lpadmin -x PullPrint-Cloud', 'lpadmin -x PullPrint']);
  });

  test('install: the queue points at the capture port and is the default; a printed job arrives held, with its title', async () => {
    const r = await cli(['queue', 'install']);
    assert.equal(r.err, null, String(r.err));
    assert.match(r.out, /done: create queue PullPrint-AD/);
    assert.match(await lpstat('-p', 'PullPrint-AD'), /printer PullPrint-AD is idle/);
    assert.match(await lpstat('-v', 'PullPrint-AD'), new RegExp(`lpd://127\\.0\\.0\\.1:${port}/PullPrint-AD`));
    assert.match(await lpstat('-d'), /system default destination: PullPrint-AD/);

    const stored = new Promise<JobRecord>((resolve) => {
      const off = engine.events.on((e) => {
        if (e.type === 'job-stored') {
          off();
          resolve(e.job);
        }
      });
    });
    const doc = await makePostScript(dir.path, 'memo.ps', { pages: 2, title: 'Memo' });
    const id = await cups.print('PullPrint-AD', doc, { title: 'Quarterly memo' });
    await cups.waitJobDone(id, 30_000);
    const job = await stored;
    assert.equal(job.title, 'Quarterly memo');
    assert.equal(job.state, 'held');
    assert.equal(job.protocol, 'lpd');
    assert.equal(job.pages, 2);
    // Installing again (an upgrade) changes nothing and succeeds.
    assert.equal((await cli(['queue', 'install'])).err, null);
  });

  test('a failing step stops the install with QUEUE_COMMAND_FAILED naming it', async () => {
    const r = await cli(['queue', 'install', '--driver', 'drv:///no-such.drv/nothing.ppd']);
    assert.ok(r.err instanceof PullPrintError);
    assert.equal(r.err.code, 'QUEUE_COMMAND_FAILED');
    assert.match(r.err.message, /^create queue PullPrint-AD → capture port \d+ failed: lpadmin: /);
  });

  test('remove: our queue is gone, absent ones are skipped, exit 0', async () => {
    const r = await cli(['queue', 'remove']);
    assert.equal(r.err, null, String(r.err));
    assert.match(r.out, /done: remove queue PullPrint-AD/);
    assert.match(r.out, /skipped: remove queue PullPrint-Cloud/);
    assert.doesNotMatch(await lpstat('-p'), /PullPrint/);
    assert.equal((await cli(['queue', 'remove'])).err, null, 'removing twice is fine');
  });

  test('a command that does not exist is reported, not thrown as ENOENT', async () => {
    const r = await runCommand({ program: join(dir.path, 'no-such-lpadmin'), args: [], purpose: 'x' });
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /ENOENT/);
    const cfg = await loadConfig({ configPath: join(dir.path, 'configuration.xml'), dataDir: join(dir.path, 'data'), env: {} });
    assert.equal(cfg.modes[0].capture.loopbackPort, port);
  });
});
