/** Full links Candor hands out (first-run setup, invitations), from CANDOR_PUBLIC_URL or what is known of the address. */
import type { FastifyRequest } from 'fastify';
import type { Config } from '../kernel/config.js';

/** For a link made while answering a request: the configured public URL, else the address the request came to. */
export function baseUrlFromRequest(config: Pick<Config, 'publicUrl'>, request: FastifyRequest): string {
  return config.publicUrl ?? `${request.protocol}://${request.host}`;
}

/** For a link printed by the server or the command line: the configured public URL, else http://HOST:PORT. */
export function baseUrlForServer(config: Pick<Config, 'publicUrl' | 'host' | 'port'>): string {
  if (config.publicUrl) return config.publicUrl;
  const host = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host.includes(':') ? `[${config.host}]` : config.host;
  return `http://${host}:${config.port}`;
}
