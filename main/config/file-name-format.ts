// PrintJobFileNameFormat: the name of a stored job's file. Tokens from the guide: %d time
// printed, %i cycle counter, %u user name, %pd driver name, %pq queue name; %% is a
// literal percent sign. %i is required: it is what keeps two names from colliding.
import { bad, ok, type ValueParser } from './values.js';

export const FILE_NAME_TOKENS = ['%d', '%i', '%u', '%pd', '%pq'] as const;

const ALLOWED = 'a file name using %d %i %u %pd %pq (and %% for a literal %), containing %i, not starting with ".", without / \\ : * ? " < > |';

export const printJobFileNameFormat: ValueParser<string> = (text) => {
  if (text.length === 0 || text.length > 200) return bad(ALLOWED);
  // eslint-disable-next-line no-control-regex
  if (/[/\\:*?"<>|\u0000-\u001f]/.test(text)) return bad(ALLOWED, 'this is a file name inside the spool folder, not a path');
  // The spool keeps its own temporary files and records under names starting with a dot.
  if (text.startsWith('.')) return bad(ALLOWED, 'a name may not start with "." (those names are the spool\'s own)');
  let hasCounter = false;
  for (let i = 0; i < text.length; i++) {
    if (text[i] !== '%') continue;
    const two = text.slice(i, i + 2);
    const three = text.slice(i, i + 3);
    if (two === '%%') i += 1;
    else if (three === '%pd' || three === '%pq') i += 2;
    else if (two === '%d' || two === '%u') i += 1;
    else if (two === '%i') {
      hasCounter = true;
      i += 1;
    } else return bad(ALLOWED, `unknown token "${three.startsWith('%p') ? three : two}"`);
  }
  if (!hasCounter) return bad(ALLOWED, '%i (the cycle counter) is required so that two jobs never get the same file name');
  return ok(text);
};
