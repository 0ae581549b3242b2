// The syntax of an RFC 4515 search filter, checked when the file is read so that a bad
// Directory/UserFilter is reported with its line instead of failing at the first sign-in.
// `{user}` is ordinary value text here: the directory module replaces it with the escaped
// sign-in name, and braces are valid filter characters.

const MAX_DEPTH = 32;
const ATTR = String.raw`(?:[A-Za-z][A-Za-z0-9-]*|\d+(?:\.\d+)+)(?:;[A-Za-z0-9-]+)*`;
const RULE = String.raw`(?:[A-Za-z][A-Za-z0-9-]*|\d+(?:\.\d+)+)`;
// Any character but NUL, parentheses, `*` and `\`, or a `\XX` escape (RFC 4515 §3).
const VALUE = String.raw`(?:[^\u0000()*\\]|\\[0-9A-Fa-f]{2})*`;
const SIMPLE = new RegExp(`^${ATTR}(?:~=|>=|<=)${VALUE}$`);
// `=` also covers presence (`=*`) and substrings (`=a*b*c`).
const EQUALITY = new RegExp(String.raw`^${ATTR}=(?:${VALUE}\*)*${VALUE}$`);
const EXTENSIBLE = new RegExp(`^(?:${ATTR}(?::dn)?(?::${RULE})?|(?::dn)?:${RULE}):=${VALUE}$`, 'i');

/** Null when `filter` is one well-formed RFC 4515 filter, else what is wrong with it. */
export function filterSyntaxError(filter: string): string | null {
  let i = 0;
  const fail = (why: string): never => {
    throw new FilterSyntax(`${why} at character ${i + 1}`);
  };
  const parse = (depth: number): void => {
    if (depth > MAX_DEPTH) fail(`filters nested deeper than ${MAX_DEPTH}`);
    if (filter[i] !== '(') fail('"(" expected');
    i++;
    const op = filter[i];
    if (op === '&' || op === '|') {
      i++;
      if (filter[i] !== '(') fail(`"${op}" needs at least one filter in parentheses`);
      while (filter[i] === '(') parse(depth + 1);
    } else if (op === '!') {
      i++;
      parse(depth + 1);
    } else {
      const end = filter.indexOf(')', i);
      const open = filter.indexOf('(', i);
      if (end < 0) fail('")" missing');
      if (open >= 0 && open < end) {
        i = open;
        fail('"(" inside a value: write it as \\28');
      }
      const item = filter.slice(i, end);
      if (!SIMPLE.test(item) && !EQUALITY.test(item) && !EXTENSIBLE.test(item)) {
        fail(`"(${item})" is not attribute=value (a literal * ( ) \\ in a value is written \\2a \\28 \\29 \\5c)`);
      }
      i = end;
    }
    if (filter[i] !== ')') fail('")" expected');
    i++;
  };
  try {
    parse(0);
    if (i !== filter.length) fail('text after the closing ")"');
    return null;
  } catch (err) {
    if (err instanceof FilterSyntax) return err.message;
    throw err;
  }
}

class FilterSyntax extends Error {}
