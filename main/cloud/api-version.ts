// APIVersion (configuration.xml) → the path segment and header the client sends. The
// major version is in the path (/v3): a breaking change gets a new path, and a server can
// serve several side by side. The full version travels in the PullPrint-API-Version
// header, so a server can refuse a newer minor it does not know.

import { PullPrintError } from '../util/errors.js';

export interface ApiVersion {
  readonly major: number;
  readonly minor: number;
  /** '3.0' */
  readonly text: string;
  /** 'v3' */
  readonly pathSegment: string;
}

/** Majors this client can speak. */
export const SUPPORTED_MAJORS: readonly number[] = [3];

/** Parses '3', '3.0', ' 3.0 '; anything else is a configuration mistake. */
export function parseApiVersion(value: string): ApiVersion {
  const m = /^\s*(\d{1,4})(?:\.(\d{1,4}))?\s*$/.exec(value);
  if (!m) throw new PullPrintError('CLOUD_API_VERSION', `APIVersion "${value}" is not a version such as 3.0`);
  const major = Number(m[1]);
  const minor = m[2] === undefined ? 0 : Number(m[2]);
  return { major, minor, text: `${major}.${minor}`, pathSegment: `v${major}` };
}

/** The version the client speaks for a configured APIVersion; rejects majors it cannot speak. */
export function clientApiVersion(configured: string): ApiVersion {
  const v = parseApiVersion(configured);
  if (!SUPPORTED_MAJORS.includes(v.major)) {
    throw new PullPrintError('CLOUD_API_VERSION',
      `APIVersion ${v.text} is not supported by this PullPrint (supported: ${SUPPORTED_MAJORS.map((n) => `${n}.x`).join(', ')})`);
  }
  return v;
}

/** True when a server serving `served` versions can answer a client speaking `wanted`. */
export function versionServed(wanted: ApiVersion, served: readonly string[]): boolean {
  return served.some((s) => {
    const v = parseApiVersion(s);
    return v.major === wanted.major && v.minor >= wanted.minor;
  });
}
