import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { CONTENT_SECURITY_POLICY, isInside, pageUrl, resolveAppAsset } from '../../../main/ui/app-protocol.js';
import { readFile } from 'node:fs/promises';
import { REPO_ROOT } from '../../helpers/cli.js';

const roots = { static: '/opt/PullPrint/resources/app.asar', code: '/opt/PullPrint/resources/app.asar/dist' };

describe('pullprint://app asset mapping', () => {
  test('pages and styles from the app folder, scripts from dist, the shared catalogs from dist/main/ui/i18n', () => {
    assert.deepEqual(resolveAppAsset('/renderer/jobs.html', roots), { file: join(roots.static, 'renderer/jobs.html'), contentType: 'text/html; charset=utf-8' });
    assert.deepEqual(resolveAppAsset('/renderer/common.css', roots), { file: join(roots.static, 'renderer/common.css'), contentType: 'text/css; charset=utf-8' });
    assert.deepEqual(resolveAppAsset('/renderer/jobs.js', roots), { file: join(roots.code, 'renderer/jobs.js'), contentType: 'text/javascript; charset=utf-8' });
    assert.deepEqual(resolveAppAsset('/main/ui/i18n/translate.js', roots), { file: join(roots.code, 'main/ui/i18n/translate.js'), contentType: 'text/javascript; charset=utf-8' });
    assert.equal(pageUrl('about.html'), 'pullprint://app/renderer/about.html');
  });

  test('everything else is not found: other main code, the preload, config, traversal and encoding tricks', () => {
    for (const p of [
      '/', '/renderer', '/renderer/', '/main/ui/app-facade.js', '/main/ui/i18n/../app-facade.js', '/main/identity/index.js', '/preload/preload.js',
      '/package.json', '/renderer/../package.json', '/renderer/%2e%2e/package.json', '/renderer/..%2fpackage.json', '/renderer/.hidden.html',
      '/renderer/jobs.ts', '/renderer/jobs.js.map', '/renderer/x.exe', '/renderer\\..\\package.json', '/renderer/jobs.html\0.js', '//etc/passwd',
      'renderer/jobs.html', '/renderer//jobs.html', '/main/ui/i18n/translate.ts', `/renderer/${'a'.repeat(200)}.html`,
    ]) {
      assert.equal(resolveAppAsset(p, roots), null, p);
    }
  });

  test('isInside: a second guard before reading', () => {
    assert.equal(isInside('/a/b', '/a/b/c.html'), true);
    assert.equal(isInside('/a/b', '/a/bc/d.html'), false);
    assert.equal(isInside('/a/b', '/a/b'), false);
  });

  test('every page carries the same strict CSP as the protocol header, with connect-src \'none\'', async () => {
    assert.match(CONTENT_SECURITY_POLICY, /connect-src 'none'/);
    assert.match(CONTENT_SECURITY_POLICY, /default-src 'none'/);
    assert.doesNotMatch(CONTENT_SECURITY_POLICY, /unsafe-(inline|eval)/);
    for (const page of ['sign-in.html', 'jobs.html', 'about.html']) {
      const html = await readFile(join(REPO_ROOT, 'renderer', page), 'utf8');
      const meta = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html);
      assert.equal(meta?.[1], CONTENT_SECURITY_POLICY, page);
      assert.doesNotMatch(html, /<script(?![^>]*\bsrc=)/, `${page}: no inline scripts`);
      assert.doesNotMatch(html, /\son[a-z]+=/i, `${page}: no inline event handlers`);
      assert.doesNotMatch(html, /\sstyle=/i, `${page}: no inline styles`);
    }
  });
});
