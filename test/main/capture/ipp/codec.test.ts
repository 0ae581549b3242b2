// The IPP codec: encoding checked against bytes written out by hand from RFC 8010, round
// trips of every value type, incremental decoding however the body is cut, and refusal
// of malformed input (truncation, bad tags, oversize lengths, wrong order, limits).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  DEFAULT_DECODE_LIMITS,
  decodeMessage,
  encodeMessage,
  IppDecodeError,
  IppRequestDecoder,
  type IppDecodeLimits,
  type IppMessage,
} from '../../../../main/capture/ipp/codec.js';
import { GroupTag, Operation, ValueTag } from '../../../../main/capture/ipp/tags.js';
import { attr, val } from '../../../../main/capture/ipp/values.js';
import { CaptureError } from '../../../../main/util/errors.js';

/** One attribute item, written without the codec: tag, name-length, name, value-length, value. */
function item(tag: number, name: string, value: Buffer | string): Buffer {
  const n = Buffer.from(name, 'latin1');
  const v = typeof value === 'string' ? Buffer.from(value, 'utf8') : value;
  const b = Buffer.alloc(5 + n.length + v.length);
  b[0] = tag;
  b.writeUInt16BE(n.length, 1);
  n.copy(b, 3);
  b.writeUInt16BE(v.length, 3 + n.length);
  v.copy(b, 5 + n.length);
  return b;
}

const int32 = (n: number): Buffer => {
  const b = Buffer.alloc(4);
  b.writeInt32BE(n);
  return b;
};

function header(major: number, minor: number, code: number, requestId: number): Buffer {
  const b = Buffer.alloc(8);
  b[0] = major;
  b[1] = minor;
  b.writeUInt16BE(code, 2);
  b.writeInt32BE(requestId, 4);
  return b;
}

/** RFC 8010 appendix A.2 ("Print-Job Request"), byte by byte. */
const RFC_PRINT_JOB = Buffer.concat([
  header(1, 1, 0x0002, 1),
  Buffer.from([0x01]),
  item(0x47, 'attributes-charset', 'utf-8'),
  item(0x48, 'attributes-natural-language', 'en-us'),
  item(0x45, 'printer-uri', 'ipp://printer.example.com/ipp/print/pinetree'),
  item(0x42, 'job-name', 'foobar'),
  item(0x22, 'ipp-attribute-fidelity', Buffer.from([0x01])),
  Buffer.from([0x02]),
  item(0x21, 'copies', int32(20)),
  item(0x44, 'sides', 'two-sided-long-edge'),
  Buffer.from([0x03]),
]);
const RFC_DOCUMENT = Buffer.from('%!PS-Adobe-3.0\n%%EndComments\nshowpage\n');

const RFC_MESSAGE: IppMessage = {
  major: 1,
  minor: 1,
  code: Operation.printJob,
  requestId: 1,
  groups: [
    {
      tag: GroupTag.operation,
      attributes: [
        attr('attributes-charset', val.charset('utf-8')),
        attr('attributes-natural-language', val.language('en-us')),
        attr('printer-uri', val.uri('ipp://printer.example.com/ipp/print/pinetree')),
        attr('job-name', val.name('foobar')),
        attr('ipp-attribute-fidelity', val.boolean(true)),
      ],
    },
    { tag: GroupTag.job, attributes: [attr('copies', val.integer(20)), attr('sides', val.keyword('two-sided-long-edge'))] },
  ],
};

/** Every value kind the codec knows, nested collections and 1setOf included. */
const EVERYTHING: IppMessage = {
  major: 2,
  minor: 0,
  code: 0x0000,
  requestId: 0x7fffffff,
  groups: [
    { tag: GroupTag.operation, attributes: [attr('attributes-charset', val.charset('utf-8')), attr('attributes-natural-language', val.language('de-ch'))] },
    { tag: GroupTag.unsupported, attributes: [attr('sides', val.keyword('sideways')), attr('job-hold-until', { kind: 'out-of-band', tag: ValueTag.unsupported })] },
    {
      tag: GroupTag.printer,
      attributes: [
        attr('integers', val.integer(0), val.integer(-1), val.integer(-2147483648), val.integer(2147483647)),
        attr('enums', val.enum(3), val.enum(9)),
        attr('bools', val.boolean(false), val.boolean(true)),
        attr('range', val.range(-5, 9999)),
        attr('resolution', val.resolution(600, 1200, 3), val.resolution(236, 236, 4)),
        attr('texts', val.text('Grüße ✓'), val.text('')),
        attr('mixed', val.keyword('none'), val.name('Custom Name')),
        attr('with-language', { kind: 'lang-string', tag: ValueTag.textWithLanguage, lang: 'fr-ca', value: 'Bonjour' }),
        attr('name-with-language', { kind: 'lang-string', tag: ValueTag.nameWithLanguage, lang: 'ja', value: '日本語' }),
        attr('when', val.dateTime(Date.UTC(2026, 10, 24, 23, 59, 58, 700))),
        attr('blob', val.octets(Buffer.from([0, 1, 2, 255]))),
        attr('no-value', val.noValue()),
        attr('private-tag', { kind: 'octets', tag: 0x60, value: Buffer.from('vendor') }),
        attr(
          'media-col-database',
          val.collection([
            attr('media-size', val.collection([attr('x-dimension', val.integer(21000)), attr('y-dimension', val.integer(29700))])),
            attr('media-type', val.keyword('stationery')),
            attr('media-source-properties', val.collection([attr('feed', val.keyword('sef'), val.keyword('lef'))])),
          ]),
          val.collection([]),
        ),
      ],
    },
    { tag: GroupTag.job, attributes: [] },
    { tag: 0x0f, attributes: [attr('future-group', val.integer(1))] },
  ],
};

function decodeAll(bytes: Buffer, limits?: IppDecodeLimits) {
  return decodeMessage(bytes, limits);
}

function malformed(bytes: Buffer, pattern: RegExp, limits?: IppDecodeLimits): IppDecodeError {
  let caught: unknown;
  try {
    decodeAll(bytes, limits);
  } catch (e) {
    caught = e;
  }
  assert.ok(caught instanceof IppDecodeError, `expected IppDecodeError, got ${String(caught)}`);
  assert.ok(caught instanceof CaptureError);
  assert.equal(caught.code, 'MALFORMED_IPP');
  assert.match(caught.message, pattern);
  return caught;
}

const HEAD = Buffer.concat([header(2, 0, 0x000b, 5), Buffer.from([0x01])]);
const END = Buffer.from([0x03]);

describe('IPP codec: the bytes of RFC 8010', () => {
  test('encodes the RFC 8010 Print-Job example byte for byte', () => {
    assert.ok(encodeMessage(RFC_MESSAGE).equals(RFC_PRINT_JOB));
  });

  test('decodes it and returns the document bytes that follow the end tag', () => {
    const { message, rest } = decodeAll(Buffer.concat([RFC_PRINT_JOB, RFC_DOCUMENT]));
    assert.deepEqual(message, RFC_MESSAGE);
    assert.ok(rest.equals(RFC_DOCUMENT));
  });

  test('a collection is begCollection, memberAttrName/value pairs and endCollection (RFC 8010 §3.1.6)', () => {
    const m: IppMessage = { ...RFC_MESSAGE, groups: [{ tag: GroupTag.job, attributes: [attr('media-col', val.collection([attr('media-size', val.collection([attr('x-dimension', val.integer(21000))]))]))] }] };
    const expected = Buffer.concat([
      header(1, 1, 2, 1),
      Buffer.from([0x02]),
      item(0x34, 'media-col', ''),
      item(0x4a, '', 'media-size'),
      item(0x34, '', ''),
      item(0x4a, '', 'x-dimension'),
      item(0x21, '', int32(21000)),
      item(0x37, '', ''),
      item(0x37, '', ''),
      END,
    ]);
    assert.ok(encodeMessage(m).equals(expected));
    assert.deepEqual(decodeAll(expected).message, m);
  });
});

describe('IPP codec: round trips and incremental decoding', () => {
  test('every value type survives encode and decode', () => {
    const bytes = encodeMessage(EVERYTHING);
    const { message, rest } = decodeAll(bytes);
    assert.deepEqual(message, EVERYTHING);
    assert.equal(rest.length, 0);
    assert.ok(encodeMessage(message).equals(bytes), 're-encoding is stable');
  });

  test('the same message results however the body is cut into chunks', () => {
    const doc = Buffer.alloc(5000, 0x5a);
    const bytes = Buffer.concat([encodeMessage(EVERYTHING), doc]);
    for (const size of [1, 2, 3, 7, 64, 1000, bytes.length]) {
      const d = new IppRequestDecoder();
      let rest: Buffer | null = null;
      let i = 0;
      for (; i < bytes.length; i += size) {
        const step = d.push(bytes.subarray(i, i + size));
        if (step.done) {
          assert.deepEqual(step.message, EVERYTHING);
          rest = step.rest;
          i += size;
          break;
        }
      }
      assert.ok(rest, `chunk size ${size}`);
      assert.ok(Buffer.concat([rest, bytes.subarray(i)]).equals(doc), `document intact with chunk size ${size}`);
    }
  });

  test('dateTime values are RFC 2579 DateAndTime in UTC', () => {
    const v = val.dateTime(Date.UTC(2026, 0, 2, 3, 4, 5, 600));
    assert.equal(v.kind, 'octets');
    if (v.kind === 'octets') assert.deepEqual([...v.value], [0x07, 0xea, 1, 2, 3, 4, 5, 6, 0x2b, 0, 0]);
  });

  test('the encoder refuses values longer than 32767 octets', () => {
    const m: IppMessage = { ...RFC_MESSAGE, groups: [{ tag: GroupTag.operation, attributes: [attr('job-name', val.name('x'.repeat(40_000)))] }] };
    assert.throws(() => encodeMessage(m), RangeError);
  });
});

describe('IPP codec: malformed input', () => {
  test('every truncation of a valid request is refused, never accepted or crashed on', () => {
    const bytes = encodeMessage(EVERYTHING);
    for (let n = 0; n < bytes.length; n++) {
      const e = malformed(bytes.subarray(0, n), /ends before|shorter than/);
      assert.equal(e.requestId, n >= 8 ? 0x7fffffff : null, `request-id known after the header (length ${n})`);
    }
  });

  test('bad delimiter and value tags', () => {
    malformed(Buffer.concat([header(2, 0, 0x0b, 1), Buffer.from([0x00])]), /reserved delimiter tag 0x00/);
    malformed(Buffer.concat([HEAD, item(0x80, 'x', 'y'), END]), /invalid value tag 0x80/);
    malformed(Buffer.concat([HEAD, item(0xff, 'x', 'y'), END]), /invalid value tag 0xff/);
  });

  test('oversize and negative lengths', () => {
    const negName = Buffer.concat([HEAD, Buffer.from([0x44, 0x80, 0x00])]);
    malformed(negName, /name-length 32768/);
    const negValue = Buffer.concat([HEAD, Buffer.from([0x44, 0x00, 0x01, 0x61, 0xff, 0xff])]);
    malformed(negValue, /value-length 65535/);
    malformed(Buffer.concat([HEAD, item(0x44, 'n'.repeat(256), 'v'), END]), /256 octets exceeds 255/);
    malformed(Buffer.concat([HEAD, item(0x34, 'c', ''), item(0x4a, '', 'm'.repeat(300)), END]), /member name of 300 octets/);
  });

  test('values of the wrong size or shape', () => {
    malformed(Buffer.concat([HEAD, item(0x21, 'i', Buffer.from([0, 0, 1])), END]), /integer value of 3 octets/);
    malformed(Buffer.concat([HEAD, item(0x23, 'e', Buffer.alloc(5)), END]), /integer value of 5 octets/);
    malformed(Buffer.concat([HEAD, item(0x22, 'b', Buffer.from([2])), END]), /boolean/);
    malformed(Buffer.concat([HEAD, item(0x33, 'r', Buffer.alloc(7)), END]), /rangeOfInteger value of 7/);
    malformed(Buffer.concat([HEAD, item(0x32, 'res', Buffer.alloc(8)), END]), /resolution value of 8/);
    malformed(Buffer.concat([HEAD, item(0x31, 'd', Buffer.alloc(10)), END]), /dateTime value of 10/);
    const lang = Buffer.from([0x00, 0x02, 0x65, 0x6e, 0x00, 0x09, 0x41]);
    malformed(Buffer.concat([HEAD, item(0x35, 't', lang), END]), /lengths do not add up/);
    malformed(Buffer.concat([HEAD, item(0x36, 't', Buffer.from([0x00, 0x10, 0x41])), END]), /too short|overruns/);
    malformed(Buffer.concat([HEAD, item(0x44, 'bad name', 'v'), END]), /contains byte 0x20/);
    malformed(Buffer.concat([HEAD, item(0x44, 'caf\u00e9', 'v'), END]), /contains byte 0xe9/);
  });

  test('attributes in the wrong order or outside their context', () => {
    malformed(Buffer.concat([header(2, 0, 0x0b, 1), item(0x44, 'x', 'y'), END]), /before the first group/);
    malformed(Buffer.concat([HEAD, item(0x44, '', 'y'), END]), /additional value without an attribute/);
    malformed(Buffer.concat([HEAD, item(0x37, '', ''), END]), /endCollection outside/);
    malformed(Buffer.concat([HEAD, item(0x4a, '', 'm'), END]), /memberAttrName outside/);
    malformed(Buffer.concat([HEAD, item(0x34, 'c', ''), item(0x44, 'named', 'v'), END]), /named attribute "named" inside a collection/);
    malformed(Buffer.concat([HEAD, item(0x34, 'c', ''), item(0x44, '', 'v'), END]), /without memberAttrName/);
    malformed(Buffer.concat([HEAD, item(0x34, 'c', ''), item(0x4a, '', 'm'), item(0x37, '', ''), END]), /member "m" has no value/);
    malformed(Buffer.concat([HEAD, item(0x34, 'c', ''), item(0x4a, '', 'm'), item(0x4a, '', 'n'), END]), /member "m" has no value/);
    malformed(Buffer.concat([HEAD, item(0x34, 'c', ''), Buffer.from([0x02]), END]), /delimiter tag 0x02 inside an open collection/);
    malformed(Buffer.concat([HEAD, item(0x34, 'c', ''), END]), /delimiter tag 0x03 inside an open collection/);
    malformed(Buffer.concat([HEAD, item(0x34, 'c', ''), item(0x4a, '', ''), END]), /empty memberAttrName/);
    malformed(Buffer.concat([HEAD, item(0x34, 'c', ''), item(0x37, '', 'x'), END]), /endCollection with a value/);
  });

  test('count, depth and size limits', () => {
    const small: IppDecodeLimits = { ...DEFAULT_DECODE_LIMITS, maxAttributes: 5, maxValues: 8, maxGroups: 3, maxCollectionDepth: 2, maxAttributeBytes: 200 };
    const attrs = (n: number) => Array.from({ length: n }, (_, i) => item(0x21, `a${i}`, int32(i)));
    assert.doesNotThrow(() => decodeAll(Buffer.concat([HEAD, ...attrs(5), END]), small));
    malformed(Buffer.concat([HEAD, ...attrs(6), END]), /more than 5 attributes/, small);
    const values = Array.from({ length: 9 }, (_, i) => item(0x21, i === 0 ? 'many' : '', int32(i)));
    malformed(Buffer.concat([HEAD, ...values, END]), /more than 8 values/, small);
    malformed(Buffer.concat([HEAD, Buffer.from([0x02, 0x02, 0x02]), END]), /more than 3 attribute groups/, small);
    const nest = (depth: number): Buffer[] => {
      const open: Buffer[] = [item(0x34, 'c', '')];
      for (let i = 1; i < depth; i++) open.push(item(0x4a, '', 'm'), item(0x34, '', ''));
      open.push(item(0x4a, '', 'leaf'), item(0x21, '', int32(1)));
      for (let i = 0; i < depth; i++) open.push(item(0x37, '', ''));
      return open;
    };
    assert.doesNotThrow(() => decodeAll(Buffer.concat([HEAD, ...nest(2), END]), small));
    malformed(Buffer.concat([HEAD, ...nest(3), END]), /nested deeper than 2/, small);
    malformed(Buffer.concat([HEAD, item(0x41, 'long', 'x'.repeat(300)), END]), /exceed 200 bytes/, small);
  });

  test('the attribute buffer never grows past its cap, even when fed one huge chunk', () => {
    const limits = { ...DEFAULT_DECODE_LIMITS, maxAttributeBytes: 4096 };
    const d = new IppRequestDecoder(limits);
    const flood = Buffer.concat([HEAD, ...Array.from({ length: 500 }, (_, i) => item(0x41, `t${i}`, 'x'.repeat(100)))]);
    assert.throws(() => d.push(flood), /exceed 4096 bytes/);
    assert.ok(d.bufferedBytes <= 4096);
  });

  test('document bytes after the end tag do not count against the attribute cap', () => {
    const limits = { ...DEFAULT_DECODE_LIMITS, maxAttributeBytes: 512 };
    const d = new IppRequestDecoder(limits);
    const head = encodeMessage(RFC_MESSAGE);
    const doc = Buffer.alloc(100_000, 0x41);
    const step = d.push(Buffer.concat([head, doc]));
    assert.ok(step.done);
    assert.equal(step.rest.length, doc.length);
  });
});
