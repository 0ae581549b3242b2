// Request checks of RFC 8011 §4.1 (version, request-id, attribute order, charset, target)
// and of the job creation attributes (§4.1.7 fidelity, §4.2.1.1 document-format and
// compression), with the status codes ipptool's ipp-1.1.test expects.
import type { IppAttribute, IppGroup, IppMessage, IppValue } from './codec.js';
import { DOCUMENT_FORMATS, MEDIA, PWG_MEDIA_NAME, SUPPORTED } from './attributes.js';
import { GroupTag, Status, ValueTag } from './tags.js';
import { boolValue, findAttribute, intValue, stringValue, truncateUtf8 } from './values.js';

/** A request refused with an IPP status (answered with HTTP 200). */
export interface Refusal {
  readonly status: number;
  readonly message: string;
  readonly unsupported?: readonly IppAttribute[];
}

export function operationGroup(req: IppMessage): IppGroup | undefined {
  return req.groups[0]?.tag === GroupTag.operation ? req.groups[0] : undefined;
}

/** Checks every request shares; null when the request may proceed to its operation. */
export function checkEnvelope(req: IppMessage): Refusal | null {
  if (req.major !== 1 && req.major !== 2) {
    return { status: Status.versionNotSupported, message: `IPP version ${req.major}.${req.minor} is not supported.` };
  }
  if (req.requestId <= 0) return { status: Status.badRequest, message: 'request-id must be greater than 0.' };
  const op = operationGroup(req);
  if (!op) return { status: Status.badRequest, message: 'The operation attributes group must come first.' };
  if (req.groups.slice(1).some((g) => g.tag === GroupTag.operation)) {
    return { status: Status.badRequest, message: 'More than one operation attributes group.' };
  }
  const [charset, language] = op.attributes;
  if (charset?.name !== 'attributes-charset' || charset.values.length !== 1 || stringValue(charset, ValueTag.charset) === undefined) {
    return { status: Status.badRequest, message: 'The first attribute must be attributes-charset.' };
  }
  if (language?.name !== 'attributes-natural-language' || language.values.length !== 1 || stringValue(language, ValueTag.naturalLanguage) === undefined) {
    return { status: Status.badRequest, message: 'The second attribute must be attributes-natural-language.' };
  }
  const cs = (stringValue(charset) ?? '').toLowerCase();
  if (!(SUPPORTED.charsets as readonly string[]).includes(cs)) {
    return { status: Status.charsetNotSupported, message: `Charset "${cs}" is not supported.`, unsupported: [charset] };
  }
  const printerUri = findAttribute(op, 'printer-uri');
  const jobUri = findAttribute(op, 'job-uri');
  if (stringValue(printerUri, ValueTag.uri) === undefined && stringValue(jobUri, ValueTag.uri) === undefined) {
    return { status: Status.badRequest, message: 'Missing printer-uri.' };
  }
  return null;
}

/** requested-attributes as keywords, or null when absent (each operation has its default). */
export function requestedAttributes(req: IppMessage): string[] | null {
  const a = findAttribute(operationGroup(req), 'requested-attributes');
  if (!a) return null;
  return a.values.flatMap((v) => (v.kind === 'string' ? [v.value] : []));
}

/** job-id from the operation group, else the trailing number of job-uri. */
export function targetJobId(req: IppMessage): number | Refusal {
  const op = operationGroup(req);
  const id = intValue(findAttribute(op, 'job-id'));
  if (id !== undefined) return id;
  const uri = stringValue(findAttribute(op, 'job-uri'), ValueTag.uri);
  const m = uri === undefined ? null : /\/(\d{1,10})\/?$/.exec(uri);
  if (m) return Number(m[1]);
  return { status: Status.badRequest, message: 'Missing job-id.' };
}

export function baseFormat(format: string): string {
  return format.split(';')[0].trim().toLowerCase();
}

/** Names and users are IPP `name` values: at most 255 octets (RFC 8011 §5.1.3). */
function nameValue(a: IppAttribute | undefined): string | null {
  const s = stringValue(a, ValueTag.name, ValueTag.text, ValueTag.keyword);
  if (s === undefined) return null;
  // Control characters have no place in a name and would end up in file names and logs.
  const clean = [...s].map((ch) => (ch.charCodeAt(0) < 0x20 || ch === '\x7f' ? ' ' : ch)).join('');
  const t = truncateUtf8(clean.trim(), 255);
  return t === '' ? null : t;
}

export interface DocumentAttributes {
  readonly documentFormat: string | null;
  readonly documentName: string | null;
}

/** compression and document-format (Print-Job, Send-Document, optionally Validate/Create-Job). */
export function checkDocumentAttributes(op: IppGroup): DocumentAttributes | Refusal {
  const compression = findAttribute(op, 'compression');
  if (compression) {
    const c = stringValue(compression, ValueTag.keyword);
    if (c === undefined || !(SUPPORTED.compression as readonly string[]).includes(c)) {
      return { status: Status.compressionNotSupported, message: `Compression "${c ?? '?'}" is not supported.`, unsupported: [compression] };
    }
  }
  const formatAttr = findAttribute(op, 'document-format');
  let documentFormat: string | null = null;
  if (formatAttr) {
    const f = stringValue(formatAttr, ValueTag.mimeMediaType);
    documentFormat = f === undefined ? null : baseFormat(f);
    if (documentFormat === null || !DOCUMENT_FORMATS.includes(documentFormat)) {
      return { status: Status.documentFormatNotSupported, message: `Document format "${f ?? '?'}" is not supported.`, unsupported: [formatAttr] };
    }
  }
  return { documentFormat, documentName: nameValue(findAttribute(op, 'document-name')) };
}

type Check = (values: readonly IppValue[]) => boolean;

const one = (test: (v: IppValue) => boolean): Check => (values) => values.length === 1 && test(values[0]);
const keywordIn = (list: readonly string[]): ((v: IppValue) => boolean) => (v) =>
  v.kind === 'string' && (v.tag === ValueTag.keyword || v.tag === ValueTag.name) && list.includes(v.value);
const enumIn = (list: readonly number[]): ((v: IppValue) => boolean) => (v) => v.kind === 'int' && v.tag === ValueTag.enum && list.includes(v.value);
const intIn = (list: readonly number[]): ((v: IppValue) => boolean) => (v) => v.kind === 'int' && v.tag === ValueTag.integer && list.includes(v.value);

/** The job template attributes this printer understands, and what it accepts for each. */
const TEMPLATE_CHECKS: Record<string, Check> = {
  copies: one((v) => v.kind === 'int' && v.tag === ValueTag.integer && v.value >= SUPPORTED.copies.lower && v.value <= SUPPORTED.copies.upper),
  sides: one(keywordIn(SUPPORTED.sides)),
  'print-color-mode': one(keywordIn(SUPPORTED.printColorModes)),
  'print-quality': one(enumIn(SUPPORTED.printQuality)),
  'orientation-requested': one(enumIn(SUPPORTED.orientations)),
  finishings: (values) => values.length > 0 && values.every(enumIn(SUPPORTED.finishings)),
  'output-bin': one(keywordIn(SUPPORTED.outputBins)),
  'number-up': one(intIn(SUPPORTED.numberUp)),
  'job-sheets': one(keywordIn(SUPPORTED.jobSheets)),
  'printer-resolution': one((v) => v.kind === 'resolution' && v.units === 3 && SUPPORTED.resolutions.some(([x, y]) => x === v.x && y === v.y)),
  media: one((v) => v.kind === 'string' && (v.tag === ValueTag.keyword || v.tag === ValueTag.name) && (MEDIA.includes(v.value) || PWG_MEDIA_NAME.test(v.value))),
};

export interface JobRequest extends DocumentAttributes {
  /** requesting-user-name, null when absent. */
  readonly user: string | null;
  /** job-name, null when absent. */
  readonly jobName: string | null;
  readonly copies: number | null;
  readonly sides: string | null;
  readonly colorMode: string | null;
  /** Accepted job template attributes, echoed in job attributes. */
  readonly template: readonly IppAttribute[];
  /** Unsupported attributes or values, ignored because ipp-attribute-fidelity is false. */
  readonly unsupported: readonly IppAttribute[];
}

/**
 * Print-Job, Validate-Job and Create-Job. Job template attributes this printer does not
 * know are ignored (a capture printer passes the job on), known ones with values outside
 * the supported sets are reported: 0x040B with fidelity, else 0x0001 plus the group.
 */
export function checkJobRequest(req: IppMessage, opts: { maxJobSizeBytes: number }): JobRequest | Refusal {
  const op = operationGroup(req);
  if (!op) return { status: Status.badRequest, message: 'Missing operation attributes.' };
  const doc = checkDocumentAttributes(op);
  if (isRefusal(doc)) return doc;
  const kOctets = intValue(findAttribute(op, 'job-k-octets'));
  if (kOctets !== undefined && kOctets * 1024 > opts.maxJobSizeBytes) {
    return {
      status: Status.requestEntityTooLarge,
      message: `The job is larger than ${Math.floor(opts.maxJobSizeBytes / 1024)} KiB.`,
      unsupported: [findAttribute(op, 'job-k-octets') as IppAttribute],
    };
  }
  const fidelity = boolValue(findAttribute(op, 'ipp-attribute-fidelity')) === true;
  const template: IppAttribute[] = [];
  const unsupported: IppAttribute[] = [];
  // Clients put template attributes in the job group; a few put them among the operation attributes.
  const candidates = [...req.groups.filter((g) => g.tag === GroupTag.job).flatMap((g) => g.attributes), ...op.attributes];
  for (const a of candidates) {
    const check = TEMPLATE_CHECKS[a.name];
    if (!check || template.some((t) => t.name === a.name)) continue;
    if (check(a.values)) template.push(a);
    else unsupported.push(a);
  }
  if (unsupported.length > 0 && fidelity) {
    return { status: Status.attributesOrValuesNotSupported, message: 'Unsupported attributes or values.', unsupported };
  }
  const tv = (name: string): IppAttribute | undefined => template.find((t) => t.name === name);
  return {
    ...doc,
    user: nameValue(findAttribute(op, 'requesting-user-name')),
    jobName: nameValue(findAttribute(op, 'job-name')),
    copies: intValue(tv('copies')) ?? null,
    sides: stringValue(tv('sides')) ?? null,
    colorMode: stringValue(tv('print-color-mode')) ?? null,
    template,
    unsupported,
  };
}

/** Send-Document's own checks; the job lookup is the caller's. */
export function checkSendDocument(req: IppMessage): DocumentAttributes | Refusal {
  const op = operationGroup(req);
  if (!op) return { status: Status.badRequest, message: 'Missing operation attributes.' };
  const last = findAttribute(op, 'last-document');
  const isLast = boolValue(last);
  if (isLast === undefined) return { status: Status.badRequest, message: 'Missing last-document.' };
  if (!isLast) {
    return {
      status: Status.multipleDocumentJobsNotSupported,
      message: 'Only one document per job is accepted: send it with last-document=true.',
      unsupported: [last as IppAttribute],
    };
  }
  return checkDocumentAttributes(op);
}

export function isRefusal<T extends object>(x: T | Refusal): x is Refusal {
  return 'status' in x && typeof (x as Refusal).status === 'number';
}
