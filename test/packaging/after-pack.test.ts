// The afterPack hook flips the fuses in a binary laid out as electron-builder's appOutDir
// for each platform. No Electron binary exists here, so the binary is made for the test:
// random bytes around Electron's fuse wire (sentinel, version 1, length, one byte per
// fuse, '1' on and '0' off), which is what @electron/fuses searches for and rewrites.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { REPO_ROOT } from '../helpers/cli.js';

const SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX';
/** Electron's defaults: RunAsNode, cookie encryption off, NODE_OPTIONS, --inspect on, integrity off, asar-only off, … */
const STOCK_WIRE = '10110010';
const FUSE = { RunAsNode: 0, EnableCookieEncryption: 1, EnableNodeOptionsEnvironmentVariable: 2, EnableNodeCliInspectArguments: 3, EnableEmbeddedAsarIntegrityValidation: 4, OnlyLoadAppFromAsar: 5 };

function fakeElectron(wire = STOCK_WIRE, version = 1): Buffer {
  return Buffer.concat([randomBytes(4096), Buffer.from(SENTINEL), Buffer.from([version, wire.length]), Buffer.from(wire), randomBytes(4096)]);
}

function wireOf(bin: Buffer): string {
  const at = bin.indexOf(SENTINEL) + SENTINEL.length;
  return bin.subarray(at + 2, at + 2 + bin[at + 1]).toString('latin1');
}

interface Hook {
  afterPack(ctx: unknown): Promise<void>;
  electronBinaryOf(ctx: unknown): string;
}

describe('afterPack: Electron fuses', () => {
  let dir: string;
  let hook: Hook;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'pp-fuses-'));
    hook = await import(pathToFileURL(join(REPO_ROOT, 'build', 'after-pack.mjs')).href) as Hook;
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const ctx = (platform: string, out: string, arch = 1) => ({
    appOutDir: out, electronPlatformName: platform, arch, packager: { appInfo: { productFilename: 'PullPrint' }, executableName: 'pullprint' },
  });

  for (const [platform, file] of [['linux', 'pullprint'], ['win32', 'PullPrint.exe'], ['darwin', 'PullPrint.app/Contents/Frameworks/Electron Framework.framework/Electron Framework']] as const) {
    test(`${platform}: RunAsNode, NODE_OPTIONS and --inspect off, asar only on; the rest untouched`, async () => {
      const out = join(dir, platform);
      const bin = join(out, file);
      await mkdir(dirname(bin), { recursive: true });
      const before = fakeElectron();
      await writeFile(bin, before);
      await hook.afterPack(ctx(platform, out));
      const after = await readFile(bin);
      assert.equal(after.length, before.length, 'same size: flipped in place');
      const wire = wireOf(after);
      assert.equal(wire[FUSE.RunAsNode], '0');
      assert.equal(wire[FUSE.EnableNodeOptionsEnvironmentVariable], '0');
      assert.equal(wire[FUSE.EnableNodeCliInspectArguments], '0');
      assert.equal(wire[FUSE.OnlyLoadAppFromAsar], '1');
      assert.equal(wire[FUSE.EnableCookieEncryption], STOCK_WIRE[FUSE.EnableCookieEncryption]);
      assert.equal(wire[FUSE.EnableEmbeddedAsarIntegrityValidation], STOCK_WIRE[FUSE.EnableEmbeddedAsarIntegrityValidation]);
      assert.equal(wire.slice(6), STOCK_WIRE.slice(6));
      // Only the wire changed.
      const at = after.indexOf(SENTINEL);
      assert.ok(after.subarray(0, at).equals(before.subarray(0, at)));
      assert.ok(after.subarray(at + SENTINEL.length + 2 + STOCK_WIRE.length).equals(before.subarray(at + SENTINEL.length + 2 + STOCK_WIRE.length)));
    });
  }

  test('a binary without a fuse wire, or with an unknown wire version, fails the build', async () => {
    const out = join(dir, 'broken');
    await mkdir(out, { recursive: true });
    await writeFile(join(out, 'pullprint'), randomBytes(8192));
    await assert.rejects(hook.afterPack(ctx('linux', out)), /sentinel/i);
    await writeFile(join(out, 'pullprint'), fakeElectron(STOCK_WIRE, 2));
    await assert.rejects(hook.afterPack(ctx('linux', out)), /version/i);
    assert.throws(() => hook.electronBinaryOf(ctx('freebsd', out)), /unknown platform/);
  });
});
