// The cloud API's wire format (docs/cloud-api.md, docs/cloud-api.openapi.yaml), shared
// by the client and the reference server so the two cannot drift: one schema per body
// or header, parsed with zod at every boundary.

import { z } from 'zod';

/** The API version this code speaks, as APIVersion writes it. */
export const API_VERSION = '3.0';

/** Metadata of an uploaded document travels in this header as base64url(JSON). */
export const METADATA_HEADER = 'pullprint-job-metadata';
/** Every request names the full version it speaks (the path names only the major). */
export const VERSION_HEADER = 'pullprint-api-version';
/** Set on a 200 answer to a PUT that had already succeeded with the same content. */
export const REPLAYED_HEADER = 'idempotent-replayed';

/** Idempotency keys (the spool job id, a UUID, fits): URL-safe, no leading dot. */
export const JOB_KEY_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$/;
export const MAX_METADATA_HEADER_BYTES = 8 * 1024;
export const MAX_TITLE_CHARS = 1024;

const count = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
const shortText = z.string().max(255);

export const PDL_FORMATS = ['postscript', 'pdf', 'pclxl', 'pcl5', 'unknown'] as const;

/** What the workstation says about a job: the same fields for an upload and a registration. */
export const jobMetadataSchema = z.object({
  title: z.string().max(MAX_TITLE_CHARS).nullable(),
  pages: count.nullable(),
  color: z.boolean().nullable(),
  duplex: z.boolean().nullable(),
  copies: z.number().int().min(1).max(9999),
  format: z.enum(PDL_FORMATS),
  size: count,
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  workstation: shortText.min(1),
  printedAt: z.iso.datetime(),
}).strict();
export type JobMetadata = z.infer<typeof jobMetadataSchema>;

/** PUT /jobs/{key}/registration: a Hybrid job kept on the workstation. */
export const registrationSchema = z.object({
  metadata: jobMetadataSchema,
  /** Where the printer-side app pulls the job from (the workstation's release service). */
  releaseUrl: z.url({ protocol: /^https?$/ }).max(2048),
}).strict();
export type Registration = z.infer<typeof registrationSchema>;

/** A job in the user's cloud queue, as the server reports it. */
export const cloudJobSchema = z.object({
  key: z.string().regex(JOB_KEY_PATTERN),
  owner: z.string(),
  /** 'cloud': the document is stored by the server; 'workstation': registered, pulled from releaseUrl. */
  location: z.enum(['cloud', 'workstation']),
  metadata: jobMetadataSchema,
  releaseUrl: z.string().nullable(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});
export type CloudJob = z.infer<typeof cloudJobSchema>;

export const jobListSchema = z.object({ jobs: z.array(cloudJobSchema) });

export const capabilitiesSchema = z.object({
  /** Full versions served, e.g. ['3.0']. */
  apiVersions: z.array(z.string()),
  limits: z.object({
    maxDocumentBytes: count,
    maxMetadataHeaderBytes: count,
    maxRegistrationBytes: count,
    /** A request body that pauses longer than this is abandoned (408). */
    bodyIdleTimeoutSeconds: count,
    /** The longest a whole request may take. */
    requestTimeoutSeconds: count,
  }),
  formats: z.array(z.string()),
  features: z.array(z.string()),
});
export type Capabilities = z.infer<typeof capabilitiesSchema>;

export const errorBodySchema = z.object({
  error: z.object({ code: z.string().max(64), message: z.string().max(4096) }),
});
export type ErrorBody = z.infer<typeof errorBodySchema>;

/** Header value of the metadata: base64url of its JSON, so titles in any script survive HTTP/1.1. */
export function encodeMetadataHeader(meta: JobMetadata): string {
  return Buffer.from(JSON.stringify(meta), 'utf8').toString('base64url');
}

/** Parses the header; throws a zod or syntax error the server turns into 400. */
export function decodeMetadataHeader(value: string): JobMetadata {
  if (!/^[A-Za-z0-9_-]*$/.test(value)) throw new SyntaxError('metadata header is not base64url');
  return jobMetadataSchema.parse(JSON.parse(Buffer.from(value, 'base64url').toString('utf8')));
}
