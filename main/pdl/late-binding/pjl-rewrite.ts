// Writes the edited first PJL block (§5 "Late-binding rewrite"):
// - every byte of the block is kept (UEL framing, JOB/EOJ/COMMENT/JOBATTR lines, blank
//   space) except the `@PJL SET KEY=` lines of the keys we set, which are replaced in
//   place; keys still missing are inserted just before ENTER LANGUAGE, or after the
//   block's last line when it has none; inserted lines use the block's own line ending;
// - a job without a UEL is wrapped: UEL, `@PJL JOB NAME="…"` (unless it has a JOB line),
//   the SETs, `@PJL ENTER LANGUAGE=<detected>` (unless it has an ENTER line), the job,
//   then `UEL @PJL EOJ` UEL; a leading Ctrl-D stays in front of the PDL;
// - the name we write has `"` turned into `'`, and non-ASCII adds STRINGCODESET=UTF8.
import { cleanText } from '../job-text.js';
import type { SniffResult } from '../sniff.js';
import type { PdlKind } from '../types.js';
import { UEL, type HeaderItem, type PjlHeader } from './pjl-header.js';
import { PROCESSING_KEYS, type PjlPlan, type ProcessingPlan } from './pjl-settings.js';

/** PJL JOB NAME is at most 80 characters (Lexmark technical reference). */
export const MAX_JOB_NAME = 80;

export interface RenderedHeader {
  readonly header: Buffer;
  /** What the job must end with (the wrapper's EOJ), or null. */
  readonly trailer: Buffer | null;
}

const SET_LINE = /^@PJL[ \t]+SET[ \t]+([A-Za-z0-9_-]+)[ \t]*=[ \t]*(.*?)[ \t]*$/i;
const JOB_LINE = /^@PJL[ \t]+JOB(?:[ \t]|$)/i;

/** The variable a `@PJL SET KEY=…` line sets (upper case), or null. `LPARM:` lines are not ours. */
export function setKey(text: string): string | null {
  const m = SET_LINE.exec(text);
  return m ? m[1].toUpperCase() : null;
}

function setValue(text: string): string {
  const m = SET_LINE.exec(text);
  return m ? m[2] : '';
}

/** A job name fit for a PJL string: no quotes or controls, at most MAX_JOB_NAME characters. */
export function pjlJobName(name: string | null): string | null {
  if (name === null) return null;
  const clean = cleanText(name.replace(/"/g, "'"));
  if (clean === null) return null;
  return Array.from(clean).slice(0, MAX_JOB_NAME).join('').trim() || null;
}

function languageName(kind: PdlKind | SniffResult | null, fallback: PdlKind): string | null {
  const k = kind === null || kind === 'unknown' || kind === 'tbcp' ? fallback : kind;
  switch (k) {
    case 'postscript':
      return 'POSTSCRIPT';
    case 'pdf':
      return 'PDF';
    case 'pclxl':
      return 'PCLXL';
    case 'pcl5':
      return 'PCL';
    case 'unknown':
      return null; // the printer's auto-switch decides
  }
}

/** HP's PROCESSING* sequence: existing types kept in order, ours replaced or appended. */
function processingLines(items: readonly HeaderItem[], plan: ProcessingPlan): string[] {
  let action: string | null = null;
  const types: { type: string; option: string | null; boundary: string | null }[] = [];
  let current: (typeof types)[number] | null = null;
  for (const it of items) {
    if (it.kind !== 'line') continue;
    const key = setKey(it.text);
    if (key === null || !PROCESSING_KEYS.has(key)) continue;
    const value = setValue(it.text);
    if (key === 'PROCESSINGACTION') action = value;
    else if (key === 'PROCESSINGTYPE') {
      const name = value.replace(/"/g, '').trim().toUpperCase();
      current = types.find((t) => t.type === name) ?? null;
      if (!current) {
        current = { type: name, option: null, boundary: null };
        types.push(current);
      }
    } else if (current && key === 'PROCESSINGOPTION') current.option = value;
    else if (current && key === 'PROCESSINGBOUNDARY') current.boundary = value;
  }
  const put = (type: string, option: string | null): void => {
    if (option === null) return;
    const t = types.find((x) => x.type === type);
    if (t) t.option = option;
    else types.push({ type, option, boundary: null });
  };
  put('STAPLING', plan.stapling);
  put('PUNCH', plan.punch);
  const lines = [`@PJL SET PROCESSINGACTION=${action ?? 'APPEND'}`];
  for (const t of types) {
    if (t.option === null) continue;
    lines.push(`@PJL SET PROCESSINGTYPE="${t.type}"`, `@PJL SET PROCESSINGOPTION=${t.option}`, `@PJL SET PROCESSINGBOUNDARY=${t.boundary ?? 'MOPY'}`);
  }
  return lines;
}

export interface RenderInput {
  readonly header: PjlHeader;
  readonly plan: PjlPlan;
  readonly jobName: string | null;
  /** The stored job's PDL, for ENTER LANGUAGE when the bytes do not say. */
  readonly pdl: PdlKind;
}

export function renderHeader({ header, plan, jobName, pdl }: RenderInput): RenderedHeader {
  const { items } = header;
  const lines = items.filter((i): i is Extract<HeaderItem, { kind: 'line' }> => i.kind === 'line');
  const eol = lines.find((l) => l.eol !== '')?.eol ?? '\n';
  const values = new Map(plan.settings.map((s) => [s.key, s.value]));
  const present = new Set<string>();
  for (const l of lines) {
    const k = setKey(l.text);
    if (k !== null) present.add(k);
  }
  const inserted: string[] = [];
  for (const s of plan.settings) if (s.insert && !present.has(s.key)) inserted.push(`@PJL SET ${s.key}=${s.value}`);
  if (plan.processing) inserted.push(...processingLines(items, plan.processing));

  const wrap = !header.hasUel;
  const prefix: Buffer[] = [];
  let trailer: Buffer | null = null;
  if (wrap) {
    prefix.push(UEL);
    if (!lines.some((l) => JOB_LINE.test(l.text))) {
      const name = pjlJobName(jobName);
      prefix.push(Buffer.from(name === null ? `@PJL JOB${eol}` : `@PJL JOB NAME="${name}"${eol}`, 'utf8'));
      if (name !== null && /[^\x20-\x7e]/.test(name) && !present.has('STRINGCODESET')) {
        prefix.push(Buffer.from(`@PJL SET STRINGCODESET=UTF8${eol}`, 'latin1'));
      }
      trailer = Buffer.concat([UEL, Buffer.from(`@PJL EOJ${eol}`, 'latin1'), UEL]);
    }
    if (header.enterIndex < 0) {
      const lang = languageName(header.sniffed, pdl);
      if (lang !== null) inserted.push(`@PJL ENTER LANGUAGE=${lang}`);
    }
  }

  // Insert before ENTER, else after the last line or UEL of the block.
  let at = header.enterIndex;
  if (at < 0) {
    at = 0;
    items.forEach((it, i) => {
      if (it.kind !== 'blank') at = i + 1;
    });
  }
  const out: Buffer[] = [];
  // A job without UEL keeps its leading Ctrl-D in front of the PDL, after our wrapper.
  if (!wrap) out.push(header.lead);
  out.push(...prefix);
  const text = inserted.map((l) => l + eol).join('');
  // After a last line that the end of the job cut short, the insertion starts a new line.
  const before = items[at - 1];
  const cut = text !== '' && before !== undefined && before.kind === 'line' && before.eol === '';
  const insertion = Buffer.from((cut ? eol : '') + text, 'latin1');
  items.forEach((it, i) => {
    if (i === at) out.push(insertion);
    if (it.kind === 'uel') out.push(UEL);
    else if (it.kind === 'blank') out.push(it.bytes);
    else {
      const key = setKey(it.text);
      if (key !== null && plan.processing && PROCESSING_KEYS.has(key)) return; // re-emitted as a whole
      const v = key === null ? undefined : values.get(key);
      if (v !== undefined) out.push(Buffer.from(`@PJL SET ${key}=${v}${it.eol}`, 'latin1'));
      else out.push(it.bytes);
    }
  });
  if (at >= items.length) out.push(insertion);
  if (wrap) out.push(header.lead);
  return { header: Buffer.concat(out), trailer };
}
