/** SMTP through nodemailer, one transport per context; none when CANDOR_SMTP_URL is not set. */
import nodemailer, { type Transporter } from 'nodemailer';
import type { AppContext } from '../kernel/context.js';

const transports = new WeakMap<AppContext, Transporter>();
const warnedUnconfigured = new WeakSet<AppContext>();

export function mailTransport(ctx: AppContext): Transporter | null {
  const url = ctx.config.mail.smtpUrl;
  if (!url) return null;
  let transport = transports.get(ctx);
  if (!transport) {
    transport = nodemailer.createTransport(url);
    transports.set(ctx, transport);
  }
  return transport;
}

/** Says once per process that notices are kept but not sent. */
export function noteMailUnconfigured(ctx: AppContext): void {
  if (warnedUnconfigured.has(ctx)) return;
  warnedUnconfigured.add(ctx);
  ctx.logger.warn({ op: 'mail' }, 'CANDOR_SMTP_URL is not set: e-mail notices are kept in the outbox and not sent');
}

export function closeMailTransport(ctx: AppContext): void {
  transports.get(ctx)?.close();
  transports.delete(ctx);
}
