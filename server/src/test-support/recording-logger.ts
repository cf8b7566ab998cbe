import type { Logger } from '../platform/logger.js';

/** A logger that keeps what it is given, for tests that look for a log line. */
export function recordingLogger(): Logger & { lines: Array<{ msg: string } & Record<string, unknown>> } {
  const lines: Array<{ msg: string } & Record<string, unknown>> = [];
  const record = (msg: string, fields?: Record<string, unknown>) => void lines.push({ msg, ...fields });
  return { lines, debug: record, info: record, warn: record, error: record };
}
