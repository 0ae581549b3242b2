// Building IPP responses: the operation group always starts with attributes-charset and
// attributes-natural-language (RFC 8011 §4.1.4.2), the unsupported-attributes group
// comes right after it (§4.1.7), then job or printer groups.
import type { IppAttribute, IppGroup, IppMessage } from './codec.js';
import { GroupTag } from './tags.js';
import { attr, val } from './values.js';

/** What a response needs from its request; a request that could not be decoded has only a request-id. */
export interface RequestHeader {
  readonly major: number;
  readonly minor: number;
  readonly requestId: number;
}

export function isSupportedVersion(major: number): boolean {
  return major === 1 || major === 2;
}

export interface ResponseParts {
  readonly message?: string;
  readonly unsupported?: readonly IppAttribute[];
  readonly groups?: readonly IppGroup[];
}

export function ippResponse(req: RequestHeader, status: number, parts: ResponseParts = {}): IppMessage {
  const op: IppAttribute[] = [attr('attributes-charset', val.charset('utf-8')), attr('attributes-natural-language', val.language('en'))];
  if (parts.message) op.push(attr('status-message', val.text(parts.message)));
  const groups: IppGroup[] = [{ tag: GroupTag.operation, attributes: op }];
  if (parts.unsupported && parts.unsupported.length > 0) groups.push({ tag: GroupTag.unsupported, attributes: parts.unsupported });
  groups.push(...(parts.groups ?? []));
  // Answer in the client's version when we speak it; 1.1 is understood by every client.
  const ok = isSupportedVersion(req.major);
  return { major: ok ? req.major : 1, minor: ok ? req.minor : 1, code: status, requestId: req.requestId, groups };
}
