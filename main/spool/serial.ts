// Runs async tasks one after another (a promise-chain mutex): counter reservations, and
// the updates of one job record, must not interleave.

export class Serial {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(task: () => Promise<T>): Promise<T> {
    const result = this.tail.then(task, task);
    this.tail = result.catch(() => undefined);
    return result;
  }
}

/** One Serial per key (a job id), dropped when its queue drains. */
export class KeyedSerial {
  private readonly queues = new Map<string, { serial: Serial; pending: number }>();

  async run<T>(key: string, task: () => Promise<T>): Promise<T> {
    let q = this.queues.get(key);
    if (!q) {
      q = { serial: new Serial(), pending: 0 };
      this.queues.set(key, q);
    }
    q.pending++;
    try {
      return await q.serial.run(task);
    } finally {
      q.pending--;
      if (q.pending === 0) this.queues.delete(key);
    }
  }
}
