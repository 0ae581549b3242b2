// A job's metadata record as stored on disk (`<user folder>/.jobs/<id>.json`). The
// document is named relative to its user folder (`fileName`), so the record stays valid
// if the data folder is moved; the absolute `file` of JobRecord is computed on load.
// Records come from disk and may be damaged: parseRecord checks every field and throws
// on anything unexpected; recovery moves such a record to quarantine.

import type { CaptureProtocol, ProtocolMeta } from '../capture/types.js';
import type { ModeKind } from '../config/types.js';
import type { PdlFacts, PdlKind } from '../pdl/types.js';
import { JOB_STATES, type JobRecord } from './types.js';

export const RECORD_VERSION = 1;
export const RECORDS_FOLDER = '.jobs';
export const RECORD_SUFFIX = '.json';

export type StoredRecord = Omit<JobRecord, 'file'> & { fileName: string };

const MODES: readonly ModeKind[] = ['serverless-ad', 'hybrid', 'cloud', 'local'];
const PROTOCOLS: readonly CaptureProtocol[] = ['raw', 'lpd', 'ipp'];
const PDLS: readonly PdlKind[] = ['postscript', 'pdf', 'pclxl', 'pcl5', 'unknown'];
const ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const SHA256 = /^[0-9a-f]{64}$/;

export function isJobId(s: string): boolean {
  return ID.test(s);
}

export function serializeRecord(job: JobRecord, fileName: string): string {
  const { file: _file, ...rest } = job;
  return JSON.stringify({ version: RECORD_VERSION, ...rest, fileName }, null, 2) + '\n';
}

class Invalid extends Error {}

function field<T>(o: Record<string, unknown>, key: string, ok: (v: unknown) => boolean): T {
  const v = o[key];
  if (!ok(v)) throw new Invalid(`record field ${key} is invalid`);
  return v as T;
}

const isString = (v: unknown): boolean => typeof v === 'string';
const isStringOrNull = (v: unknown): boolean => v === null || typeof v === 'string';
const isBoolOrNull = (v: unknown): boolean => v === null || typeof v === 'boolean';
const isCount = (min: number) => (v: unknown): boolean => typeof v === 'number' && Number.isSafeInteger(v) && v >= min;
const isCountOrNull = (min: number) => (v: unknown): boolean => v === null || isCount(min)(v);
const oneOf = (values: readonly unknown[]) => (v: unknown): boolean => values.includes(v);
const isDate = (v: unknown): boolean => typeof v === 'string' && !Number.isNaN(Date.parse(v));
const isObject = (v: unknown): boolean => typeof v === 'object' && v !== null && !Array.isArray(v);
const isFileName = (v: unknown): boolean =>
  typeof v === 'string' && v.length > 0 && !v.startsWith('.') && !/[/\\\0]/.test(v);

/** Parses and checks a stored record; throws (with the offending field) on anything wrong. */
export function parseRecord(text: string): StoredRecord {
  const o: unknown = JSON.parse(text);
  if (!isObject(o)) throw new Invalid('record is not an object');
  const r = o as Record<string, unknown>;
  if (r.version !== RECORD_VERSION) throw new Invalid(`record version ${String(r.version)} is not ${RECORD_VERSION}`);
  const pdlFacts = field<PdlFacts>(r, 'pdlFacts', isObject);
  if (!PDLS.includes(pdlFacts.pdl) || !Array.isArray(pdlFacts.sections) || !Array.isArray(pdlFacts.problems)) {
    throw new Invalid('record field pdlFacts is invalid');
  }
  const protocolMeta = field<ProtocolMeta>(r, 'protocolMeta', isObject);
  if (!PROTOCOLS.includes(protocolMeta.protocol)) throw new Invalid('record field protocolMeta is invalid');
  return {
    id: field(r, 'id', (v) => typeof v === 'string' && ID.test(v)),
    seq: field(r, 'seq', isCount(1)),
    owner: field(r, 'owner', isString),
    declaredUser: field(r, 'declaredUser', isStringOrNull),
    mode: field(r, 'mode', oneOf(MODES)),
    title: field(r, 'title', isStringOrNull),
    protocol: field(r, 'protocol', oneOf(PROTOCOLS)),
    pdl: field(r, 'pdl', oneOf(PDLS)),
    pages: field(r, 'pages', isCountOrNull(0)),
    color: field(r, 'color', isBoolOrNull),
    duplex: field(r, 'duplex', isBoolOrNull),
    copies: field(r, 'copies', isCount(1)),
    size: field(r, 'size', isCount(0)),
    sha256: field(r, 'sha256', (v) => typeof v === 'string' && SHA256.test(v)),
    state: field(r, 'state', oneOf(JOB_STATES)),
    receivedAt: field(r, 'receivedAt', isDate),
    updatedAt: field(r, 'updatedAt', isDate),
    protocolMeta,
    pdlFacts,
    fileName: field(r, 'fileName', isFileName),
  };
}
