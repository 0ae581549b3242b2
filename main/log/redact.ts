// The redaction layer every log line passes through. No token, password, Authorization
// header, cookie, query-string value or job content may ever reach a log (STYLE.md:
// Signal logs HTTP errors by status only). Applied to the message and to the metadata.

const SECRET_KEY = /pass(word|wd|phrase)?$|secret|token|authorization|cookie|api[-_]?key|credential|^code$|code[-_]?verifier|assertion|private[-_]?key|^pin$/i;
const CONTENT_KEY = /^(data|document|body|content|payload|chunk|bytes)$/i;
const MAX_DEPTH = 6;
const MAX_STRING = 2000;

export const REDACTED = '[REDACTED]';

/** Scrubs secrets out of free text: bearer/basic credentials, JWTs, URL query values, key=value secrets, PEM blocks. */
export function redactText(text: string): string {
  let s = text.length > MAX_STRING ? `${text.slice(0, MAX_STRING)}…[${text.length - MAX_STRING} more chars]` : text;
  s = s.replace(/-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(-----END [A-Z ]*PRIVATE KEY-----|$)/g, `${REDACTED} private key`);
  s = s.replace(/\b(Bearer|Basic|Negotiate|Digest)\s+[A-Za-z0-9\-._~+/=,"]+/gi, `$1 ${REDACTED}`);
  s = s.replace(/\beyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*/g, `${REDACTED} jwt`);
  // Query strings: keep the parameter names, drop every value.
  s = s.replace(/([?&][^=&#\s"']+)=([^&#\s"']*)/g, `$1=${REDACTED}`);
  // key=value and "key": "value" forms whose key looks secret.
  s = s.replace(
    /\b([A-Za-z_-]*(?:password|passwd|secret|token|api[-_]?key|cookie|authorization|code_verifier)[A-Za-z_-]*)(["']?\s*[:=]\s*["']?)([^\s"'&,;}]+)/gi,
    `$1$2${REDACTED}`,
  );
  return s;
}

function redactValue(key: string, value: unknown, depth: number, seen: WeakSet<object>): unknown {
  if (value === null || value === undefined) return value;
  if (SECRET_KEY.test(key)) return REDACTED;
  if (typeof value === 'string') return CONTENT_KEY.test(key) ? `[${Buffer.byteLength(value)} bytes]` : redactText(value);
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return value;
  if (Buffer.isBuffer(value) || value instanceof Uint8Array) return `[${value.byteLength} bytes]`;
  if (value instanceof ArrayBuffer) return `[${value.byteLength} bytes]`;
  if (typeof value === 'function' || typeof value === 'symbol') return undefined;
  if (value instanceof Date) return value.toISOString();
  if (value instanceof URL) return redactText(value.href);
  if (typeof value !== 'object') return undefined;
  if (seen.has(value)) return '[Circular]';
  if (depth >= MAX_DEPTH) return '[…]';
  seen.add(value);
  if (value instanceof Error) {
    const out: Record<string, unknown> = { name: value.name, message: redactText(value.message) };
    const code = (value as { code?: unknown }).code;
    if (typeof code === 'string' || typeof code === 'number') out.code = code;
    if (value.stack) out.stack = redactText(value.stack.split('\n').slice(0, 8).join('\n'));
    if (value.cause !== undefined) out.cause = redactValue('cause', value.cause, depth + 1, seen);
    return out;
  }
  if (Array.isArray(value)) return value.slice(0, 100).map((v) => redactValue('', v, depth + 1, seen));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    // Header objects: keep their names, drop sensitive values.
    const r = redactValue(k, v, depth + 1, seen);
    if (r !== undefined) out[k] = r;
  }
  return out;
}

/** A deep copy of `meta` safe to log. Never throws. */
export function redactMeta(meta: Record<string, unknown>): Record<string, unknown> {
  try {
    return redactValue('', meta, 0, new WeakSet()) as Record<string, unknown>;
  } catch {
    return { note: 'metadata could not be redacted and was dropped' };
  }
}
