// Rules that involve more than one element: listening ports must not clash, batching
// deleted-job records needs a schedule that can fire, and a release certificate needs its key.
import { valueIssue } from './issues.js';
import { SECTION_AD, SECTION_CLOUD, SECTION_HYBRID, SECTION_TRACKER } from './schema.js';
import type { Mode, TrackerSettings } from './types.js';
import { MISSING, type ValueReader } from './value-reader.js';
import { assertNever } from '../util/errors.js';

interface Listener {
  readonly path: string;
  readonly port: number;
  readonly role: 'capture' | 'release';
}

function sectionOf(kind: Mode['kind']): string | null {
  switch (kind) {
    case 'serverless-ad': return SECTION_AD;
    case 'hybrid': return SECTION_HYBRID;
    case 'cloud': return SECTION_CLOUD;
    case 'local': return null;
    default: return assertNever(kind, 'mode kind');
  }
}

/**
 * Every listener the engine opens (each mode's capture port, each held mode's release
 * port) needs a port of its own: two enabled modes cannot share a LoopbackPort, and an
 * EsfListenerPort may equal neither another release port nor any capture port.
 */
export function checkPorts(r: ValueReader, modes: readonly Mode[]): void {
  const listeners: Listener[] = [];
  for (const mode of modes) {
    const section = sectionOf(mode.kind);
    if (section === null) continue;
    listeners.push({ path: `${section}/CaptureSettings/LoopbackPort`, port: mode.capture.loopbackPort, role: 'capture' });
  }
  for (const mode of modes) {
    const section = sectionOf(mode.kind);
    if (section === null || mode.kind === 'cloud' || mode.kind === 'local') continue;
    listeners.push({ path: `${section}/ReleaseSettings/EsfListenerPort`, port: mode.release.esfListenerPort, role: 'release' });
  }
  const usable = listeners.filter((l) => !r.failed.has(l.path));
  for (let i = 1; i < usable.length; i++) {
    const me = usable[i];
    const other = usable.slice(0, i).find((l) => l.port === me.port);
    if (!other) continue;
    const where = (l: Listener): string => {
      const src = r.sources[l.path];
      return src?.from === 'file' ? `${l.path} (line ${src.line}, column ${src.column})` : `${l.path} (default ${l.port})`;
    };
    const rule = me.role === 'capture'
      ? 'each enabled mode needs its own capture port'
      : 'the release service needs a port that no capture service or other release service uses';
    const mine = r.sources[me.path]?.from === 'default' ? `port ${me.port} (the default; not written)` : `port ${me.port}`;
    r.add(valueIssue(me.path, r.locate(me.path), String(me.port), `a port other than ${other.port}`,
      `${mine} clashes with ${where(other)}; ${rule}`));
  }
}

/** Batching (SendImmediately=false) needs a schedule that can fire. */
export function checkTracker(r: ValueReader, t: TrackerSettings): void {
  if (!t.present || !t.trackDeletedJob || t.sendImmediately || r.failed.has(`${SECTION_TRACKER}/IntervalMode`)) return;
  const why = (what: string): string =>
    `missing; required when IntervalMode is ${t.intervalMode}${r.sources[`${SECTION_TRACKER}/IntervalMode`]?.from === 'default' ? ' (the default on this platform)' : ''} and SendImmediately is false; allowed: ${what}`;
  const need = (path: string, allowed: string): void => {
    if (r.failed.has(path)) return;
    r.add(valueIssue(path, r.locate(path), MISSING, allowed, why(allowed)));
  };
  if (t.intervalMode === 'Minutes' && t.sendInterval.minutes === null) {
    need(`${SECTION_TRACKER}/SendInterval/Minutes`, 'an integer from 1 (minutes)');
  }
  if (t.intervalMode === 'Weekly') {
    if (t.sendInterval.weekly.days.length === 0) need(`${SECTION_TRACKER}/SendInterval/Weekly/Day`, 'one or more Day elements, 1 (Sunday) to 7 (Saturday)');
    if (t.sendInterval.weekly.hours.length === 0) need(`${SECTION_TRACKER}/SendInterval/Weekly/Hour`, 'one or more Hour elements, HHMM');
  }
}

/**
 * A certificate is useless without its private key and a key without its certificate:
 * CertificateFile and KeyFile are written together (the release service then uses them)
 * or not at all (it generates a self-signed certificate).
 */
export function checkCertificates(r: ValueReader, modes: readonly Mode[]): void {
  for (const mode of modes) {
    const section = sectionOf(mode.kind);
    if (section === null || mode.kind === 'cloud' || mode.kind === 'local') continue;
    const at = `${section}/ReleaseSettings`;
    const cert = `${at}/CertificateFile`;
    const key = `${at}/KeyFile`;
    // An invalid path is already an issue; a pairing error on top would only repeat it.
    if (r.failed.has(cert) || r.failed.has(key)) continue;
    const { certificateFile, keyFile, useSsl } = mode.release;
    if ((certificateFile === null) !== (keyFile === null)) {
      const [missing, written] = certificateFile === null ? [cert, key] : [key, cert];
      const name = (p: string): string => p.slice(p.lastIndexOf('/') + 1);
      const src = r.sources[written];
      const where = src?.from === 'file' ? ` (line ${src.line}, column ${src.column})` : '';
      const allowed = 'CertificateFile and KeyFile both written, or neither (a self-signed certificate is then generated)';
      r.add(valueIssue(missing, r.locate(missing), MISSING, allowed,
        `missing; CertificateFile and KeyFile go together: ${name(written)} is written${where} but ${name(missing)} is not; ` +
        'write both, or neither for a self-signed certificate'));
    } else if (certificateFile !== null && !useSsl) {
      r.warn(cert, `${at}/CertificateFile and KeyFile are not used: UseSSL is false`);
    }
  }
}
