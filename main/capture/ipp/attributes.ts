// The printer description and job template attributes of the capture printer: what the
// CUPS `ipp` backend reads to decide how to send (PROTOCOLS.md §4) plus the PWG 5100.12
// set that ipp-2.0.test requires. The same tables drive request validation, so what the
// printer advertises and what it accepts cannot drift apart.
import type { IppAttribute } from './codec.js';
import { Operation } from './tags.js';
import { attr, attrs, truncateUtf8, val } from './values.js';

/** application/octet-stream first: CUPS PPD queues fall back to it, and the PDL is sniffed anyway. */
export const DOCUMENT_FORMATS: readonly string[] = [
  'application/octet-stream',
  'application/pdf',
  'application/postscript',
  'application/vnd.hp-pcl',
  'application/vnd.hp-pclxl',
  'image/pwg-raster',
  'image/urf',
];

/** PWG 5101.1 self-describing names (ipp-2.0.test checks them against MEDIA_REGEX). */
export const MEDIA: readonly string[] = [
  'iso_a4_210x297mm',
  'iso_a3_297x420mm',
  'iso_a5_148x210mm',
  'iso_b5_176x250mm',
  'iso_dl_110x220mm',
  'na_letter_8.5x11in',
  'na_legal_8.5x14in',
  'na_ledger_11x17in',
  'na_executive_7.25x10.5in',
  'na_number-10_4.125x9.5in',
];

export const SUPPORTED = {
  copies: { lower: 1, upper: 9999 },
  sides: ['one-sided', 'two-sided-long-edge', 'two-sided-short-edge'],
  printColorModes: ['auto', 'color', 'monochrome'],
  printQuality: [3, 4, 5],
  orientations: [3, 4, 5, 6],
  finishings: [3],
  outputBins: ['face-down'],
  numberUp: [1],
  jobSheets: ['none'],
  /** [x, y] in dots per inch. */
  resolutions: [
    [300, 300],
    [600, 600],
    [1200, 1200],
  ] as ReadonlyArray<readonly [number, number]>,
  charsets: ['utf-8', 'us-ascii'],
  compression: ['none'],
  whichJobs: ['completed', 'not-completed', 'all'],
  operations: [
    Operation.printJob,
    Operation.validateJob,
    Operation.createJob,
    Operation.sendDocument,
    Operation.cancelJob,
    Operation.getJobAttributes,
    Operation.getJobs,
    Operation.getPrinterAttributes,
  ],
} as const;

/** A Create-Job waiting this long for its document is aborted (RFC 8011 §5.4.32). */
export const MULTIPLE_OPERATION_TIMEOUT_SECONDS = 300;

/** A PWG self-describing media name: class_name_WxHunit. */
export const PWG_MEDIA_NAME = /^[a-z0-9]+_[a-z0-9][-a-z0-9.]*_(\d+(?:\.\d+)?)x(\d+(?:\.\d+)?)(mm|in)$/;

/** media-size of a PWG name, in hundredths of millimetres. */
export function mediaSize(name: string): { x: number; y: number } | null {
  const m = PWG_MEDIA_NAME.exec(name);
  if (!m) return null;
  const scale = m[3] === 'in' ? 2540 : 100;
  return { x: Math.round(Number(m[1]) * scale), y: Math.round(Number(m[2]) * scale) };
}

/** The x-dimension and y-dimension members of a media-size collection. */
function mediaSizeMembers(name: string): IppAttribute[] {
  const size = mediaSize(name);
  if (!size) throw new Error(`not a PWG media name: ${name}`);
  return [attr('x-dimension', val.integer(size.x)), attr('y-dimension', val.integer(size.y))];
}

export interface PrinterStatus {
  readonly printerUri: string;
  readonly moreInfoUri: string;
  readonly printerName: string;
  readonly upTimeSeconds: number;
  readonly nowMs: number;
  /** Jobs that are not yet stored (Create-Job waiting for a document, uploads running). */
  readonly queuedJobCount: number;
  readonly receiving: boolean;
  readonly maxJobSizeBytes: number;
}

export type AttributeSet = 'printer-description' | 'job-template';

export interface PrinterAttribute {
  readonly set: AttributeSet;
  readonly attribute: IppAttribute;
}

const DEFAULT_MEDIA = 'iso_a4_210x297mm';

/** printer-name, -info, -make-and-model, -location are at most 127 characters (ipp-1.1.test). */
function short(s: string): string {
  return truncateUtf8([...s].slice(0, 127).join(''), 255);
}

function templateAttributes(): IppAttribute[] {
  return [
    attr('copies-default', val.integer(1)),
    attr('copies-supported', val.range(SUPPORTED.copies.lower, SUPPORTED.copies.upper)),
    attr('finishings-default', val.enum(3)),
    attr('finishings-supported', ...SUPPORTED.finishings.map(val.enum)),
    attr('media-default', val.keyword(DEFAULT_MEDIA)),
    attrs('media-supported', val.keyword, MEDIA),
    attr('media-col-default', val.collection([attr('media-size', val.collection(mediaSizeMembers(DEFAULT_MEDIA)))])),
    attr('media-col-supported', val.keyword('media-size')),
    attr('media-size-supported', ...MEDIA.map((m) => val.collection(mediaSizeMembers(m)))),
    attr('orientation-requested-default', val.enum(3)),
    attr('orientation-requested-supported', ...SUPPORTED.orientations.map(val.enum)),
    attr('output-bin-default', val.keyword(SUPPORTED.outputBins[0])),
    attrs('output-bin-supported', val.keyword, SUPPORTED.outputBins),
    attr('print-color-mode-default', val.keyword('auto')),
    attrs('print-color-mode-supported', val.keyword, SUPPORTED.printColorModes),
    attr('print-quality-default', val.enum(4)),
    attr('print-quality-supported', ...SUPPORTED.printQuality.map(val.enum)),
    attr('printer-resolution-default', val.resolution(600, 600)),
    attr('printer-resolution-supported', ...SUPPORTED.resolutions.map(([x, y]) => val.resolution(x, y))),
    attr('sides-default', val.keyword('one-sided')),
    attrs('sides-supported', val.keyword, SUPPORTED.sides),
    attr('number-up-default', val.integer(1)),
    attr('number-up-supported', ...SUPPORTED.numberUp.map(val.integer)),
    attr('job-sheets-default', val.keyword('none')),
    attrs('job-sheets-supported', val.keyword, SUPPORTED.jobSheets),
  ];
}

function descriptionAttributes(s: PrinterStatus): IppAttribute[] {
  const name = short(s.printerName) || 'PullPrint';
  return [
    attr('printer-uri-supported', val.uri(s.printerUri)),
    // One value each, matching printer-uri-supported (ipp-1.1.test SAME-COUNT-AS).
    attr('uri-security-supported', val.keyword('none')),
    attr('uri-authentication-supported', val.keyword('none')),
    attr('printer-name', val.name(name)),
    attr('printer-info', val.text(name)),
    attr('printer-location', val.text('Local workstation')),
    attr('printer-make-and-model', val.text('PullPrint Capture Printer')),
    attr('printer-more-info', val.uri(s.moreInfoUri)),
    attr('printer-state', val.enum(s.receiving ? 4 : 3)),
    attr('printer-state-reasons', val.keyword('none')),
    attr('printer-state-message', val.text(s.receiving ? 'Receiving a job.' : 'Ready.')),
    attr('printer-is-accepting-jobs', val.boolean(true)),
    attr('printer-up-time', val.integer(s.upTimeSeconds)),
    attr('printer-current-time', val.dateTime(s.nowMs)),
    attr('queued-job-count', val.integer(s.queuedJobCount)),
    attr('operations-supported', ...SUPPORTED.operations.map(val.enum)),
    attr('charset-configured', val.charset('utf-8')),
    attrs('charset-supported', val.charset, SUPPORTED.charsets),
    attr('natural-language-configured', val.language('en')),
    attr('generated-natural-language-supported', val.language('en')),
    attrs('compression-supported', val.keyword, SUPPORTED.compression),
    attr('document-format-default', val.mime(DOCUMENT_FORMATS[0])),
    attrs('document-format-supported', val.mime, DOCUMENT_FORMATS),
    attrs('ipp-versions-supported', val.keyword, ['1.1', '2.0']),
    attr('pdl-override-supported', val.keyword('attempted')),
    attr('color-supported', val.boolean(true)),
    attr('pages-per-minute', val.integer(60)),
    attr('pages-per-minute-color', val.integer(60)),
    attr('multiple-document-jobs-supported', val.boolean(false)),
    attr('multiple-operation-time-out', val.integer(MULTIPLE_OPERATION_TIMEOUT_SECONDS)),
    attr('job-k-octets-supported', val.range(0, Math.min(0x7fffffff, Math.floor(s.maxJobSizeBytes / 1024)))),
    attrs('which-jobs-supported', val.keyword, SUPPORTED.whichJobs),
  ];
}

export function printerAttributes(s: PrinterStatus): PrinterAttribute[] {
  return [
    ...descriptionAttributes(s).map((attribute): PrinterAttribute => ({ set: 'printer-description', attribute })),
    ...templateAttributes().map((attribute): PrinterAttribute => ({ set: 'job-template', attribute })),
  ];
}

/**
 * RFC 8011 §4.2.5.1: requested-attributes names attributes or the groups 'all',
 * 'printer-description', 'job-template'; absent means 'all'. Unknown names are ignored.
 */
export function selectPrinterAttributes(all: readonly PrinterAttribute[], requested: readonly string[] | null): IppAttribute[] {
  if (requested === null) return all.map((a) => a.attribute);
  const want = new Set(requested);
  return all
    .filter((a) => want.has('all') || want.has(a.set) || want.has(a.attribute.name))
    .map((a) => a.attribute);
}
