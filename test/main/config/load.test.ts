import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '../../../main/config/config-error.js';
import { loadConfig, MAX_CONFIG_BYTES } from '../../../main/config/load.js';
import { defaultConfigFile } from '../../../main/config/paths.js';

const CLOUD = (port: number): string => `<?xml version="1.0" encoding="utf-8"?>
<Configuration>
  <LPMServerSettings>
    <CaptureSettings><LoopbackPort>${port}</LoopbackPort></CaptureSettings>
    <ServerSettings><ServerIP>print.example.com</ServerIP></ServerSettings>
    <IDPServerSettings><ServerIP>idp.example.com</ServerIP></IDPServerSettings>
  </LPMServerSettings>
</Configuration>
`;

async function withTmp(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'pullprint-config-'));
  try {
    await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function rejection(p: Promise<unknown>): Promise<ConfigError> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof ConfigError, String(err));
    return err;
  }
  return assert.fail('expected a ConfigError');
}

describe('loadConfig', () => {
  test('--config beats PULLPRINT_CONFIG, which beats the platform default', () => withTmp(async (dir) => {
    await writeFile(join(dir, 'flag.xml'), CLOUD(9301));
    await writeFile(join(dir, 'env.xml'), CLOUD(9302));
    const base = { platform: 'linux' as const, homedir: dir };
    const viaFlag = await loadConfig({ ...base, configPath: join(dir, 'flag.xml'), env: { PULLPRINT_CONFIG: join(dir, 'env.xml') } });
    assert.equal(viaFlag.modes[0].capture.loopbackPort, 9301);
    assert.equal(viaFlag.paths.configFile, join(dir, 'flag.xml'));
    const viaEnv = await loadConfig({ ...base, env: { PULLPRINT_CONFIG: join(dir, 'env.xml') } });
    assert.equal(viaEnv.modes[0].capture.loopbackPort, 9302);
    assert.equal(viaEnv.paths.configFile, join(dir, 'env.xml'));
  }));

  test('--data-dir beats PULLPRINT_DATA_DIR, which beats the platform default', () => withTmp(async (dir) => {
    await writeFile(join(dir, 'c.xml'), CLOUD(9301));
    const base = { platform: 'linux' as const, homedir: dir, configPath: join(dir, 'c.xml') };
    assert.equal((await loadConfig({ ...base, dataDir: '/flag/d', env: { PULLPRINT_DATA_DIR: '/env/d' } })).paths.dataDir, '/flag/d');
    assert.equal((await loadConfig({ ...base, env: { PULLPRINT_DATA_DIR: '/env/d' } })).paths.dataDir, '/env/d');
    assert.equal((await loadConfig({ ...base, env: {} })).paths.dataDir, join(dir, '.local/share/pullprint'));
  }));

  test('a relative --config is taken from cwd', () => withTmp(async (dir) => {
    await mkdir(join(dir, 'conf'));
    await writeFile(join(dir, 'conf', 'c.xml'), CLOUD(9303));
    const c = await loadConfig({ platform: 'linux', homedir: dir, env: {}, cwd: dir, configPath: 'conf/c.xml' });
    assert.equal(c.modes[0].capture.loopbackPort, 9303);
  }));

  test('an explicitly named file that does not exist is an error, by flag or by environment', () => withTmp(async (dir) => {
    const missing = join(dir, 'nope.xml');
    const byFlag = await rejection(loadConfig({ platform: 'linux', homedir: dir, env: {}, configPath: missing }));
    assert.equal(byFlag.code, 'CONFIG_NOT_FOUND');
    assert.equal(byFlag.issues[0].message, `${missing} (named by --config) does not exist`);
    const byEnv = await rejection(loadConfig({ platform: 'linux', homedir: dir, env: { PULLPRINT_CONFIG: missing } }));
    assert.equal(byEnv.code, 'CONFIG_NOT_FOUND');
    assert.match(byEnv.message, /named by PULLPRINT_CONFIG/);
  }));

  for (const platform of ['linux', 'darwin'] as const) {
    const file = defaultConfigFile(platform, {});
    test(`${platform}: a missing platform-default file gives the embedded default`, { skip: existsSync(file) && `${file} exists on this machine` }, () => withTmp(async (dir) => {
      const c = await loadConfig({ platform, homedir: dir, env: {} });
      assert.equal(c.paths.configFile, null);
      assert.equal(c.platform, platform);
      assert.deepEqual(c.modes, [{
        kind: 'local',
        capture: { loopbackPort: 9167, printJobFileNameFormat: '%d_%i.ps', maxJobSizeBytes: 4096 * 1024 * 1024, idleTimeoutSeconds: 120, maxConnections: 64 },
        client: { printAndKeepLifespanHours: 48, unprintedJobsLifespanHours: 48 },
        release: { esfListenerPort: 9443, useSsl: true, certificateFile: null, keyFile: null, listenAddress: '::' },
      }]);
      assert.deepEqual(c.warnings, []);
      assert.equal(c.tracker.present, false);
      assert.ok(Object.isFrozen(c.modes[0].capture));
      assert.ok(Object.values(c.sources).every((s) => s.from === 'default'));
    }));
  }

  test('a folder where the file should be is unreadable, not missing', () => withTmp(async (dir) => {
    const err = await rejection(loadConfig({ platform: 'linux', homedir: dir, env: {}, configPath: dir }));
    assert.equal(err.code, 'CONFIG_UNREADABLE');
  }));

  test('a file over the size cap is refused without being parsed', () => withTmp(async (dir) => {
    const big = join(dir, 'big.xml');
    await writeFile(big, `<Configuration>${' '.repeat(MAX_CONFIG_BYTES)}</Configuration>`);
    const err = await rejection(loadConfig({ platform: 'linux', homedir: dir, env: {}, configPath: big }));
    assert.equal(err.code, 'CONFIG_INVALID');
    assert.match(err.message, /is \d+ bytes; a configuration file is at most/);
  }));

  test('UTF-16 (Notepad "Unicode") and UTF-8 with BOM and CRLF read the same as plain UTF-8', () => withTmp(async (dir) => {
    const text = CLOUD(9304).replace('<LPMServerSettings>', '<DefaultPrintQueue><DefaultQueue>Büro-Drucker</DefaultQueue></DefaultPrintQueue><LPMServerSettings>');
    const crlf = text.replace(/\n/g, '\r\n');
    await writeFile(join(dir, 'u8.xml'), text);
    await writeFile(join(dir, 'u8bom.xml'), Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(crlf, 'utf8')]));
    await writeFile(join(dir, 'u16.xml'), Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(crlf, 'utf16le')]));
    const load = (f: string) => loadConfig({ platform: 'linux', homedir: dir, env: {}, configPath: join(dir, f) });
    const plain = await load('u8.xml');
    assert.equal(plain.defaultPrintQueue, 'Büro-Drucker');
    for (const f of ['u8bom.xml', 'u16.xml']) {
      const c = await load(f);
      assert.equal(c.defaultPrintQueue, 'Büro-Drucker', f);
      assert.deepEqual(c.sources, plain.sources, f);
    }
  }));

  test('an invalid file throws CONFIG_INVALID with its issues and the file name in the message', () => withTmp(async (dir) => {
    const f = join(dir, 'bad.xml');
    await writeFile(f, CLOUD(70000));
    const err = await rejection(loadConfig({ platform: 'linux', homedir: dir, env: {}, configPath: f }));
    assert.equal(err.code, 'CONFIG_INVALID');
    assert.equal(err.file, f);
    assert.equal(err.issues[0].path, 'LPMServerSettings/CaptureSettings/LoopbackPort');
    assert.ok(err.message.startsWith(`${f}: 1 error\n  ${f}: LPMServerSettings/CaptureSettings/LoopbackPort (line 4, column 22): found "70000"`), err.message);
  }));
});
