// The capture side's fixed limits and the log codes it writes. Every number here is a
// bound on memory or time that a hostile or broken peer could otherwise push up; the
// per-site limits (job size, idle time, connections) come from CaptureSettings instead.

import type { CaptureErrorCode } from '../util/errors.js';

/** PROTOCOLS §1: an HTTP request line must be complete within this many bytes. */
export const SNIFF_HTTP_MAX = 8 * 1024;
/** PROTOCOLS §1 rule 2: an LPD command line must end (LF) within this many bytes. */
export const SNIFF_LPD_MAX = 1024;
/** PROTOCOLS §1 rule 1: classify an ambiguous prefix as RAW after this much silence. */
export const DEFAULT_SNIFF_TIMEOUT_MS = 2000;

/** Longest LPD daemon command or receive-job subcommand line we read (without the LF). */
export const LPD_LINE_MAX = 1024;
/** NUL bytes skipped before a subcommand (PLP's stray final 00, apple/cups#3146). */
export const LPD_STRAY_NUL_MAX = 16;
/** Control files are a few hundred bytes; they are held in memory, so cap them. */
export const LPD_CONTROL_MAX = 64 * 1024;
/** A data-file count at or above this is a "send until close" marker (CUPS mode=stream, Windows). */
export const LPD_FAKE_COUNT = 2 ** 31 - 1;
/** Longest value kept from one control-file line (RFC 1179 limits are 31..131; be liberal). */
export const LPD_VALUE_MAX = 255;

/** RAW: bytes held in memory while the job could still be a PJL-only status query. */
export const RAW_QUERY_PROBE_MAX = 64 * 1024;
/** Longest PJL line the status-query scanner follows before calling the stream a job. */
export const PJL_LINE_MAX = 4096;

/** Largest chunk handed to JobReceiver.write() at once. */
export const READ_CHUNK_MAX = 256 * 1024;

/** After a refusal (`\1`) or a TLS hello: how long we drain input before destroying. */
export const LINGER_MS = 2000;
/** close(): how long in-flight connections may run before they are destroyed. */
export const CLOSE_GRACE_MS = 5000;
/** close(): how long destroyed connections get to abort or finish a commit. */
export const CLOSE_FORCE_MS = 10_000;

/** HTTP (IPP): all request headers must arrive within this time. */
export const HTTP_HEADERS_TIMEOUT_MS = 60_000;
/** HTTP (IPP): a whole request, body included (Node's default of 300 s would cut large jobs). */
export const HTTP_REQUEST_TIMEOUT_MS = 60 * 60_000;
/** HTTP keep-alive: CUPS polls job state on the same connection every few seconds. */
export const HTTP_KEEP_ALIVE_MS = 30_000;

/**
 * Codes written to the log. The CaptureError codes, plus outcomes that are not errors of
 * a job: a TLS client (no ipps on the capture port), a port probe, a PJL status query.
 */
export type CaptureLogCode =
  | CaptureErrorCode
  | 'TLS_NOT_SUPPORTED'
  | 'PORT_PROBE'
  | 'STATUS_QUERY'
  | 'EMPTY_JOB'
  | 'MISSING_CONTROL_FILE'
  | 'LPD_NO_ACTION';
