// PJL command lines (PROTOCOLS.md §5): tokenizes one `@PJL …` line at a time and keeps
// the job facts they carry. The framing (UEL, where lines start and end, where the PDL
// begins) is the orchestrator's job (inspector.ts); this file never sees PDL bytes.
//
// Rules:
// - `@PJL` is upper case, the rest case-insensitive; SP/HT separate words and may
//   surround `=`; strings are double-quoted with no embedded quote.
// - Names (job, user, host): the first value from the most authoritative source wins:
//   job name from JOB NAME, then SET JOBNAME, then HP's bare JOBNAME, then JobAcct7;
//   user from SET USERNAME, then JOBATTR JobAcct1, JobAcct8, Lexmark LJOBINFO USERID,
//   Windows COMMENT "Username: …"; host from JobAcct2, then LJOBINFO HOSTID.
// - Settings: SET beats DEFAULT (§5 precedence); among SETs the last one wins, since a
//   later SET changes the environment for the pages that follow. An inner UEL or EOJ
//   does not clear them: the capture unit is the whole connection.
// - Personality-scoped settings (`SET LPARM:PCL …`) are ignored: they apply to one
//   language's defaults, not to the job.
import type { PjlFacts } from './types.js';
import { decodeJobText, parseBoundedInt } from './job-text.js';

/** PJL QTY/COPIES accepted range; HP documents 1–999, some devices allow more. */
const MAX_COPIES = 99_999;
/** ENTER LANGUAGE names kept (a hostile job could repeat ENTER forever). */
const MAX_LANGUAGES = 32;

type Token = { t: 'word'; v: string } | { t: 'str'; raw: string } | { t: 'eq' } | { t: 'colon' };

interface Pair {
  key: string;
  /** Bytes of the value as latin1 (one char per byte), quotes removed. */
  raw: string | null;
}

export interface PjlCollector {
  /**
   * One PJL line: the bytes from `@PJL` up to the LF (CR and LF may be included).
   * Returns the language an `ENTER LANGUAGE=` line names (upper case), else null.
   */
  line(bytes: Uint8Array): string | null;
  /** Whether any PJL line was seen. */
  seen(): boolean;
  facts(): PjlFacts;
  problems(): readonly string[];
}

type Setting = 'QTY' | 'COPIES' | 'DUPLEX' | 'BINDING' | 'RENDERMODE' | 'PLANESINUSE' | 'GRAYSCALE' | 'DATAMODE';
const SETTINGS: ReadonlySet<string> = new Set<Setting>(['QTY', 'COPIES', 'DUPLEX', 'BINDING', 'RENDERMODE', 'PLANESINUSE', 'GRAYSCALE', 'DATAMODE']);

// Source ranks: a lower rank beats a higher one, whatever the order of the lines.
const JOBNAME_RANK = { job: 0, setJobname: 1, hpJobname: 2, jobAcct7: 3 } as const;
const USER_RANK = { setUsername: 0, jobAcct1: 1, jobAcct8: 2, ljobinfo: 3, comment: 4 } as const;
const HOST_RANK = { jobAcct2: 0, ljobinfo: 1 } as const;

class RankedText {
  private value: string | null = null;
  private rank = Number.POSITIVE_INFINITY;
  offer(rank: number, raw: string | null): void {
    if (raw === null || rank >= this.rank) return;
    const text = decodeJobText(Buffer.from(raw, 'latin1'));
    if (text === null) return;
    this.value = text;
    this.rank = rank;
  }
  get(): string | null {
    return this.value;
  }
}

export function createPjlCollector(): PjlCollector {
  const jobName = new RankedText();
  const user = new RankedText();
  const host = new RankedText();
  const set = new Map<Setting, string>();
  const defaults = new Map<Setting, string>();
  const languages: string[] = [];
  const problems = new Set<string>();
  let any = false;

  const malformed = (): void => {
    problems.add('MALFORMED_PJL');
  };

  function setting(map: Map<Setting, string>, pair: Pair): void {
    const key = pair.key.toUpperCase();
    if (key === 'JOBATTR') {
      jobAttr(pair.raw);
      return;
    }
    if (key === 'JOBNAME') {
      if (map === set) jobName.offer(JOBNAME_RANK.setJobname, pair.raw);
      return;
    }
    if (key === 'USERNAME') {
      if (map === set) user.offer(USER_RANK.setUsername, pair.raw);
      return;
    }
    if (!SETTINGS.has(key)) return;
    if (pair.raw === null) {
      malformed();
      return;
    }
    const value = pair.raw.trim().toUpperCase();
    if ((key === 'QTY' || key === 'COPIES') && parseBoundedInt(value, 1, MAX_COPIES) === null) {
      malformed();
      return;
    }
    map.set(key as Setting, value);
  }

  // HP: @PJL SET JOBATTR="JobAcct1=alice" (user), JobAcct2 (machine), JobAcct7 (job name), JobAcct8 (user).
  function jobAttr(raw: string | null): void {
    if (raw === null) return;
    const m = /^\s*JobAcct(\d+)\s*=(.*)$/i.exec(raw);
    if (!m) return;
    const value = m[2];
    switch (m[1]) {
      case '1':
        user.offer(USER_RANK.jobAcct1, value);
        break;
      case '2':
        host.offer(HOST_RANK.jobAcct2, value);
        break;
      case '7':
        jobName.offer(JOBNAME_RANK.jobAcct7, value);
        break;
      case '8':
        user.offer(USER_RANK.jobAcct8, value);
        break;
      default:
        break;
    }
  }

  function line(bytes: Uint8Array): string | null {
    any = true;
    // latin1 keeps one char per byte, so quoted strings can be decoded later as bytes.
    let s = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
    s = s.replace(/[\r\n]+$/, '');
    if (!s.startsWith('@PJL') || (s.length > 4 && s[4] !== ' ' && s[4] !== '\t')) {
      malformed();
      return null;
    }
    const rest = s.slice(4);
    const toks = tokenize(rest, malformed);
    if (toks.length === 0) return null; // "@PJL" alone is a valid no-op
    const first = toks[0];
    if (first.t !== 'word') {
      malformed();
      return null;
    }
    const cmd = first.v.toUpperCase();
    switch (cmd) {
      case 'JOB':
        for (const p of pairs(toks.slice(1), malformed)) {
          if (p.key.toUpperCase() === 'NAME') jobName.offer(JOBNAME_RANK.job, p.raw);
        }
        return null;
      case 'SET':
      case 'DEFAULT': {
        const args = toks.slice(1);
        const head = args[0];
        if (head && head.t === 'word' && /^LPARM(:|$)/i.test(head.v)) return null;
        const ps = pairs(args, malformed);
        if (ps.length === 0) malformed();
        for (const p of ps) setting(cmd === 'SET' ? set : defaults, p);
        return null;
      }
      case 'JOBNAME':
        // HP's non-standard `@PJL JOBNAME="…"` (hpcups).
        for (const p of pairs(toks, malformed)) {
          if (p.key.toUpperCase() === 'JOBNAME') jobName.offer(JOBNAME_RANK.hpJobname, p.raw);
        }
        return null;
      case 'LJOBINFO':
        for (const p of pairs(toks.slice(1), malformed)) {
          const k = p.key.toUpperCase();
          if (k === 'USERID') user.offer(USER_RANK.ljobinfo, p.raw);
          else if (k === 'HOSTID') host.offer(HOST_RANK.ljobinfo, p.raw);
        }
        return null;
      case 'COMMENT': {
        // Windows/HP: @PJL COMMENT "Username: alice; App Filename: X; 11-24-2026"
        const m = /(?:^|[\s";])Username:[ \t]*([^;"]*)/i.exec(rest);
        if (m) user.offer(USER_RANK.comment, m[1]);
        return null;
      }
      case 'ENTER': {
        const ps = pairs(toks.slice(1), malformed);
        const lang = ps.find((p) => p.key.toUpperCase() === 'LANGUAGE');
        if (!lang || lang.raw === null || lang.raw.trim() === '') {
          malformed();
          return null;
        }
        const name = lang.raw.trim().toUpperCase().slice(0, 32);
        if (languages.length < MAX_LANGUAGES) languages.push(name);
        return name;
      }
      default:
        // EOJ, INFO, USTATUS, ECHO, RDYMSG, INQUIRE, RESET, …: nothing for the job facts.
        return null;
    }
  }

  function effective(key: Setting): string | undefined {
    return set.get(key) ?? defaults.get(key);
  }

  function facts(): PjlFacts {
    const num = (k: Setting): number | null => {
      const v = effective(k);
      return v === undefined ? null : parseBoundedInt(v, 1, MAX_COPIES);
    };
    const duplexV = effective('DUPLEX');
    const bindingV = effective('BINDING');
    return {
      jobName: jobName.get(),
      user: user.get(),
      host: host.get(),
      qty: num('QTY'),
      copies: num('COPIES'),
      duplex: duplexV === 'ON' ? true : duplexV === 'OFF' ? false : null,
      binding: bindingV === 'LONGEDGE' ? 'long-edge' : bindingV === 'SHORTEDGE' ? 'short-edge' : null,
      color: pjlColour(effective),
      languages: [...languages],
    };
  }

  return { line, seen: () => any, facts, problems: () => [...problems] };
}

/**
 * Any setting restricting output to grey wins (RENDERMODE=GRAYSCALE, PLANESINUSE=1,
 * GRAYSCALE=ON, DATAMODE=GRAYSCALE all make the device print K only); else any colour
 * setting makes the job colour; else unknown.
 */
function pjlColour(get: (k: Setting) => string | undefined): boolean | null {
  const render = get('RENDERMODE');
  const planes = get('PLANESINUSE');
  const gray = get('GRAYSCALE');
  const data = get('DATAMODE');
  if (render === 'GRAYSCALE' || planes === '1' || gray === 'ON' || data === 'GRAYSCALE') return false;
  if (render === 'COLOR' || planes === '3' || data === 'COLOR') return true;
  return null;
}

function tokenize(s: string, malformed: () => void): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < s.length) {
    const c = s[i];
    if (c === ' ' || c === '\t' || c === '\r' || c === '\n') {
      i++;
    } else if (c === '=') {
      out.push({ t: 'eq' });
      i++;
    } else if (c === ':') {
      out.push({ t: 'colon' });
      i++;
    } else if (c === '"') {
      const end = s.indexOf('"', i + 1);
      if (end < 0) {
        malformed();
        out.push({ t: 'str', raw: s.slice(i + 1) });
        break;
      }
      out.push({ t: 'str', raw: s.slice(i + 1, end) });
      i = end + 1;
    } else {
      let j = i;
      while (j < s.length && !' \t\r\n=:"'.includes(s[j])) j++;
      out.push({ t: 'word', v: s.slice(i, j) });
      i = j;
    }
  }
  return out;
}

/** `KEY = value` pairs (value a word or a string); a bare word is a pair with a null value. */
function pairs(toks: Token[], malformed: () => void): Pair[] {
  const out: Pair[] = [];
  let i = 0;
  while (i < toks.length) {
    const k = toks[i];
    if (k.t !== 'word') {
      // A stray string, `=` or `:` where a key belongs.
      if (k.t !== 'colon') malformed();
      i++;
      continue;
    }
    if (toks[i + 1]?.t === 'eq') {
      const v = toks[i + 2];
      if (v && v.t === 'word') out.push({ key: k.v, raw: v.v });
      else if (v && v.t === 'str') out.push({ key: k.v, raw: v.raw });
      else {
        malformed();
        out.push({ key: k.v, raw: null });
      }
      i += v && (v.t === 'word' || v.t === 'str') ? 3 : 2;
    } else {
      out.push({ key: k.v, raw: null });
      i++;
    }
  }
  return out;
}
