// The public JSON shape of a job, as `pullprint jobs --json` prints it and the control
// channel returns it (issue contract: these field names are stable for scripts).

import type { JobRecord } from '../spool/spool.js';

export interface PublicJob {
  id: string;
  owner: string;
  declaredUser: string | null;
  title: string | null;
  protocol: JobRecord['protocol'];
  pdl: JobRecord['pdl'];
  pages: number | null;
  color: boolean | null;
  duplex: boolean | null;
  copies: number;
  size: number;
  sha256: string;
  state: JobRecord['state'];
  mode: JobRecord['mode'];
  receivedAt: string;
  updatedAt: string;
  file: string;
}

export function toPublicJob(j: JobRecord): PublicJob {
  return {
    id: j.id,
    owner: j.owner,
    declaredUser: j.declaredUser,
    title: j.title,
    protocol: j.protocol,
    pdl: j.pdl,
    pages: j.pages,
    color: j.color,
    duplex: j.duplex,
    copies: j.copies,
    size: j.size,
    sha256: j.sha256,
    state: j.state,
    mode: j.mode,
    receivedAt: j.receivedAt,
    updatedAt: j.updatedAt,
    file: j.file,
  };
}
