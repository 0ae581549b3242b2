// The reference server's errors: an HTTP status paired with a stable code, answered as
// {"error":{"code","message"}} (docs/cloud-api.md, "Errors").

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly headers: Readonly<Record<string, string>>;

  constructor(status: number, code: string, message: string, headers: Record<string, string> = {}) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.headers = headers;
  }
}

export const unauthorized = (code: 'MISSING_TOKEN' | 'INVALID_TOKEN' | 'TOKEN_EXPIRED', message: string): ApiError =>
  new ApiError(401, code, message, {
    'www-authenticate': code === 'MISSING_TOKEN' ? 'Bearer realm="pullprint"' : `Bearer realm="pullprint", error="invalid_token"`,
  });

export const notFound = (what = 'no such job'): ApiError => new ApiError(404, 'NOT_FOUND', what);
