// The URL a printer-side app pulls a Hybrid job from: the workstation's release service
// (docs/release-api.md, `/release/v1/jobs/{id}`), registered with the cloud so the
// printer knows where to go.

import { urlHost } from './base-url.js';

export interface ReleaseEndpoint {
  /** This workstation's name or address as printers reach it. */
  readonly host: string;
  /** ReleaseSettings/EsfListenerPort. */
  readonly port: number;
  /** ReleaseSettings/UseSSL. */
  readonly useSsl: boolean;
}

export function hybridReleaseUrl(endpoint: ReleaseEndpoint, jobId: string): string {
  const scheme = endpoint.useSsl ? 'https' : 'http';
  return `${scheme}://${urlHost(endpoint.host)}:${endpoint.port}/release/v1/jobs/${encodeURIComponent(jobId)}`;
}
