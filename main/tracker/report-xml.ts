// The deleted-job report format (docs/tracker.md "Report format"), used for DJTReport.xml
// and as the body of the request to the report server:
//
//   <?xml version="1.0" encoding="UTF-8"?>
//   <DJTReport version="1">
//     <DeletedJob>
//       <RecordId>…</RecordId> <JobId>…</JobId> <Owner>…</Owner> [<Title>…</Title>]
//       [<Pages>n</Pages>] [<Color>true|false</Color>] [<Duplex>true|false</Duplex>]
//       <Copies>n</Copies> <Size>bytes</Size> <SubmittedAt>ISO</SubmittedAt>
//       <DeletedAt>ISO</DeletedAt> <Reason>released|expired|user-deleted|logout</Reason>
//       <WorkstationName>…</WorkstationName> <WorkstationAddress>…</WorkstationAddress>
//       [<SiteName>…</SiteName>]
//     </DeletedJob>
//   </DJTReport>
//
// Bracketed elements are absent when unknown. The server's answer may be
//   <DJTReportResult version="1"><Accepted>record id</Accepted>…</DJTReportResult>
// Reading is strict: one root, version 1, known elements once each, values checked by
// recordSchema. A damaged document still yields every DeletedJob that is intact.

import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { z } from 'zod';
import { recordSchema } from './record.js';
import type { DeletedJobRecord } from './types.js';
import { decodeXmlText, escapeXmlText } from './xml-text.js';

export const REPORT_VERSION = '1';

type Kind = 'text' | 'count' | 'bool';
interface Field {
  readonly element: string;
  readonly key: keyof DeletedJobRecord;
  readonly kind: Kind;
  readonly optional: boolean;
}

const FIELDS: readonly Field[] = [
  { element: 'RecordId', key: 'recordId', kind: 'text', optional: false },
  { element: 'JobId', key: 'jobId', kind: 'text', optional: false },
  { element: 'Owner', key: 'owner', kind: 'text', optional: false },
  { element: 'Title', key: 'title', kind: 'text', optional: true },
  { element: 'Pages', key: 'pages', kind: 'count', optional: true },
  { element: 'Color', key: 'color', kind: 'bool', optional: true },
  { element: 'Duplex', key: 'duplex', kind: 'bool', optional: true },
  { element: 'Copies', key: 'copies', kind: 'count', optional: false },
  { element: 'Size', key: 'size', kind: 'count', optional: false },
  { element: 'SubmittedAt', key: 'submittedAt', kind: 'text', optional: false },
  { element: 'DeletedAt', key: 'deletedAt', kind: 'text', optional: false },
  { element: 'Reason', key: 'reason', kind: 'text', optional: false },
  { element: 'WorkstationName', key: 'workstation', kind: 'text', optional: false },
  { element: 'WorkstationAddress', key: 'workstationAddress', kind: 'text', optional: false },
  { element: 'SiteName', key: 'siteName', kind: 'text', optional: true },
];
const BY_ELEMENT = new Map(FIELDS.map((f) => [f.element, f]));

export function serializeReport(records: readonly DeletedJobRecord[]): string {
  const out = ['<?xml version="1.0" encoding="UTF-8"?>', `<DJTReport version="${REPORT_VERSION}">`];
  for (const r of records) {
    out.push('  <DeletedJob>');
    for (const f of FIELDS) {
      const v = r[f.key];
      if (v === null) continue;
      out.push(`    <${f.element}>${escapeXmlText(String(v))}</${f.element}>`);
    }
    out.push('  </DeletedJob>');
  }
  out.push('</DJTReport>', '');
  return out.join('\n');
}

export function serializeResult(acceptedIds: readonly string[]): string {
  return ['<?xml version="1.0" encoding="UTF-8"?>', `<DJTReportResult version="${REPORT_VERSION}">`,
    ...acceptedIds.map((id) => `  <Accepted>${escapeXmlText(id)}</Accepted>`), '</DJTReportResult>', ''].join('\n');
}

// ---- reading ----

type XNode = Record<string, unknown>;

const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '',
  trimValues: false,
  parseTagValue: false,
  parseAttributeValue: false,
  // Entities are decoded by decodeXmlText, which knows only XML's five and rejects the rest.
  processEntities: false,
  htmlEntities: false,
  cdataPropName: '#cdata',
  commentPropName: '#comment',
});

function nameOf(node: XNode): string {
  return Object.keys(node).find((k) => k !== ':@') ?? '';
}

function attrsOf(node: XNode): Record<string, string> {
  return (node[':@'] ?? {}) as Record<string, string>;
}

function childrenOf(node: XNode): XNode[] {
  const c = node[nameOf(node)];
  return Array.isArray(c) ? (c as XNode[]) : [];
}

function isBlank(node: XNode): boolean {
  const n = nameOf(node);
  return n === '#comment' || n === '?xml' || (n === '#text' && /^\s*$/.test(String(node['#text'])));
}

/** The text of an element that holds only text (and CDATA); an error when it holds elements. */
function textOf(node: XNode): { ok: true; text: string } | { ok: false; error: string } {
  let text = '';
  for (const c of childrenOf(node)) {
    const n = nameOf(c);
    if (n === '#text') {
      const d = decodeXmlText(String(c['#text']));
      if (!d.ok) return d;
      text += d.text;
    } else if (n === '#cdata') {
      text += childrenOf(c).map((t) => String(t['#text'] ?? '')).join('');
    } else if (n !== '#comment') {
      return { ok: false, error: `<${nameOf(node)}> may hold only text, found <${n}>` };
    }
  }
  return { ok: true, text };
}

function convert(f: Field, text: string): { ok: true; value: unknown } | { ok: false; error: string } {
  switch (f.kind) {
    case 'text':
      return { ok: true, value: text };
    case 'count':
      return /^\d{1,15}$/.test(text) ? { ok: true, value: Number(text) } : { ok: false, error: `<${f.element}> must be a whole number, found "${text.slice(0, 40)}"` };
    case 'bool':
      return text === 'true' || text === 'false' ? { ok: true, value: text === 'true' } : { ok: false, error: `<${f.element}> must be true or false, found "${text.slice(0, 40)}"` };
  }
}

function parseDeletedJob(node: XNode): { ok: true; record: DeletedJobRecord } | { ok: false; error: string } {
  if (Object.keys(attrsOf(node)).length > 0) return { ok: false, error: '<DeletedJob> takes no attribute' };
  const values: Record<string, unknown> = {};
  for (const f of FIELDS) if (f.optional) values[f.key] = null;
  const seen = new Set<string>();
  for (const c of childrenOf(node)) {
    if (isBlank(c)) continue;
    const n = nameOf(c);
    if (n === '#text' || n === '#cdata') return { ok: false, error: 'text directly inside <DeletedJob>' };
    const f = BY_ELEMENT.get(n);
    if (!f) return { ok: false, error: `unknown element <${n}>` };
    if (seen.has(n)) return { ok: false, error: `<${n}> appears twice` };
    seen.add(n);
    if (Object.keys(attrsOf(c)).length > 0) return { ok: false, error: `<${n}> takes no attribute` };
    const t = textOf(c);
    if (!t.ok) return t;
    const v = convert(f, t.text);
    if (!v.ok) return v;
    values[f.key] = v.value;
  }
  const missing = FIELDS.filter((f) => !f.optional && !seen.has(f.element)).map((f) => `<${f.element}>`);
  if (missing.length > 0) return { ok: false, error: `missing ${missing.join(', ')}` };
  const parsed = recordSchema.safeParse(values);
  if (!parsed.success) return { ok: false, error: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') };
  return { ok: true, record: parsed.data };
}

/** The single root element of a well-formed document, or an error. */
function rootOf(text: string, name: string): { ok: true; root: XNode } | { ok: false; error: string } {
  if (/<!DOCTYPE|<!ENTITY/i.test(text)) return { ok: false, error: 'a DOCTYPE is not allowed' };
  const v = XMLValidator.validate(text);
  if (v !== true) return { ok: false, error: `not well-formed XML: ${v.err.msg} (line ${v.err.line})` };
  let nodes: XNode[];
  try {
    nodes = parser.parse(text) as XNode[];
  } catch (err) {
    return { ok: false, error: `unreadable XML: ${err instanceof Error ? err.message : String(err)}` };
  }
  const top = nodes.filter((n) => !isBlank(n));
  if (top.length !== 1 || nameOf(top[0]) !== name) return { ok: false, error: `the document must have exactly one <${name}> root element` };
  const version = attrsOf(top[0]).version;
  if (version !== REPORT_VERSION) return { ok: false, error: `<${name}> version must be "${REPORT_VERSION}", found ${version === undefined ? 'none' : `"${version}"`}` };
  return { ok: true, root: top[0] };
}

export interface ParsedReport {
  /** Every valid record, in document order, first occurrence of each RecordId. */
  readonly records: DeletedJobRecord[];
  /** What was wrong; empty for a clean document. */
  readonly problems: string[];
}

function parseStrict(text: string): ParsedReport & { fatal: boolean } {
  const r = rootOf(text, 'DJTReport');
  if (!r.ok) return { records: [], problems: [r.error], fatal: true };
  const records: DeletedJobRecord[] = [];
  const problems: string[] = [];
  let index = 0;
  for (const c of childrenOf(r.root)) {
    if (isBlank(c)) continue;
    const n = nameOf(c);
    if (n !== 'DeletedJob') {
      problems.push(n === '#text' || n === '#cdata' ? 'text directly inside <DJTReport>' : `unknown element <${n}> in <DJTReport>`);
      continue;
    }
    index += 1;
    const p = parseDeletedJob(c);
    if (p.ok) records.push(p.record);
    else problems.push(`DeletedJob #${index}: ${p.error}`);
  }
  return { records, problems, fatal: false };
}

// A block may not contain the start of another, so a truncated record cannot swallow the next one.
const BLOCK = /<DeletedJob\s*>(?:(?!<DeletedJob[\s>/])[\s\S])*?<\/DeletedJob\s*>/g;

/**
 * Reads a report. A document that is not well-formed is searched for intact
 * <DeletedJob> elements, each read on its own, so damage loses only what it touched.
 */
export function parseReport(input: string): ParsedReport {
  const text = input.replace(/^\uFEFF/, '');
  const strict = parseStrict(text);
  let { records, problems } = strict;
  if (strict.fatal) {
    records = [];
    let unreadable = 0;
    for (const m of text.matchAll(BLOCK)) {
      const one = parseStrict(`<DJTReport version="${REPORT_VERSION}">${m[0]}</DJTReport>`);
      if (one.records.length === 1) records.push(one.records[0]);
      else unreadable += 1;
    }
    problems = [...problems, `recovered ${records.length} intact DeletedJob element(s)${unreadable ? `, ${unreadable} unreadable` : ''}`];
  }
  const ids = new Set<string>();
  const unique: DeletedJobRecord[] = [];
  for (const r of records) {
    if (ids.has(r.recordId)) problems.push(`RecordId ${r.recordId} appears more than once; kept the first`);
    else {
      ids.add(r.recordId);
      unique.push(r);
    }
  }
  return { records: unique, problems };
}

const idSchema = z.string().min(1).max(200);

/** Reads the server's answer: the record ids it holds (accepted now or earlier). */
export function parseResult(input: string): { ok: true; accepted: string[] } | { ok: false; error: string } {
  const r = rootOf(input.replace(/^\uFEFF/, ''), 'DJTReportResult');
  if (!r.ok) return r;
  const accepted: string[] = [];
  for (const c of childrenOf(r.root)) {
    if (isBlank(c)) continue;
    if (nameOf(c) !== 'Accepted') return { ok: false, error: `unexpected <${nameOf(c)}> in <DJTReportResult>` };
    const t = textOf(c);
    if (!t.ok) return t;
    const id = idSchema.safeParse(t.text.trim());
    if (!id.success) return { ok: false, error: 'an <Accepted> element holds no record id' };
    accepted.push(id.data);
  }
  return { ok: true, accepted };
}
