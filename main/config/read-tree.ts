// Walks the element tree against the schema: collects each leaf's occurrences under its
// canonical path, turns aliases and stray `>` into warnings, and reports what the schema
// does not know (unknown elements as warnings, structural mistakes as issues). Values are
// not interpreted here.
import type { ConfigIssue } from './config-error.js';
import type { XmlElement } from './parse-xml.js';
import { CONFIG_SCHEMA, ROOT_NAME, placesOf, type GroupSpec } from './schema.js';
import { valueIssue } from './issues.js';
import { suggestName } from './suggest.js';

export interface Occurrence {
  readonly element: XmlElement;
  /** Trimmed text as written in the file. */
  readonly raw: string;
  /** The text to interpret: `raw` without the guide's stray leading `>`. */
  readonly value: string;
}

export interface ReadTree {
  /** Canonical leaf path → occurrences in document order. */
  readonly leaves: ReadonlyMap<string, readonly Occurrence[]>;
  /** Canonical group path → its element (sections present in the file). */
  readonly groups: ReadonlyMap<string, XmlElement>;
  readonly root: XmlElement;
  readonly warnings: readonly string[];
  readonly issues: readonly ConfigIssue[];
}

export function readTree(root: XmlElement, fileName: string): ReadTree {
  const leaves = new Map<string, Occurrence[]>();
  const groups = new Map<string, XmlElement>();
  const warnings: string[] = [];
  const issues: ConfigIssue[] = [];
  const warn = (el: XmlElement, msg: string): void => { warnings.push(`${fileName}:${el.line}:${el.column}: ${msg}`); };

  if (root.name !== ROOT_NAME) {
    if (root.name.toLowerCase() !== ROOT_NAME.toLowerCase()) {
      issues.push(valueIssue(root.name, root, `<${root.name}>`, `<${ROOT_NAME}>`,
        `the root element must be <${ROOT_NAME}>, found <${root.name}>`));
      return { leaves, groups, root, warnings, issues };
    }
    warn(root, `root element <${root.name}> read as <${ROOT_NAME}>; XML names are case-sensitive, please write <${ROOT_NAME}>`);
  }

  const walk = (el: XmlElement, spec: GroupSpec, path: string): void => {
    if (el.text.trim() !== '') {
      issues.push(valueIssue(path || ROOT_NAME, el, el.text.trim().slice(0, 60), 'child elements only',
        `<${el.name}> holds settings, not a value; found text "${el.text.trim().slice(0, 60)}"`));
    }
    const seen = new Map<string, XmlElement>();
    for (const child of el.children) {
      let name = child.name;
      if (!(name in spec.children)) {
        const target = spec.aliases?.[name];
        if (target === undefined) {
          warn(child, unknownMessage(child.name, spec, path));
          continue;
        }
        warn(child, `<${name}> accepted as <${target}> (the spelling found in the administrator's guide); please write <${target}>`);
        name = target;
      }
      const childSpec = spec.children[name];
      const childPath = path ? `${path}/${name}` : name;
      const first = seen.get(name);
      if (first && !(childSpec.kind === 'leaf' && childSpec.repeat)) {
        issues.push(valueIssue(childPath, child, `<${child.name}>`, 'at most one',
          `<${name}> appears more than once (first at line ${first.line}); only Daily, Day, Hour and Directory/URL may repeat`));
        continue;
      }
      seen.set(name, child);
      if (childSpec.kind === 'ignored') {
        groups.set(childPath, child);
        if (child.children.length > 0 || child.text.trim() !== '') warn(child, `${childPath} is ignored: ${childSpec.why}`);
      } else if (childSpec.kind === 'group') {
        groups.set(childPath, child);
        walk(child, childSpec, childPath);
      } else {
        readLeaf(child, childPath);
      }
    }
  };

  const readLeaf = (el: XmlElement, path: string): void => {
    if (el.children.length > 0) {
      issues.push(valueIssue(path, el, `<${el.children[0].name}>`, 'a value, no child elements',
        `<${el.name}> takes a value, found a child element <${el.children[0].name}>`));
      return;
    }
    const raw = el.text.trim();
    let value = raw;
    // The guide's samples write <LoggingEnabled>>true</LoggingEnabled>: one stray `>`.
    if (raw.startsWith('>')) {
      value = raw.slice(1).trim();
      warn(el, `${path}: stray ">" before the value ignored (found "${raw}", read as "${value}")`);
    }
    const list = leaves.get(path) ?? [];
    list.push({ element: el, raw, value });
    leaves.set(path, list);
  };

  walk(root, CONFIG_SCHEMA, '');
  return { leaves, groups, root, warnings, issues };
}

function unknownMessage(name: string, spec: GroupSpec, path: string): string {
  const where = path || ROOT_NAME;
  const known = [...Object.keys(spec.children), ...Object.keys(spec.aliases ?? {})];
  let msg = `unknown element <${name}> in ${where} ignored`;
  // A name valid in another place is most likely misplaced, not misspelt.
  const places = placesOf(name);
  if (places.length > 0) return `${msg}; <${name}> belongs directly in ${places.slice(0, 3).map((p) => p || ROOT_NAME).join(' or ')}`;
  const suggestion = suggestName(name, known);
  if (suggestion) {
    const canonical = spec.aliases?.[suggestion] ?? suggestion;
    msg += `; did you mean ${canonical}?`;
    if (suggestion.toLowerCase() === name.toLowerCase()) msg += ' (element names are case-sensitive)';
  }
  return msg;
}
