// Reads typed values out of the collected occurrences: the value from the file when it
// parses, the default when the element is absent, an issue (never a silent default) when
// it is present but wrong. Records where each effective value came from.
import type { ConfigIssue } from './config-error.js';
import { valueIssue, type Located } from './issues.js';
import type { ReadTree } from './read-tree.js';
import type { ValueSource } from './types.js';
import type { ValueParser } from './values.js';

export const MISSING = '(missing)';

/** A non-fatal finding about a value, positioned at its element (or nearest written parent). */
export interface ValueWarning {
  readonly at: Located | null;
  readonly text: string;
}

export class ValueReader {
  readonly sources: Record<string, ValueSource> = {};
  readonly issues: ConfigIssue[] = [];
  /** Paths whose value was present but invalid: cross-checks skip them. */
  readonly failed = new Set<string>();
  /** Values that load but deserve a word (a loopback listen address, plain LDAP, an unused CA file). */
  readonly warnings: ValueWarning[] = [];

  constructor(private readonly tree: ReadTree | null) {}

  /** True when the group (a section, or a group inside one) is written in the file. */
  has(groupPath: string): boolean {
    return this.tree?.groups.has(groupPath) ?? false;
  }

  /** The element at `path`, or else its nearest enclosing element in the file. */
  locate(path: string): Located | null {
    if (!this.tree) return null;
    const occ = this.tree.leaves.get(path);
    if (occ && occ.length > 0) return occ[0].element;
    const parts = path.split('/');
    for (let n = parts.length - 1; n > 0; n--) {
      const g = this.tree.groups.get(parts.slice(0, n).join('/'));
      if (g) return g;
    }
    return this.tree.root;
  }

  one<T>(path: string, parse: ValueParser<T>, fallback: T): T {
    const occ = this.tree?.leaves.get(path)?.[0];
    if (!occ) {
      this.sources[path] = { from: 'default' };
      return fallback;
    }
    this.sources[path] = { from: 'file', line: occ.element.line, column: occ.element.column };
    const r = parse(occ.value);
    if (r.ok) return r.value;
    this.reject(path, occ.element, occ.raw, r.allowed, r.hint);
    return fallback;
  }

  /** Daily, Day, Hour: every occurrence, in file order. */
  list<T>(path: string, parse: ValueParser<T>, fallback: readonly T[]): T[] {
    const occs = this.tree?.leaves.get(path) ?? [];
    if (occs.length === 0) {
      this.sources[path] = { from: 'default' };
      return [...fallback];
    }
    const out: T[] = [];
    occs.forEach((occ, i) => {
      const at = { from: 'file', line: occ.element.line, column: occ.element.column } as const;
      if (i === 0) this.sources[path] = at;
      const indexed = `${path}[${i + 1}]`;
      this.sources[indexed] = at;
      const r = parse(occ.value);
      if (r.ok) out.push(r.value);
      else this.reject(indexed, occ.element, occ.raw, r.allowed, r.hint);
    });
    return out;
  }

  /** An element whose empty or absent value means "not set" (SiteName, ServiceAccountUserName). */
  optional<T>(path: string, parse: ValueParser<T>): T | null {
    const occ = this.tree?.leaves.get(path)?.[0];
    if (!occ || occ.value === '') {
      this.sources[path] = occ ? { from: 'file', line: occ.element.line, column: occ.element.column } : { from: 'default' };
      return null;
    }
    return this.one(path, parse, null as T | null);
  }

  /** An element without a default (ServerIP): missing is an issue naming it. */
  required<T>(path: string, parse: ValueParser<T>, placeholder: T, allowed: string, why: string): T {
    const occ = this.tree?.leaves.get(path)?.[0];
    if (occ) return this.one(path, parse, placeholder);
    this.sources[path] = { from: 'default' };
    this.failed.add(path);
    this.issues.push(valueIssue(path, this.locate(path), MISSING, allowed, `missing; ${why}; allowed: ${allowed}`));
    return placeholder;
  }

  reject(path: string, at: Located | null, found: string, allowed: string, hint?: string): void {
    this.failed.add(path.replace(/\[\d+\]$/, ''));
    const detail = `found "${found}"; allowed: ${allowed}${hint ? ` — ${hint}` : ''}`;
    this.issues.push(valueIssue(path, at, found, allowed, found === '' ? `empty; allowed: ${allowed}${hint ? ` — ${hint}` : ''}` : detail));
  }

  /** Records a warning positioned at `path` (or its nearest written parent). */
  warn(path: string, text: string): void {
    this.warnings.push({ at: this.locate(path), text });
  }

  /** Adds an issue found by a cross-check. */
  add(issue: ConfigIssue): void {
    this.issues.push(issue);
  }
}
