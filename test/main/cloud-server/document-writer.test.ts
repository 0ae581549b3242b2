// DocumentWriter against the real file systems of this machine: direct I/O where the
// temporary folder's file system takes O_DIRECT, buffered writes on tmpfs and when asked,
// and the switch to buffered writes when the kernel refuses a direct write. Whatever the
// path, the file must hold exactly the bytes given, in order, with nothing after them.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { constants, existsSync } from 'node:fs';
import { mkdtemp, open, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BLOCK_BYTES, DocumentWriter, type DocumentWriterOptions } from '../../../main/cloud-server/document-writer.js';

/** Whether `dir`'s file system opens files with O_DIRECT (the kernel says so, not us). */
async function takesODirect(dir: string): Promise<boolean> {
  if (constants.O_DIRECT === undefined) return false;
  const probe = join(dir, 'probe');
  try {
    const fh = await open(probe, constants.O_WRONLY | constants.O_CREAT | constants.O_DIRECT, 0o600);
    await fh.close();
    return true;
  } catch {
    return false;
  } finally {
    await rm(probe, { force: true });
  }
}

/** Writes `doc` in pieces of pseudo-random sizes (1 byte to 70 KB), as TLS and tests hand it over. */
async function writeInPieces(path: string, doc: Buffer, options: Partial<DocumentWriterOptions> = {}): Promise<DocumentWriter> {
  const w = await DocumentWriter.create(path, { sizeHint: doc.length, ...options });
  let seed = doc.length || 1;
  try {
    for (let at = 0; at < doc.length; ) {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      const n = 1 + (seed % 70_000);
      await w.write(doc.subarray(at, at + n));
      at += n;
    }
    await w.finish();
  } finally {
    await w.close();
  }
  return w;
}

const SIZES = [0, 1, 511, 4095, 4096, 4097, BLOCK_BYTES - 1, BLOCK_BYTES, BLOCK_BYTES + 1, 5 * BLOCK_BYTES + 12_345];

describe('DocumentWriter', () => {
  let dir: string;
  let direct: boolean;
  const docs = new Map<number, Buffer>(SIZES.map((n) => [n, randomBytes(n)]));

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'pp-docwriter-'));
    direct = await takesODirect(dir);
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  test('stores every size byte for byte, direct where the file system allows it', async () => {
    for (const [size, doc] of docs) {
      const path = join(dir, `doc-${size}`);
      const w = await writeInPieces(path, doc);
      assert.equal(w.direct, direct, `direct I/O used: ${w.direct}, the file system takes O_DIRECT: ${direct}`);
      const st = await stat(path);
      assert.equal(st.size, size, `size of a ${size}-byte document`);
      assert.equal(st.mode & 0o777, 0o600);
      assert.ok((await readFile(path)).equals(doc), `content of a ${size}-byte document`);
    }
  });

  test('buffered writes when asked give the same file', async () => {
    for (const size of [4097, 5 * BLOCK_BYTES + 12_345]) {
      const path = join(dir, `buffered-${size}`);
      const w = await writeInPieces(path, docs.get(size) as Buffer, { direct: false });
      assert.equal(w.direct, false);
      assert.ok((await readFile(path)).equals(docs.get(size) as Buffer));
    }
  });

  test('a direct write the kernel refuses is written buffered instead, nothing lost', async (t) => {
    if (!direct) {
      t.skip(`${dir} does not take O_DIRECT: there is no direct write to refuse`);
      return;
    }
    // Lengths aligned to 1 byte only: the 12,345-byte tail is refused (EINVAL) after five
    // aligned blocks went out directly.
    const doc = docs.get(5 * BLOCK_BYTES + 12_345) as Buffer;
    const path = join(dir, 'refused');
    const w = await writeInPieces(path, doc, { directAlignment: 1 });
    assert.equal(w.direct, false, 'the refused write switched the writer to buffered writes');
    assert.equal((await stat(path)).size, doc.length);
    assert.ok((await readFile(path)).equals(doc));
  });

  test('tmpfs (which refuses O_DIRECT before Linux 6.6) gets the same file, direct or not', async (t) => {
    if (!existsSync('/dev/shm')) {
      t.skip('no /dev/shm on this machine');
      return;
    }
    const shm = await mkdtemp('/dev/shm/pp-docwriter-');
    try {
      const doc = docs.get(BLOCK_BYTES + 1) as Buffer;
      const path = join(shm, 'doc');
      const w = await writeInPieces(path, doc);
      assert.equal(w.direct, await takesODirect(shm));
      assert.ok((await readFile(path)).equals(doc));
    } finally {
      await rm(shm, { recursive: true, force: true });
    }
  });

  test('never overwrites an existing file', async () => {
    const path = join(dir, 'existing');
    await writeFile(path, 'keep me');
    await assert.rejects(DocumentWriter.create(path, { sizeHint: 10 }), { code: 'EEXIST' });
    await assert.rejects(DocumentWriter.create(path, { sizeHint: 10, direct: false }), { code: 'EEXIST' });
    assert.equal(await readFile(path, 'utf8'), 'keep me');
  });
});
