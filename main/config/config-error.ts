// The one error type of the configuration subsystem. A bad file yields a single
// ConfigError listing every problem found, so an administrator fixes them all in one pass.
import { PullPrintError } from '../util/errors.js';

export type ConfigErrorCode = 'CONFIG_INVALID' | 'CONFIG_NOT_FOUND' | 'CONFIG_UNREADABLE';

export interface ConfigIssue {
  /** Element path, e.g. `LPMServerSettings/CaptureSettings/LoopbackPort` (repeatable ones indexed: `Daily[2]`). */
  readonly path: string;
  /** 1-based position of the element's start tag (or of the nearest enclosing element); null when not in the file. */
  readonly line: number | null;
  readonly column: number | null;
  /** The value as written (trimmed), or `(missing)`. */
  readonly found: string;
  /** What would have been accepted. */
  readonly allowed: string;
  /** A complete sentence for people: path, position, found, allowed, and a hint when there is one. */
  readonly message: string;
}

export class ConfigError extends PullPrintError {
  override readonly code: ConfigErrorCode;
  readonly issues: readonly ConfigIssue[];
  /** Non-fatal findings gathered before the errors stopped the load. */
  readonly warnings: readonly string[];
  readonly file: string | null;

  constructor(
    code: ConfigErrorCode,
    file: string | null,
    issues: readonly ConfigIssue[],
    warnings: readonly string[] = [],
    options?: { cause?: unknown },
  ) {
    super(code, summarize(file, issues), options);
    this.name = 'ConfigError';
    this.code = code;
    this.file = file;
    this.issues = Object.freeze([...issues]);
    this.warnings = Object.freeze([...warnings]);
  }
}

/** `file: message` (the message itself names the element, line and column). */
export function formatIssue(file: string | null, issue: ConfigIssue): string {
  return `${file ?? '(configuration)'}: ${issue.message}`;
}

function summarize(file: string | null, issues: readonly ConfigIssue[]): string {
  const n = issues.length;
  const head = `${file ?? 'configuration'}: ${n} error${n === 1 ? '' : 's'}`;
  return [head, ...issues.map((i) => `  ${formatIssue(file, i)}`)].join('\n');
}
