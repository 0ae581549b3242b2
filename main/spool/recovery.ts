// Start-up recovery: bring disk back to a state where every document has exactly one
// record and nothing half-written is left, whatever instant the last run stopped at.
//
// - temporary files (`.tmp-*`, documents and records in flight) → removed;
// - a record that does not parse or check out → moved to quarantine/, logged, never fatal;
// - a record whose document is missing → record removed, logged (nothing left to print);
// - a document with no record → kept: a record is rebuilt by hashing and re-inspecting
//   the file (adoptOrphan). This is a crash between the document's rename and its
//   record's write: the job was never acknowledged, so the client may send it again,
//   but keeping it loses nothing, while removing it could lose the only copy (a client
//   that gave up). A possible duplicate is the lesser harm;
// - folders and files that are not the spool's are left alone.

import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { createReadStream, type Dirent } from 'node:fs';
import { readdir, readFile, rename, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { ModeKind } from '../config/types.js';
import type { Logger } from '../log/types.js';
import type { JobInspector } from '../pdl/types.js';
import type { SeqCounter } from './counter.js';
import { TEMP_PREFIX, fsyncDir, mkdirDurable, removeFileDurable, writeFileDurable } from '../util/durable-fs.js';
import { mergeFacts } from './facts.js';
import { resolveInside } from './file-name.js';
import type { SpoolLayout } from './layout.js';
import { RECORDS_FOLDER, RECORD_SUFFIX, isJobId, parseRecord, serializeRecord } from './record.js';
import type { JobRecord, ModeSpoolSettings } from './types.js';
import { ownerFromFolderName, userFolderName } from './user-folder.js';

const HASHED_FOLDER = /~[0-9a-f]{64}$/;

export interface Orphan {
  userDir: string;
  owner: string;
  fileName: string;
}

export interface ScanResult {
  records: JobRecord[];
  orphans: Orphan[];
}

async function dirents(dir: string): Promise<Dirent[]> {
  try {
    return await readdir(dir, { withFileTypes: true });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
}

async function removeTemp(path: string, logger: Logger): Promise<void> {
  await unlink(path).catch(() => undefined);
  logger.info('removed a temporary file left by an interrupted write', { path });
}

/** Moves a file the spool cannot use out of the way, keeping it for a person to look at. */
export async function quarantine(layout: SpoolLayout, path: string, why: string, logger: Logger): Promise<void> {
  const safe = path.slice(layout.users.length + 1).replace(/[/\\]/g, '__').slice(-120);
  const dest = join(layout.quarantine, `${Date.now()}-${randomBytes(4).toString('hex')}-${safe}`);
  try {
    await rename(path, dest);
    await fsyncDir(layout.quarantine);
    logger.error('moved an unusable spool file to quarantine', { path, quarantined: dest, why });
  } catch (err) {
    logger.error('could not quarantine an unusable spool file; ignoring it', { path, why, error: String(err) });
  }
}

/** Reads every user folder; cleans temporary files, bad and dangling records. */
export async function scanSpool(layout: SpoolLayout, logger: Logger): Promise<ScanResult> {
  const records: JobRecord[] = [];
  const orphans: Orphan[] = [];
  const ids = new Set<string>();
  for (const entry of await dirents(layout.root)) {
    // A counter update interrupted by the crash.
    if (entry.name.startsWith(TEMP_PREFIX)) await removeTemp(join(layout.root, entry.name), logger);
  }
  for (const entry of await dirents(layout.users)) {
    const path = join(layout.users, entry.name);
    if (entry.name.startsWith(TEMP_PREFIX)) {
      await removeTemp(path, logger);
      continue;
    }
    if (!entry.isDirectory()) continue;
    const folderOwner = ownerFromFolderName(entry.name);
    if (folderOwner === null && !HASHED_FOLDER.test(entry.name)) {
      logger.warn('ignoring a folder that is not a spool user folder', { path });
      continue;
    }
    await scanUserFolder(layout, path, entry.name, folderOwner, ids, records, orphans, logger);
  }
  return { records, orphans };
}

async function scanUserFolder(
  layout: SpoolLayout, userDir: string, folder: string, folderOwner: string | null,
  ids: Set<string>, records: JobRecord[], orphans: Orphan[], logger: Logger,
): Promise<void> {
  const documents = new Map<string, number>();
  for (const entry of await dirents(userDir)) {
    const path = join(userDir, entry.name);
    if (entry.name.startsWith(TEMP_PREFIX)) await removeTemp(path, logger);
    else if (entry.isFile() && !entry.name.startsWith('.')) documents.set(entry.name, (await stat(path)).size);
  }
  const claimed = new Set<string>();
  let recordOwner: string | null = null;
  const recordsDir = join(userDir, RECORDS_FOLDER);
  for (const entry of await dirents(recordsDir)) {
    const path = join(recordsDir, entry.name);
    if (entry.name.startsWith(TEMP_PREFIX)) {
      await removeTemp(path, logger);
      continue;
    }
    const id = entry.name.endsWith(RECORD_SUFFIX) ? entry.name.slice(0, -RECORD_SUFFIX.length) : '';
    if (!entry.isFile() || !isJobId(id)) {
      await quarantine(layout, path, 'not a job record', logger);
      continue;
    }
    let rec: JobRecord;
    try {
      const stored = parseRecord(await readFile(path, 'utf8'));
      if (stored.id !== id) throw new Error('record id does not match its file name');
      if (userFolderName(stored.owner) !== folder) throw new Error('record owner does not match its folder');
      if (ids.has(id)) throw new Error('duplicate job id');
      if (claimed.has(stored.fileName)) throw new Error('another record already names this document');
      const { fileName, ...rest } = stored;
      rec = { ...rest, file: resolveInside(userDir, fileName) };
    } catch (err) {
      await quarantine(layout, path, String(err), logger);
      continue;
    }
    const fileName = rec.file.slice(userDir.length + 1);
    const size = documents.get(fileName);
    if (size === undefined) {
      await removeFileDurable(path);
      logger.warn('removed a job record whose document is missing', { id, seq: rec.seq, owner: rec.owner, file: rec.file });
      continue;
    }
    if (size !== rec.size) logger.warn('stored document size differs from its record', { id, file: rec.file, size, recorded: rec.size });
    ids.add(id);
    claimed.add(fileName);
    recordOwner = rec.owner;
    records.push(rec);
  }
  for (const fileName of documents.keys()) {
    if (claimed.has(fileName)) continue;
    const owner = folderOwner ?? recordOwner;
    if (owner === null) {
      await quarantine(layout, join(userDir, fileName), 'document without record in a folder whose owner is unknown', logger);
      continue;
    }
    orphans.push({ userDir, owner, fileName });
  }
}

/** Which mode a document without record is given: a held mode first, so nothing leaves the workstation unasked. */
export function orphanMode(modes: Partial<Record<ModeKind, ModeSpoolSettings>>): ModeKind | null {
  const order: ModeKind[] = ['local', 'hybrid', 'serverless-ad', 'cloud'];
  return order.find((m) => modes[m] !== undefined) ?? null;
}

export interface AdoptDeps {
  layout: SpoolLayout;
  counter: SeqCounter;
  inspector: JobInspector;
  mode: ModeKind;
  settings: ModeSpoolSettings;
  logger: Logger;
  now: Date;
}

/** Rebuilds the record of a document left without one: hash and inspect it in one streaming pass. */
export async function adoptOrphan(o: Orphan, d: AdoptDeps): Promise<JobRecord> {
  const file = resolveInside(o.userDir, o.fileName);
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of createReadStream(file)) {
    const buf = chunk as Buffer;
    hash.update(buf);
    d.inspector.push(buf);
    size += buf.length;
  }
  const pdlFacts = await d.inspector.finish(file);
  const st = await stat(file);
  const protocolMeta = { protocol: 'raw' as const };
  const seq = await d.counter.take();
  const rec: JobRecord = {
    id: randomUUID(),
    seq,
    owner: o.owner,
    mode: d.mode,
    protocol: 'raw',
    pdl: pdlFacts.pdl,
    ...mergeFacts(protocolMeta, pdlFacts),
    size,
    sha256: hash.digest('hex'),
    state: d.settings.initialState,
    receivedAt: st.mtime.toISOString(),
    updatedAt: d.now.toISOString(),
    file,
    protocolMeta,
    pdlFacts,
  };
  await mkdirDurable(d.layout.recordsDir(o.userDir));
  await writeFileDurable(d.layout.recordsDir(o.userDir), rec.id + RECORD_SUFFIX, serializeRecord(rec, o.fileName));
  d.logger.warn('rebuilt the record of a document left without one', { id: rec.id, seq, owner: o.owner, file });
  return rec;
}
