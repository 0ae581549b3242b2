// The API base URL from ServerIP / ServerPort / UseSSL and APIVersion:
// {https|http}://{host}:{port}{ServerIP path}/v{major}/ — the trailing slash lets every
// route be resolved relative to it.

import type { RemoteServer } from '../config/types.js';
import type { ApiVersion } from './api-version.js';

/** An IPv6 literal keeps (or gets) its brackets; a host name or IPv4 address is left as it is. */
export function urlHost(host: string): string {
  if (host.startsWith('[')) return host;
  return host.includes(':') ? `[${host}]` : host;
}

export function cloudBaseUrl(server: RemoteServer, version: ApiVersion): URL {
  const scheme = server.useSsl ? 'https' : 'http';
  const path = server.path.replace(/\/+$/, '');
  return new URL(`${scheme}://${urlHost(server.host)}:${server.port}${path}/${version.pathSegment}/`);
}
