// A private D-Bus "system" bus for peers that insist on one. Debian's ippeveprinter links
// the Avahi client, which needs a system bus even with `-r off`; pointing it at a bus of
// our own (DBUS_SYSTEM_BUS_ADDRESS) keeps the machine's real bus out of the tests.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { tempDir } from '../helpers/documents.js';
import { startDaemon, waitFor } from '../helpers/process.js';

export interface SystemBus {
  /** Value for DBUS_SYSTEM_BUS_ADDRESS, e.g. unix:path=/tmp/.../system_bus_socket,guid=... */
  readonly address: string;
  readonly pid: number;
  stop(): Promise<void>;
}

function busConfig(socketPath: string): string {
  // Same shape as /usr/share/dbus-1/system.conf, minus the parts that touch the machine:
  // no <user> switch, no <fork>, no pid file, no syslog, no service activation.
  return `<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>system</type>
  <listen>unix:path=${socketPath}</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow user="*"/>
    <allow own="*"/>
    <allow send_type="method_call"/>
    <allow send_type="signal"/>
    <allow send_requested_reply="true" send_type="method_return"/>
    <allow send_requested_reply="true" send_type="error"/>
    <allow receive_type="method_call"/>
    <allow receive_type="method_return"/>
    <allow receive_type="error"/>
    <allow receive_type="signal"/>
  </policy>
</busconfig>
`;
}

export async function startSystemBus(): Promise<SystemBus> {
  const dir = await tempDir('dbus');
  const conf = join(dir.path, 'system.conf');
  await writeFile(conf, busConfig(join(dir.path, 'system_bus_socket')));
  const daemon = startDaemon('dbus-daemon', [`--config-file=${conf}`, '--nofork', '--nopidfile', '--print-address=1']);
  try {
    // --print-address writes the address once the socket is listening: that is readiness.
    const address = await waitFor('dbus-daemon address', () => {
      if (daemon.exited()) throw new Error(`dbus-daemon exited: ${daemon.output()}`);
      const line = daemon.output().split('\n').find((l) => l.startsWith('unix:'));
      return line?.trim();
    }, 5000, 20);
    return {
      address,
      pid: daemon.pid,
      async stop(): Promise<void> {
        await daemon.stop();
        await dir.cleanup();
      },
    };
  } catch (e) {
    await daemon.stop();
    await dir.cleanup();
    throw e;
  }
}
