// Parsers for element values. Each takes the trimmed text and returns the typed value
// or a description of what is allowed (and a hint), never throws, never guesses.
import { posix, win32 } from 'node:path';
import type { AdWriteOption, IntervalMode, LoggingLevel, Platform, TimeOfDay, UserMatchPolicy } from './types.js';

export type Parsed<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly allowed: string; readonly hint?: string };

export type ValueParser<T> = (text: string) => Parsed<T>;

export const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });
export const bad = <T>(allowed: string, hint?: string): Parsed<T> => (hint ? { ok: false, allowed, hint } : { ok: false, allowed });

export function integer(min: number, max: number, unit = ''): ValueParser<number> {
  const allowed = `an integer from ${min} to ${max}${unit ? ` (${unit})` : ''}`;
  return (text) => {
    if (!/^\d{1,16}$/.test(text)) {
      if (/^[+-]?\d*\.\d+$/.test(text)) return bad(allowed, 'whole numbers only');
      return bad(allowed);
    }
    const n = Number(text);
    return n >= min && n <= max ? ok(n) : bad(allowed);
  };
}

export const port: ValueParser<number> = integer(1, 65535, 'a TCP port');

export const boolean: ValueParser<boolean> = (text) => {
  const t = text.toLowerCase();
  if (t === 'true') return ok(true);
  if (t === 'false') return ok(false);
  const hint = /^(yes|no|on|off|1|0|enabled?|disabled?)$/i.test(text) ? 'write true or false' : undefined;
  return bad('true or false (any letter case)', hint);
};

export const loggingLevel: ValueParser<LoggingLevel> = (text) => {
  const t = text.toLowerCase();
  if (t === 'false') return ok(false);
  if (t === 'true') return ok(true);
  if (t === 'debug') return ok('debug');
  return bad('false (errors only), true (events) or debug (any letter case)');
};

export function enumOf<T extends string>(values: readonly T[]): ValueParser<T> {
  const allowed = `${values.slice(0, -1).join(', ')} or ${values[values.length - 1]} (any letter case)`;
  return (text) => {
    const hit = values.find((v) => v.toLowerCase() === text.toLowerCase());
    return hit ? ok(hit) : bad(allowed);
  };
}

export const intervalMode: ValueParser<IntervalMode> = enumOf<IntervalMode>(['Minutes', 'Hourly', 'Daily', 'Weekly']);
export const adWriteOption: ValueParser<AdWriteOption> = enumOf<AdWriteOption>(['AtStartup', 'AtPrintTime', 'AtStartupAndPrintTime']);
export const userMatchPolicy: ValueParser<UserMatchPolicy> = enumOf<UserMatchPolicy>(['accept-and-record', 'reject']);
export const startTlsPolicy: ValueParser<'required' | 'none'> = enumOf<'required' | 'none'>(['required', 'none']);

export const timeOfDay: ValueParser<TimeOfDay> = (text) => {
  const allowed = 'a time of day as HHMM, 0000 to 2359';
  const m = /^(\d\d)(\d\d)$/.exec(text);
  if (!m) {
    const colon = /^(\d{1,2}):(\d\d)$/.exec(text);
    const fixable = colon !== null && Number(colon[1]) <= 23 && Number(colon[2]) <= 59;
    return bad(allowed, fixable ? `write ${colon[1].padStart(2, '0')}${colon[2]} without the colon` : undefined);
  }
  const hour = Number(m[1]);
  const minute = Number(m[2]);
  return hour <= 23 && minute <= 59 ? ok({ hour, minute }) : bad(allowed);
};

export const dayOfWeek: ValueParser<number> = integer(1, 7, '1 = Sunday … 7 = Saturday');

export const apiVersion: ValueParser<string> = (text) =>
  /^\d{1,4}(\.\d{1,4}){0,3}$/.test(text) ? ok(text) : bad('a version number such as 3.0');

/** An LDAP attribute name (descriptor) or OID, as in otherLoginWorkstations. */
export const ldapAttribute: ValueParser<string> = (text) =>
  /^[A-Za-z][A-Za-z0-9-]{0,127}$/.test(text) || /^\d+(\.\d+)+$/.test(text)
    ? ok(text)
    : bad('an LDAP attribute name (letters, digits, hyphens, starting with a letter) or an OID');

/** Free text on one line: account names, site names. */
export const singleLineText: ValueParser<string> = (text) =>
  text.length > 0 && text.length <= 256 && !hasControl(text) ? ok(text) : bad('text on one line, 1 to 256 characters');

/** An OS print queue name that CUPS and Windows both accept. */
export const queueName: ValueParser<string> = (text) =>
  text.length > 0 && text.length <= 127 && !hasControl(text) && !/[/\\#\s]/.test(text)
    ? ok(text)
    : bad('a print queue name: 1 to 127 characters, no spaces, "/", "\\" or "#"');

const LOG_EXAMPLE = { win32: 'C:\\ProgramData\\PullPrint\\pullprint.log', posix: '/var/log/pullprint.log' };
/** The example shown for certificate, key and CA files. */
export const PEM_EXAMPLE = { win32: 'C:\\ProgramData\\PullPrint\\corp-ca.pem', posix: '/etc/pullprint/corp-ca.pem' };

/**
 * A path checked for its form only: whether the file exists is not checked when the
 * configuration is read (the subsystem that opens it reports that, when it is needed).
 */
export function absoluteFilePath(platform: Platform, examples: { readonly win32: string; readonly posix: string } = LOG_EXAMPLE): ValueParser<string> {
  const p = platform === 'win32' ? win32 : posix;
  const example = platform === 'win32' ? examples.win32 : examples.posix;
  return (text) => {
    if (text.length === 0 || hasControl(text)) return bad(`an absolute file path, e.g. ${example}`);
    if (!p.isAbsolute(text) || (platform === 'win32' && !/^([A-Za-z]:[\\/]|\\\\)/.test(text))) {
      return bad(`an absolute file path, e.g. ${example}`,
        platform !== 'win32' && /^[A-Za-z]:\\/.test(text) ? 'this is a Windows path; this workstation runs ' + platform : undefined);
    }
    if (/[\\/]$/.test(text)) return bad(`an absolute file path, e.g. ${example}`, 'this names a folder; add the file name');
    return ok(text);
  };
}

export function hasControl(text: string): boolean {
  // eslint-disable-next-line no-control-regex
  return /[\u0000-\u001f\u007f]/.test(text);
}
