// Starts a capture listener on loopback port 0 over a TempSink (test/helpers/temp-sink.ts)
// with a recording logger, plus sink decorators for the failure paths: a sync() held at a
// gate (ack-after-disk) and a write() held at a gate (back-pressure).

import type { CaptureSettings } from '../../../main/config/types.js';
import type { CaptureContext, CaptureSink, JobReceiver } from '../../../main/capture/types.js';
import { startCaptureListener, type CaptureListener, type CaptureListenerOptions } from '../../../main/capture/listener.js';
import { createTempSink, type TempSink, type TempSinkOptions } from '../../helpers/temp-sink.js';
import { recordingLogger, type RecordingLogger } from './capture-peer.js';

export interface Harness {
  readonly listener: CaptureListener;
  readonly port: number;
  readonly sink: TempSink;
  readonly logs: RecordingLogger;
  /** Files left in the sink folder that are not committed jobs (temporary files). */
  leftovers(): Promise<string[]>;
  close(): Promise<void>;
}

export interface HarnessOptions {
  settings?: Partial<CaptureSettings>;
  sinkOptions?: TempSinkOptions;
  /** Wraps the TempSink (e.g. with a Gate). */
  wrap?: (sink: TempSink) => CaptureSink;
  listener?: Partial<Omit<CaptureListenerOptions, 'sink' | 'logger' | 'settings'>>;
}

export const TEST_SETTINGS: CaptureSettings = {
  loopbackPort: 0,
  printJobFileNameFormat: '%d_%i.prn',
  maxJobSizeBytes: 256 * 1024 * 1024,
  idleTimeoutSeconds: 10,
  maxConnections: 16,
};

export async function startHarness(o: HarnessOptions = {}): Promise<Harness> {
  const { sink, cleanup } = await createTempSink(o.sinkOptions ?? {});
  const logs = recordingLogger();
  const listener = await startCaptureListener({
    mode: 'local',
    queueName: 'PullPrint',
    port: 0,
    hosts: ['127.0.0.1'],
    ...o.listener,
    settings: { ...TEST_SETTINGS, ...o.settings },
    sink: o.wrap ? o.wrap(sink) : sink,
    logger: logs,
  });
  return {
    listener,
    port: listener.port,
    sink,
    logs,
    leftovers: async () => (await sink.files()).filter((f) => !/^job-\d+\.(bin|json)$/.test(f)),
    close: async () => {
      await listener.close();
      await cleanup();
    },
  };
}

/** A promise the test opens by hand. */
export class Gate {
  private openGate!: () => void;
  readonly opened: Promise<void>;
  isOpen = false;
  constructor() {
    this.opened = new Promise((r) => {
      this.openGate = r;
    });
  }
  open(): void {
    this.isOpen = true;
    this.openGate();
  }
}

/** Sink decorator: chosen receiver calls wait for a gate, and their timing is recorded. */
export class GatedSink implements CaptureSink {
  readonly events: { what: 'sync-start' | 'sync-done' | 'write-start' | 'write-done'; at: number; bytes: number }[] = [];
  constructor(
    private readonly inner: CaptureSink,
    private readonly gates: { sync?: Gate; write?: Gate },
  ) {}

  async begin(ctx: CaptureContext): Promise<JobReceiver> {
    const r = await this.inner.begin(ctx);
    const { gates, events } = this;
    return {
      get bytesReceived() {
        return r.bytesReceived;
      },
      async write(chunk: Buffer) {
        events.push({ what: 'write-start', at: Date.now(), bytes: r.bytesReceived });
        if (gates.write) await gates.write.opened;
        await r.write(chunk);
        events.push({ what: 'write-done', at: Date.now(), bytes: r.bytesReceived });
      },
      async sync() {
        events.push({ what: 'sync-start', at: Date.now(), bytes: r.bytesReceived });
        if (gates.sync) await gates.sync.opened;
        await r.sync();
        events.push({ what: 'sync-done', at: Date.now(), bytes: r.bytesReceived });
      },
      commit: (meta) => r.commit(meta),
      abort: (code) => r.abort(code),
    };
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
