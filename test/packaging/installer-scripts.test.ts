// The installers' scripts: rendered the way electron-builder renders deb scripts (its
// ${name} macros, an unknown one fails the build), syntax-checked by the shells that run
// them, and the deb postinst's search for a configuration.xml beside the .deb run for
// real against this machine's /proc.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, readFile, rm, writeFile, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from '../helpers/cli.js';
import { run } from '../helpers/process.js';

/** FpmTarget's macros for bash scripts (app-builder-lib/out/targets/FpmTarget.js writeConfigFile). */
const MACROS: Record<string, string> = { executable: 'pullprint', sanitizedProductName: 'PullPrint', productFilename: 'PullPrint' };

function render(template: string): string {
  return template.replace(/\$\{([a-zA-Z]+)\}/g, (_m, name: string) => {
    if (!(name in MACROS)) throw new Error(`Macro ${name} is not defined`);
    return MACROS[name];
  });
}

const DEB = ['build/linux/postinst.sh', 'build/linux/prerm.sh', 'build/linux/postrm.sh'];

describe('installer scripts', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'pp-scripts-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  test('deb scripts use only electron-builder\'s macros and pass bash -n once rendered', async () => {
    for (const f of DEB) {
      const rendered = render(await readFile(join(REPO_ROOT, f), 'utf8'));
      assert.doesNotMatch(rendered, /\$\{/, `${f}: no braces left`);
      const r = await run('bash', ['-n'], { input: rendered });
      assert.equal(r.code, 0, `${f}: ${r.stderr}`);
    }
    assert.throws(() => render('echo ${HOME}'), /Macro HOME is not defined/);
  });

  test('deb: postinst acts on configure only; prerm removes queues on remove, not on upgrade', async () => {
    const postinst = render(await readFile(join(REPO_ROOT, 'build/linux/postinst.sh'), 'utf8'));
    assert.match(postinst, /if \[ "\$1" != "configure" \]; then\n\s+exit 0/);
    assert.match(postinst, /'\/opt\/PullPrint'/);
    assert.match(postinst, /--no-sandbox --ozone-platform=headless --disable-gpu --cli queue install/);
    assert.match(postinst, /install -m 0644 "\$source_file" "\$CONF_DIR\/configuration.xml"/);
    const prerm = render(await readFile(join(REPO_ROOT, 'build/linux/prerm.sh'), 'utf8'));
    assert.match(prerm, /if \[ "\$1" = "remove" \]/);
    assert.match(prerm, /--cli queue remove/);
  });

  test('macOS postinstall: sh -n, configuration beside the package ($1), queues via the app binary', async () => {
    const text = await readFile(join(REPO_ROOT, 'build/pkg-scripts/postinstall'), 'utf8');
    const r = await run('sh', ['-n'], { input: text });
    assert.equal(r.code, 0, r.stderr);
    assert.match(text, /PKG_DIR=\$\(dirname "\$1"\)/);
    assert.match(text, /Library\/Application Support\/PullPrint/);
    assert.match(text, /--cli queue install/);
    assert.match(text, /\nexit 0\n$/);
  });

  /** The postinst's find_configuration function, run in a bash started with the given argv and cwd. */
  async function findConfiguration(args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): Promise<{ code: number | null; out: string }> {
    const postinst = render(await readFile(join(REPO_ROOT, 'build/linux/postinst.sh'), 'utf8'));
    const fn = /find_configuration\(\) \{[\s\S]*?\n\}\n/.exec(postinst);
    assert.ok(fn, 'function found');
    const script = `set -u\nPULLPRINT_CONFIGURATION="$(printenv PULLPRINT_CONFIGURATION || true)"\n${fn[0]}find_configuration`;
    // Like dpkg: the .deb is on the command line of an ancestor (here: this bash itself).
    const r = await run('bash', ['-c', script, 'dpkg', ...args], { cwd, env: { PATH: process.env.PATH, ...env } });
    return { code: r.code, out: r.stdout.trim() };
  }

  test('deb postinst finds configuration.xml beside the .deb named on the command line, absolute or relative', async () => {
    const pkgDir = join(dir, 'deploy');
    await mkdir(pkgDir, { recursive: true });
    await writeFile(join(pkgDir, 'pullprint_0.1.0_amd64.deb'), '');
    assert.deepEqual(await findConfiguration(['-i', join(pkgDir, 'pullprint_0.1.0_amd64.deb')], dir), { code: 1, out: '' }, 'no configuration.xml yet');
    await writeFile(join(pkgDir, 'configuration.xml'), '<Configuration/>');
    assert.deepEqual(await findConfiguration(['-i', join(pkgDir, 'pullprint_0.1.0_amd64.deb')], dir), { code: 0, out: join(pkgDir, 'configuration.xml') });
    assert.deepEqual(await findConfiguration(['-i', './pullprint_0.1.0_amd64.deb'], pkgDir), { code: 0, out: `${pkgDir}/./configuration.xml` });
    const other = join(dir, 'elsewhere.xml');
    await writeFile(other, '<Configuration/>');
    assert.deepEqual(await findConfiguration(['-i', join(pkgDir, 'pullprint_0.1.0_amd64.deb')], dir, { PULLPRINT_CONFIGURATION: other }), { code: 0, out: other }, 'the variable wins');
    assert.deepEqual(await findConfiguration(['--configure', 'pullprint'], dir), { code: 1, out: '' }, 'no .deb named: nothing');
  });
});
