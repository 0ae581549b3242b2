// A small JSON Schema (draft-07) validator for the keywords electron-builder's
// scheme.json uses: type, properties, additionalProperties, required, enum, const,
// items, minItems, maxItems, anyOf, oneOf, allOf, $ref to #/definitions. Any other
// validation keyword is an error of the validator, never silently ignored.

export type Schema = boolean | { readonly [k: string]: unknown };

const ANNOTATIONS = new Set(['$schema', 'description', 'default', 'title', 'definitions', 'examples', 'deprecated', 'markdownDescription', 'typeof']);
const HANDLED = new Set(['type', 'properties', 'additionalProperties', 'required', 'enum', 'const', 'items', 'minItems', 'maxItems', 'anyOf', 'oneOf', 'allOf', '$ref', 'pattern']);

export interface SchemaIssue {
  readonly path: string;
  readonly message: string;
}

function typeOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}

function typeMatches(want: string, v: unknown): boolean {
  const t = typeOf(v);
  return want === t || (want === 'number' && t === 'integer');
}

export class Validator {
  readonly #root: { definitions?: Record<string, Schema> };

  constructor(root: Schema) {
    if (typeof root !== 'object') throw new TypeError('root schema must be an object');
    this.#root = root as { definitions?: Record<string, Schema> };
  }

  validate(value: unknown): SchemaIssue[] {
    return this.#check(this.#root as Schema, value, '');
  }

  #resolve(ref: string): Schema {
    const m = /^#\/definitions\/(.+)$/.exec(ref);
    const s = m ? this.#root.definitions?.[decodeURIComponent(m[1])] : undefined;
    if (s === undefined) throw new Error(`unresolvable $ref ${ref}`);
    return s;
  }

  #check(schema: Schema, v: unknown, path: string): SchemaIssue[] {
    if (schema === true) return [];
    if (schema === false) return [{ path, message: 'no value is allowed here' }];
    for (const k of Object.keys(schema)) {
      if (!HANDLED.has(k) && !ANNOTATIONS.has(k)) throw new Error(`validator does not implement keyword ${k} (at ${path || '/'})`);
    }
    const issues: SchemaIssue[] = [];
    const s = schema as Record<string, unknown>;
    if (typeof s.$ref === 'string') issues.push(...this.#check(this.#resolve(s.$ref), v, path));
    if (s.type !== undefined) {
      const types = Array.isArray(s.type) ? (s.type as string[]) : [s.type as string];
      if (!types.some((t) => typeMatches(t, v))) return [...issues, { path, message: `expected ${types.join(' or ')}, got ${typeOf(v)}` }];
    }
    if (Array.isArray(s.enum) && !s.enum.some((e) => JSON.stringify(e) === JSON.stringify(v))) {
      issues.push({ path, message: `must be one of ${JSON.stringify(s.enum)}, got ${JSON.stringify(v)}` });
    }
    if ('const' in s && JSON.stringify(s.const) !== JSON.stringify(v)) issues.push({ path, message: `must be ${JSON.stringify(s.const)}` });
    if (typeof s.pattern === 'string' && typeof v === 'string' && !new RegExp(s.pattern, 'u').test(v)) issues.push({ path, message: `does not match ${s.pattern}` });
    if (typeOf(v) === 'object') {
      const obj = v as Record<string, unknown>;
      const props = (s.properties ?? {}) as Record<string, Schema>;
      for (const r of (s.required as string[] | undefined) ?? []) if (!(r in obj)) issues.push({ path, message: `missing required ${r}` });
      for (const [k, val] of Object.entries(obj)) {
        const p = `${path}/${k}`;
        if (k in props) issues.push(...this.#check(props[k], val, p));
        else if (s.additionalProperties === false) issues.push({ path: p, message: 'unknown property' });
        else if (typeof s.additionalProperties === 'object') issues.push(...this.#check(s.additionalProperties as Schema, val, p));
      }
    }
    if (Array.isArray(v)) {
      if (typeof s.minItems === 'number' && v.length < s.minItems) issues.push({ path, message: `fewer than ${s.minItems} items` });
      if (typeof s.maxItems === 'number' && v.length > s.maxItems) issues.push({ path, message: `more than ${s.maxItems} items` });
      if (Array.isArray(s.items)) (s.items as Schema[]).forEach((it, i) => { if (i < v.length) issues.push(...this.#check(it, v[i], `${path}/${i}`)); });
      else if (s.items !== undefined) v.forEach((item, i) => issues.push(...this.#check(s.items as Schema, item, `${path}/${i}`)));
    }
    if (Array.isArray(s.allOf)) for (const sub of s.allOf as Schema[]) issues.push(...this.#check(sub, v, path));
    if (Array.isArray(s.anyOf)) {
      const results = (s.anyOf as Schema[]).map((sub) => this.#check(sub, v, path));
      if (!results.some((r) => r.length === 0)) {
        // The closest alternative's issues say most about what is wrong.
        const best = results.reduce((a, b) => (b.length < a.length ? b : a));
        issues.push(...best, { path, message: `matches none of ${results.length} alternatives` });
      }
    }
    if (Array.isArray(s.oneOf)) {
      const ok = (s.oneOf as Schema[]).filter((sub) => this.#check(sub, v, path).length === 0).length;
      if (ok !== 1) issues.push({ path, message: `must match exactly one alternative, matches ${ok}` });
    }
    return issues;
  }
}
