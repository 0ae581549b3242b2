import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile, stat } from 'node:fs/promises';
import { connect } from 'node:net';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cliEnv, runCliProcess, startCli, waitForOutput } from '../../helpers/cli.js';
import { freePort } from '../../helpers/process.js';

function configXml(port: number, logFile: string): string {
  return `<?xml version="1.0" encoding="utf-8"?>
<Configuration>
  <Logger>
    <LogFilePath>${logFile}</LogFilePath>
    <LoggingEnabled>true</LoggingEnabled>
  </Logger>
  <LPMServerlessADSettings>
    <CaptureSettings>
      <LoopbackPort>${port}</LoopbackPort>
    </CaptureSettings>
    <ReleaseSettings>
      <EsfListenerPort>${port + 1}</EsfListenerPort>
    </ReleaseSettings>
    <ServerSettings>
      <ServiceAccountUserName>svc-print</ServiceAccountUserName>
    </ServerSettings>
  </LPMServerlessADSettings>
</Configuration>
`;
}

describe('pullprint command', () => {
  let dir: string;
  let env: NodeJS.ProcessEnv;
  let configFile: string;
  let port: number;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'pp-cli-'));
    port = await freePort();
    configFile = join(dir, 'configuration.xml');
    await writeFile(configFile, configXml(port, join(dir, 'logs', 'pullprint.log')));
    env = cliEnv({ PULLPRINT_CONFIG: configFile, PULLPRINT_DATA_DIR: join(dir, 'data'), HOME: dir, XDG_STATE_HOME: join(dir, 'state') });
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  test('--help lists the commands, --version prints the version', async () => {
    const help = await runCliProcess(['--help'], env);
    assert.equal(help.code, 0);
    for (const c of ['config', 'serve', 'status', 'jobs', 'delete']) assert.match(help.stdout, new RegExp(`\\b${c}\\b`));
    const v = await runCliProcess(['--version'], env);
    assert.equal(v.code, 0);
    assert.match(v.stdout.trim(), /^\d+\.\d+\.\d+/);
  });

  test('a wrong command line exits 2 with a hint', async () => {
    const r = await runCliProcess(['frobnicate'], env);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /unknown command/);
  });

  test('config check: valid file exits 0, invalid file exits 1 with every error', async () => {
    const ok = await runCliProcess(['config', 'check'], env);
    assert.equal(ok.code, 0, ok.stderr);
    assert.match(ok.stdout, /valid \(modes: serverless-ad\)/);
    const bad = join(dir, 'bad.xml');
    await writeFile(bad, '<Configuration>\n  <LPMServerSettings>\n    <CaptureSettings>\n      <LoopbackPort>70000</LoopbackPort>\n    </CaptureSettings>\n  </LPMServerSettings>\n  <DisplayNotifications>maybe</DisplayNotifications>\n</Configuration>\n');
    const r = await runCliProcess(['config', 'check', bad], env);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /LPMServerSettings\/CaptureSettings\/LoopbackPort/);
    assert.match(r.stderr, /70000/);
    assert.match(r.stderr, /DisplayNotifications/);
    assert.match(r.stderr, /maybe/);
    const missing = await runCliProcess(['config', 'check', join(dir, 'nope.xml')], env);
    assert.equal(missing.code, 1);
  });

  test('config print --json gives values with their sources', async () => {
    const r = await runCliProcess(['config', 'print', '--json'], env);
    assert.equal(r.code, 0, r.stderr);
    const doc = JSON.parse(r.stdout) as { configFile: string; values: Array<{ path: string; value: unknown; source: string }> };
    assert.equal(doc.configFile, configFile);
    const lp = doc.values.find((v) => v.path.endsWith('LPMServerlessADSettings/CaptureSettings/LoopbackPort'));
    assert.equal(lp?.value, port);
    assert.match(String(lp?.source), /file/);
    const lifespan = doc.values.find((v) => v.path.endsWith('LPMServerlessADSettings/ClientSettings/PrintAndKeepLifespan'));
    assert.equal(lifespan?.value, 48);
    assert.match(String(lifespan?.source), /default/);
  });

  test('status says clearly when no engine runs', async () => {
    const r = await runCliProcess(['status'], env);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /no PullPrint engine is running/);
    assert.match(r.stderr, /ENGINE_NOT_RUNNING/);
  });

  test('serve runs until SIGTERM; status, jobs and delete talk to it', async () => {
    const child = startCli(['serve'], env);
    let serveErr = '';
    child.stderr?.setEncoding('utf8').on('data', (d: string) => (serveErr += d));
    try {
      await waitForOutput(child, /PullPrint engine running/);
      const st = await runCliProcess(['status', '--json'], env);
      assert.equal(st.code, 0, st.stderr);
      const snap = JSON.parse(st.stdout) as { status: string; modes: Array<{ kind: string; capturePort: number; listening: boolean }> };
      assert.equal(snap.status, 'running');
      assert.deepEqual(snap.modes.map((m) => [m.kind, m.capturePort, m.listening]), [['serverless-ad', port, true]]);

      // Print a RAW PostScript job to the capture port.
      const s = connect(port, '127.0.0.1');
      await once(s, 'connect');
      s.end('%!PS-Adobe-3.0\n%%Title: CLI test\n%%Pages: 1\n%%Page: 1 1\nshowpage\n%%EOF\n');
      await once(s, 'close');

      const jobs = await runCliProcess(['jobs', '--json'], env);
      assert.equal(jobs.code, 0, jobs.stderr);
      const list = JSON.parse(jobs.stdout) as Array<Record<string, unknown>>;
      assert.equal(list.length, 1);
      for (const k of ['id', 'owner', 'declaredUser', 'title', 'protocol', 'pdl', 'pages', 'color', 'duplex', 'copies', 'size', 'sha256', 'state', 'receivedAt', 'file']) {
        assert.ok(k in list[0], `missing ${k}`);
      }
      assert.equal(list[0].protocol, 'raw');
      assert.equal(list[0].pdl, 'postscript');
      assert.equal(list[0].title, 'CLI test');
      assert.equal(list[0].pages, 1);

      const human = await runCliProcess(['jobs'], env);
      assert.match(human.stdout, /CLI test/);

      const del = await runCliProcess(['delete', String(list[0].id)], env);
      assert.equal(del.code, 0, del.stderr);
      await assert.rejects(stat(String(list[0].file)));
      const again = await runCliProcess(['delete', String(list[0].id)], env);
      assert.equal(again.code, 1);
      assert.match(again.stderr, /JOB_NOT_FOUND/);
      const tr = await runCliProcess(['tracker', 'status', '--json', '--data-dir', join(dir, 'data')], env);
      assert.equal(tr.code, 0, tr.stderr);
      const trs = JSON.parse(tr.stdout) as { enabled: boolean; pending: number };
      assert.equal(trs.enabled, true);
      // The deletion above was recorded; with no report server configured it stays pending.
      assert.equal(trs.pending, 1);

      const badId = await runCliProcess(['delete', '../../etc/passwd'], env);
      assert.equal(badId.code, 1);
      assert.match(badId.stderr, /BAD_PARAMS/);
    } finally {
      // A serve that died during the test would never emit 'exit' again: say so instead of hanging.
      if (child.exitCode !== null || child.signalCode !== null) {
        assert.fail(`serve exited early (${child.exitCode ?? child.signalCode}); stderr: ${serveErr}`);
      }
      child.kill('SIGTERM');
      const [code] = (await once(child, 'exit')) as [number | null];
      assert.equal(code, 0, serveErr);
    }
    await assert.rejects(stat(join(dir, 'data', 'control.sock')));
  });
});
