import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openEntry } from '../../src/escrow/escrow.content.js';
import {
  decodeEscrowKey,
  derivePasswordKey,
  deriveRecoveryKey,
  escrowShareFor,
  escrowTag,
  generateEscrowKey,
  identifierSecret,
  openEscrowShare,
  recoverTagKey,
  unwrapEntryKeyForTag,
  unwrapEntryKeyForUser,
  unwrapPrivateKey,
  type EscrowTag,
  type PasswordKdf,
  type UserPrivateKey,
} from '../../src/kernel/crypto.js';
import { DecryptionFailed } from '../../src/kernel/errors.js';
import { DIALECTS, POSTGRES_ADMIN_URL } from '../support/databases.js';
import { startTestApp, TEST_PASSWORD, type TestApp, type TestStaff } from '../support/app.js';

/** Everything the database holds, as bytes (as in test/storage/at-rest.test.ts). */
function databaseBytes(app: TestApp): Buffer {
  if (app.dialect === 'sqlite') {
    const files = [app.database.location, `${app.database.location}-wal`].filter((file) => fs.existsSync(file));
    return Buffer.concat(files.map((file) => fs.readFileSync(file)));
  }
  const url = POSTGRES_ADMIN_URL.replace(/\/[^/]*$/, `/${app.database.location}`);
  return execFileSync('pg_dump', ['--data-only', '--inserts', url], { maxBuffer: 256 * 1024 * 1024 });
}

/** Runs `attempt` and answers whether it failed the way a wrong key fails. */
function failsToOpen(attempt: () => unknown): boolean {
  try {
    attempt();
    return false;
  } catch (error) {
    return error instanceof DecryptionFailed;
  }
}

describe.each(DIALECTS)('one escrow entry alone is unreadable with the whole database and every key but the escrow key (%s)', (dialect) => {
  let app: TestApp;
  let staff: TestStaff[];
  const ACCOUNT = `It was after the offsite. ZQXACCOUNT${dialect.toUpperCase()} I never told anyone.`;
  const TYPED = `Marc.Keller.ZQX${dialect}@example.com`;
  const CANONICAL = `email:marc.keller.zqx${dialect}@example.com`;
  const CONTACT = `zqxcontact${dialect}@example.net`;

  beforeAll(async () => {
    app = await startTestApp(dialect);
    staff = [];
    // Every role, so "every key" includes a counselor's, a handler's, oversight's...
    for (const role of ['counselor', 'counselor', 'handler', 'oversight', 'admin', 'analyst'] as const) {
      staff.push(await app.createStaff(role, role === 'handler' ? { channel: 'general' } : {}));
    }
    await app.submitReport(); // an ordinary case beside it, readable by its handler
    const lodged = await app.client().post('/api/v1/escrow/entries', { identifiers: [{ kind: 'email', value: TYPED }], account: ACCOUNT, contactEmail: CONTACT });
    expect(lodged.status).toBe(201);
    // Counselors sign in and look: there is nothing for them.
    expect((await (await app.signIn(staff[0]!)).get('/api/v1/escrow/matches')).body.items).toEqual([]);
  });
  afterAll(() => app?.close());

  it('keeps the account, the identifier and the contact address out of the stored bytes, even hashed', () => {
    const bytes = databaseBytes(app);
    expect(bytes.includes('ZQXACCOUNT')).toBe(false);
    for (const text of [TYPED, TYPED.toLowerCase(), CANONICAL, CONTACT]) {
      expect(bytes.includes(text), text).toBe(false);
      // A plain hash of an identifier is guessable: none is stored, in hex or raw.
      const digest = createHash('sha256').update(text).digest();
      expect(bytes.includes(digest.toString('hex')), `sha256 of ${text}`).toBe(false);
      expect(bytes.includes(digest), `raw sha256 of ${text}`).toBe(false);
    }
  });

  it('opens nothing with every staff private key, every stored secret and a guessed escrow key', async () => {
    // Every staff private key, unwrapped both by password and by recovery key.
    const keys: UserPrivateKey[] = [];
    for (const person of staff) {
      const user = await app.ctx.db.selectFrom('users').selectAll().where('id', '=', person.id).executeTakeFirstOrThrow();
      const byPassword = unwrapPrivateKey(user.private_key_by_password, await derivePasswordKey(TEST_PASSWORD, JSON.parse(user.password_kdf) as PasswordKdf), user.id);
      const byRecovery = unwrapPrivateKey(user.private_key_by_recovery, deriveRecoveryKey(person.recoveryKey), user.id);
      expect(byRecovery.equals(byPassword)).toBe(true);
      keys.push(byPassword);
    }

    const [entry] = await app.ctx.db.selectFrom('escrow_entries').selectAll().execute();
    const tags = await app.ctx.db.selectFrom('escrow_tags').selectAll().execute();
    expect(entry).toBeDefined();
    expect(tags).toHaveLength(1);
    const tagRow = tags[0]!;
    // Nobody was given the entry's key: no counselor, no handler, no one.
    expect(await app.ctx.db.selectFrom('escrow_access').selectAll().execute()).toEqual([]);
    expect(await app.ctx.db.selectFrom('escrow_notices').selectAll().execute()).toEqual([]);

    // Every blob that could hold the entry key, tried with every private key.
    const blobs = [entry!.reporter_wrapped_key, entry!.content_sealed, tagRow.key_wrapped, tagRow.share_sealed];
    for (const privateKey of keys) {
      for (const blob of blobs) expect(failsToOpen(() => unwrapEntryKeyForUser(blob, privateKey, entry!.id))).toBe(true);
    }

    // A guessed escrow key neither opens the share nor reproduces the tag of the right name.
    const guessed = generateEscrowKey();
    expect(failsToOpen(() => openEscrowShare(guessed, tagRow.share_sealed, entry!.id, tagRow.tag as EscrowTag))).toBe(true);
    expect(escrowTag(identifierSecret(guessed, CANONICAL)).equals(tagRow.tag)).toBe(false);
  });

  it('with the escrow key too, one share alone still opens nothing without the name', async () => {
    const escrowKey = decodeEscrowKey(fs.readFileSync(app.config.escrow.keyFile, 'utf8'));
    const [entry] = await app.ctx.db.selectFrom('escrow_entries').selectAll().execute();
    const tagRow = (await app.ctx.db.selectFrom('escrow_tags').selectAll().execute())[0]!;
    const tag = tagRow.tag as EscrowTag;
    const share = openEscrowShare(escrowKey, tagRow.share_sealed, entry!.id, tag);
    // One point on a line says nothing about where it crosses zero: taking it as the secret fails.
    expect(() => recoverTagKey([share], 2)).toThrow();
    expect(failsToOpen(() => unwrapEntryKeyForTag(tagRow.key_wrapped, recoverTagKey([share], 1), entry!.id, tag))).toBe(true);
    expect(failsToOpen(() => unwrapEntryKeyForTag(tagRow.key_wrapped, recoverTagKey([share, { x: share.x + 1n, y: share.y }], 2), entry!.id, tag))).toBe(true);

    // What the escrow key does protect: with it, whoever guesses the name can file a second entry,
    // and so open this one. That is why it lives outside the database (docs/escrow.md).
    const secret = identifierSecret(escrowKey, CANONICAL);
    expect(escrowTag(secret).equals(tagRow.tag)).toBe(true);
    const entryKey = unwrapEntryKeyForTag(tagRow.key_wrapped, recoverTagKey([share, escrowShareFor(secret, 2)], 2), entry!.id, tag);
    expect(openEntry(entryKey, entry!.id, entry!.content_sealed).account).toBe(ACCOUNT);
  });
});
