// Builds ConfigIssue records with one message shape for every kind of problem:
// `Path (line L, column C): found "x"; allowed: y. Hint.`
import type { ConfigIssue } from './config-error.js';

export interface Located {
  readonly line: number;
  readonly column: number;
}

/**
 * An issue at an element. `detail` replaces the default `found "…"; allowed: …` sentence
 * when the problem needs its own words.
 */
export function valueIssue(path: string, at: Located | null, found: string, allowed: string, detail?: string): ConfigIssue {
  const where = at ? ` (line ${at.line}, column ${at.column})` : '';
  const body = detail ?? `found "${found}"; allowed: ${allowed}`;
  return { path, line: at?.line ?? null, column: at?.column ?? null, found, allowed, message: `${path}${where}: ${body}` };
}
