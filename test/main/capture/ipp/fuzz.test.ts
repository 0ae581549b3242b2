// Fuzzing the IPP decoder and the printer behind it with a seeded PRNG: random bytes,
// mutations of valid requests, and random well-formed messages. Nothing may throw past
// the decoder except IppDecodeError, its buffer stays under its cap, whatever it accepts
// re-encodes to the same message, and the HTTP printer answers every request.
// PULLPRINT_FUZZ_ITERATIONS raises the count; PULLPRINT_FUZZ_SEED replays a run.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Agent } from 'node:http';
import {
  DEFAULT_DECODE_LIMITS,
  decodeMessage,
  encodeMessage,
  IppDecodeError,
  IppRequestDecoder,
  type IppAttribute,
  type IppMessage,
  type IppValue,
} from '../../../../main/capture/ipp/codec.js';
import { GroupTag, Operation, ValueTag } from '../../../../main/capture/ipp/tags.js';
import { attr, val } from '../../../../main/capture/ipp/values.js';
import { ippRequest, send, startHarness, type Harness } from './harness.js';
import { prng } from '../../../helpers/prng.js';

const ITERATIONS = Number(process.env.PULLPRINT_FUZZ_ITERATIONS ?? 3000);
const SEED = Number(process.env.PULLPRINT_FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31));


class Rng {
  readonly next: () => number;
  constructor(seed: number) {
    this.next = prng(seed);
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)];
  }
  bytes(n: number): Buffer {
    const b = Buffer.alloc(n);
    for (let i = 0; i < n; i++) b[i] = this.int(256);
    return b;
  }
}

const KEYWORDS = ['copies', 'sides', 'media', 'job-name', 'requested-attributes', 'document-format', 'x', 'media-col', 'printer-uri'];

function randomValue(r: Rng, depth: number): IppValue {
  switch (r.int(depth < 3 ? 11 : 10)) {
    case 0:
      return val.integer(r.int(2 ** 32) - 2 ** 31);
    case 1:
      return val.enum(r.int(20));
    case 2:
      return val.boolean(r.int(2) === 1);
    case 3:
      return val.range(r.int(100) - 50, r.int(10_000));
    case 4:
      return val.resolution(r.int(2400), r.int(2400), 3 + r.int(2));
    case 5:
      return val.text('t'.repeat(r.int(40)) + '✓');
    case 6:
      return r.pick([val.name, val.keyword, val.uri, val.charset, val.language, val.mime])(r.pick(KEYWORDS));
    case 7:
      return { kind: 'lang-string', tag: r.pick([ValueTag.textWithLanguage, ValueTag.nameWithLanguage]), lang: 'en', value: 'v'.repeat(r.int(20)) };
    case 8:
      return val.octets(r.bytes(r.int(30)));
    case 9:
      return { kind: 'out-of-band', tag: r.pick([ValueTag.unsupported, ValueTag.unknown, ValueTag.noValue]) };
    default: {
      const members: IppAttribute[] = [];
      for (let i = r.int(4); i > 0; i--) members.push(attr(r.pick(KEYWORDS), ...Array.from({ length: 1 + r.int(3) }, () => randomValue(r, depth + 1))));
      return val.collection(members);
    }
  }
}

function randomMessage(r: Rng): IppMessage {
  const groups = [];
  for (let g = 1 + r.int(4); g > 0; g--) {
    const attributes: IppAttribute[] = [];
    for (let a = r.int(6); a > 0; a--) attributes.push(attr(`${r.pick(KEYWORDS)}-${r.int(100)}`, ...Array.from({ length: 1 + r.int(3) }, () => randomValue(r, 0))));
    groups.push({ tag: r.pick([GroupTag.operation, GroupTag.job, GroupTag.printer, GroupTag.unsupported, 0x06, 0x0f]), attributes });
  }
  return { major: 1 + r.int(2), minor: r.int(2), code: r.int(0x10000), requestId: 1 + r.int(2 ** 31 - 1), groups };
}

const CORPUS: Buffer[] = [
  encodeMessage(ippRequest(Operation.getPrinterAttributes, { operation: [attr('requested-attributes', val.keyword('all'), val.keyword('media-col-database'))] })),
  encodeMessage(
    ippRequest(Operation.printJob, {
      operation: [attr('requesting-user-name', val.name('alice')), attr('job-name', val.name('Quarterly Report')), attr('document-format', val.mime('application/pdf'))],
      job: [attr('copies', val.integer(2)), attr('media-col', val.collection([attr('media-size', val.collection([attr('x-dimension', val.integer(21000)), attr('y-dimension', val.integer(29700))]))]))],
    }),
  ),
  encodeMessage(ippRequest(Operation.sendDocument, { operation: [attr('job-id', val.integer(7)), attr('last-document', val.boolean(true))] })),
];

function mutate(r: Rng, input: Buffer): Buffer {
  let b = Buffer.from(input);
  for (let n = 1 + r.int(4); n > 0; n--) {
    switch (r.int(8)) {
      case 0: // flip a bit
        if (b.length > 0) b[r.int(b.length)] ^= 1 << r.int(8);
        break;
      case 1: // random byte
        if (b.length > 0) b[r.int(b.length)] = r.int(256);
        break;
      case 2: // insert random bytes
        {
          const at = r.int(b.length + 1);
          b = Buffer.concat([b.subarray(0, at), r.bytes(1 + r.int(8)), b.subarray(at)]);
        }
        break;
      case 3: // delete a range
        {
          const at = r.int(b.length + 1);
          b = Buffer.concat([b.subarray(0, at), b.subarray(at + 1 + r.int(16))]);
        }
        break;
      case 4: // truncate
        b = b.subarray(0, r.int(b.length + 1));
        break;
      case 5: // extreme 16-bit length somewhere
        if (b.length > 2) b.writeUInt16BE(r.pick([0, 1, 0x7fff, 0x8000, 0xffff]), r.int(b.length - 1));
        break;
      case 6: // duplicate a slice
        {
          const at = r.int(b.length + 1);
          const slice = b.subarray(at, at + 1 + r.int(32));
          b = Buffer.concat([b.subarray(0, at), slice, slice, b.subarray(at + slice.length)]);
        }
        break;
      default: // splice with another corpus entry
        {
          const other = r.pick(CORPUS);
          const at = r.int(b.length + 1);
          b = Buffer.concat([b.subarray(0, at), other.subarray(r.int(other.length))]);
        }
    }
  }
  return b;
}

/** Feeds bytes in random chunks; returns the decoded message, or the IppDecodeError. */
function feed(r: Rng, bytes: Buffer, cap: number): IppMessage | IppDecodeError {
  const d = new IppRequestDecoder({ ...DEFAULT_DECODE_LIMITS, maxAttributeBytes: cap });
  try {
    let i = 0;
    while (i < bytes.length) {
      const size = 1 + r.int(r.int(2) ? 16 : 4096);
      const step = d.push(bytes.subarray(i, i + size));
      assert.ok(d.bufferedBytes <= cap, `seed ${SEED}: buffer ${d.bufferedBytes} > cap ${cap}`);
      if (step.done) return step.message;
      i += size;
    }
    return d.end();
  } catch (e) {
    if (e instanceof IppDecodeError) return e;
    throw new Error(`seed ${SEED}: decoder threw ${String(e)} for ${bytes.toString('hex').slice(0, 400)}`, { cause: e });
  } finally {
    assert.ok(d.bufferedBytes <= cap, `seed ${SEED}: buffer ${d.bufferedBytes} > cap ${cap}`);
  }
}

function reencodes(m: IppMessage): void {
  let bytes: Buffer;
  try {
    bytes = encodeMessage(m);
  } catch (e) {
    // Only lengths can make a decoded message unencodable (UTF-8 replacement characters grow).
    assert.ok(e instanceof RangeError, `seed ${SEED}: encode threw ${String(e)}`);
    return;
  }
  assert.deepEqual(decodeMessage(bytes).message, m, `seed ${SEED}: decode(encode(m)) differs`);
}

describe(`IPP decoder fuzz (seed ${SEED}, ${ITERATIONS} iterations each)`, () => {
  test('random bytes', () => {
    const r = new Rng(SEED);
    for (let i = 0; i < ITERATIONS; i++) {
      const bytes = r.bytes(r.int(r.int(2) ? 64 : 2048));
      const out = feed(r, bytes, r.pick([256, 4096, 65536]));
      if (!(out instanceof IppDecodeError)) reencodes(out);
    }
  });

  test('mutated valid requests', () => {
    const r = new Rng(SEED + 1);
    let accepted = 0;
    for (let i = 0; i < ITERATIONS; i++) {
      const out = feed(r, mutate(r, r.pick(CORPUS)), r.pick([512, 65536]));
      if (!(out instanceof IppDecodeError)) {
        accepted++;
        reencodes(out);
      }
    }
    // A fuzzer that only ever hits the first check tests nothing.
    assert.ok(accepted > ITERATIONS / 50, `seed ${SEED}: only ${accepted} mutants decoded`);
  });

  test('random well-formed messages round-trip exactly, in any chunking', () => {
    const r = new Rng(SEED + 2);
    for (let i = 0; i < ITERATIONS; i++) {
      const m = randomMessage(r);
      const out = feed(r, encodeMessage(m), DEFAULT_DECODE_LIMITS.maxAttributeBytes);
      assert.ok(!(out instanceof IppDecodeError), `seed ${SEED}: ${out instanceof Error ? out.message : ''}`);
      assert.deepEqual(out, m, `seed ${SEED}: message ${i} changed`);
    }
  });
});

describe(`IPP printer fuzz over HTTP (seed ${SEED})`, () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({ maxJobSizeBytes: 256 * 1024 });
  });
  after(async () => h.close());

  test('every mutated request gets an HTTP 200 IPP answer and leaves no temporary file', async () => {
    const r = new Rng(SEED + 3);
    const agent = new Agent({ keepAlive: true, maxSockets: 2 });
    const rounds = Math.max(100, Math.floor(ITERATIONS / 15));
    try {
      for (let i = 0; i < rounds; i++) {
        const body = Buffer.concat([mutate(r, r.pick(CORPUS)), r.bytes(r.int(3000))]);
        const reply = await send(h.port, null, { raw: body, agent, chunked: r.int(2) === 0 });
        assert.equal(reply.httpStatus, 200, `seed ${SEED}: round ${i}`);
        const m = reply.message;
        assert.ok(m.code === 0 || m.code === 1 || m.code >= 0x0400, `seed ${SEED}: status 0x${m.code.toString(16)}`);
      }
    } finally {
      agent.destroy();
    }
    assert.equal(h.sink.open, 0);
    assert.deepEqual((await h.sink.files()).filter((f) => f.startsWith('.tmp')), []);
  });
});
