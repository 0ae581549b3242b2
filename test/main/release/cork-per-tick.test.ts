// Pieces a rewrite pushes in one go reach the destination in one writev; without the
// cork each would be its own write.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Readable, Writable } from 'node:stream';
import { once } from 'node:events';
import { corkPerTick } from '../../../main/release/cork-per-tick.js';

function run(cork: boolean): Promise<number[]> {
  const batches: number[] = [];
  let sent = false;
  const source = new Readable({
    read() {
      if (sent) {
        this.push(null);
        return;
      }
      sent = true;
      // Five pieces in one go, as the late-binding Transform pushes them.
      for (const piece of ['a', 'bb', 'ccc', 'dd', 'e']) this.push(Buffer.from(piece));
    },
  });
  const dest = new Writable({
    write(_chunk: Buffer, _enc, cb) {
      batches.push(1);
      setImmediate(cb);
    },
    writev(chunks, cb) {
      batches.push(chunks.length);
      setImmediate(cb);
    },
  });
  if (cork) corkPerTick(source, dest);
  source.pipe(dest);
  return once(dest, 'finish').then(() => batches);
}

test('pieces pushed in one go leave in one writev', async () => {
  const corked = await run(true);
  assert.deepEqual(corked, [5]);
  const plain = await run(false);
  assert.ok(plain.length > 1, `without the cork: ${JSON.stringify(plain)}`);
  assert.equal(plain.reduce((a, b) => a + b, 0), 5);
});
