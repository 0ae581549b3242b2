// The local control channel's wire format: newline-delimited JSON, one request per line,
// answered in order on the same connection.
//   request:  {"id": 1, "method": "status", "params": {}}
//   response: {"id": 1, "ok": true, "result": ...} | {"id": 1, "ok": false, "error": {"code", "message"}}
// Requests are validated with zod; anything else gets a clear error and the connection
// stays usable (except past the line limit, where it is closed).

import { z } from 'zod';

export const MAX_LINE_BYTES = 1024 * 1024;

export const requestSchema = z.object({
  id: z.union([z.number().int(), z.string().max(64)]),
  method: z.string().min(1).max(64),
  params: z.record(z.string(), z.unknown()).optional(),
}).strict();

export type ControlRequest = z.infer<typeof requestSchema>;

export interface ControlErrorBody {
  readonly code: string;
  readonly message: string;
}

export type ControlResponse =
  | { id: number | string | null; ok: true; result: unknown }
  | { id: number | string | null; ok: false; error: ControlErrorBody };

/** One method the channel serves: its parameter schema and its implementation. */
export interface ControlMethod<S extends z.ZodType = z.ZodType> {
  readonly params: S;
  run(params: z.infer<S>): Promise<unknown> | unknown;
}

export type ControlMethods = Readonly<Record<string, ControlMethod>>;

export function defineMethod<S extends z.ZodType>(params: S, run: (p: z.infer<S>) => Promise<unknown> | unknown): ControlMethod {
  return { params, run: run as ControlMethod['run'] };
}
