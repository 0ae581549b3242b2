// XML text → a small element tree with positions. fast-xml-parser's validator reports
// syntax errors with line and column; its parser, with preserveOrder (repeated elements
// such as Daily, Day and Hour keep their order) and captureMetaData (start offsets),
// builds the tree. Entities are decoded here, not by the parser, so an unknown entity is
// an error rather than text passed through.
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import type { ConfigIssue } from './config-error.js';
import { LineIndex } from './text-position.js';

export interface XmlElement {
  readonly name: string;
  readonly line: number;
  readonly column: number;
  readonly children: readonly XmlElement[];
  /** Character data directly inside the element, entities decoded, not trimmed. */
  readonly text: string;
}

export type XmlParseResult =
  | { readonly ok: true; readonly root: XmlElement }
  | { readonly ok: false; readonly issues: readonly ConfigIssue[] };

type OrderedNode = Record<string, unknown> & { [k: symbol]: unknown };

const META = XMLParser.getMetaDataSymbol() as unknown as symbol;
const TEXT = '#text';
const CDATA = '#cdata';

export function parseXml(text: string): XmlParseResult {
  const lines = new LineIndex(text);
  const doctype = /<!DOCTYPE/i.exec(text);
  if (doctype) {
    const pos = lines.at(doctype.index);
    return fail(syntaxIssue('(xml)', pos.line, pos.column, '<!DOCTYPE', 'a plain XML document without a DOCTYPE',
      'DOCTYPE declarations (and the entities they define) are not supported in configuration.xml; remove it'));
  }
  const valid = XMLValidator.validate(text);
  if (valid !== true) return fail(fromValidator(text, valid.err));

  let nodes: OrderedNode[];
  try {
    const parser = new XMLParser({
      preserveOrder: true,
      captureMetaData: true,
      ignoreAttributes: true,
      ignoreDeclaration: true,
      ignorePiTags: true,
      parseTagValue: false,
      trimValues: false,
      processEntities: false,
      htmlEntities: false,
      cdataPropName: CDATA,
    });
    nodes = parser.parse(text) as OrderedNode[];
  } catch (err) {
    // The validator passed but the parser refused (e.g. absurd nesting depth).
    return fail(syntaxIssue('(xml)', 1, 1, '', 'well-formed XML', `the file could not be parsed: ${(err as Error).message}`));
  }

  const issues: ConfigIssue[] = [];
  const roots = nodes.map((n) => toElement(n, lines, issues)).filter((e): e is XmlElement => e !== null);
  if (roots.length !== 1) {
    const second = roots[1];
    return fail(roots.length === 0
      ? syntaxIssue('(xml)', 1, 1, '', 'one <Configuration> root element', 'the file has no root element')
      : syntaxIssue(second.name, second.line, second.column, `<${second.name}>`, 'one <Configuration> root element',
        `a second root element <${second.name}> follows </${roots[0].name}>; put it inside <Configuration>`));
  }
  if (issues.length > 0) return fail(...issues);
  return { ok: true, root: roots[0] };
}

function fail(...issues: ConfigIssue[]): XmlParseResult {
  return { ok: false, issues };
}

function toElement(node: OrderedNode, lines: LineIndex, issues: ConfigIssue[]): XmlElement | null {
  const name = Object.keys(node).find((k) => k !== ':@');
  if (name === undefined || name === TEXT || name === CDATA || name.startsWith('?') || name.startsWith('#')) return null;
  const meta = node[META] as { startIndex?: number } | undefined;
  const pos = lines.at(meta?.startIndex ?? 0);
  const body = (node[name] ?? []) as OrderedNode[];
  const children: XmlElement[] = [];
  let text = '';
  for (const child of body) {
    if (TEXT in child) text += decodeEntities(String(child[TEXT]), name, pos.line, pos.column, issues);
    else if (CDATA in child) text += cdataText(child[CDATA]);
    else {
      const el = toElement(child, lines, issues);
      if (el) children.push(el);
    }
  }
  return { name, line: pos.line, column: pos.column, children, text };
}

function cdataText(v: unknown): string {
  if (Array.isArray(v)) return v.map((x) => String((x as Record<string, unknown>)[TEXT] ?? '')).join('');
  return String(v ?? '');
}

const NAMED: Readonly<Record<string, string>> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

function decodeEntities(raw: string, element: string, line: number, column: number, issues: ConfigIssue[]): string {
  return raw.replace(/&([^;&\s]{0,32});?/g, (whole, ref: string) => {
    let cp: number | undefined;
    if (whole.endsWith(';')) {
      if (ref in NAMED) return NAMED[ref];
      if (/^#x[0-9a-f]{1,6}$/i.test(ref)) cp = parseInt(ref.slice(2), 16);
      else if (/^#[0-9]{1,7}$/.test(ref)) cp = parseInt(ref.slice(1), 10);
      if (cp !== undefined && cp > 0 && cp <= 0x10ffff && !(cp >= 0xd800 && cp <= 0xdfff)) return String.fromCodePoint(cp);
    }
    issues.push(syntaxIssue(element, line, column, whole, '&amp; &lt; &gt; &quot; &apos; &#N; &#xN;',
      `unknown or malformed entity reference "${whole}" in <${element}>; write a literal & as &amp;`));
    return whole;
  });
}

function fromValidator(text: string, err: { code: string; msg: string; line: number; col?: number }): ConfigIssue {
  const line = err.line;
  const column = err.col ?? 1;
  const srcLine = text.split('\n')[line - 1] ?? '';
  const excerpt = srcLine.slice(Math.max(0, column - 1), column + 39).trim() || srcLine.trim().slice(0, 40);
  const mismatch = /^Expected closing tag '([^']+)' \(opened in line (\d+), col (\d+)\) instead of closing tag '([^']+)'/.exec(err.msg);
  if (mismatch) {
    const [, opened, oLine, oCol, closing] = mismatch;
    return syntaxIssue(opened, line, column, `</${closing}>`, `</${opened}>`,
      `closing tag </${closing}> does not match <${opened}> opened at line ${oLine}, column ${oCol}; close it with </${opened}>`);
  }
  if (/XML declaration allowed only at the start/.test(err.msg)) {
    // The validator points past the declaration's name; the declaration's own start is clearer.
    const at = new LineIndex(text).at(Math.max(0, text.indexOf('<?xml')));
    return syntaxIssue('(xml)', at.line, at.column, '<?xml', 'the XML declaration first in the file',
      `${err.msg}; remove anything (even blank lines or spaces) before <?xml`);
  }
  return syntaxIssue('(xml)', line, column, excerpt, 'well-formed XML', err.msg);
}

export function syntaxIssue(path: string, line: number, column: number, found: string, allowed: string, detail: string): ConfigIssue {
  return { path, line, column, found, allowed, message: `XML syntax error (line ${line}, column ${column}): ${detail}` };
}
