import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { sniff, type SniffClass } from '../../../main/capture/sniff.js';

const b = (s: string): Buffer => Buffer.from(s, 'latin1');

function kind(s: string | Buffer): SniffClass {
  return sniff(typeof s === 'string' ? b(s) : s).kind;
}

/** Every strict prefix must be need-more or the final class, and the final class must be `expected`. */
function assertGrowing(input: Buffer, expected: SniffClass): void {
  for (let n = 0; n <= input.length; n++) {
    const k = sniff(input.subarray(0, n)).kind;
    if (n === input.length) assert.equal(k, expected, `full input ${JSON.stringify(input.toString('latin1'))}`);
    else assert.ok(k === 'need-more' || k === expected, `prefix of ${n} bytes gave ${k}, expected need-more or ${expected}`);
  }
}

describe('sniff: HTTP', () => {
  for (const method of ['POST', 'GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE']) {
    test(`${method} request line is HTTP, byte by byte`, () => {
      assertGrowing(b(`${method} /ipp/print HTTP/1.1\r\n`), 'http');
    });
  }
  test('LF-only line end and HTTP/1.0 are accepted', () => {
    assert.equal(kind('POST /ipp/print HTTP/1.0\n'), 'http');
    assert.equal(kind('POST / HTTP/1.1\nHost: x\n'), 'http');
  });
  test('an incomplete request line waits for more', () => {
    assert.equal(kind('POST /ipp/print HTTP/1.'), 'need-more');
    assert.equal(kind('POST'), 'need-more');
    assert.equal(kind('POST /ipp/print HTTP/1.1\r'), 'need-more');
  });
  test('a text job starting with an upper-case word stays RAW', () => {
    assert.equal(kind('POST office party on friday\n'), 'raw');
    assert.equal(kind('POST office'), 'need-more'); // still a possible request target
    assert.equal(kind('POST office party'), 'raw');
    assert.equal(kind('HELLO\n'), 'raw');
    assert.equal(kind('GET  /x HTTP/1.1\r\n'), 'raw');
    assert.equal(kind('GET /x HTTP/2.0\r\n'), 'raw');
    assert.equal(kind('GET /x HTTP/1.1 \r\n'), 'raw');
    assert.equal(kind('GET /x HTTP/1.1\r\r\n'), 'raw');
    assert.equal(kind('post /x HTTP/1.1\r\n'), 'raw');
  });
  test('no request line within 8 KiB is RAW', () => {
    assert.equal(kind('A'.repeat(8 * 1024)), 'raw');
    assert.equal(kind('A'.repeat(8 * 1024 - 1)), 'need-more');
    assert.equal(kind('POST /' + 'x'.repeat(9000)), 'raw');
  });
});

describe('sniff: TLS', () => {
  test('a ClientHello record header is TLS at byte 3', () => {
    for (const minor of [0, 1, 2, 3, 4]) assertGrowing(Buffer.from([0x16, 0x03, minor, 0x01, 0x00]), 'tls');
  });
  test('0x16 without a TLS version is RAW', () => {
    assert.equal(kind(Buffer.from([0x16, 0x04])), 'raw');
    assert.equal(kind(Buffer.from([0x16, 0x03, 0x05])), 'raw');
    assert.equal(kind(Buffer.from([0x16])), 'need-more');
  });
});

describe('sniff: LPD', () => {
  test('each daemon command is LPD at its LF, byte by byte, with the command code', () => {
    for (const code of [1, 2, 3, 4, 5]) {
      const line = Buffer.concat([Buffer.from([code]), b('pullq alice 12\n')]);
      assertGrowing(line, 'lpd');
      assert.equal(sniff(line).lpdCommand, code);
    }
  });
  test('the shortest receive-job line (02 q 0A) and an empty queue are LPD', () => {
    assert.equal(kind('\x02q\n'), 'lpd');
    assert.equal(kind('\x02\n'), 'lpd');
    assert.equal(kind('\x02q'), 'need-more');
  });
  test('HT is allowed before the LF; CR, NUL and 8-bit bytes are not', () => {
    assert.equal(kind('\x03q\tall\n'), 'lpd');
    assert.equal(kind('\x02q\r\n'), 'raw');
    assert.equal(kind('\x02q\x00\n'), 'raw');
    assert.equal(kind('\x02q\xe9\n'), 'raw');
  });
  test('the LF must come within 1 KiB', () => {
    assert.equal(kind('\x02' + 'a'.repeat(1022) + '\n'), 'lpd');
    assert.equal(kind('\x02' + 'a'.repeat(1023) + '\n'), 'raw');
    assert.equal(kind('\x02' + 'a'.repeat(1022)), 'need-more');
    assert.equal(kind('\x02' + 'a'.repeat(2000)), 'raw');
  });
  test('TBCP (01 4D then %! or ESC) is RAW, a queue starting with M is LPD', () => {
    assertGrowing(b('\x01M%!PS-Adobe-3.0\n'), 'raw');
    assertGrowing(b('\x01M\x1b%-12345X'), 'raw');
    assert.equal(kind('\x01M%'), 'need-more');
    assert.equal(kind('\x01Mqueue\n'), 'lpd');
    assert.equal(kind('\x01M\n'), 'lpd');
    assert.equal(kind('\x01M%x\n'), 'lpd');
  });
  test('Ctrl-D before %! is RAW PostScript, not LPD command 04', () => {
    assertGrowing(b('\x04%!PS-Adobe-3.0\n'), 'raw');
  });
  test('ESC as byte 1 is RAW', () => {
    for (const code of [1, 2, 3, 4, 5]) assert.equal(kind(Buffer.from([code, 0x1b, 0x45])), 'raw');
  });
});

describe('sniff: RAW page description languages', () => {
  const samples: Record<string, string> = {
    'PJL with UEL': '\x1b%-12345X@PJL JOB\r\n',
    'PJL without UEL': '@PJL INFO STATUS\r\n',
    PostScript: '%!PS-Adobe-3.0\n',
    'DOS EPS': '\xc5\xd0\xd3\xc6',
    PDF: '%PDF-1.7\n',
    'PCL XL': ') HP-PCL XL;2;0\n',
    PCL5: '\x1bE\x1b&l0O',
    'PWG raster': 'RaS2',
    'Apple raster': 'UNIRAST\x00',
    'XPS/ZIP': 'PK\x03\x04',
    text: 'hello world\n',
    'NUL first': '\x00\x00',
    'control byte 06': '\x06abc',
  };
  for (const [name, s] of Object.entries(samples)) {
    test(`${name} is RAW as soon as it cannot be HTTP, LPD or TLS`, () => {
      assertGrowing(b(s), 'raw');
      // An upper-case first byte could start an HTTP method; anything else decides at once.
      if (!/^[A-Z]/.test(s)) assert.equal(kind(s.slice(0, 1)), 'raw');
    });
  }
  test('no bytes yet is need-more', () => {
    assert.equal(kind(''), 'need-more');
  });
});
