// `pullprint release` and `pullprint printers` against a real control channel served by a
// real release service (main/cli/release-commands.ts is the code under test), releasing
// to a raw port-9100 receiver; the saved-printer file is checked on disk.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Command, CommanderError } from 'commander';
import { registerReleaseCommands } from '../../../main/cli/release-commands.js';
import type { Io } from '../../../main/cli/output.js';
import { callEngine } from '../../../main/control/client.js';
import { startControlServer, type ControlServer } from '../../../main/control/server.js';
import { REAL_CLOCK } from '../../../main/util/clock.js';
import { nullLogger } from '../../../main/log/null-logger.js';
import { ReleaseService, releaseControlMethods, printersFile } from '../../../main/release/index.js';
import type { Spool } from '../../../main/spool/spool.js';
import { errorCode } from '../../../main/util/errors.js';
import { postScriptText } from '../../helpers/documents.js';
import { startRawSink, type RawSink } from '../../peers/raw-sink.js';
import { memoryLogger, openSpool, storeJob, tempDataDir } from './fixture.js';

interface Captured extends Io {
  stdout: string[];
  stderr: string[];
}

describe('pullprint release and printers', () => {
  const hooks: (() => Promise<void>)[] = [];
  const t = { after: (fn: () => Promise<void>) => void hooks.push(fn) };
  let dataDir: string;
  let spool: Spool;
  let sink: RawSink;
  let service: ReleaseService;
  let server: ControlServer;
  let lateBinding = true;

  before(async () => {
    dataDir = await tempDataDir(t, 'release-cli');
    spool = await openSpool(dataDir);
    hooks.push(() => spool.close());
    sink = await startRawSink();
    hooks.push(() => sink.close());
    service = new ReleaseService({
      spool, dataDir, logger: memoryLogger(), lifespans: {}, emptyFolders: { enabled: false, lifespanDays: 7 },
      forgetUser: async () => undefined, servers: [], clock: REAL_CLOCK, delivery: { closeWaitMs: 2000 },
      get lateBindingEnabled() {
        return lateBinding;
      },
    });
    await service.start();
    hooks.push(() => service.stop());
    server = await startControlServer(join(dataDir, 'c.sock'), releaseControlMethods(service), nullLogger());
    hooks.push(() => server.close());
  });
  after(async () => {
    for (const h of hooks.reverse()) await h();
  });

  async function cli(args: string[]): Promise<Captured> {
    const stdout: string[] = [];
    const stderr: string[] = [];
    const io: Captured = { stdout, stderr, out: (s) => stdout.push(s), err: (s) => stderr.push(s) };
    const program = new Command('pullprint').exitOverride().configureOutput({ writeOut: (s) => io.out(s), writeErr: (s) => io.err(s) });
    registerReleaseCommands(program, { io, call: (m, p) => callEngine(server.path, m, p ?? {}) });
    const all = (c: Command): void => c.commands.forEach((s) => {
      s.exitOverride();
      all(s);
    });
    all(program);
    await program.parseAsync(args, { from: 'user' });
    return io;
  }

  test('printers add / list / default / remove, kept in preferences/printers.json', async () => {
    const sinkUri = `socket://127.0.0.1:${sink.port}`;
    assert.match((await cli(['printers', 'list'])).stdout.join('\n'), /No saved printers/);
    assert.match((await cli(['printers', 'add', 'Floor 2', `${sinkUri}/?snmp=false`])).stdout.join('\n'), /saved Floor 2 \(socket:\/\/127\.0\.0\.1:\d+\) as the default printer/);
    await cli(['printers', 'add', 'Lobby', 'ipp://printer.example/ipp/print']);
    const list = JSON.parse((await cli(['printers', 'list', '--json'])).stdout.join('\n')) as { name: string; uri: string; default: boolean }[];
    assert.deepEqual(list, [
      { name: 'Floor 2', uri: sinkUri, default: true },
      { name: 'Lobby', uri: 'ipp://printer.example:631/ipp/print', default: false },
    ]);
    const file = printersFile(dataDir);
    assert.deepEqual((JSON.parse(await readFile(file, 'utf8')) as { printers: unknown }).printers, list);
    assert.equal((await stat(file)).mode & 0o777, 0o600);
    await cli(['printers', 'default', 'lobby']);
    assert.match((await cli(['printers', 'list'])).stdout.join('\n'), /Lobby +yes/);
    await cli(['printers', 'remove', 'LOBBY']);
    await assert.rejects(cli(['printers', 'remove', 'Lobby']), (e: unknown) => errorCode(e) === 'PRINTER_NOT_FOUND');
    await assert.rejects(cli(['printers', 'add', 'Bad', 'lpd://h/q']), (e: unknown) => errorCode(e) === 'BAD_PRINTER_URI');
    await assert.rejects(cli(['printers', 'add', 'ipp://x', 'ipp://h/']), (e: unknown) => errorCode(e) === 'BAD_PRINTER_NAME');
  });

  test('release by saved name, with settings; the job is deleted (or kept with --keep)', async () => {
    await cli(['printers', 'add', 'Raw', `socket://127.0.0.1:${sink.port}`, '--default']);
    const ps = Buffer.from(postScriptText({ pages: 2, title: 'CLI job' }));
    const job = await storeJob(spool, ps, { owner: 'alice@example.com', title: 'CLI job' });
    const io = await cli(['release', job.id, '--printer', 'raw', '--copies', '2', '--mono', '--duplex']);
    assert.match(io.stdout.join('\n'), new RegExp(`released ${job.id} to socket://127\\.0\\.0\\.1:${sink.port} \\(.*\\); deleted from this workstation`));
    const got = (await sink.nextJob(5000)).toString('latin1');
    assert.match(got, /@PJL SET QTY=2\n/);
    assert.match(got, /@PJL SET RENDERMODE=GRAYSCALE\n/);
    assert.match(got, /@PJL SET DUPLEX=ON\n/);
    assert.equal(spool.get(job.id), undefined);

    const kept = await storeJob(spool, ps, { owner: 'alice@example.com' });
    const json = JSON.parse((await cli(['release', kept.id, '--keep', '--json'])).stdout.join('\n')) as { state: string; bytesSent: number; changes: object };
    assert.equal(json.state, 'released-kept');
    assert.equal(json.bytesSent, ps.length);
    assert.deepEqual(json.changes, {});
    assert.ok((await sink.nextJob(5000)).equals(ps), 'default printer, no changes: the bytes as stored');
    assert.equal(spool.get(kept.id)?.state, 'released-kept');
  });

  test('bad command lines exit as usage errors; refusals come back with their code', async () => {
    const job = await storeJob(spool, Buffer.from(postScriptText({ pages: 1 })), { owner: 'alice@example.com' });
    await assert.rejects(cli(['release', job.id, '--color', '--mono']), CommanderError);
    await assert.rejects(cli(['release', job.id, '--copies', '0']), CommanderError);
    await assert.rejects(cli(['release', job.id, '--staple', 'middle']), CommanderError);
    await assert.rejects(cli(['release', job.id, '--printer', 'Nowhere']), (e: unknown) => errorCode(e) === 'PRINTER_NOT_FOUND');
    lateBinding = false;
    try {
      await assert.rejects(cli(['release', job.id, '--copies', '3']), (e: unknown) => errorCode(e) === 'LATE_BINDING_DISABLED');
    } finally {
      lateBinding = true;
    }
    assert.equal(spool.get(job.id)?.state, 'held');
  });

  test('a saved-printer file that cannot be parsed is reported, never overwritten', async () => {
    const file = printersFile(dataDir);
    const before = await readFile(file, 'utf8');
    await writeFile(file, '{"version": 1, "printers": [oops');
    try {
      await assert.rejects(cli(['printers', 'add', 'New', 'socket://h']), (e: unknown) => errorCode(e) === 'PREFERENCES_UNREADABLE');
      assert.equal(await readFile(file, 'utf8'), '{"version": 1, "printers": [oops');
    } finally {
      await writeFile(file, before);
    }
  });
});
