// The IPP job table stays bounded, forgets finished jobs first, and hands out provisional
// job-ids that never collide with spool seqs or with each other.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { JobTable, PROVISIONAL_ID_BASE, type IppJob } from '../../../../main/capture/ipp/job-table.js';
import { JobState, type JobStateValue } from '../../../../main/capture/ipp/tags.js';

function job(id: number, state: JobStateValue, createdMs = 0): IppJob {
  return {
    id,
    seq: null,
    spoolId: null,
    name: `job ${id}`,
    user: 'u',
    requestedUser: 'u',
    requestedName: null,
    state,
    reasons: [],
    createdMs,
    processingMs: null,
    completedMs: null,
    sizeBytes: null,
    documents: 0,
    template: [],
    copies: null,
    sides: null,
    colorMode: null,
    documentFormat: null,
    receiving: null,
  };
}

test('the table keeps at most its limit, dropping the oldest finished job first', () => {
  const t = new JobTable(10);
  t.add(job(1, JobState.pending));
  for (let i = 2; i <= 30; i++) t.add(job(i, JobState.completed));
  assert.equal(t.size, 10);
  assert.ok(t.get(1), 'an unfinished job outlives finished ones');
  assert.deepEqual(
    t.all().map((j) => j.id),
    [1, 22, 23, 24, 25, 26, 27, 28, 29, 30],
  );
  const full = new JobTable(3);
  for (let i = 1; i <= 5; i++) full.add(job(i, JobState.pending));
  assert.deepEqual(
    full.all().map((j) => j.id),
    [3, 4, 5],
    'with nothing finished, the oldest goes',
  );
});

test('provisional ids start above PROVISIONAL_ID_BASE, skip ids in use and are unique', () => {
  const t = new JobTable(5);
  const a = t.newProvisionalId();
  assert.equal(a, PROVISIONAL_ID_BASE + 1);
  t.add(job(PROVISIONAL_ID_BASE + 2, JobState.pending));
  assert.equal(t.newProvisionalId(), PROVISIONAL_ID_BASE + 3);
  const seen = new Set<number>();
  for (let i = 0; i < 10_000; i++) {
    const id = t.newProvisionalId();
    assert.ok(id > PROVISIONAL_ID_BASE && id <= 0x7fffffff);
    assert.ok(!seen.has(id));
    seen.add(id);
  }
});

test('expire() aborts only pending jobs that waited longer than multiple-operation-time-out', () => {
  const t = new JobTable(10);
  t.add(job(1, JobState.pending, 0));
  t.add(job(2, JobState.pending, 200_000));
  t.add(job(3, JobState.completed, 0));
  const receiving = job(4, JobState.pending, 0);
  receiving.receiving = { cancel: () => undefined };
  t.add(receiving);
  t.expire(300_001);
  assert.equal(t.get(1)?.state, JobState.aborted);
  assert.equal(t.get(2)?.state, JobState.pending);
  assert.equal(t.get(3)?.state, JobState.completed);
  assert.equal(t.get(4)?.state, JobState.pending);
  assert.equal(t.unfinishedCount(), 2);
});
