// `pullprint release ID [--printer NAME|URI] [--keep] [settings]` and
// `pullprint printers list|add|remove|default`: release a held job to an ordinary printer
// and manage the saved printers, through a running engine's control channel (methods
// release.job and printers.*). Exit codes as everywhere in the CLI: 0 success, 1 failure
// (the job then stays held; the message says why), 2 bad command line.

import { InvalidArgumentError, Option, type Command } from 'commander';
import { z } from 'zod';
import { PullPrintError } from '../util/errors.js';
import { formatBytes, printJson, table, type Io } from './output.js';

export interface ReleaseCommandDeps {
  call(method: string, params?: Record<string, unknown>): Promise<unknown>;
  io: Io;
}

const outcomeSchema = z.object({
  id: z.string(),
  printer: z.string(),
  protocol: z.string(),
  bytesSent: z.number(),
  kept: z.boolean(),
  state: z.string(),
  printerJobId: z.number().nullable(),
  ignoredAttributes: z.array(z.string()),
  changes: z.record(z.string(), z.unknown()),
});

const printerSchema = z.object({ name: z.string(), uri: z.string(), default: z.boolean() });

function checked<S extends z.ZodType>(schema: S, value: unknown, method: string): z.infer<S> {
  const r = schema.safeParse(value);
  if (!r.success) throw new PullPrintError('BAD_RESPONSE', `the engine's answer to ${method} is not understood (an engine of another version?)`);
  return r.data;
}

function copiesArg(v: string): number {
  const n = Number(v);
  if (!/^\d+$/.test(v) || !Number.isInteger(n) || n < 1 || n > 9999) throw new InvalidArgumentError('copies is a whole number from 1 to 9999');
  return n;
}

interface ReleaseOpts {
  printer?: string;
  keep?: boolean;
  copies?: number;
  color?: boolean;
  mono?: boolean;
  duplex?: boolean;
  duplexShort?: boolean;
  simplex?: boolean;
  staple?: string;
  punch?: string;
  json?: boolean;
}

/** The late-binding changes the options ask for (the engine validates them again). */
export function changesFromOptions(o: ReleaseOpts): Record<string, unknown> {
  const c: Record<string, unknown> = {};
  if (o.copies !== undefined) c.copies = o.copies;
  if (o.color) c.color = 'color';
  if (o.mono) c.color = 'mono';
  if (o.duplex) c.sides = 'duplex-long';
  if (o.duplexShort) c.sides = 'duplex-short';
  if (o.simplex) c.sides = 'simplex';
  if (o.staple !== undefined) c.staple = o.staple;
  if (o.punch !== undefined) c.punch = o.punch;
  return c;
}

export function registerReleaseCommands(program: Command, deps: ReleaseCommandDeps): void {
  const { io } = deps;

  program.command('release')
    .description('print a held job on a printer (IPP, IPPS or port 9100), then delete it (or keep it with --keep)')
    .argument('<id>', 'job id (see "pullprint jobs")')
    .option('-p, --printer <name-or-uri>', 'a saved printer\'s name, or ipp://host/path, ipps://host/path, socket://host[:9100] (default: the default saved printer)')
    .option('-k, --keep', 'print and keep: the job stays on the workstation until PrintAndKeepLifespan ends')
    .option('-n, --copies <n>', 'number of copies (needs LateBindingEnabled)', copiesArg)
    .addOption(new Option('--color', 'print in colour (needs LateBindingEnabled)').conflicts('mono'))
    .addOption(new Option('--mono', 'print in black and white (needs LateBindingEnabled)').conflicts('color'))
    .addOption(new Option('--duplex', 'two-sided, long-edge binding (needs LateBindingEnabled)').conflicts(['simplex', 'duplexShort']))
    .addOption(new Option('--duplex-short', 'two-sided, short-edge binding (needs LateBindingEnabled)').conflicts(['simplex', 'duplex']))
    .addOption(new Option('--simplex', 'one-sided (needs LateBindingEnabled)').conflicts(['duplex', 'duplexShort']))
    .addOption(new Option('--staple <position>', 'staple (needs LateBindingEnabled)').choices(['none', 'top-left', 'dual-left', 'dual-top']))
    .addOption(new Option('--punch <holes>', 'punch (needs LateBindingEnabled)').choices(['none', '2-hole', '3-hole', '4-hole']))
    .option('--json', 'machine-readable output')
    .action(async (id: string, o: ReleaseOpts) => {
      const changes = changesFromOptions(o);
      const params: Record<string, unknown> = { id, keep: o.keep === true };
      if (o.printer !== undefined) params.printer = o.printer;
      if (Object.keys(changes).length > 0) params.changes = changes;
      const r = checked(outcomeSchema, await deps.call('release.job', params), 'release.job');
      if (o.json) {
        printJson(io, r);
        return;
      }
      io.out(`released ${r.id} to ${r.printer} (${formatBytes(r.bytesSent)}${r.printerJobId !== null ? `, printer job ${r.printerJobId}` : ''}); ${r.kept ? 'kept on this workstation' : 'deleted from this workstation'}`);
      if (r.ignoredAttributes.length > 0) io.err(`note: the printer ignored ${r.ignoredAttributes.join(', ')}`);
    });

  const printers = program.command('printers').description('saved printers for "pullprint release" (shared with the tray)');

  printers.command('list')
    .description('list the saved printers')
    .option('--json', 'machine-readable output')
    .action(async (o: { json?: boolean }) => {
      const list = checked(z.array(printerSchema), await deps.call('printers.list', {}), 'printers.list');
      if (o.json) printJson(io, list);
      else io.out(list.length === 0 ? 'No saved printers.' : table(['NAME', 'DEFAULT', 'URI'], list.map((p) => [p.name, p.default ? 'yes' : '', p.uri])));
    });

  printers.command('add')
    .description('save a printer under a name (replacing one of the same name)')
    .argument('<name>', 'a short name, e.g. "Floor 2"')
    .argument('<uri>', 'ipp://host/path, ipps://host/path or socket://host[:9100]')
    .option('--default', 'make it the default printer')
    .option('--json', 'machine-readable output')
    .action(async (name: string, uri: string, o: { default?: boolean; json?: boolean }) => {
      const p = checked(printerSchema, await deps.call('printers.add', { name, uri, default: o.default === true }), 'printers.add');
      if (o.json) printJson(io, p);
      else io.out(`saved ${p.name} (${p.uri})${p.default ? ' as the default printer' : ''}`);
    });

  printers.command('remove')
    .description('forget a saved printer')
    .argument('<name>', 'the saved printer\'s name')
    .action(async (name: string) => {
      await deps.call('printers.remove', { name });
      io.out(`removed ${name}`);
    });

  printers.command('default')
    .description('make a saved printer the default')
    .argument('<name>', 'the saved printer\'s name')
    .action(async (name: string) => {
      const p = checked(printerSchema, await deps.call('printers.default', { name }), 'printers.default');
      io.out(`${p.name} is now the default printer`);
    });
}
