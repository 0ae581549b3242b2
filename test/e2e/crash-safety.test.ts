// Crash safety of capture + spool, end to end: an Engine in a child process takes
// concurrent LPD and IPP jobs (a few KiB to a few MiB each) and is killed with SIGKILL at
// a random instant, then started again on the same data folder, several times over.
// After every restart:
//   - every acknowledged job is listed exactly once, its document hashing to the sha256
//     of the bytes sent;
//   - every listed job is whole: its document hashes to its recorded sha256 and is one of
//     the bodies sent (an unacknowledged job may be there, complete, or absent: never partial);
//   - no temporary file (`.tmp-*`) is left anywhere under the data folder;
//   - nothing listed before is lost, and job numbers stay unique.
// The seed is printed; PULLPRINT_CRASH_SEED replays a run, PULLPRINT_CRASH_ROUNDS raises
// the number of kill/restart cycles (default 5).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort } from '../helpers/process.js';
import { prng, runClients, type Workload } from './crash-clients.js';
import type { ListedJob } from './engine-child.js';
import { startEngineChild, writeChildConfig, type EngineChild, type EngineChildFiles } from './engine-process.js';

const ROUNDS = Math.max(1, Number(process.env.PULLPRINT_CRASH_ROUNDS ?? '5') || 5);
const SEED = Number(process.env.PULLPRINT_CRASH_SEED ?? Math.floor(Math.random() * 2 ** 31));
const LPD_CLIENTS = 3;
const IPP_CLIENTS = 3;
/** The kill comes this long after the clients start (uniform). */
const KILL_AFTER_MS: [number, number] = [150, 1500];

async function fileSha256(path: string): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of createReadStream(path)) h.update(chunk as Buffer);
  return h.digest('hex');
}

/** Every `.tmp-*` name under `dir`, at any depth. */
async function tempFiles(dir: string): Promise<string[]> {
  const names = (await readdir(dir, { recursive: true })) as string[];
  return names.filter((n) => n.split('/').some((part) => part.startsWith('.tmp-')));
}

async function startWithRetry(files: EngineChildFiles, round: number): Promise<EngineChild> {
  // The killed engine's port is free again at once (SO_REUSEADDR); one retry covers a slow kernel.
  try {
    return await startEngineChild(files, round);
  } catch (err) {
    if (!/EADDRINUSE/.test(String(err))) throw err;
    await sleep(500);
    return startEngineChild(files, round);
  }
}

test(`crash safety: SIGKILL during concurrent LPD and IPP submissions, ${ROUNDS} rounds (seed ${SEED})`, { timeout: 300_000 }, async (t) => {
  t.diagnostic(`seed ${SEED} (replay with PULLPRINT_CRASH_SEED=${SEED})`);
  console.log(`crash-safety: seed ${SEED}, ${ROUNDS} rounds`);
  const rnd = prng(SEED);
  const dir = await mkdtemp(join(tmpdir(), 'pp-crash-'));
  const port = await freePort();
  const files = await writeChildConfig(dir, port);
  const workload: Workload = { sent: new Map(), refusals: [] };
  /** Jobs listed after earlier restarts, by id: none may disappear or change. */
  const everListed = new Map<string, ListedJob>();
  let child: EngineChild | undefined;
  const where = (round: number): string => `seed ${SEED}, round ${round}`;

  /** Checks the listing right after a start-up, before any new job arrives. */
  async function verify(c: EngineChild, round: number): Promise<void> {
    const ctx = where(round);
    const left = await tempFiles(files.dataDir);
    assert.deepEqual(left, [], `${ctx}: temporary files left after recovery`);
    const bySha = new Map<string, ListedJob[]>();
    for (const j of c.listed) bySha.set(j.sha256, [...(bySha.get(j.sha256) ?? []), j]);
    for (const job of workload.sent.values()) {
      const n = bySha.get(job.sha256)?.length ?? 0;
      if (job.acked) assert.equal(n, 1, `${ctx}: acknowledged ${job.marker} (${job.size} bytes) listed ${n} times`);
      else assert.ok(n <= 1, `${ctx}: unacknowledged ${job.marker} listed ${n} times`);
    }
    for (const j of c.listed) {
      const sent = workload.sent.get(j.sha256);
      assert.ok(sent, `${ctx}: job ${j.seq} (${j.size} bytes, ${j.file}) is none of the bodies sent`);
      assert.equal(j.size, sent.size, `${ctx}: job ${j.seq} size`);
      assert.equal(await fileSha256(j.file), j.sha256, `${ctx}: job ${j.seq} document does not hash to its record`);
    }
    const seqs = c.listed.map((j) => j.seq);
    assert.equal(new Set(seqs).size, seqs.length, `${ctx}: job numbers repeat`);
    const ids = new Set(c.listed.map((j) => j.id));
    for (const [id, old] of everListed) {
      assert.ok(ids.has(id), `${ctx}: job ${old.seq} listed before the last crash is gone`);
    }
    for (const j of c.listed) {
      const old = everListed.get(j.id);
      if (old) assert.deepEqual({ seq: j.seq, sha256: j.sha256, file: j.file }, { seq: old.seq, sha256: old.sha256, file: old.file }, `${ctx}: job ${j.id} changed`);
      everListed.set(j.id, j);
    }
  }

  try {
    child = await startWithRetry(files, 0);
    assert.equal(child.port, port, 'the child captures on the port it was given');
    assert.deepEqual(child.listed, [], 'a fresh data folder holds no job');
    for (let round = 1; round <= ROUNDS; round++) {
      const clients = runClients({ port, lpdClients: LPD_CLIENTS, ippClients: IPP_CLIENTS, round, seed: SEED, workload });
      const killAfter = Math.round(KILL_AFTER_MS[0] + rnd() * (KILL_AFTER_MS[1] - KILL_AFTER_MS[0]));
      await sleep(killAfter);
      const killed = child;
      await killed.kill();
      child = undefined;
      await clients;
      const inFlight = await tempFiles(files.dataDir);
      const thisRound = [...workload.sent.values()].filter((j) => j.round === round);
      child = await startWithRetry(files, round);
      const acked = [...workload.sent.values()].filter((j) => j.acked).length;
      const unackedPresent = child.listed.filter((j) => !workload.sent.get(j.sha256)?.acked).length;
      // A document renamed into place whose record the kill prevented is adopted at start-up as a RAW job.
      const adopted = child.listed.filter((j) => j.protocol === 'raw').length;
      console.log(
        `crash-safety round ${round}: killed after ${killAfter} ms; this round ${thisRound.filter((j) => j.acked).length} acknowledged of ${thisRound.length} begun; ` +
        `${inFlight.length} temp file(s) at the kill; listed ${child.listed.length} (acknowledged in total ${acked}, unacknowledged but complete ${unackedPresent}, adopted orphans ${adopted})`,
      );
      await verify(child, round);
      assert.ok(thisRound.length > 0, `${where(round)}: the clients submitted nothing`);
    }
    assert.deepEqual(workload.refusals, [], `${where(ROUNDS)}: the live engine refused jobs`);
    const acked = [...workload.sent.values()].filter((j) => j.acked);
    assert.ok(acked.some((j) => j.protocol === 'lpd') && acked.some((j) => j.protocol === 'ipp'), 'both protocols had acknowledged jobs');
    assert.ok(acked.some((j) => j.size >= 1024 * 1024), 'some acknowledged job was over 1 MiB');

    // A clean stop after the last restart leaves no temporary file either.
    const code = await child.stop();
    child = undefined;
    assert.equal(code, 0, 'clean stop exits 0');
    assert.deepEqual(await tempFiles(files.dataDir), [], 'temporary files after a clean stop');
  } finally {
    await child?.kill();
    await rm(dir, { recursive: true, force: true });
  }
});
