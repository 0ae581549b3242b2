// The held-jobs window: the jobs on this workstation, refreshed whenever the main
// process reports a change; Print (release to a saved printer, optionally keeping the
// job and, with late binding, changing copies, colour and sides) and Delete (after a
// confirmation). Outcomes are announced in live regions; focus returns to a sensible
// place after each dialog.

import type { ReleaseRequest, SavedPrinterView } from '../main/ui/ipc-contract.js';
import type { MessageKey } from '../main/ui/i18n/translate.js';
import type { JobView, UiState } from '../main/ui/ui-state.js';
import { asCallError, bridge } from './bridge.js';
import { formats, localisePage } from './page-i18n.js';

const tr = localisePage();
const fmt = formats(tr);
const api = bridge();

const $ = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;
const rows = $<HTMLTableSectionElement>('rows');
const table = $<HTMLTableElement>('jobs');
const empty = $<HTMLParagraphElement>('empty');
const statusBox = $<HTMLParagraphElement>('status');
const errorBox = $<HTMLDivElement>('error');
const heading = $<HTMLHeadingElement>('heading');

const releaseDialog = $<HTMLDialogElement>('release-dialog');
const releaseForm = $<HTMLFormElement>('release-form');
const printerSelect = $<HTMLSelectElement>('printer');
const keep = $<HTMLInputElement>('keep');
const lateBinding = $<HTMLFieldSetElement>('late-binding');
const copies = $<HTMLInputElement>('copies');
const color = $<HTMLSelectElement>('color');
const sides = $<HTMLSelectElement>('sides');
const releaseError = $<HTMLDivElement>('release-error');
const releaseSubmit = $<HTMLButtonElement>('release-submit');
const deleteDialog = $<HTMLDialogElement>('delete-dialog');

let state: UiState | null = null;
let jobs: JobView[] = [];
let printers: SavedPrinterView[] = [];
let current: { job: JobView; opener: HTMLElement } | null = null;

const titleOf = (j: JobView): string => (j.title && j.title.trim() !== '' ? j.title : tr.t('notice.untitled'));
const releasable = (j: JobView): boolean => j.state === 'held' || j.state === 'released-kept';

function stateLabel(j: JobView): string {
  const key = `jobs.state.${j.state}`;
  const known: readonly string[] = ['held', 'released-kept', 'queued', 'uploading', 'submitted', 'failed', 'waiting-for-sign-in'];
  return tr.t((known.includes(j.state) ? key : 'jobs.state.other') as MessageKey);
}

function stateCell(j: JobView): HTMLTableCellElement {
  const td = cell(stateLabel(j));
  if (j.expiresAt) {
    const when = document.createElement('span');
    when.className = 'hint block';
    when.textContent = tr.t('jobs.expires', { time: fmt.time(j.expiresAt) });
    td.append(when);
  }
  return td;
}

function cell(text: string, cls?: string): HTMLTableCellElement {
  const td = document.createElement('td');
  td.textContent = text;
  if (cls) td.className = cls;
  return td;
}

function button(label: string, aria: string, cls: string, onClick: (b: HTMLButtonElement) => void): HTMLButtonElement {
  const b = document.createElement('button');
  b.type = 'button';
  b.textContent = label;
  b.className = cls;
  b.setAttribute('aria-label', aria);
  b.addEventListener('click', () => onClick(b));
  return b;
}

function render(): void {
  rows.replaceChildren(...jobs.map((j) => {
    const tr2 = document.createElement('tr');
    tr2.dataset.jobId = j.id;
    const title = document.createElement('th');
    title.scope = 'row';
    title.textContent = titleOf(j);
    const actions = cell('', 'actions');
    if (releasable(j)) {
      actions.append(button(tr.t('jobs.release'), tr.t('jobs.releaseTitle', { title: titleOf(j) }), 'primary', (b) => openRelease(j, b)));
    }
    actions.append(button(tr.t('jobs.delete'), tr.t('jobs.deleteTitle', { title: titleOf(j) }), 'danger', (b) => openDelete(j, b)));
    tr2.append(
      title,
      cell(j.pages === null ? tr.t('jobs.pages.unknown') : String(j.pages), 'num'),
      cell(fmt.time(j.receivedAt), 'nowrap'),
      cell(fmt.size(j.size), 'num'),
      stateCell(j),
      actions,
    );
    return tr2;
  }));
  $<HTMLElement>('count').textContent = tr.plural('jobs.count', jobs.length);
  table.hidden = jobs.length === 0;
  empty.hidden = jobs.length !== 0;
}

async function refresh(): Promise<void> {
  try {
    jobs = await api.listJobs();
    render();
  } catch (err) {
    const e = asCallError(err);
    errorBox.textContent = tr.error(e.code, e.message);
  }
}

// --- release ---

async function openRelease(job: JobView, opener: HTMLElement): Promise<void> {
  current = { job, opener };
  $<HTMLElement>('release-heading').textContent = tr.t('jobs.releaseTitle', { title: titleOf(job) });
  releaseError.textContent = '';
  keep.checked = false;
  copies.value = '';
  color.value = '';
  sides.value = '';
  lateBinding.hidden = !(state?.lateBindingEnabled ?? false);
  try {
    printers = await api.savedPrinters();
  } catch (err) {
    const e = asCallError(err);
    printers = [];
    releaseError.textContent = tr.error(e.code, e.message);
  }
  printerSelect.replaceChildren(...printers.map((p) => {
    const o = document.createElement('option');
    o.value = p.name;
    o.textContent = p.name;
    return o;
  }));
  $<HTMLElement>('no-printers').hidden = printers.length > 0;
  printerSelect.disabled = printers.length === 0;
  releaseSubmit.disabled = printers.length === 0;
  releaseDialog.showModal();
  (printers.length > 0 ? printerSelect : $<HTMLButtonElement>('release-cancel')).focus();
}

function closeDialog(d: HTMLDialogElement, focus: HTMLElement | null): void {
  d.close();
  (focus && focus.isConnected ? focus : heading).focus();
}

function releaseRequest(): ReleaseRequest {
  const changes: NonNullable<ReleaseRequest['changes']> = {};
  if (!lateBinding.hidden) {
    if (copies.value !== '') changes.copies = Number(copies.value);
    if (color.value !== '') changes.color = color.value as 'color' | 'mono';
    if (sides.value !== '') changes.sides = sides.value as 'simplex' | 'duplex-long' | 'duplex-short';
  }
  return { printer: printerSelect.value, keep: keep.checked, ...(Object.keys(changes).length > 0 ? { changes } : {}) };
}

releaseForm.addEventListener('submit', (event) => {
  event.preventDefault();
  if (!current) return;
  const { job, opener } = current;
  const request = releaseRequest();
  releaseSubmit.disabled = true;
  releaseForm.setAttribute('aria-busy', 'true');
  api.releaseJob(job.id, request).then(() => {
    closeDialog(releaseDialog, opener);
    statusBox.textContent = tr.t('jobs.released', { title: titleOf(job), printer: request.printer });
    current = null;
    return refresh();
  }, (err: unknown) => {
    const e = asCallError(err);
    releaseError.textContent = tr.error(e.code, e.message);
  }).finally(() => {
    releaseSubmit.disabled = printers.length === 0;
    releaseForm.removeAttribute('aria-busy');
  });
});
$<HTMLButtonElement>('release-cancel').addEventListener('click', () => closeDialog(releaseDialog, current?.opener ?? null));
releaseDialog.addEventListener('cancel', (event) => {
  event.preventDefault();
  closeDialog(releaseDialog, current?.opener ?? null);
});

// --- delete ---

function openDelete(job: JobView, opener: HTMLElement): void {
  current = { job, opener };
  $<HTMLElement>('delete-question').textContent = tr.t('jobs.confirmDelete', { title: titleOf(job) });
  deleteDialog.showModal();
  $<HTMLButtonElement>('delete-cancel').focus();
}

$<HTMLButtonElement>('delete-confirm').addEventListener('click', () => {
  if (!current) return;
  const { job } = current;
  api.deleteJob(job.id).then(() => {
    // The row is gone: focus goes to the heading, from where the list is one Tab away.
    closeDialog(deleteDialog, heading);
    statusBox.textContent = tr.t('jobs.deleted', { title: titleOf(job) });
    current = null;
    return refresh();
  }, (err: unknown) => {
    closeDialog(deleteDialog, current?.opener ?? null);
    const e = asCallError(err);
    errorBox.textContent = tr.error(e.code, e.message);
  });
});
$<HTMLButtonElement>('delete-cancel').addEventListener('click', () => closeDialog(deleteDialog, current?.opener ?? null));
deleteDialog.addEventListener('cancel', (event) => {
  event.preventDefault();
  closeDialog(deleteDialog, current?.opener ?? null);
});

api.onStateChanged((s) => {
  state = s;
  void refresh();
});
void api.getState().then((s) => {
  state = s;
}).catch(() => undefined);
void refresh();
