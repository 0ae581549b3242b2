/** A part of the engine the composition root starts in order and stops in reverse. */
export interface Subsystem {
  readonly name: string;
  start(): Promise<void>;
  /** Must be safe to call when start() failed halfway. */
  stop(): Promise<void>;
}
