/** The SQLite connection reuses compiled statements; reuse must never change what a query returns. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type DatabaseHandle } from '../../src/kernel/database.js';

describe('SQLite statement reuse', () => {
  let dir: string;
  let handle: DatabaseHandle;
  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'candor-statements-'));
    handle = openDatabase({ database: { kind: 'sqlite', file: path.join(dir, 'candor.sqlite') } } as never);
    await sql`create table items (id integer primary key, label text not null)`.execute(handle.db);
    const values = Array.from({ length: 50 }, (_, index) => `(${index}, 'item ${index}')`).join(', ');
    await sql.raw(`insert into items (id, label) values ${values}`).execute(handle.db);
  });
  afterAll(async () => {
    await handle?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const query = (db: DatabaseHandle['db'], from: number) =>
    (db as unknown as import('kysely').Kysely<{ items: { id: number; label: string } }>)
      .selectFrom('items')
      .select(['id', 'label'])
      .where('id', '>=', from)
      .orderBy('id');

  it('gives each run of the same SQL its own parameters', async () => {
    expect((await query(handle.db, 48).execute()).map((row) => row.id)).toEqual([48, 49]);
    expect((await query(handle.db, 45).execute()).map((row) => row.id)).toEqual([45, 46, 47, 48, 49]);
  });

  it('runs the same SQL again after a reader stopped half-way through', async () => {
    const seen: number[] = [];
    for await (const row of query(handle.db, 40).stream(2)) {
      seen.push(row.id);
      if (seen.length === 3) break;
    }
    expect(seen).toEqual([40, 41, 42]);
    expect((await query(handle.db, 40).execute()).map((row) => row.id)).toEqual([40, 41, 42, 43, 44, 45, 46, 47, 48, 49]);
  });

  it('sees a table that was dropped and made again', async () => {
    await sql`create table notes (body text)`.execute(handle.db);
    await sql`insert into notes (body) values ('first')`.execute(handle.db);
    const read = () => sql<{ body: string }>`select body from notes`.execute(handle.db);
    expect((await read()).rows).toEqual([{ body: 'first' }]);
    await sql`drop table notes`.execute(handle.db);
    await sql`create table notes (body text, extra text)`.execute(handle.db);
    await sql`insert into notes (body) values ('second')`.execute(handle.db);
    expect((await read()).rows).toEqual([{ body: 'second' }]);
  });
});
