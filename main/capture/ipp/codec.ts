// Binary form of IPP messages (RFC 8010 §3): the message types and the decoder (the
// encoder is encode.ts, re-exported here). The decoder is incremental: the request
// body arrives as a stream, the attribute part is followed by the document, and only the
// attribute part is ever buffered, up to a hard cap. Every length, count and nesting
// depth is bounded; anything out of shape is an IppDecodeError (CaptureError
// MALFORMED_IPP), never a crash and never an unbounded allocation.
import { CaptureError } from '../../util/errors.js';
import { GroupTag, ValueTag } from './tags.js';

export type IppValue =
  | { readonly kind: 'int'; readonly tag: number; readonly value: number }
  | { readonly kind: 'bool'; readonly tag: number; readonly value: boolean }
  | { readonly kind: 'range'; readonly tag: number; readonly lower: number; readonly upper: number }
  | { readonly kind: 'resolution'; readonly tag: number; readonly x: number; readonly y: number; readonly units: number }
  | { readonly kind: 'string'; readonly tag: number; readonly value: string }
  | { readonly kind: 'lang-string'; readonly tag: number; readonly lang: string; readonly value: string }
  | { readonly kind: 'collection'; readonly tag: number; readonly members: readonly IppAttribute[] }
  | { readonly kind: 'out-of-band'; readonly tag: number }
  /** octetString, dateTime and tags this codec does not interpret, kept as raw bytes. */
  | { readonly kind: 'octets'; readonly tag: number; readonly value: Buffer };

export interface IppAttribute {
  readonly name: string;
  readonly values: readonly IppValue[];
}

export interface IppGroup {
  readonly tag: number;
  readonly attributes: readonly IppAttribute[];
}

export interface IppMessage {
  readonly major: number;
  readonly minor: number;
  /** operation-id in a request, status-code in a response. */
  readonly code: number;
  readonly requestId: number;
  readonly groups: readonly IppGroup[];
}

export interface IppDecodeLimits {
  /** Bytes of header plus attribute groups (the document is not counted). */
  readonly maxAttributeBytes: number;
  /** Octets of an attribute or member name (RFC 8011 keywords are at most 255). */
  readonly maxNameLength: number;
  /** Attributes, collection members included. */
  readonly maxAttributes: number;
  /** Values over all attributes and members. */
  readonly maxValues: number;
  readonly maxGroups: number;
  /** Collections inside collections. */
  readonly maxCollectionDepth: number;
}

export const DEFAULT_DECODE_LIMITS: IppDecodeLimits = {
  maxAttributeBytes: 1024 * 1024,
  maxNameLength: 255,
  maxAttributes: 1024,
  maxValues: 8192,
  maxGroups: 64,
  maxCollectionDepth: 8,
};

/** RFC 8010 lengths are SIGNED-SHORT: 0..32767. */
const MAX_FIELD_LENGTH = 0x7fff;

/** A request the codec refuses; requestId is set once the 8-byte header was read. */
export class IppDecodeError extends CaptureError {
  readonly requestId: number | null;
  constructor(message: string, requestId: number | null) {
    super('MALFORMED_IPP', message);
    this.name = 'IppDecodeError';
    this.requestId = requestId;
  }
}

interface MutableAttribute {
  readonly name: string;
  readonly values: IppValue[];
}

interface CollectionFrame {
  readonly members: MutableAttribute[];
  current: MutableAttribute | null;
}

export type DecodeStep =
  | { readonly done: false }
  | {
      readonly done: true;
      readonly message: IppMessage;
      /** Bytes after the end-of-attributes tag: the start of the document, if any. */
      readonly rest: Buffer;
    };

/**
 * Feeds body chunks in, returns the message once the end-of-attributes tag was seen.
 * Parsing resumes where the last complete item ended, so total work is linear in the
 * bytes received however the chunks are cut.
 */
export class IppRequestDecoder {
  private buf: Buffer;
  private len = 0;
  private pos = 0;
  private headerRead = false;
  private finished = false;
  private major = 0;
  private minor = 0;
  private code = 0;
  private requestId: number | null = null;
  private readonly groups: { tag: number; attributes: MutableAttribute[] }[] = [];
  private currentAttr: MutableAttribute | null = null;
  private readonly stack: CollectionFrame[] = [];
  private attributeCount = 0;
  private valueCount = 0;

  constructor(private readonly limits: IppDecodeLimits = DEFAULT_DECODE_LIMITS) {
    this.buf = Buffer.alloc(Math.min(4096, limits.maxAttributeBytes));
  }

  /** Bytes held in the internal buffer (never more than maxAttributeBytes). */
  get bufferedBytes(): number {
    return this.len;
  }

  /** The request-id once the header was read, for an error answer. */
  get knownRequestId(): number | null {
    return this.requestId;
  }

  push(chunk: Buffer): DecodeStep {
    if (this.finished) throw new Error('IppRequestDecoder.push after the message was complete');
    // Take only what still fits under the cap; the remainder is either document bytes
    // (returned as part of `rest`) or proof that the attribute part is too large.
    const room = this.limits.maxAttributeBytes - this.len;
    const take = Math.min(room, chunk.length);
    this.append(chunk.subarray(0, take));
    const end = this.parse();
    if (end !== null) {
      this.finished = true;
      const rest = Buffer.concat([this.buf.subarray(end, this.len), chunk.subarray(take)]);
      this.buf = Buffer.alloc(0);
      this.len = 0;
      return { done: true, message: this.message(), rest };
    }
    if (this.len >= this.limits.maxAttributeBytes) {
      throw this.fail(`attribute groups exceed ${this.limits.maxAttributeBytes} bytes`);
    }
    return { done: false };
  }

  /** The body ended: a message still incomplete is truncated. */
  end(): never {
    throw this.fail(this.headerRead ? 'request ends before end-of-attributes-tag' : 'request shorter than the 8-byte IPP header');
  }

  private append(bytes: Buffer): void {
    if (bytes.length === 0) return;
    const need = this.len + bytes.length;
    if (need > this.buf.length) {
      let cap = Math.max(this.buf.length * 2, 4096);
      while (cap < need) cap *= 2;
      const next = Buffer.alloc(Math.min(cap, this.limits.maxAttributeBytes));
      this.buf.copy(next, 0, 0, this.len);
      this.buf = next;
    }
    bytes.copy(this.buf, this.len);
    this.len = need;
  }

  private fail(message: string): IppDecodeError {
    return new IppDecodeError(message, this.requestId);
  }

  private message(): IppMessage {
    return {
      major: this.major,
      minor: this.minor,
      code: this.code,
      requestId: this.requestId ?? 0,
      groups: this.groups,
    };
  }

  /** Advances over complete items; returns the offset after the end tag, or null for "need more". */
  private parse(): number | null {
    const b = this.buf;
    if (!this.headerRead) {
      if (this.len < 8) return null;
      this.major = b[0];
      this.minor = b[1];
      this.code = b.readUInt16BE(2);
      this.requestId = b.readInt32BE(4);
      this.headerRead = true;
      this.pos = 8;
    }
    for (;;) {
      if (this.pos >= this.len) return null;
      const tag = b[this.pos];
      if (tag < 0x10) {
        if (this.stack.length > 0) throw this.fail(`delimiter tag 0x${hex(tag)} inside an open collection`);
        if (tag === 0x00) throw this.fail('reserved delimiter tag 0x00');
        this.pos += 1;
        if (tag === GroupTag.end) return this.pos;
        if (this.groups.length >= this.limits.maxGroups) throw this.fail(`more than ${this.limits.maxGroups} attribute groups`);
        this.groups.push({ tag, attributes: [] });
        this.currentAttr = null;
        continue;
      }
      if (tag >= 0x80) throw this.fail(`invalid value tag 0x${hex(tag)}`);
      // tag(1) name-length(2) name value-length(2) value: wait until the whole item is here.
      if (this.len - this.pos < 3) return null;
      const nameLen = b.readUInt16BE(this.pos + 1);
      if (nameLen > MAX_FIELD_LENGTH) throw this.fail(`name-length ${nameLen} is negative as a SIGNED-SHORT`);
      if (nameLen > this.limits.maxNameLength) throw this.fail(`attribute name of ${nameLen} octets exceeds ${this.limits.maxNameLength}`);
      if (this.len - this.pos < 5 + nameLen) return null;
      const valueLen = b.readUInt16BE(this.pos + 3 + nameLen);
      if (valueLen > MAX_FIELD_LENGTH) throw this.fail(`value-length ${valueLen} is negative as a SIGNED-SHORT`);
      const valueStart = this.pos + 5 + nameLen;
      if (this.len - valueStart < valueLen) return null;
      const name = nameLen > 0 ? keywordText(b.subarray(this.pos + 3, this.pos + 3 + nameLen), (m) => this.fail(m)) : '';
      const value = b.subarray(valueStart, valueStart + valueLen);
      this.item(tag, name, value);
      this.pos = valueStart + valueLen;
    }
  }

  private item(tag: number, name: string, value: Buffer): void {
    const group = this.groups[this.groups.length - 1];
    if (!group) throw this.fail('attribute before the first group tag');
    const frame = this.stack[this.stack.length - 1];
    if (!frame) {
      if (tag === ValueTag.endCollection) throw this.fail('endCollection outside a collection');
      if (tag === ValueTag.memberAttrName) throw this.fail('memberAttrName outside a collection');
      if (name !== '') {
        this.countAttribute();
        this.currentAttr = { name, values: [] };
        group.attributes.push(this.currentAttr);
      } else if (!this.currentAttr) {
        throw this.fail('additional value without an attribute');
      }
      this.addValue(this.currentAttr, tag, value);
      return;
    }
    if (name !== '') throw this.fail(`named attribute "${name}" inside a collection`);
    if (tag === ValueTag.endCollection) {
      if (value.length !== 0) throw this.fail('endCollection with a value');
      if (frame.current && frame.current.values.length === 0) throw this.fail(`member "${frame.current.name}" has no value`);
      this.stack.pop();
      return;
    }
    if (tag === ValueTag.memberAttrName) {
      if (frame.current && frame.current.values.length === 0) throw this.fail(`member "${frame.current.name}" has no value`);
      if (value.length === 0) throw this.fail('empty memberAttrName');
      if (value.length > this.limits.maxNameLength) throw this.fail(`member name of ${value.length} octets exceeds ${this.limits.maxNameLength}`);
      this.countAttribute();
      frame.current = { name: keywordText(value, (m) => this.fail(m)), values: [] };
      frame.members.push(frame.current);
      return;
    }
    if (!frame.current) throw this.fail('collection value without memberAttrName');
    this.addValue(frame.current, tag, value);
  }

  private countAttribute(): void {
    this.attributeCount += 1;
    if (this.attributeCount > this.limits.maxAttributes) throw this.fail(`more than ${this.limits.maxAttributes} attributes`);
  }

  private addValue(target: MutableAttribute, tag: number, value: Buffer): void {
    this.valueCount += 1;
    if (this.valueCount > this.limits.maxValues) throw this.fail(`more than ${this.limits.maxValues} values`);
    if (tag === ValueTag.begCollection) {
      if (this.stack.length >= this.limits.maxCollectionDepth) throw this.fail(`collections nested deeper than ${this.limits.maxCollectionDepth}`);
      const members: MutableAttribute[] = [];
      target.values.push({ kind: 'collection', tag, members });
      this.stack.push({ members, current: null });
      return;
    }
    target.values.push(decodeValue(tag, value, (m) => this.fail(m)));
  }
}

function hex(n: number): string {
  return n.toString(16).padStart(2, '0');
}

/** Attribute names are keywords: visible US-ASCII only. */
function keywordText(bytes: Buffer, fail: (m: string) => Error): string {
  for (const c of bytes) {
    if (c < 0x21 || c > 0x7e) throw fail(`attribute name contains byte 0x${hex(c)}`);
  }
  return bytes.toString('latin1');
}

function decodeValue(tag: number, v: Buffer, fail: (m: string) => Error): IppValue {
  if (tag >= 0x10 && tag <= 0x1f) return { kind: 'out-of-band', tag };
  switch (tag) {
    case ValueTag.integer:
    case ValueTag.enum:
      if (v.length !== 4) throw fail(`integer value of ${v.length} octets`);
      return { kind: 'int', tag, value: v.readInt32BE(0) };
    case ValueTag.boolean:
      if (v.length !== 1 || v[0] > 1) throw fail('boolean value is not one octet 0 or 1');
      return { kind: 'bool', tag, value: v[0] === 1 };
    case ValueTag.rangeOfInteger:
      if (v.length !== 8) throw fail(`rangeOfInteger value of ${v.length} octets`);
      return { kind: 'range', tag, lower: v.readInt32BE(0), upper: v.readInt32BE(4) };
    case ValueTag.resolution:
      if (v.length !== 9) throw fail(`resolution value of ${v.length} octets`);
      return { kind: 'resolution', tag, x: v.readInt32BE(0), y: v.readInt32BE(4), units: v[8] };
    case ValueTag.dateTime:
      if (v.length !== 11) throw fail(`dateTime value of ${v.length} octets`);
      return { kind: 'octets', tag, value: Buffer.from(v) };
    case ValueTag.textWithLanguage:
    case ValueTag.nameWithLanguage: {
      if (v.length < 4) throw fail('xxxWithLanguage value too short');
      const langLen = v.readUInt16BE(0);
      if (2 + langLen + 2 > v.length) throw fail('xxxWithLanguage language overruns the value');
      const textLen = v.readUInt16BE(2 + langLen);
      if (4 + langLen + textLen !== v.length) throw fail('xxxWithLanguage lengths do not add up');
      return {
        kind: 'lang-string',
        tag,
        lang: v.subarray(2, 2 + langLen).toString('latin1'),
        value: v.subarray(4 + langLen).toString('utf8'),
      };
    }
    default:
      break;
  }
  // 0x40-0x5F are character-string types (text and name are UTF-8, the rest US-ASCII).
  if (tag >= 0x40 && tag <= 0x5f) return { kind: 'string', tag, value: v.toString('utf8') };
  return { kind: 'octets', tag, value: Buffer.from(v) };
}

/** Decodes a complete message held in one buffer (responses in tests, whole requests). */
export function decodeMessage(bytes: Buffer, limits: IppDecodeLimits = DEFAULT_DECODE_LIMITS): { message: IppMessage; rest: Buffer } {
  const d = new IppRequestDecoder(limits);
  const step = d.push(bytes);
  if (!step.done) return d.end();
  return { message: step.message, rest: step.rest };
}

export { encodeMessage } from './encode.js';
