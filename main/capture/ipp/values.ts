// Small constructors and readers for IPP attributes, so the printer and job attribute
// tables read like the specifications that define them.
import type { IppAttribute, IppGroup, IppValue } from './codec.js';
import { ValueTag } from './tags.js';

export const val = {
  integer: (value: number): IppValue => ({ kind: 'int', tag: ValueTag.integer, value }),
  enum: (value: number): IppValue => ({ kind: 'int', tag: ValueTag.enum, value }),
  boolean: (value: boolean): IppValue => ({ kind: 'bool', tag: ValueTag.boolean, value }),
  range: (lower: number, upper: number): IppValue => ({ kind: 'range', tag: ValueTag.rangeOfInteger, lower, upper }),
  /** units 3 = dots per inch, 4 = dots per centimetre. */
  resolution: (x: number, y: number, units = 3): IppValue => ({ kind: 'resolution', tag: ValueTag.resolution, x, y, units }),
  text: (value: string): IppValue => ({ kind: 'string', tag: ValueTag.text, value }),
  name: (value: string): IppValue => ({ kind: 'string', tag: ValueTag.name, value }),
  keyword: (value: string): IppValue => ({ kind: 'string', tag: ValueTag.keyword, value }),
  uri: (value: string): IppValue => ({ kind: 'string', tag: ValueTag.uri, value }),
  charset: (value: string): IppValue => ({ kind: 'string', tag: ValueTag.charset, value }),
  language: (value: string): IppValue => ({ kind: 'string', tag: ValueTag.naturalLanguage, value }),
  mime: (value: string): IppValue => ({ kind: 'string', tag: ValueTag.mimeMediaType, value }),
  octets: (value: Buffer): IppValue => ({ kind: 'octets', tag: ValueTag.octetString, value }),
  collection: (members: IppAttribute[]): IppValue => ({ kind: 'collection', tag: ValueTag.begCollection, members }),
  noValue: (): IppValue => ({ kind: 'out-of-band', tag: ValueTag.noValue }),
  /** RFC 2579 DateAndTime in UTC (11 octets). */
  dateTime: (ms: number): IppValue => {
    const d = new Date(ms);
    const b = Buffer.alloc(11);
    b.writeUInt16BE(d.getUTCFullYear(), 0);
    b[2] = d.getUTCMonth() + 1;
    b[3] = d.getUTCDate();
    b[4] = d.getUTCHours();
    b[5] = d.getUTCMinutes();
    b[6] = d.getUTCSeconds();
    b[7] = Math.floor(d.getUTCMilliseconds() / 100);
    b[8] = 0x2b; // '+'
    b[9] = 0;
    b[10] = 0;
    return { kind: 'octets', tag: ValueTag.dateTime, value: b };
  },
};

export function attr(name: string, ...values: IppValue[]): IppAttribute {
  return { name, values };
}

export function attrs(name: string, make: (v: string) => IppValue, values: readonly string[]): IppAttribute {
  return { name, values: values.map(make) };
}

export function findAttribute(group: IppGroup | undefined, name: string): IppAttribute | undefined {
  return group?.attributes.find((a) => a.name === name);
}

/** The first value as a string when it is one of the given tags (any string tag if none given). */
export function stringValue(a: IppAttribute | undefined, ...tags: number[]): string | undefined {
  const v = a?.values[0];
  if (!v) return undefined;
  if (v.kind === 'string' && (tags.length === 0 || tags.includes(v.tag))) return v.value;
  if (v.kind === 'lang-string' && (tags.length === 0 || tags.includes(v.tag === ValueTag.nameWithLanguage ? ValueTag.name : ValueTag.text))) {
    return v.value;
  }
  return undefined;
}

export function intValue(a: IppAttribute | undefined, tag: number = ValueTag.integer): number | undefined {
  const v = a?.values[0];
  return v && v.kind === 'int' && v.tag === tag ? v.value : undefined;
}

export function boolValue(a: IppAttribute | undefined): boolean | undefined {
  const v = a?.values[0];
  return v && v.kind === 'bool' ? v.value : undefined;
}

/** Every value of a 1setOf keyword attribute; undefined when any value is not a keyword. */
export function keywordValues(a: IppAttribute | undefined): string[] | undefined {
  if (!a) return undefined;
  const out: string[] = [];
  for (const v of a.values) {
    if (v.kind !== 'string' || v.tag !== ValueTag.keyword) return undefined;
    out.push(v.value);
  }
  return out;
}

/** Cuts a UTF-8 string to at most maxBytes octets without splitting a character. */
export function truncateUtf8(s: string, maxBytes: number): string {
  if (Buffer.byteLength(s, 'utf8') <= maxBytes) return s;
  let out = '';
  let used = 0;
  for (const ch of s) {
    const n = Buffer.byteLength(ch, 'utf8');
    if (used + n > maxBytes) break;
    out += ch;
    used += n;
  }
  return out;
}
