// The About window in headless Chromium over a REAL engine: version, capture state and
// the real capture port, file locations; English and French.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { VERSION } from '../../main/core/version.js';
import { startRig, type Rig } from './rig.js';

describe('about window (Chromium, real engine)', () => {
  let rig: Rig;

  before(async () => {
    rig = await startRig({
      signIn: async () => undefined,
      signOut: async () => undefined,
      releaseJob: async () => undefined,
      savedPrinters: async () => [],
      lateBindingEnabled: false,
    });
  });
  after(async () => {
    await rig?.dispose();
  });

  test('shows the version, the running engine, the queue and its real capture port, and the files', async () => {
    const page = await rig.open('about.html', { viewport: { width: 520, height: 520 } });
    await page.locator('#facts[aria-busy="false"]').waitFor();
    assert.equal(await page.locator('#version').textContent(), VERSION);
    assert.equal(await page.locator('#engine').textContent(), 'running');
    assert.equal(await page.locator('#queues li').textContent(), `PullPrint-AD on port ${rig.engine.port()}`);
    assert.equal(await page.locator('#config').textContent(), rig.engine.config.paths.configFile);
    assert.equal(await page.locator('#data-dir').textContent(), rig.engine.dataDir);
    assert.equal(await page.getByRole('button', { name: 'Close' }).isVisible(), true);
    await rig.screenshot(page, 'about-en');
    await page.close();
  });

  test('French', async () => {
    const page = await rig.open('about.html', { locale: 'fr-FR', viewport: { width: 520, height: 520 } });
    await page.locator('#facts[aria-busy="false"]').waitFor();
    assert.equal(await page.getByRole('heading', { level: 1 }).textContent(), 'À propos de PullPrint');
    assert.equal(await page.locator('#engine').textContent(), 'en marche');
    assert.equal(await page.locator('#queues li').textContent(), `PullPrint-AD sur le port ${rig.engine.port()}`);
    await rig.screenshot(page, 'about-fr');
    await page.close();
  });
});
