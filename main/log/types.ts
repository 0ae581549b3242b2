// The logger every engine module receives (constructor injection, one child per module).
// Metadata passes through the redaction layer before it reaches any transport.

export type LogMeta = Record<string, unknown>;

export interface Logger {
  /** Always written, even with LoggingEnabled=false. */
  critical(message: string, meta?: LogMeta): void;
  /** Always written, even with LoggingEnabled=false. */
  error(message: string, meta?: LogMeta): void;
  warn(message: string, meta?: LogMeta): void;
  info(message: string, meta?: LogMeta): void;
  debug(message: string, meta?: LogMeta): void;
  /** A logger whose lines carry `[module]`. */
  child(module: string): Logger;
}
