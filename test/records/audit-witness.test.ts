/**
 * Witnessed audit heads on both dialects: `candor audit head` prints a line to keep; a chain that is
 * rewritten from some entry on, every hash recomputed, still verifies on its own but fails
 * `candor audit verify --against` the witnessed heads, as does a chain cut short. The daily job
 * mails the head to the witness address through the outbox and a real SMTP server.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { sql } from 'kysely';
import { SMTPServer } from 'smtp-server';
import { describe, expect, it } from 'vitest';
import { hashAuditEntry } from '../../src/audit/audit.chain.js';
import { candorSchedulerOptions } from '../../src/jobs/candor-jobs.js';
import { createScheduler } from '../../src/jobs/scheduler.js';
import { openDatabase } from '../../src/kernel/database.js';
import { startTestApp } from '../support/app.js';
import { runCli } from '../support/cli.js';
import { createTestDatabase, DIALECTS } from '../support/databases.js';

describe.each(DIALECTS)('witnessed audit heads (%s)', (dialect) => {
  it('catches a rewritten history and a cut-short chain against the heads it printed', { timeout: 180_000 }, async () => {
    const database = await createTestDatabase(dialect);
    try {
      for (const slug of ['one', 'two', 'three']) expect((await runCli(['channel', 'add', '--slug', slug, '--name', slug], { database })).code).toBe(0);
      const head = await runCli(['audit', 'head'], { database });
      expect(head.stdout).toMatch(/^candor-audit-head 3 [0-9a-f]{64} \d{4}-\d\d-\d\dT/);
      expect((await runCli(['channel', 'add', '--slug', 'four', '--name', 'four'], { database })).code).toBe(0);
      const heads = path.join(database.dataDir, 'heads.txt');
      fs.writeFileSync(heads, `Subject: Candor audit head #3\n\n${head.stdout}`);
      const fine = await runCli(['audit', 'verify', '--against', heads], { database });
      expect([fine.code, fine.stdout]).toEqual([0, expect.stringContaining('All 1 witnessed heads match')]);

      // Someone with full rights rewrites entry 2 and recomputes every hash after it.
      const handle = openDatabase({ database: dialect === 'sqlite' ? { kind: 'sqlite', file: database.location } : { kind: 'postgres', url: database.url } });
      try {
        if (dialect === 'sqlite') {
          await sql`DROP TRIGGER audit_events_no_update`.execute(handle.db);
          await sql`DROP TRIGGER audit_events_no_delete`.execute(handle.db);
        } else {
          await sql`DROP TRIGGER audit_events_append_only ON audit_events`.execute(handle.db);
        }
        const rows = await handle.db.selectFrom('audit_events').selectAll().orderBy('seq').execute();
        let prev = rows[0]!.hash;
        for (const row of rows.slice(1)) {
          const fields = { seq: Number(row.seq), at: row.at, actorType: row.actor_type, actorId: row.actor_id, action: row.action, caseId: row.case_id, targetId: row.target_id, details: Number(row.seq) === 2 ? '{"rewritten":true}' : row.details };
          const hash = hashAuditEntry(fields, prev);
          await handle.db.updateTable('audit_events').set({ details: fields.details, prev_hash: prev, hash }).where('seq', '=', row.seq).execute();
          prev = hash;
        }
      } finally {
        await handle.close();
      }
      expect((await runCli(['audit', 'verify'], { database })).code).toBe(0); // the chain alone cannot tell
      const caught = await runCli(['audit', 'verify', '--against', heads], { database });
      expect([caught.code, caught.stderr]).toEqual([4, expect.stringContaining('entry #3 is not the entry that was witnessed')]);

      fs.writeFileSync(heads, `candor-audit-head 9 ${'a'.repeat(64)} 2030-01-01T00:00:00.000Z\n`);
      const missing = await runCli(['audit', 'verify', '--against', heads], { database });
      expect([missing.code, missing.stderr]).toEqual([4, expect.stringContaining('entries were removed')]);
    } finally {
      await database.dispose();
    }
  });

  it('mails the head once a day to the witness address through the outbox and SMTP', async () => {
    const received: string[] = [];
    const smtp = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      onData(stream, _session, callback) {
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('end', () => {
          received.push(Buffer.concat(chunks).toString());
          callback();
        });
      },
    });
    await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
    const port = (smtp.server.address() as AddressInfo).port;
    const app = await startTestApp(dialect, { env: { CANDOR_SMTP_URL: `smtp://127.0.0.1:${port}`, CANDOR_AUDIT_HEAD_MAIL_TO: 'auditors@example.org' } });
    try {
      await app.createStaff('handler', { channel: 'general' });
      const scheduler = createScheduler(app.ctx, candorSchedulerOptions(app.ctx));
      await scheduler.tick();
      await scheduler.tick();
      await scheduler.tick();
      expect(received).toHaveLength(1);
      const head = await app.ctx.db.selectFrom('audit_events').select(['seq', 'hash']).orderBy('seq', 'desc').limit(1).executeTakeFirstOrThrow();
      expect(received[0]).toContain('To: auditors@example.org');
      expect(received[0]!.replace(/=\r?\n/g, '')).toContain(`candor-audit-head ${head.seq} ${head.hash}`);
      // The next day, another one.
      app.clock.advance(86_400_000);
      await scheduler.tick();
      await scheduler.tick();
      expect(received).toHaveLength(2);
      await scheduler.stop();
    } finally {
      await app.close();
      await new Promise<void>((resolve) => smtp.close(() => resolve()));
    }
  });
});
