// Encoding of IPP messages (RFC 8010 §3): responses of the capture printer, and requests
// in tests. Lengths are checked against the SIGNED-SHORT limit of the wire format.
import type { IppAttribute, IppMessage, IppValue } from './codec.js';
import { GroupTag, ValueTag } from './tags.js';

/** RFC 8010 lengths are SIGNED-SHORT: 0..32767. */
const MAX_FIELD_LENGTH = 0x7fff;

class Writer {
  private parts: Buffer[] = [];
  bytes(b: Buffer): void {
    this.parts.push(b);
  }
  u8(n: number): void {
    this.parts.push(Buffer.from([n & 0xff]));
  }
  u16(n: number): void {
    const b = Buffer.alloc(2);
    b.writeUInt16BE(n);
    this.parts.push(b);
  }
  i32(n: number): void {
    const b = Buffer.alloc(4);
    b.writeInt32BE(n);
    this.parts.push(b);
  }
  done(): Buffer {
    return Buffer.concat(this.parts);
  }
}

function checkLength(len: number, what: string): number {
  if (len > MAX_FIELD_LENGTH) throw new RangeError(`${what} of ${len} octets exceeds ${MAX_FIELD_LENGTH}`);
  return len;
}

function valueBytes(v: IppValue): Buffer {
  switch (v.kind) {
    case 'int': {
      const b = Buffer.alloc(4);
      b.writeInt32BE(v.value);
      return b;
    }
    case 'bool':
      return Buffer.from([v.value ? 1 : 0]);
    case 'range': {
      const b = Buffer.alloc(8);
      b.writeInt32BE(v.lower, 0);
      b.writeInt32BE(v.upper, 4);
      return b;
    }
    case 'resolution': {
      const b = Buffer.alloc(9);
      b.writeInt32BE(v.x, 0);
      b.writeInt32BE(v.y, 4);
      b.writeUInt8(v.units, 8);
      return b;
    }
    case 'string':
      return Buffer.from(v.value, 'utf8');
    case 'lang-string': {
      const lang = Buffer.from(v.lang, 'latin1');
      const text = Buffer.from(v.value, 'utf8');
      const b = Buffer.alloc(4 + lang.length + text.length);
      b.writeUInt16BE(checkLength(lang.length, 'language'), 0);
      lang.copy(b, 2);
      b.writeUInt16BE(checkLength(text.length, 'text'), 2 + lang.length);
      text.copy(b, 4 + lang.length);
      return b;
    }
    case 'out-of-band':
      return Buffer.alloc(0);
    case 'octets':
      return v.value;
    case 'collection':
      return Buffer.alloc(0);
  }
}

function writeItem(w: Writer, tag: number, name: string, value: Buffer): void {
  const n = Buffer.from(name, 'latin1');
  w.u8(tag);
  w.u16(checkLength(n.length, `name "${name.slice(0, 40)}"`));
  w.bytes(n);
  w.u16(checkLength(value.length, `value of "${name.slice(0, 40)}"`));
  w.bytes(value);
}

function writeValue(w: Writer, name: string, v: IppValue): void {
  if (v.kind !== 'collection') {
    writeItem(w, v.tag, name, valueBytes(v));
    return;
  }
  writeItem(w, ValueTag.begCollection, name, Buffer.alloc(0));
  for (const m of v.members) {
    writeItem(w, ValueTag.memberAttrName, '', Buffer.from(m.name, 'latin1'));
    for (const mv of m.values) writeValue(w, '', mv);
  }
  writeItem(w, ValueTag.endCollection, '', Buffer.alloc(0));
}

function encodeAttribute(w: Writer, a: IppAttribute): void {
  if (a.values.length === 0) throw new RangeError(`attribute "${a.name}" has no value`);
  a.values.forEach((v, i) => writeValue(w, i === 0 ? a.name : '', v));
}

export function encodeMessage(m: IppMessage): Buffer {
  const w = new Writer();
  w.u8(m.major);
  w.u8(m.minor);
  w.u16(m.code);
  w.i32(m.requestId);
  for (const g of m.groups) {
    w.u8(g.tag);
    for (const a of g.attributes) encodeAttribute(w, a);
  }
  w.u8(GroupTag.end);
  return w.done();
}
