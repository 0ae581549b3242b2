// End to end: `lp` → a private cupsd → its socket, lpd and ipp backends → a real Engine
// on loopback → the spool. Raw queues point straight at the engine and must store the
// file as it was printed; driver queues (PJL + PostScript, PJL + PCL XL) go through a
// recording proxy so the stored document can be compared with the exact bytes CUPS's
// filters produced. The facts the engine reads (pages, copies, duplex, colour, title,
// declared user) are checked against documents made here with known contents.
//
// Where CUPS itself drops or changes a fact on the way, the assertion states what really
// arrives, with the reason next to it (see also PROTOCOLS.md §2–4).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { EngineEvent } from '../../main/core/engine.js';
import type { JobRecord } from '../../main/spool/spool.js';
import { startTestEngine, type TestEngine } from '../helpers/engine.js';
import { tempDir } from '../helpers/documents.js';
import { waitFor } from '../helpers/process.js';
import { CUPS_MODELS, startCups, type Cups, type PrintOptions } from '../peers/cups.js';
import { startRecordingProxy, type RecordingProxy } from './recording-proxy.js';
import { extractIppDocuments, extractLpd } from './stream-extract.js';
import { makeUniquePdf, type UniqueDocument } from './unique-document.js';

type Via = 'socket' | 'lpd' | 'ipp';
type Driver = 'raw' | 'lexmark' | 'pxlColor' | 'ricoh';

interface JobCase {
  readonly label: string;
  /** Page 2 red (colour) or every page black/grey. */
  readonly colour: boolean;
  readonly pages: number;
  readonly copies: number;
  readonly duplex: boolean;
  readonly options?: Record<string, string>;
}

interface QueueCase {
  readonly name: string;
  readonly driver: Driver;
  readonly via: Via;
  /** Extra device-URI options (after `?`). */
  readonly uriOptions?: string;
  readonly jobs: readonly JobCase[];
  /** An engine gap found by this queue (the test is reported as todo, with this reason). */
  readonly todo?: string;
}

/** Colour page 2, two copies, long-edge duplex: the job that exercises every fact. */
const FULL: JobCase = { label: 'A', colour: true, pages: 3, copies: 2, duplex: true };
/** All black, one copy, one-sided. */
const PLAIN: JobCase = { label: 'B', colour: false, pages: 2, copies: 1, duplex: false };

const QUEUES: readonly QueueCase[] = [
  { name: 'raw-socket', driver: 'raw', via: 'socket', jobs: [FULL, PLAIN] },
  { name: 'raw-lpd', driver: 'raw', via: 'lpd', jobs: [FULL, PLAIN] },
  { name: 'raw-lpd-nomc', driver: 'raw', via: 'lpd', uriOptions: 'manual_copies=off', jobs: [FULL] },
  {
    name: 'raw-ipp', driver: 'raw', via: 'ipp',
    jobs: [FULL, PLAIN, { label: 'C', colour: true, pages: 3, copies: 1, duplex: false, options: { 'print-color-mode': 'color' } }],
  },
  { name: 'lex-socket', driver: 'lexmark', via: 'socket', jobs: [FULL] },
  { name: 'lex-lpd', driver: 'lexmark', via: 'lpd', jobs: [FULL] },
  { name: 'lex-ipp', driver: 'lexmark', via: 'ipp', jobs: [FULL] },
  {
    // The Lexmark PPD's colour option is *ColorMode (TrueM / FalseM), not *ColorModel:
    // FalseM writes `%%BeginFeature: *ColorMode FalseM` (and /ProcessColorModel
    // /DeviceGray), so the printer prints grey even for a document with colour.
    name: 'lex-socket-mono', driver: 'lexmark', via: 'socket',
    jobs: [{ label: 'M', colour: true, pages: 3, copies: 1, duplex: false, options: { ColorMode: 'FalseM', sides: 'one-sided' } }],
  },
  { name: 'pxl-socket', driver: 'pxlColor', via: 'socket', jobs: [FULL, PLAIN] },
  { name: 'pxl-lpd', driver: 'pxlColor', via: 'lpd', jobs: [FULL, PLAIN] },
  { name: 'pxl-ipp', driver: 'pxlColor', via: 'ipp', jobs: [FULL, PLAIN] },
  { name: 'ricoh-socket', driver: 'ricoh', via: 'socket', jobs: [FULL] },
];

const MODEL: Record<Driver, string> = {
  raw: CUPS_MODELS.raw,
  lexmark: CUPS_MODELS.lexmarkCs430,
  pxlColor: CUPS_MODELS.pxlColor,
  ricoh: CUPS_MODELS.ricohPxl,
};

const PROTOCOL: Record<Via, JobRecord['protocol']> = { socket: 'raw', lpd: 'lpd', ipp: 'ipp' };

function uriFor(via: Via, port: number, extra?: string): string {
  const more = extra ? `&${extra}` : '';
  switch (via) {
    case 'socket':
      return `socket://127.0.0.1:${port}/?snmp=false${more}`;
    case 'lpd':
      return `lpd://127.0.0.1:${port}/pullq?reserve=none&snmp=false${more}`;
    case 'ipp':
      return `ipp://127.0.0.1:${port}/ipp/print${extra ? `?${extra}` : ''}`;
  }
}

/** CUPS's lpd backend (sanitize_title, on by default off Apple): non-alphanumerics but spaces become `_`. */
function lpdSanitized(title: string): string {
  return title.replace(/[^A-Za-z0-9\s]/g, '_');
}

const sha256 = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

type Facts = Pick<JobRecord, 'protocol' | 'pdl' | 'pages' | 'copies' | 'duplex' | 'color' | 'title' | 'declaredUser'>;

function factsOf(j: JobRecord): Facts {
  return { protocol: j.protocol, pdl: j.pdl, pages: j.pages, copies: j.copies, duplex: j.duplex, color: j.color, title: j.title, declaredUser: j.declaredUser };
}

/** What the engine must report, by driver and backend. */
function expectedFacts(q: QueueCase, j: JobCase, doc: UniqueDocument, lpTitle: string): Facts {
  const protocol = PROTOCOL[q.via];
  // What the protocol itself names: the title from `lp -t` and the user from `lp -U`.
  const named = {
    title: q.via === 'lpd' ? lpdSanitized(lpTitle) : lpTitle,
    declaredUser: 'alice',
  };
  switch (q.driver) {
    case 'raw': {
      const base = { protocol, pdl: 'pdf' as const, pages: doc.pages };
      if (q.via === 'socket') {
        // AppSocket carries no metadata: the title is the PDF's /Title, nobody is named.
        // The copies are the file sent N times (see the byte check): the inspector sees N
        // identical documents back to back and reports one copy's pages, copies N.
        // The PDF reader gives no colour or duplex: a raw PDF says nothing about either.
        return { ...base, copies: j.copies, duplex: null, color: null, title: doc.spec.title ?? null, declaredUser: null };
      }
      if (q.via === 'lpd') {
        // manual_copies=on (the default) concatenates the file N times into one data
        // file with one `l` line (N identical documents: copies N from the bytes);
        // manual_copies=off sends it once with N `l` lines (copies N from the protocol).
        return { ...base, copies: j.copies, duplex: null, color: null, ...named };
      }
      // IPP carries copies and sides. A raw CUPS queue has no PPD, and cupsd fills in
      // print-color-mode=monochrome as the queue's default when `lp` names none (argv[5]
      // of the backend says so), so the engine rightly records a monochrome job even for
      // a document with a red page; `-o print-color-mode=color` gives colour.
      return {
        ...base,
        copies: j.copies,
        duplex: j.duplex ? true : null,
        color: j.options?.['print-color-mode'] === 'color',
        ...named,
      };
    }
    case 'lexmark':
      // PJL (JOB NAME, USERNAME) + PostScript whose setup carries NumCopies and Duplex.
      // This PPD defaults to *Duplex DuplexNoTumble: a job is duplex unless `lp` asks
      // for sides=one-sided. With the default *ColorMode PrinterS ("use the printer's
      // setting") nothing says whether the job prints in colour: null; *ColorMode FalseM
      // forces grey: false. On LPD the protocol's (sanitized) job name wins over PJL JOB
      // NAME (the engine's merge rules).
      return {
        protocol,
        pdl: 'postscript',
        pages: doc.pages,
        copies: j.copies,
        duplex: j.options?.sides !== 'one-sided',
        color: j.options?.ColorMode === 'FalseM' ? false : null,
        ...named,
      };
    case 'pxlColor':
      return {
        protocol,
        pdl: 'pclxl',
        pages: doc.pages,
        // cups-filters' gstopxl ignores its copies argument (every EndPage says PageCopies
        // 1) while pdftopdf leaves copies to the "printer": copies are lost on socket and
        // LPD. IPP still carries the copies attribute, and the engine records it.
        copies: q.via === 'ipp' ? j.copies : 1,
        duplex: j.duplex,
        color: doc.hasColour,
        // pxlcolor.ppd's PJL header has RENDERMODE and RESOLUTION only: no job name, no user.
        ...(q.via === 'socket' ? { title: null, declaredUser: null } : named),
      };
    case 'ricoh':
      // PJL SET COPIES / DUPLEX / RENDERMODE + PCL XL. The MP 2510 is a monochrome model:
      // RENDERMODE=GRAYSCALE, and ghostscript renders the red page grey, so no colour.
      // Its PJL has no JOB NAME or USERNAME, and AppSocket names nothing.
      return {
        protocol, pdl: 'pclxl', pages: doc.pages, copies: j.copies, duplex: j.duplex, color: false, title: null, declaredUser: null,
      };
  }
}

describe('lp → private cupsd → engine: stored bytes and job facts', () => {
  let te: TestEngine;
  let cups: Cups;
  let work: Awaited<ReturnType<typeof tempDir>>;
  const proxies = new Map<string, RecordingProxy>();
  const events: EngineEvent[] = [];
  /** Engine job ids matched to a CUPS job so far (each must be matched exactly once). */
  const matched = new Set<string>();
  let printed = 0;

  before(async () => {
    te = await startTestEngine({ loggingEnabled: 'false' });
    te.engine.events.on((e) => events.push(e));
    [cups, work] = await Promise.all([startCups(), tempDir('e2e-cups')]);
    const port = te.port();
    await Promise.all(QUEUES.map(async (q) => {
      let target = port;
      if (q.driver !== 'raw') {
        const proxy = await startRecordingProxy(port);
        proxies.set(q.name, proxy);
        target = proxy.port;
      }
      await cups.addQueue(q.name, uriFor(q.via, target, q.uriOptions), MODEL[q.driver]);
    }));
  });

  after(async () => {
    await cups?.stop();
    for (const p of proxies.values()) await p.close();
    await te?.dispose();
    await work?.cleanup();
  });

  /** The filter output of one CUPS job, read from the connections it opened through the proxy. */
  async function filterOutput(q: QueueCase, proxy: RecordingProxy, firstConnection: number): Promise<Buffer> {
    return waitFor(`${q.name}: the backend's connections to close`, () => {
      const conns = proxy.connections().slice(firstConnection);
      if (conns.length === 0 || conns.some((c) => !c.closed)) return undefined;
      const docs = conns.flatMap((c) => {
        if (q.via === 'socket') return [c.sent];
        if (q.via === 'lpd') return extractLpd(c.sent).data;
        return extractIppDocuments(c.sent);
      });
      assert.equal(docs.length, 1, `${q.name}: one document per CUPS job through the proxy`);
      return docs[0];
    }, 15_000);
  }

  async function printAndCheck(q: QueueCase, j: JobCase): Promise<void> {
    const tag = `${q.name}/${j.label}`;
    const doc = await makeUniquePdf(work.path, `${q.name}-${j.label}.pdf`, {
      pages: j.pages,
      colorPages: j.colour ? [2] : [],
      title: `Doc ${q.name} ${j.label}`,
      marker: `marker ${q.name} ${j.label} ${process.pid}`,
    });
    // Reference readings of the input, independent of the engine.
    assert.equal(doc.pages, j.pages, `${tag}: pdfinfo page count of the input`);
    assert.equal(doc.hasColour, j.colour, `${tag}: ghostscript ink coverage of the input`);
    const lpTitle = `Report (${q.name}) #${j.label}`;
    const proxy = proxies.get(q.name);
    const firstConnection = proxy?.connections().length ?? 0;
    const opts: PrintOptions = { title: lpTitle, user: 'alice', options: j.options };
    if (j.copies !== 1) opts.copies = j.copies;
    if (j.duplex) opts.sides = 'two-sided-long-edge';
    const id = await cups.print(q.name, doc.path, opts);
    printed++;
    await cups.waitJobDone(id, 90_000);

    const input = await readFile(doc.path);
    let expectedBytes: Buffer;
    if (proxy) {
      expectedBytes = await filterOutput(q, proxy, firstConnection);
      assert.equal(expectedBytes.subarray(0, 13).toString('latin1'), '\x1b%-12345X@PJL', `${tag}: the driver's output starts with PJL`);
    } else if (q.via === 'ipp' || q.uriOptions?.includes('manual_copies=off') || j.copies === 1) {
      expectedBytes = input;
    } else {
      // socket writes the file once per copy; lpd's manual_copies=on concatenates it.
      expectedBytes = Buffer.concat(Array.from({ length: j.copies }, () => input));
    }
    const want = sha256(expectedBytes);
    // The job is stored before the backend is answered, so it is listed by now.
    const found = te.engine.listJobs().filter((x) => x.sha256 === want);
    assert.equal(found.length, 1, `${tag}: exactly one stored job holds the bytes CUPS sent (sha256 ${want})`);
    const job = found[0];
    assert.ok(!matched.has(job.id), `${tag}: job ${job.id} already matched another print`);
    matched.add(job.id);
    const stored = await readFile(job.file);
    assert.ok(stored.equals(expectedBytes), `${tag}: stored document (${stored.length} bytes) equals what CUPS sent (${expectedBytes.length} bytes)`);
    assert.equal(job.size, stored.length);
    assert.equal(sha256(stored), job.sha256);
    if (j.options?.ColorMode === 'FalseM') {
      // The premise of the expected `color: false`: the driver really forced grey.
      const text = stored.toString('latin1');
      assert.ok(text.includes('%%BeginFeature: *ColorMode FalseM'), `${tag}: *ColorMode FalseM feature block`);
      assert.ok(text.includes('/ProcessColorModel /DeviceGray'), `${tag}: DeviceGray setpagedevice`);
    }
    assert.deepEqual(factsOf(job), expectedFacts(q, j, doc, lpTitle), `${tag}: job facts`);
    assert.equal(job.state, 'held', `${tag}: serverless AD jobs wait for release`);
    const ev = events.find((e) => e.type === 'job-stored' && e.job.id === job.id);
    assert.ok(ev && ev.type === 'job-stored', `${tag}: a job-stored event was emitted`);
    assert.deepEqual(factsOf(ev.job), factsOf(job), `${tag}: the event carries the same facts as the listing`);
  }

  describe('every queue, concurrently (jobs of one queue in order)', { concurrency: true }, () => {
    for (const q of QUEUES) {
      test(`${q.name}: ${MODEL[q.driver]} over ${q.via}${q.uriOptions ? ` (${q.uriOptions})` : ''}`, { todo: q.todo }, async () => {
        for (const j of q.jobs) await printAndCheck(q, j);
      });
    }
  });

  test('every stored job came from exactly one print: no duplicate, no stray job', () => {
    const all = te.engine.listJobs();
    assert.equal(printed, QUEUES.reduce((n, q) => n + q.jobs.length, 0));
    assert.equal(matched.size, printed);
    assert.deepEqual(all.map((j) => j.id).sort(), [...matched].sort());
    assert.equal(events.filter((e) => e.type === 'job-stored').length, printed);
  });
});
