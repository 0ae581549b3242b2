// What electron-builder would pack, computed without Electron: the build is emitted to a
// temporary folder exactly as `tsc -p tsconfig.build.json` lays it out (type checking
// skipped: the typecheck script does that), then electron-builder.yml's `files` globs
// are applied with electron-builder's own matcher. The packed tree must hold the main
// entry, the preload (CommonJS, as sandboxed preloads require), every page with every
// file it loads through pullprint://app, and only production dependencies; keytar's
// native module must be unpacked from the asar.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { builtinModules } from 'node:module';
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import ts from 'typescript';
import { resolveAppAsset } from '../../main/ui/app-protocol.js';
import { REPO_ROOT } from '../helpers/cli.js';
import { loadBuilderConfig, minimatch, type BuilderConfig } from './builder-tools.js';

async function walk(dir: string, base: string, out: string[] = []): Promise<string[]> {
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) await walk(p, base, out);
    else out.push(relative(base, p).split(sep).join('/'));
  }
  return out;
}

/** electron-builder's order: a file is packed when the last pattern matching it is not a negation. */
function packed(files: readonly string[], patterns: readonly string[]): string[] {
  return files.filter((f) => {
    let keep = false;
    for (const p of patterns) {
      if (p.startsWith('!')) {
        if (minimatch(f, p.slice(1), { dot: true })) keep = false;
      } else if (minimatch(f, p, { dot: true })) keep = true;
    }
    return keep;
  });
}

describe('files packed into app.asar', () => {
  let out: string;
  let cfg: BuilderConfig;
  let list: string[];
  const appFile = (rel: string): string => (rel.startsWith('dist/') ? join(out, rel.slice('dist/'.length)) : join(REPO_ROOT, rel));

  before(async () => {
    cfg = await loadBuilderConfig();
    out = await mkdtemp(join(tmpdir(), 'pp-build-'));
    const parsed = ts.getParsedCommandLineOfConfigFile(join(REPO_ROOT, 'tsconfig.build.json'), { outDir: out, noCheck: true, sourceMap: true }, {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (d) => {
        throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n'));
      },
    });
    assert.ok(parsed);
    const result = ts.createProgram({ rootNames: parsed.fileNames, options: parsed.options }).emit();
    assert.equal(result.emitSkipped, false);
    // The application folder as electron-builder sees it: the source tree with dist/ built.
    const source = ['package.json', ...(await walk(join(REPO_ROOT, 'renderer'), REPO_ROOT)), ...(await walk(join(REPO_ROOT, 'build'), REPO_ROOT)),
      ...(await walk(join(REPO_ROOT, 'test', 'renderer'), REPO_ROOT))];
    const built = (await walk(out, out)).map((f) => `dist/${f}`);
    list = packed([...source, ...built], cfg.files);
  });
  after(async () => {
    if (out) await rm(out, { recursive: true, force: true });
  });

  test('main entry, preload, renderer scripts, pages, styles and the shared catalogs are packed', () => {
    for (const f of [
      'package.json', cfg.extraMetadata.main, 'dist/preload/preload.js',
      'dist/renderer/sign-in.js', 'dist/renderer/jobs.js', 'dist/renderer/about.js', 'dist/renderer/bridge.js', 'dist/renderer/page-i18n.js',
      'renderer/sign-in.html', 'renderer/jobs.html', 'renderer/about.html', 'renderer/common.css',
      'dist/main/ui/i18n/translate.js', 'dist/main/ui/i18n/catalog-en.js', 'dist/main/ui/i18n/catalog-fr.js',
      'dist/main/cli/program.js', 'dist/main/core/engine.js',
    ]) assert.ok(list.includes(f), `${f} packed`);
  });

  test('nothing else: no sources, source maps, tests, installer scripts or TypeScript', () => {
    for (const f of list) {
      assert.doesNotMatch(f, /\.(map|ts)$/, f);
      assert.doesNotMatch(f, /^(test|build)\//, f);
      assert.ok(f === 'package.json' || f.startsWith('dist/') || /^renderer\/[^/]+\.(html|css)$/.test(f), f);
    }
  });

  test('the preload is CommonJS that needs only electron (sandboxed preloads cannot be ES modules)', async () => {
    const js = await readFile(appFile('dist/preload/preload.js'), 'utf8');
    assert.match(js, /require\("electron"\)/);
    assert.doesNotMatch(js, /^\s*(import|export)\s/m);
    assert.deepEqual([...js.matchAll(/require\("([^"]+)"\)/g)].map((m) => m[1]), ['electron']);
  });

  test('every file a page loads through pullprint://app resolves to a packed file', async () => {
    const roots = { static: '/app', code: '/app/dist' };
    const toPacked = (path: string): string => {
      const asset = resolveAppAsset(path, roots);
      assert.ok(asset, `${path} served by the app scheme`);
      const rel = relative('/app', asset.file).split(sep).join('/');
      assert.ok(list.includes(rel), `${path} → ${rel} packed`);
      return rel;
    };
    const seen = new Set<string>();
    const visitScript = async (url: string): Promise<void> => {
      if (seen.has(url)) return;
      seen.add(url);
      const js = await readFile(appFile(toPacked(url)), 'utf8');
      for (const m of js.matchAll(/^\s*import\s[^'"]*['"]([^'"]+)['"]/gm)) {
        const target = new URL(m[1], `http://app${url}`).pathname;
        await visitScript(target);
      }
    };
    for (const page of ['sign-in.html', 'jobs.html', 'about.html']) {
      const html = await readFile(join(REPO_ROOT, 'renderer', page), 'utf8');
      toPacked(`/renderer/${page}`);
      const refs = [...html.matchAll(/<(?:script[^>]*\ssrc|link[^>]*\shref)="([^"]+)"/g)].map((m) => m[1]).filter((r) => !r.startsWith('data:'));
      assert.ok(refs.length >= 2, page);
      for (const ref of refs) {
        const path = new URL(ref, `http://app/renderer/${page}`).pathname;
        if (path.endsWith('.js')) await visitScript(path);
        else toPacked(path);
      }
    }
    assert.ok(seen.has('/main/ui/i18n/translate.js'), 'the shared catalogs are reached');
  });

  test('every package the packed code imports is a production dependency (or Electron itself)', async () => {
    const pkg = JSON.parse(await readFile(join(REPO_ROOT, 'package.json'), 'utf8')) as { dependencies: Record<string, string>; devDependencies: Record<string, string> };
    const builtins = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));
    const missing = new Set<string>();
    for (const f of list.filter((x) => x.endsWith('.js'))) {
      const js = await readFile(appFile(f), 'utf8');
      for (const m of js.matchAll(/(?:^\s*import\s[^'"]*|(?<![.\w$])import\(|(?<![.\w$])require\()['"]([^'"./][^'"]*)['"]/gm)) {
        const spec = m[1];
        if (builtins.has(spec) || spec === 'electron') continue;
        const name = spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0];
        if (!(name in pkg.dependencies)) missing.add(`${name} (from ${f})`);
      }
    }
    assert.deepEqual([...missing], []);
    for (const dev of ['electron', 'electron-builder', 'playwright-core', 'typescript', '@electron/fuses']) assert.ok(!(dev in pkg.dependencies), `${dev} stays out of the package`);
  });

  test('keytar\'s native module exists and is unpacked from the asar', async () => {
    const pkg = JSON.parse(await readFile(join(REPO_ROOT, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
    assert.ok('keytar' in pkg.dependencies);
    const rel = 'node_modules/keytar/build/Release/keytar.node';
    assert.ok((await stat(join(REPO_ROOT, rel))).size > 0, 'keytar built');
    assert.ok(cfg.asarUnpack.some((p) => minimatch(rel, p, { dot: true })), 'matched by asarUnpack');
    assert.ok(!cfg.asarUnpack.some((p) => minimatch('node_modules/zod/index.js', p, { dot: true })), 'nothing else unpacked');
  });
});
