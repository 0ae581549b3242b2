// The Print-Job request (RFC 8011 §4.2.1) a release sends, and the reading of the
// printer's answer. Pure functions over the capture side's IPP codec, so the same
// encoder and the same bounded decoder serve both directions.

import { decodeMessage, encodeMessage, type IppAttribute, type IppMessage } from '../capture/ipp/codec.js';
import { GroupTag, Operation } from '../capture/ipp/tags.js';
import { attr, findAttribute, intValue, truncateUtf8, val } from '../capture/ipp/values.js';
import { ValueTag } from '../capture/ipp/tags.js';

export interface PrintJobRequest {
  readonly printerUri: string;
  readonly requestingUserName: string;
  readonly jobName: string;
  readonly documentFormat: string;
  readonly jobAttributes: readonly IppAttribute[];
  readonly requestId: number;
}

/** name and text values are at most 255 octets (RFC 8011 §5.1.3, §5.1.2). */
const MAX_NAME = 255;

export function encodePrintJob(r: PrintJobRequest): Buffer {
  const operation: IppAttribute[] = [
    attr('attributes-charset', val.charset('utf-8')),
    attr('attributes-natural-language', val.language('en')),
    attr('printer-uri', val.uri(r.printerUri)),
    attr('requesting-user-name', val.name(truncateUtf8(r.requestingUserName || 'anonymous', MAX_NAME))),
    attr('job-name', val.name(truncateUtf8(r.jobName || 'PullPrint job', MAX_NAME))),
    attr('document-format', val.mime(r.documentFormat)),
  ];
  const groups: { tag: number; attributes: IppAttribute[] }[] = [{ tag: GroupTag.operation, attributes: operation }];
  if (r.jobAttributes.length > 0) groups.push({ tag: GroupTag.job, attributes: [...r.jobAttributes] });
  const msg: IppMessage = { major: 2, minor: 0, code: Operation.printJob, requestId: r.requestId, groups };
  return encodeMessage(msg);
}

export interface PrintJobAnswer {
  readonly status: number;
  readonly statusMessage: string | null;
  readonly jobId: number | null;
  readonly jobState: number | null;
  /** Names in the unsupported-attributes group. */
  readonly unsupported: readonly string[];
}

/** Decodes a printer's answer (throws the codec's MALFORMED_IPP error on garbage). */
export function readPrintJobAnswer(body: Buffer): PrintJobAnswer {
  const { message } = decodeMessage(body);
  const op = message.groups.find((g) => g.tag === GroupTag.operation);
  const job = message.groups.find((g) => g.tag === GroupTag.job);
  const unsupported = message.groups.filter((g) => g.tag === GroupTag.unsupported).flatMap((g) => g.attributes.map((a) => a.name));
  const sm = findAttribute(op, 'status-message')?.values[0];
  return {
    status: message.code,
    statusMessage: sm && (sm.kind === 'string' || sm.kind === 'lang-string') ? sm.value.slice(0, 200) : null,
    jobId: intValue(findAttribute(job, 'job-id')) ?? null,
    jobState: intValue(findAttribute(job, 'job-state'), ValueTag.enum) ?? null,
    unsupported,
  };
}

const STATUS_NAMES: Record<number, string> = {
  0x0000: 'successful-ok',
  0x0001: 'successful-ok-ignored-or-substituted-attributes',
  0x0002: 'successful-ok-conflicting-attributes',
  0x0400: 'client-error-bad-request',
  0x0401: 'client-error-forbidden',
  0x0402: 'client-error-not-authenticated',
  0x0403: 'client-error-not-authorized',
  0x0404: 'client-error-not-possible',
  0x0405: 'client-error-timeout',
  0x0406: 'client-error-not-found',
  0x0407: 'client-error-gone',
  0x0408: 'client-error-request-entity-too-large',
  0x0409: 'client-error-request-value-too-long',
  0x040a: 'client-error-document-format-not-supported',
  0x040b: 'client-error-attributes-or-values-not-supported',
  0x040c: 'client-error-uri-scheme-not-supported',
  0x040d: 'client-error-charset-not-supported',
  0x040e: 'client-error-conflicting-attributes',
  0x040f: 'client-error-compression-not-supported',
  0x0410: 'client-error-compression-error',
  0x0411: 'client-error-document-format-error',
  0x0412: 'client-error-document-access-error',
  0x0500: 'server-error-internal-error',
  0x0501: 'server-error-operation-not-supported',
  0x0502: 'server-error-service-unavailable',
  0x0503: 'server-error-version-not-supported',
  0x0504: 'server-error-device-error',
  0x0505: 'server-error-temporary-error',
  0x0506: 'server-error-not-accepting-jobs',
  0x0507: 'server-error-busy',
  0x0508: 'server-error-job-canceled',
  0x0509: 'server-error-multiple-document-jobs-not-supported',
};

export function ippStatusName(status: number): string {
  return STATUS_NAMES[status] ?? `0x${status.toString(16).padStart(4, '0')}`;
}

export function isSuccess(status: number): boolean {
  return status >= 0x0000 && status <= 0x00ff;
}
