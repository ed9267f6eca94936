/**
 * First run: while no staff account exists, `candor serve` prints a one-time link. Opening it lets
 * someone create the first admin account; the link then stops working, and the rest of the wizard
 * runs as that admin, in an ordinary staff session.
 */
import { recordAudit } from '../audit/audit.service.js';
import { insertAccount, prepareAccount } from '../identity/identity.service.js';
import { EmailSchema, PasswordSchema, StaffNameSchema } from '../identity/identity.schema.js';
import { countOpenInvitations } from '../identity/invitation.repository.js';
import { startSession } from '../identity/session.service.js';
import { readSetting, takeSetting, writeSetting } from '../identity/settings.repository.js';
import { countUsers } from '../identity/user.repository.js';
import { inTransaction, type AppContext } from '../kernel/context.js';
import { hashOneTimeToken, hashesMatch, newOneTimeToken, parseOneTimeToken } from '../kernel/crypto.js';
import { DomainError, ValidationFailed } from '../kernel/errors.js';

/** How long a first-run link stays valid. */
export const SETUP_LINK_TTL_MS = 24 * 60 * 60_000;
const SETTING = 'setup_token';

export const setupPath = (token: string) => `/setup/${token}`;

export class SetupLinkInvalid extends DomainError {
  constructor() {
    super(
      'setup_link_invalid',
      'This setup link cannot be used: it was used already, it has expired, or Candor has accounts already. Restart Candor (or run "candor setup link") for a new one while no account exists.',
      404,
    );
  }
}

interface StoredSetupToken {
  hash: string; // base64
  expiresAt: string;
}

/** Whether this installation still needs its first admin (no account and no invitation yet). */
export async function needsFirstRun(ctx: AppContext): Promise<boolean> {
  return (await countUsers(ctx.db)) === 0 && (await countOpenInvitations(ctx.db)) === 0;
}

/**
 * Issues a fresh first-run token while no account exists (an earlier one stops working), or
 * answers null when the installation is set up already. Only the token's hash is stored.
 */
export async function issueSetupLink(ctx: AppContext): Promise<{ token: string; expiresAt: string } | null> {
  if (!(await needsFirstRun(ctx))) return null;
  const token = newOneTimeToken();
  const now = ctx.clock.now();
  const expiresAt = new Date(now.getTime() + SETUP_LINK_TTL_MS).toISOString();
  const stored: StoredSetupToken = { hash: hashOneTimeToken('setup', token).toString('base64'), expiresAt };
  await inTransaction(ctx, async (tx) => {
    await writeSetting(tx, SETTING, JSON.stringify(stored));
    await recordAudit(tx, ctx.dialect, now, { actor: { type: 'system' }, action: 'setup.link_issued', details: { expiresAt } });
  });
  return { token, expiresAt };
}

/** The stored setting value when `tokenText` is the live first-run token; otherwise SetupLinkInvalid. */
async function liveSetupToken(ctx: AppContext, tokenText: string): Promise<string> {
  const token = parseOneTimeToken(tokenText);
  const value = await readSetting(ctx.db, SETTING);
  if (!token || !value || (await countUsers(ctx.db)) > 0) throw new SetupLinkInvalid();
  const stored = JSON.parse(value) as StoredSetupToken;
  if (stored.expiresAt <= ctx.clock.now().toISOString() || !hashesMatch(Buffer.from(stored.hash, 'base64'), hashOneTimeToken('setup', token))) {
    throw new SetupLinkInvalid();
  }
  return value;
}

export async function checkSetupLink(ctx: AppContext, tokenText: string): Promise<void> {
  await liveSetupToken(ctx, tokenText);
}

export interface FirstAdminInput {
  name: string;
  email: string;
  password: string;
}

/**
 * Creates the first admin with the first-run token, which is used up in the same transaction (two
 * people racing with the same link cannot both succeed), and signs them in.
 */
export async function createFirstAdmin(ctx: AppContext, tokenText: string, input: FirstAdminInput) {
  await liveSetupToken(ctx, tokenText);
  const fields: Record<string, string[]> = {};
  const name = StaffNameSchema.safeParse(input.name);
  const email = EmailSchema.safeParse(input.email);
  const password = PasswordSchema.safeParse(input.password);
  if (!name.success) fields.name = name.error.issues.map((issue) => issue.message);
  if (!email.success) fields.email = email.error.issues.map((issue) => issue.message);
  if (!password.success) fields.password = password.error.issues.map((issue) => issue.message);
  if (!name.success || !email.success || !password.success) throw new ValidationFailed(fields);

  const account = await prepareAccount(ctx, { email: email.data, name: name.data, role: 'admin', password: password.data });
  return inTransaction(ctx, async (tx) => {
    const now = ctx.clock.now();
    const value = await readSetting(tx, SETTING);
    if (!value || !(await takeSetting(tx, SETTING, value)) || (await countUsers(tx)) > 0) throw new SetupLinkInvalid();
    const stored = JSON.parse(value) as StoredSetupToken;
    if (!hashesMatch(Buffer.from(stored.hash, 'base64'), hashOneTimeToken('setup', parseOneTimeToken(tokenText)!)) || stored.expiresAt <= now.toISOString()) {
      throw new SetupLinkInvalid();
    }
    await insertAccount(tx, account, [], now.toISOString());
    await recordAudit(tx, ctx.dialect, now, { actor: { type: 'system', id: 'setup' }, action: 'user.create', targetId: account.row.id, details: { role: 'admin', channelId: null } });
    await recordAudit(tx, ctx.dialect, now, { actor: { type: 'staff', id: account.row.id }, action: 'setup.admin_created' });
    const session = await startSession(ctx, tx, 'staff', account.row.id, account.privateKey);
    return { userId: account.row.id, recoveryKey: account.recoveryKey, session };
  });
}
