// The install-time queue commands for each OS, from configurations read by the real
// loader: one queue per enabled mode on its capture port, DefaultQueue made the default.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  ALL_QUEUE_NAMES, DEFAULT_DRIVER, defaultQueueFor, formatCommand, installPlan, psQuote, queueSpecs, removePlan, shQuote,
} from '../../../main/ui/queue-plan.js';
import { PullPrintError } from '../../../main/util/errors.js';
import { tempDir } from '../../helpers/documents.js';
import { AD_ONLY, configFrom, THREE_MODES } from './queue-config.js';

describe('queue command builders', () => {
  let dir: { path: string; cleanup(): Promise<void> };
  before(async () => {
    dir = await tempDir('queue-plan');
  });
  after(async () => {
    await dir.cleanup();
  });

  test('one queue per enabled mode on its own capture port', async () => {
    const cfg = await configFrom(dir.path, THREE_MODES({ ad: 9167, hybrid: 9170, cloud: 9168 }));
    assert.deepEqual(queueSpecs(cfg), [
      { name: 'PullPrint-AD', mode: 'serverless-ad', port: 9167, description: 'PullPrint (Serverless AD)' },
      { name: 'PullPrint-Hybrid', mode: 'hybrid', port: 9170, description: 'PullPrint (Hybrid)' },
      { name: 'PullPrint-Cloud', mode: 'cloud', port: 9168, description: 'PullPrint (Cloud)' },
    ]);
  });

  test('default queue: ours by name (any case), the guide\'s LPMCloud → our Cloud queue, the default value → our first queue, another name as configured', async () => {
    const ports = { ad: 9167, hybrid: 9170, cloud: 9168 };
    const pick = async (xml: string) => {
      const cfg = await configFrom(dir.path, xml);
      return defaultQueueFor(cfg, queueSpecs(cfg));
    };
    assert.deepEqual(await pick(THREE_MODES(ports, 'pullprint-hybrid')), { queue: 'PullPrint-Hybrid', why: 'configured' });
    assert.deepEqual(await pick(THREE_MODES(ports, 'LPMCloud')), { queue: 'PullPrint-Cloud', why: 'guide-alias' });
    assert.deepEqual(await pick(THREE_MODES(ports)), { queue: 'PullPrint-Cloud', why: 'guide-alias' }, 'the element\'s default is LPMCloud');
    assert.deepEqual(await pick(AD_ONLY(9167)), { queue: 'PullPrint-AD', why: 'first-queue' }, 'LPMCloud by default without Cloud');
    assert.deepEqual(await pick(AD_ONLY(9167, 'Office-Printer')), { queue: 'Office-Printer', why: 'configured' });
    assert.deepEqual(await pick(AD_ONLY(9167, 'LPMCloud')), { queue: 'PullPrint-AD', why: 'first-queue' }, 'LPMCloud named but Cloud off');
    const odd = await configFrom(dir.path, AD_ONLY(9167, 'O\'Brien$Printer'));
    assert.throws(() => defaultQueueFor(odd, queueSpecs(odd)), (e: unknown) => e instanceof PullPrintError && e.code === 'BAD_QUEUE_NAME');
  });

  test('Linux: lpadmin per queue with an LPD URI to the capture port, generic PostScript driver, not shared; then the default', async () => {
    const cfg = await configFrom(dir.path, THREE_MODES({ ad: 9167, hybrid: 9170, cloud: 9168 }, 'PullPrint-Hybrid'));
    const specs = queueSpecs(cfg);
    const plan = installPlan('linux', specs, defaultQueueFor(cfg, specs));
    assert.deepEqual(plan.map((c) => [c.program, ...c.args]), [
      ['lpadmin', '-p', 'PullPrint-AD', '-E', '-v', 'lpd://127.0.0.1:9167/PullPrint-AD?reserve=none&snmp=false', '-m', 'drv:///sample.drv/generic.ppd', '-D', 'PullPrint (Serverless AD)', '-L', 'This computer', '-o', 'printer-is-shared=false'],
      ['lpadmin', '-p', 'PullPrint-Hybrid', '-E', '-v', 'lpd://127.0.0.1:9170/PullPrint-Hybrid?reserve=none&snmp=false', '-m', 'drv:///sample.drv/generic.ppd', '-D', 'PullPrint (Hybrid)', '-L', 'This computer', '-o', 'printer-is-shared=false'],
      ['lpadmin', '-p', 'PullPrint-Cloud', '-E', '-v', 'lpd://127.0.0.1:9168/PullPrint-Cloud?reserve=none&snmp=false', '-m', 'drv:///sample.drv/generic.ppd', '-D', 'PullPrint (Cloud)', '-L', 'This computer', '-o', 'printer-is-shared=false'],
      ['lpadmin', '-d', 'PullPrint-Hybrid'],
    ]);
    assert.equal(formatCommand(plan[0]), "lpadmin -p PullPrint-AD -E -v 'lpd://127.0.0.1:9167/PullPrint-AD?reserve=none&snmp=false' -m drv:///sample.drv/generic.ppd -D 'PullPrint (Serverless AD)' -L 'This computer' -o printer-is-shared=false");
  });

  test('macOS: the system\'s Generic.ppd by path (-P); a model name by -m', async () => {
    const cfg = await configFrom(dir.path, AD_ONLY(9167));
    const specs = queueSpecs(cfg);
    const [create, def] = installPlan('darwin', specs, defaultQueueFor(cfg, specs));
    assert.deepEqual(create.args.slice(3, 7), ['-v', 'lpd://127.0.0.1:9167/PullPrint-AD?reserve=none&snmp=false', '-P', DEFAULT_DRIVER.darwin]);
    assert.deepEqual(def.args, ['-d', 'PullPrint-AD']);
    const [withModel] = installPlan('darwin', specs, null, { driver: 'everywhere' });
    assert.deepEqual(withModel.args.slice(5, 7), ['-m', 'everywhere']);
  });

  test('Windows: driver, a RAW TCP/IP port on the loopback capture port per queue, the printer, then SetDefaultPrinter', async () => {
    const cfg = await configFrom(dir.path, THREE_MODES({ ad: 9167, hybrid: 9170, cloud: 9168 }, 'LPMCloud'));
    const specs = queueSpecs(cfg);
    const plan = installPlan('win32', specs, defaultQueueFor(cfg, specs));
    assert.equal(plan.length, 1 + 3 + 1);
    for (const c of plan) {
      assert.equal(c.program, 'powershell.exe');
      assert.deepEqual(c.args.slice(0, 5), ['-NoProfile', '-NonInteractive', '-ExecutionPolicy', 'Bypass', '-Command']);
      assert.match(c.args[5], /^\$ErrorActionPreference = 'Stop'; /);
    }
    assert.match(plan[0].args[5], /Add-PrinterDriver -Name 'Microsoft PS Class Driver'/);
    const hybrid = plan[2].args[5];
    assert.match(hybrid, /Add-PrinterPort -Name 'PullPrint-Hybrid_9170' -PrinterHostAddress '127\.0\.0\.1' -PortNumber 9170 \}/);
    assert.doesNotMatch(hybrid, /-SNMP|-LprQueueName/, 'RAW mode, SNMP off');
    assert.match(hybrid, /Add-Printer -Name 'PullPrint-Hybrid' -PortName 'PullPrint-Hybrid_9170' -DriverName 'Microsoft PS Class Driver'/);
    assert.match(hybrid, /Set-Printer -Name 'PullPrint-Hybrid' .* -Shared \$false/, 'an existing queue is updated (install runs again on upgrade)');
    assert.match(plan[4].args[5], /Get-CimInstance -ClassName Win32_Printer -Filter 'Name=''PullPrint-Cloud'''/);
    assert.match(plan[4].args[5], /Invoke-CimMethod -InputObject \$p -MethodName SetDefaultPrinter/);
  });

  test('a driver name with quotes cannot break out of the PowerShell string', async () => {
    const cfg = await configFrom(dir.path, AD_ONLY(9167));
    const [driver] = installPlan('win32', queueSpecs(cfg), null, { driver: "x'; Remove-Item C:\\ -Recurse; '" });
    assert.match(driver.args[5], /-Name 'x''; Remove-Item C:\\ -Recurse; '''/);
    assert.equal(psQuote("a'b"), "'a''b'");
    assert.equal(shQuote("it's"), "'it'\\''s'");
  });

  test('remove: every PullPrint queue name, failures of absent queues ignored (CUPS and Windows)', () => {
    assert.deepEqual(ALL_QUEUE_NAMES, ['PullPrint-AD', 'PullPrint-Hybrid', 'PullPrint-Cloud', 'PullPrint']);
    const linux = removePlan('linux');
    assert.deepEqual(linux.map((c) => [c.program, ...c.args]), ALL_QUEUE_NAMES.map((n) => ['lpadmin', '-x', n]));
    assert.ok(linux.every((c) => c.ignoreFailure));
    const win = removePlan('win32');
    assert.equal(win.length, 4);
    assert.match(win[0].args[5], /\$pr = Get-Printer -Name 'PullPrint-AD'.*Remove-Printer -Name 'PullPrint-AD'; Remove-PrinterPort -Name \$pr\.PortName/);
    assert.ok(win.every((c) => c.ignoreFailure));
  });
});
