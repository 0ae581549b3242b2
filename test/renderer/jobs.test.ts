// The held-jobs window in headless Chromium over a REAL engine, wired as the shell wires
// it (engineFacadeDeps): jobs sent over RAW to the capture port appear without a reload
// (state pushed through the preload's onStateChanged), Delete removes the job from the
// spool after a confirmation, Print goes through the engine's release service (late
// binding included) to a port-9100 printer, errors appear inline, in English and French,
// all through the real preload and IPC wrapper.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import type { Page } from 'playwright-core';
import { engineFacadeDeps } from '../../main/ui/engine-facade-deps.js';
import { AD_SECTION } from '../helpers/engine.js';
import { freePort } from '../helpers/process.js';
import { startRawSink, type RawSink } from '../peers/raw-sink.js';
import { startRig, type Rig } from './rig.js';

describe('held jobs window (Chromium, real engine)', () => {
  let rig: Rig;
  let sink: RawSink;

  before(async () => {
    sink = await startRawSink();
    rig = await startRig(async (te) => {
      const printers = te.engine.service('release').printers;
      await printers.add('Floor 2', `socket://127.0.0.1:${sink.port}`, { makeDefault: true });
      await printers.add('Gone', `socket://127.0.0.1:${await freePort()}`);
      return engineFacadeDeps(te.engine);
    }, `${AD_SECTION()}<LateBindingSettings><LateBindingEnabled>true</LateBindingEnabled></LateBindingSettings>`);
  });

  after(async () => {
    await rig?.dispose();
    await sink?.close();
  });

  const rowsOf = (page: Page) => page.locator('#rows tr');

  async function deleteAll(): Promise<void> {
    for (const j of rig.engine.engine.listJobs()) await rig.engine.engine.deleteJob(j.id);
  }

  test('empty list, then a job printed to the capture port appears without reloading', async () => {
    await deleteAll();
    const page = await rig.open('jobs.html');
    await page.getByText('No held jobs.').waitFor();
    assert.equal(await page.locator('#jobs').isHidden(), true);
    await rig.screenshot(page, 'jobs-empty-en');

    const id = await rig.printRaw('Quarterly report.pdf', 3);
    const row = page.locator(`#rows tr[data-job-id="${id}"]`);
    await row.waitFor({ timeout: 10_000 });
    assert.equal(await row.getByRole('rowheader').textContent(), 'Quarterly report.pdf');
    assert.equal(await row.locator('td').first().textContent(), '3', 'pages read from the PostScript DSC');
    assert.match((await row.locator('td').nth(3).textContent()) ?? '', /^HeldDeleted .+ unless printed$/);
    // UnprintedJobsLifespan (48 h by default) after arrival.
    const view = rig.facade.jobViews().find((j) => j.id === id);
    assert.equal(Date.parse(view?.expiresAt ?? '') - Date.parse(view?.receivedAt ?? ''), 48 * 3_600_000);
    assert.equal(await page.getByText('No held jobs.').isHidden(), true);
    await rig.printRaw('Team photo.ps', 1);
    await page.waitForFunction(() => document.querySelectorAll('#rows tr').length === 2);
    assert.equal(await page.locator('caption').textContent(), '2 held jobs');
    // Buttons name the document they act on, for screen readers.
    await page.getByRole('button', { name: 'Delete "Quarterly report.pdf"' }).waitFor();
    await page.getByRole('button', { name: 'Print "Team photo.ps"' }).waitFor();
    await rig.screenshot(page, 'jobs-list-en');
    await page.close();
  });

  test('delete: confirmation dialog, job gone from the spool and the list, outcome announced', async () => {
    await deleteAll();
    const keepId = await rig.printRaw('Keep me', 1);
    const goneId = await rig.printRaw('Delete me', 1);
    const page = await rig.open('jobs.html');
    await page.waitForFunction(() => document.querySelectorAll('#rows tr').length === 2);

    await page.getByRole('button', { name: 'Delete "Delete me"' }).click();
    const dialog = page.getByRole('alertdialog');
    await dialog.waitFor();
    assert.match((await dialog.textContent()) ?? '', /Delete "Delete me"\? This cannot be undone\./);
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'delete-cancel', 'the safe choice has focus');
    await rig.screenshot(page, 'jobs-delete-confirm-en');
    // Escape cancels: nothing deleted, focus back on the button that opened the dialog.
    await page.keyboard.press('Escape');
    assert.ok(rig.engine.engine.getJob(goneId));
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('aria-label')), 'Delete "Delete me"');

    await page.keyboard.press('Enter');
    await dialog.waitFor();
    await page.getByRole('button', { name: 'Delete', exact: true }).click();
    await page.getByRole('status').filter({ hasText: '"Delete me" was deleted.' }).waitFor();
    await page.waitForFunction(() => document.querySelectorAll('#rows tr').length === 1);
    assert.equal(rig.engine.engine.getJob(goneId), undefined, 'deleted in the spool');
    assert.ok(rig.engine.engine.getJob(keepId));
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'heading');
    await page.close();
  });

  test('print: the stored document reaches the printer byte for byte and the job leaves the list', async () => {
    await deleteAll();
    const id = await rig.printRaw('Invoice 42', 2);
    const stored = await readFile((rig.engine.engine.getJob(id) as NonNullable<ReturnType<Rig['engine']['engine']['getJob']>>).file);
    const page = await rig.open('jobs.html');
    await page.getByRole('button', { name: 'Print "Invoice 42"' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.waitFor();
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'printer');
    assert.equal(await page.getByLabel('Printer').inputValue(), 'Floor 2');
    assert.equal(await page.getByLabel('Copies').isVisible(), true, 'late binding offered when enabled');
    await rig.screenshot(page, 'jobs-release-en');
    await page.getByRole('button', { name: 'Print now' }).click();
    await page.getByRole('status').filter({ hasText: '"Invoice 42" was sent to Floor 2.' }).waitFor({ timeout: 10_000 });
    const received = await sink.nextJob(5000);
    assert.ok(received.equals(stored), 'the printer got the stored bytes unchanged');
    assert.equal(rig.engine.engine.getJob(id), undefined, 'released without keep: deleted');
    await page.getByText('No held jobs.').waitFor();
    await page.close();
  });

  test('print and keep with changed copies: the rewritten job reaches the printer and stays held', async () => {
    await deleteAll();
    const id = await rig.printRaw('Handout', 1);
    const page = await rig.open('jobs.html');
    await page.getByRole('button', { name: 'Print "Handout"' }).click();
    await page.getByLabel('Keep the job after printing').check();
    await page.getByLabel('Copies').fill('3');
    await page.getByRole('button', { name: 'Print now' }).click();
    await page.getByRole('status').filter({ hasText: 'was sent to Floor 2' }).waitFor({ timeout: 10_000 });
    const received = (await sink.nextJob(5000)).toString('latin1');
    assert.match(received, /@PJL/, 'late binding wrapped the job in PJL');
    assert.match(received, /QTY\s*=\s*3/, 'with the requested copies');
    assert.equal(rig.engine.engine.getJob(id)?.state, 'released-kept', 'kept');
    await page.close();
  });

  test('print to an unreachable printer: the error shows in the dialog, the job stays', async () => {
    await deleteAll();
    const id = await rig.printRaw('Unlucky', 1);
    const page = await rig.open('jobs.html');
    await page.getByRole('button', { name: 'Print "Unlucky"' }).click();
    await page.getByLabel('Printer').selectOption('Gone');
    await page.getByRole('button', { name: 'Print now' }).click();
    const alert = page.locator('#release-error');
    await alert.filter({ hasText: /\S/ }).waitFor({ timeout: 15_000 });
    assert.equal(await alert.textContent(), 'The printer cannot be reached.');
    assert.equal(await alert.getAttribute('role'), 'alert');
    assert.equal(rig.engine.engine.getJob(id)?.state, 'held');
    await page.close();
  });

  test('French: headings, states, dates and sizes in French', async () => {
    await deleteAll();
    await rig.printRaw('Rapport annuel', 12);
    const page = await rig.open('jobs.html', { locale: 'fr-FR' });
    await page.locator('#rows tr').first().waitFor();
    assert.equal(await page.title(), 'Travaux en attente');
    assert.equal(await page.getByRole('columnheader').nth(4).textContent(), 'État');
    assert.match((await rowsOf(page).first().locator('td').nth(3).textContent()) ?? '', /^En attenteSupprimé le .+ s'il n'est pas imprimé$/);
    await page.getByRole('button', { name: 'Supprimer « Rapport annuel »' }).waitFor();
    assert.match((await rowsOf(page).first().locator('td').nth(2).textContent()) ?? '', /^\d+(,\d)?\s?ko$/);
    await rig.screenshot(page, 'jobs-list-fr');
    await page.close();
  });

  test('the page cannot reach the network: connect-src \'none\'', async () => {
    const page = await rig.open('jobs.html');
    const outcome = await page.evaluate(async (url) => {
      try {
        await fetch(url);
        return 'fetched';
      } catch (e) {
        return `blocked: ${(e as Error).name}`;
      }
    }, `${rig.server.base}/renderer/jobs.html`);
    assert.match(outcome, /^blocked/);
    const csp = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
    assert.match(csp ?? '', /connect-src 'none'/);
    assert.deepEqual(rig.server.refused, [], 'the pages asked only for their own files');
    await page.close();
  });
});
