import pino, { type Logger } from 'pino';

/**
 * Logs carry ids and operations only. Request serializers drop addresses, headers and bodies, and
 * these paths are redacted as a second line of defence should an object ever be logged whole.
 */
export const REDACTED_PATHS = [
  'req.headers',
  'req.remoteAddress',
  'req.remotePort',
  'body',
  'receipt',
  'password',
  'narrative',
  'identity',
  '*.body',
  '*.receipt',
  '*.password',
  '*.narrative',
  '*.identity',
];

export function createLogger(level: string, destination?: NodeJS.WritableStream): Logger {
  return pino({ level, redact: { paths: REDACTED_PATHS, remove: true }, base: { service: 'candor' } }, destination as never);
}
