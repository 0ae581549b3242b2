// electron-builder.yml checked without downloading Electron: valid against
// electron-builder's JSON schema (a small validator here, and electron-builder's own
// validation as a second opinion), and it says what the deployment needs: per-machine
// NSIS with our include, macOS pkg with our postinstall, deb with our maintainer scripts
// plus AppImage, the fuse hook, the entry point the build emits.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { access, constants, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { REPO_ROOT } from '../helpers/cli.js';
import { Validator, type Schema } from './json-schema.js';
import { builderSchema, builderValidate, loadBuilderConfig } from './builder-tools.js';

describe('electron-builder.yml', () => {
  test('valid against electron-builder\'s JSON schema (scheme.json)', async () => {
    const v = new Validator(await builderSchema() as Schema);
    assert.deepEqual(v.validate(await loadBuilderConfig()), []);
  });

  test('the validator is not vacuous: each kind of mistake is reported', async () => {
    const v = new Validator(await builderSchema() as Schema);
    const good = await loadBuilderConfig();
    const mistakes: Array<[string, (c: Record<string, unknown>) => void]> = [
      ['unknown top-level option', (c) => { c.perMachine = true; }],
      ['wrong type', (c) => { (c.nsis as Record<string, unknown>).perMachine = 'yes'; }],
      ['unknown nested option', (c) => { (c.nsis as Record<string, unknown>).perUser = true; }],
      ['bad enum value', (c) => { (c.win as Record<string, unknown>).requestedExecutionLevel = 'root'; }],
      ['wrong array item type', (c) => { (c.deb as Record<string, unknown>).depends = [1, 2]; }],
      ['object where a string is expected', (c) => { c.appId = { id: 'x' }; }],
      ['asar as a number', (c) => { c.asar = 3; }],
    ];
    for (const [what, mutate] of mistakes) {
      const c = structuredClone(good) as unknown as Record<string, unknown>;
      mutate(c);
      assert.ok(v.validate(c).length > 0, what);
    }
  });

  test('electron-builder\'s own validation accepts it too, and rejects an unknown option', async () => {
    await builderValidate(await loadBuilderConfig());
    await assert.rejects(builderValidate({ ...(await loadBuilderConfig()), perMachine: true }), /perMachine|unknown property|Invalid configuration/i);
  });

  test('Windows: NSIS, per machine, not one-click, with our include defining both hooks', async () => {
    const c = await loadBuilderConfig() as Record<string, Record<string, unknown>>;
    assert.deepEqual((c.win.target as Array<{ target: string }>).map((t) => t.target), ['nsis']);
    assert.equal(c.nsis.perMachine, true);
    assert.equal(c.nsis.oneClick, false);
    const nsh = await readFile(join(REPO_ROOT, String(c.nsis.include)), 'utf8');
    assert.match(nsh, /!macro customInstall[\s\S]*--cli queue install[\s\S]*!macroend/);
    assert.match(nsh, /!macro customUnInstall[\s\S]*\$\{ifNot\} \$\{isUpdated\}[\s\S]*--cli queue remove[\s\S]*!macroend/);
    assert.match(nsh, /\$EXEDIR\\configuration\.xml/);
  });

  test('macOS: pkg with an executable postinstall in the scripts folder; a menu-bar app', async () => {
    const c = await loadBuilderConfig() as Record<string, Record<string, unknown>>;
    assert.deepEqual((c.mac.target as Array<{ target: string }>).map((t) => t.target), ['pkg']);
    assert.equal((c.mac.extendInfo as Record<string, unknown>).LSUIElement, true);
    const post = join(REPO_ROOT, String(c.pkg.scripts), 'postinstall');
    await access(post, constants.X_OK);
  });

  test('Linux: deb and AppImage; the deb\'s maintainer scripts exist and are executable; lpadmin is a dependency', async () => {
    const c = await loadBuilderConfig() as Record<string, Record<string, unknown>>;
    assert.deepEqual(c.linux.target, ['deb', 'AppImage']);
    const deb = c.deb;
    for (const f of [deb.afterInstall, deb.afterRemove]) await access(join(REPO_ROOT, String(f)), constants.X_OK);
    const prerm = (deb.fpm as string[]).find((a) => a.startsWith('--before-remove='));
    assert.ok(prerm);
    await access(join(REPO_ROOT, prerm.slice('--before-remove='.length)), constants.X_OK);
    assert.ok((deb.depends as string[]).includes('cups-client'));
    // Replacing depends drops electron-builder's defaults: they must all be restated.
    for (const d of ['libgtk-3-0', 'libnotify4', 'libnss3', 'libxss1', 'libxtst6', 'xdg-utils', 'libatspi2.0-0', 'libuuid1', 'libsecret-1-0']) {
      assert.ok((deb.depends as string[]).includes(d), d);
    }
  });

  test('the entry point is package.json\'s main, and the afterPack hook exports afterPack', async () => {
    const c = await loadBuilderConfig();
    const pkg = JSON.parse(await readFile(join(REPO_ROOT, 'package.json'), 'utf8')) as { main: string };
    assert.equal(c.extraMetadata.main, pkg.main);
    assert.equal(c.extraMetadata.main, 'dist/main/shell/electron-main.js');
    assert.ok((await stat(join(REPO_ROOT, 'main/shell/electron-main.ts'))).isFile());
    const hook = await import(pathToFileURL(join(REPO_ROOT, c.afterPack)).href) as { afterPack?: unknown };
    assert.equal(typeof hook.afterPack, 'function');
  });
});
