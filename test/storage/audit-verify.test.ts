import { Writable } from 'node:stream';
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { openAuditChainReader } from '../../src/audit/audit-chain.reader.js';
import { canonicalAuditEntry, ChainVerifier, GENESIS_HASH, hashAuditEntry } from '../../src/audit/audit.chain.js';
import { recordAudit, verifyAuditChain } from '../../src/audit/audit.service.js';
import type { ChainVerification, WitnessedHead } from '../../src/audit/audit.verify.js';
import { startRuntime, type Runtime } from '../../src/kernel/bootstrap.js';
import { sha256Hex } from '../../src/kernel/digest.js';
import { createLogger } from '../../src/kernel/logger.js';
import { testConfig } from '../support/app.js';
import { createTestDatabase, DIALECTS, type TestDatabase } from '../support/databases.js';

/**
 * `candor audit verify`'s fast path (the database builds or ships each entry compactly, threads
 * take stretches of the chain) must give the verdict the portable walk gives, to the entry and the
 * reason, on text that JSON has to escape and on breaks that fall on the seams between stretches.
 */
describe.each(DIALECTS)('audit chain verification, fast and portable (%s)', (dialect) => {
  let database: TestDatabase | undefined;
  let runtime: Runtime | undefined;

  afterEach(async () => {
    await runtime?.close();
    await database?.dispose();
    runtime = undefined;
    database = undefined;
  });

  /** A chain of `length` entries with text that JSON escapes in every string field the caller controls (control characters too, unless told). */
  async function chainOf(length: number, options: { controlCharacters?: boolean } = {}): Promise<Runtime> {
    const awkward = options.controlCharacters === false ? 'quote " backslash \\ é 中文 😀 \u2028' : `tab\there, line\nbreak, bell\u0007, é 中文 😀 \u2028`;
    database = await createTestDatabase(dialect);
    const sink = new Writable({ write: (_chunk, _encoding, done) => done() });
    runtime = await startRuntime(testConfig(database), { logger: createLogger('warn', sink) });
    const started = Date.parse('2026-03-01T09:00:00.000Z');
    for (let index = 0; index < length; index += 1) {
      await runtime.ctx.db.transaction().execute((tx) =>
        recordAudit(tx, runtime!.ctx.dialect, new Date(started + index * 1000), {
          actor: index % 4 === 0 ? { type: 'system' } : { type: 'staff', id: `staff-"${index}"\\` },
          action: index % 3 === 0 ? 'test.awkward' : 'test.plain',
          caseId: index % 2 === 0 ? `case-${index % 5}` : null,
          targetId: index % 5 === 0 ? awkward : null,
          details: { note: `quote " backslash \\ ${awkward} del \u007f #${index}`, n: index, ok: index % 2 === 0, none: null },
        }),
      );
    }
    return runtime;
  }

  /** The verdict of every path: portable, and fast on one thread and on three, in stretches of 7. */
  async function verdicts(witnessed: WitnessedHead[] = []): Promise<ChainVerification[]> {
    const { db, config } = runtime!.ctx;
    return [
      await verifyAuditChain(db, witnessed),
      await verifyAuditChain(db, witnessed, { database: config.database, threads: 1 }),
      await verifyAuditChain(db, witnessed, { database: config.database, threads: 3, taskSize: 7 }),
    ];
  }

  async function dropAppendOnlyTriggers(): Promise<void> {
    const db = runtime!.ctx.db;
    if (dialect === 'sqlite') {
      await sql`DROP TRIGGER audit_events_no_update`.execute(db);
      await sql`DROP TRIGGER audit_events_no_delete`.execute(db);
    } else {
      await sql`DROP TRIGGER audit_events_append_only ON audit_events`.execute(db);
    }
  }

  it('verifies escaped text whole on every path, with the same head', async () => {
    await chainOf(60);
    const head = await runtime!.ctx.db.selectFrom('audit_events').select(['seq', 'hash']).orderBy('seq', 'desc').limit(1).executeTakeFirstOrThrow();
    // Control characters, raw in PostgreSQL's CSV, fail its walk as stored: the walk by key checks those entries carefully.
    for (const verdict of await verdicts()) {
      expect(verdict).toEqual({ ok: true, entries: 60, headSeq: 60, headHash: head.hash, witnessed: 0, order: 'key' });
    }
  });

  it('verifies a chain as stored on PostgreSQL, on one thread and in ranges of blocks on three', async () => {
    await chainOf(60, { controlCharacters: false });
    const head = await runtime!.ctx.db.selectFrom('audit_events').select(['seq', 'hash']).orderBy('seq', 'desc').limit(1).executeTakeFirstOrThrow();
    const [portable, ...fast] = await verdicts();
    expect(portable).toMatchObject({ ok: true, entries: 60, headHash: head.hash, order: 'key' });
    for (const verdict of fast) expect(verdict).toEqual({ ok: true, entries: 60, headSeq: 60, headHash: head.hash, witnessed: 0, order: dialect === 'postgres' ? 'stored' : 'key' });
  });

  it('has the database write every line exactly as the fast check needs it', async () => {
    // PostgreSQL's CSV writer leaves control characters raw, so a page holding one takes the careful path (the test above).
    await chainOf(60, { controlCharacters: dialect === 'sqlite' });
    const reader = await openAuditChainReader(runtime!.ctx.config.database, { pageSize: 25 });
    try {
      const verifier = new ChainVerifier();
      for await (const page of reader.pages({ after: null, upTo: null })) {
        expect('rows' in page).toBe(false);
        if (!('rows' in page)) expect(verifier.checkPage(page)).toBe(page.count);
      }
      expect(verifier.count).toBe(60);
      if (reader.storedPages) {
        // As stored too, in pages of 25 entries, the last entry of each named.
        const stored = new ChainVerifier();
        const lastSeqs: number[] = [];
        for await (const page of reader.storedPages({ fromBlock: 0, toBlock: null })) {
          expect(stored.checkPage(page)).toBe(page.count);
          lastSeqs.push(page.lastSeq);
        }
        expect(lastSeqs).toEqual([25, 50, 60]);
      }
    } finally {
      await reader.close();
    }
  });

  it('names a last entry rehashed over text that is not its canonical form, on every path', async () => {
    await chainOf(10, { controlCharacters: false });
    await dropAppendOnlyTriggers();
    const db = runtime!.ctx.db;
    const last = await db.selectFrom('audit_events').selectAll().where('seq', '=', 10).executeTakeFirstOrThrow();
    const fields = { seq: 10, at: last.at, actorType: last.actor_type, actorId: last.actor_id, action: last.action, caseId: last.case_id, targetId: last.target_id, details: last.details };
    // A forged entry smuggled into the stored hash: its first 64 characters the digest of the rest of the line.
    const tail = `["candor-audit-v1","${last.prev_hash}",10,"forged"]`;
    await db.updateTable('audit_events').set({ hash: sha256Hex(tail + canonicalAuditEntry(fields, last.prev_hash)) + tail }).where('seq', '=', 10).execute();
    for (const verdict of await verdicts()) expect(verdict).toMatchObject({ ok: false, entries: 9, break: { seq: 10, reason: 'hash_mismatch' } });
    // A raw control character, hashed as PostgreSQL's CSV writer would give it (JSON escapes it).
    const bell = { ...fields, details: '{"bell":"\u0007"}' };
    const raw = canonicalAuditEntry(bell, last.prev_hash).replace('\\u0007', '\u0007');
    await db.updateTable('audit_events').set({ details: bell.details, hash: sha256Hex(raw) }).where('seq', '=', 10).execute();
    for (const verdict of await verdicts()) expect(verdict).toMatchObject({ ok: false, entries: 9, break: { seq: 10, reason: 'hash_mismatch' } });
  });

  // SQLite keeps whatever type a value is given; PostgreSQL's text columns cannot hold a BLOB.
  if (dialect === 'sqlite') {
    it('names an entry whose column was made a BLOB (which JSON cannot hold) on every path', async () => {
      await chainOf(20);
      await dropAppendOnlyTriggers();
      await sql`UPDATE audit_events SET details = X'7b7d' WHERE seq = 12`.execute(runtime!.ctx.db);
      for (const verdict of await verdicts()) expect(verdict).toMatchObject({ ok: false, entries: 11, break: { seq: 12, reason: 'hash_mismatch' } });
    });
  }

  it('names an altered entry in the middle of a stretch on every path', async () => {
    await chainOf(60);
    await dropAppendOnlyTriggers();
    await runtime!.ctx.db.updateTable('audit_events').set({ details: '{"note":"nothing happened"}' }).where('seq', '=', 30).execute();
    for (const verdict of await verdicts()) {
      expect(verdict).toMatchObject({ ok: false, entries: 29, break: { seq: 30, reason: 'hash_mismatch' } });
    }
  });

  it('names a removed entry that began a stretch, across the seam', async () => {
    await chainOf(60);
    await dropAppendOnlyTriggers();
    // Stretches of 7 over 60 entries begin after #6, #13, #20, …: #21 begins one.
    await runtime!.ctx.db.deleteFrom('audit_events').where('seq', '=', 21).execute();
    for (const verdict of await verdicts()) {
      expect(verdict).toMatchObject({ ok: false, entries: 20, break: { seq: 22, reason: 'sequence_gap', message: expect.stringContaining('expected entry #21 but found #22') } });
    }
  });

  it('names a rewritten history against a witnessed head, and a chain cut short', async () => {
    await chainOf(40);
    const rows = await runtime!.ctx.db.selectFrom('audit_events').select(['seq', 'hash']).where('seq', 'in', [12, 33]).orderBy('seq').execute();
    const heads = rows.map((row, index) => ({ seq: Number(row.seq), hash: row.hash, line: index + 1 }));
    for (const verdict of await verdicts(heads)) expect(verdict).toMatchObject({ ok: true, entries: 40, witnessed: 2 });

    const rewritten = [heads[0]!, { ...heads[1]!, hash: 'f'.repeat(64) }];
    for (const verdict of await verdicts(rewritten)) {
      expect(verdict).toMatchObject({ ok: false, witness: { seq: 33, line: 2, reason: 'hash_differs' } });
    }
    const beyond = [...heads, { seq: 41, hash: 'a'.repeat(64), line: 3 }];
    for (const verdict of await verdicts(beyond)) {
      expect(verdict).toMatchObject({ ok: false, entries: 40, witness: { seq: 41, line: 3, reason: 'entry_missing' } });
    }
  });
  // Only PostgreSQL's reader reads the table as stored.
  if (dialect === 'postgres') {
    it('verifies a chain not stored in key order by key, with the same verdict', async () => {
      await chainOf(60, { controlCharacters: false });
      await dropAppendOnlyTriggers();
      const db = runtime!.ctx.db;
      // An entry taken out and written again lands after the others in the table: whole, but stored out of order.
      const moved = await db.deleteFrom('audit_events').where('seq', '=', 5).returningAll().executeTakeFirstOrThrow();
      await db.insertInto('audit_events').values(moved).execute();
      const [, ...fast] = await verdicts();
      for (const verdict of fast) expect(verdict).toMatchObject({ ok: true, entries: 60, headSeq: 60, order: 'key' });
      // And a break in it is still named, by the walk by key.
      await db.updateTable('audit_events').set({ details: '{"note":"nothing happened"}' }).where('seq', '=', 30).execute();
      for (const verdict of await verdicts()) expect(verdict).toMatchObject({ ok: false, entries: 29, break: { seq: 30, reason: 'hash_mismatch' } });
    });

    it('reads a large table as stored from its first block, even after another scan of it stopped halfway', async () => {
      // Larger than a quarter of shared_buffers, so PostgreSQL synchronises sequential scans of it.
      database = await createTestDatabase(dialect);
      runtime = await startRuntime(testConfig(database), { logger: createLogger('warn', new Writable({ write: (_chunk, _encoding, done) => done() })) });
      const { db, config } = runtime.ctx;
      const [{ setting, unit }] = (await sql<{ setting: string; unit: string }>`SELECT setting, unit FROM pg_settings WHERE name = 'shared_buffers'`.execute(db)).rows as [{ setting: string; unit: string }];
      expect(unit).toBe('8kB');
      const entries = Math.max(20_000, Math.ceil((Number(setting) * 8192) / 4 / 250));
      let prevHash = GENESIS_HASH;
      for (let from = 1; from <= entries; from += 5000) {
        const rows = [];
        for (let seq = from; seq < Math.min(entries + 1, from + 5000); seq += 1) {
          const fields = { seq, at: new Date(Date.UTC(2026, 2, 1) + seq * 1000).toISOString(), actorType: 'staff', actorId: `staff-${seq % 50}`, action: 'case.read', caseId: `case-${seq % 900}`, targetId: null, details: '{"padding":"a few words so that an entry is as long as a real one"}' };
          const hash = hashAuditEntry(fields, prevHash);
          rows.push({ seq, at: fields.at, actor_type: 'staff' as const, actor_id: fields.actorId, action: fields.action, case_id: fields.caseId, target_id: null, details: fields.details, prev_hash: prevHash, hash });
          prevHash = hash;
        }
        await db.insertInto('audit_events').values(rows).execute();
      }
      // A scan of the table left off halfway: the next one would start there.
      await db.transaction().execute(async (tx) => {
        await sql`SET LOCAL enable_indexscan = off; SET LOCAL enable_bitmapscan = off`.execute(tx);
        await sql`SELECT seq FROM audit_events LIMIT ${Math.floor(entries / 2)}`.execute(tx);
      });
      expect(await verifyAuditChain(db, [], { database: config.database, threads: 1 })).toMatchObject({ ok: true, entries, headHash: prevHash, order: 'stored' });
    });

    it('closes a reader left in the middle of a read as stored, connections and all', async () => {
      // A short chain comes over in one piece: the statement is over while its pages still wait
      // unread and the socket is paused, and the reader must hand the socket back running.
      await chainOf(12, { controlCharacters: false });
      const { config, db } = runtime!.ctx;
      const reader = await openAuditChainReader(config.database, { pageSize: 1 });
      for await (const page of reader.storedPages!({ fromBlock: 0, toBlock: null })) {
        expect(page.lastSeq).toBe(1);
        break;
      }
      await reader.close();
      // Its connection is gone (once the server has seen it close), and the chain reads whole again.
      const copying = async () => Number((await sql<{ n: string }>`SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'COPY%'`.execute(db)).rows[0]!.n);
      await expect.poll(copying, { timeout: 5000 }).toBe(0);
      expect(await verifyAuditChain(db, [], { database: config.database, threads: 1 })).toMatchObject({ ok: true, entries: 12, order: 'stored' });
    }, 20_000);
  }
});
