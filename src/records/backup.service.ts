/**
 * `candor backup FILE`, `candor restore FILE` and `candor migrate-store --to URL`.
 *
 * A backup is consistent: SQLite through its online backup API (a page-level copy that other
 * connections may keep writing during), PostgreSQL as a logical dump of every table read in one
 * REPEATABLE READ transaction through the database connection. It carries the sealed attachment
 * files and the installation's key files (escrow, notification address, signing key, protection key), and the
 * whole of it is sealed to the backup public key: only the holder of the backup private key can
 * restore it (see docs/records.md#backup-and-restore).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import BetterSqlite3 from 'better-sqlite3';
import { sql, type Kysely } from 'kysely';
import type { Database } from '../kernel/db-schema.js';
import { verifyAuditChain } from '../audit/audit.service.js';
import type { Config } from '../kernel/config.js';
import {
  backupKeyFingerprint,
  createBackupOpeningStream,
  createBackupSealingStream,
  decodeBackupPrivateKey,
  decodeBackupPublicKey,
  encodeBackupPrivateKey,
  encodeBackupPublicKey,
  generateBackupKeyPair,
  generateFileKey,
  unwrapBackupStreamKey,
  wrapBackupStreamKey,
  type BackupPublicKey,
} from '../kernel/crypto.js';
import { openDatabase, type DatabaseHandle } from '../kernel/database.js';
import { DomainError } from '../kernel/errors.js';
import { migrateToLatest } from '../kernel/migrations/index.js';
import { CANDOR_VERSION } from '../version.js';
import { BACKUP_MAGIC, readBackupHeader, recordStream, RecordReader, type BackupEntry, type BackupHeader } from './backup.format.js';
import { clearSeededRows, decodeRow, encodeRow, insertRows, readTable, resetSequences, tablesInCopyOrder, targetHoldsData, type Row } from './store-copy.repository.js';

export class BackupRefused extends DomainError {
  constructor(message: string) {
    super('backup_refused', message, 409);
  }
}

/** The key files an installation keeps beside the database, by the name they travel under in a backup. */
function secretFiles(config: Config): Record<string, string> {
  const files: Record<string, string> = { 'escrow.key': config.escrow.keyFile, 'signing.key': config.records.signingKeyFile };
  if ('file' in config.mail.notifyKey) files['notify-address.key'] = config.mail.notifyKey.file;
  if ('file' in config.protection.key) files['protection.key'] = config.protection.key.file;
  return files;
}

export function loadBackupPublicKey(config: Config): BackupPublicKey {
  const source = config.records.backupPublicKey;
  if ('base64' in source) return decodeBackupPublicKey(source.base64);
  let text: string;
  try {
    text = fs.readFileSync(source.file, 'utf8');
  } catch {
    throw new BackupRefused(`There is no backup public key at ${source.file}. Make a key pair first: candor backup keygen --out PRIVATE_KEY_FILE (keep that file off this server).`);
  }
  return decodeBackupPublicKey(text);
}

/** Makes a backup key pair: the private key to `privateFile` (keep it off the server), the public key where Candor looks for it. */
export function generateBackupKeys(config: Config, privateFile: string): { fingerprint: string; publicFile: string | null; publicKey: string } {
  const pair = generateBackupKeyPair();
  fs.writeFileSync(privateFile, encodeBackupPrivateKey(pair.privateKey, pair.publicKey), { mode: 0o600, flag: 'wx' });
  const source = config.records.backupPublicKey;
  let publicFile: string | null = null;
  if ('file' in source) {
    fs.mkdirSync(path.dirname(source.file), { recursive: true, mode: 0o700 });
    fs.writeFileSync(source.file, encodeBackupPublicKey(pair.publicKey), { mode: 0o644 });
    publicFile = source.file;
  }
  return { fingerprint: backupKeyFingerprint(pair.publicKey), publicFile, publicKey: pair.publicKey.toString('base64') };
}

async function appliedMigrations(handle: DatabaseHandle): Promise<string[]> {
  try {
    const rows = await sql<{ name: string }>`SELECT name FROM kysely_migration ORDER BY name`.execute(handle.db);
    return rows.rows.map((row) => row.name);
  } catch {
    return [];
  }
}

function fileEntry(entryPath: string, file: string): BackupEntry {
  const bytes = fs.statSync(file).size;
  return { path: entryPath, bytes, open: () => fs.createReadStream(file) };
}

/** Writes an encrypted, consistent backup of the installation to `file`. */
export async function createBackup(config: Config, file: string): Promise<{ backupId: string; attachments: number; fingerprint: string }> {
  const publicKey = loadBackupPublicKey(config);
  const handle = openDatabase(config);
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'candor-backup-'));
  fs.chmodSync(work, 0o700);
  try {
    await migrateToLatest(handle.db, handle.dialect);
    const backupId = randomUUID();
    const streamKey = generateFileKey();
    const header: BackupHeader = {
      backupId,
      createdAt: new Date().toISOString(),
      dialect: handle.dialect,
      version: CANDOR_VERSION,
      keyFingerprint: backupKeyFingerprint(publicKey),
      wrappedKey: wrapBackupStreamKey(streamKey, publicKey, backupId).toString('base64'),
      migrations: await appliedMigrations(handle),
    };
    const entries: BackupEntry[] = [{ path: 'header.json', content: Buffer.from(JSON.stringify(header)) }];
    for (const [name, source] of Object.entries(secretFiles(config))) {
      if (fs.existsSync(source)) entries.push({ path: `secrets/${name}`, content: fs.readFileSync(source) });
    }
    if (config.database.kind === 'sqlite') {
      const copy = path.join(work, 'database.sqlite');
      const source = new BetterSqlite3(config.database.file, { fileMustExist: true });
      try {
        await source.backup(copy);
      } finally {
        source.close();
      }
      entries.push(fileEntry('database.sqlite', copy));
    } else {
      // One snapshot for every table: REPEATABLE READ in PostgreSQL is a consistent snapshot.
      await handle.db.transaction().setIsolationLevel('repeatable read').execute(async (tx) => {
        for (const table of await tablesInCopyOrder(tx, 'postgres')) {
          const out = path.join(work, `${table}.jsonl`);
          const fd = fs.openSync(out, 'wx', 0o600);
          try {
            for await (const page of readTable(tx, 'postgres', table)) fs.writeSync(fd, page.map(encodeRow).join('\n') + '\n');
          } finally {
            fs.closeSync(fd);
          }
          entries.push(fileEntry(`tables/${table}.jsonl`, out));
        }
      });
    }
    // Files are listed after the database snapshot: a file the snapshot refers to exists by then.
    let attachments = 0;
    const dir = config.attachments.dir;
    if (fs.existsSync(dir)) {
      for (const name of fs.readdirSync(dir).sort()) {
        if (!/^[0-9a-f]{32}$/.test(name)) continue;
        entries.push(fileEntry(`attachments/${name}`, path.join(dir, name)));
        attachments += 1;
      }
    }
    const partial = `${file}.partial`;
    fs.writeFileSync(partial, `${BACKUP_MAGIC}\n${JSON.stringify(header)}\n`, { mode: 0o600 });
    await pipeline(
      recordStream((async function* () {
        yield* entries;
      })()),
      createBackupSealingStream(streamKey, backupId),
      fs.createWriteStream(partial, { flags: 'a' }),
    );
    fs.renameSync(partial, file);
    return { backupId, attachments, fingerprint: header.keyFingerprint };
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
    await handle.close();
  }
}

/** Streams a record's body line by line (JSON lines of a table). */
async function* bodyLines(reader: RecordReader, bytes: number): AsyncGenerator<string> {
  let rest = '';
  let left = bytes;
  while (left > 0) {
    const chunk = await reader.body(Math.min(left, 1 << 20));
    left -= chunk.length;
    const text = rest + chunk.toString('utf8');
    const lines = text.split('\n');
    rest = lines.pop() ?? '';
    for (const line of lines) if (line) yield line;
  }
  if (rest) yield rest;
}

/** Restores a backup into an empty database (and attachment directory); refuses anything else. */
export async function restoreBackup(config: Config, file: string, privateKeyFile: string): Promise<{ tables: number; attachments: number; createdAt: string }> {
  const { header, offset } = await readBackupHeader(file).catch(() => {
    throw new BackupRefused(`${file} is not a Candor backup.`);
  });
  const { privateKey, publicKey } = (() => {
    try {
      return decodeBackupPrivateKey(fs.readFileSync(privateKeyFile, 'utf8'));
    } catch {
      throw new BackupRefused(`${privateKeyFile} is not a Candor backup private key.`);
    }
  })();
  if (backupKeyFingerprint(publicKey) !== header.keyFingerprint) {
    throw new BackupRefused(`This backup was made for the backup key ${header.keyFingerprint}; ${privateKeyFile} is ${backupKeyFingerprint(publicKey)}.`);
  }
  if (header.dialect !== config.database.kind) {
    throw new BackupRefused(
      `This is a ${header.dialect === 'sqlite' ? 'SQLite' : 'PostgreSQL'} backup; CANDOR_DATABASE_URL points at ${config.database.kind === 'sqlite' ? 'SQLite' : 'PostgreSQL'}. Restore it into the same kind of database (then, from SQLite, candor migrate-store --to postgres://...).`,
    );
  }
  const streamKey = unwrapBackupStreamKey(Buffer.from(header.wrappedKey, 'base64'), privateKey, header.backupId);
  // The target must be empty: no database with data, no attachment files.
  const handle = openDatabase(config);
  let closed = false;
  try {
    const applied = await appliedMigrations(handle);
    if (applied.length > 0) {
      await migrateToLatest(handle.db, handle.dialect);
      if (await targetHoldsData(handle.db)) {
        throw new BackupRefused('The database is not empty: restore only into an empty database (a new SQLite file or a new PostgreSQL database). Nothing was changed.');
      }
      if (config.database.kind === 'postgres' && applied.some((name) => !header.migrations.includes(name)) && header.migrations.length < applied.length) {
        throw new BackupRefused('The target database was migrated beyond this backup: restore into a new, empty PostgreSQL database. Nothing was changed.');
      }
    }
    const dir = config.attachments.dir;
    if (fs.existsSync(dir) && fs.readdirSync(dir).some((name) => /^[0-9a-f]{32}$/.test(name))) {
      throw new BackupRefused(`The attachment directory ${dir} already holds files: restore only into an empty installation. Nothing was changed.`);
    }
    const opened = fs.createReadStream(file, { start: offset }).pipe(createBackupOpeningStream(streamKey, header.backupId));
    const reader = new RecordReader(opened as unknown as Readable);
    const first = await reader.next();
    const inner = JSON.parse((await reader.body(first.bytes)).toString('utf8')) as BackupHeader;
    if (first.path !== 'header.json' || JSON.stringify(inner) !== JSON.stringify(header)) throw new BackupRefused('The backup header was altered.');
    const secrets = secretFiles(config);
    const pendingSecrets: [string, Buffer][] = [];
    let tables = 0;
    let attachments = 0;
    const written: string[] = [];
    if (handle.dialect === 'postgres') {
      await migrateToLatest(handle.db, handle.dialect);
      // Rows of a dump fit the schema that made them: the same migrations, or nothing is touched.
      if (JSON.stringify(await appliedMigrations(handle)) !== JSON.stringify(header.migrations)) {
        throw new BackupRefused('This backup was made by another version of Candor (its schema differs): restore it with the version that made it, then upgrade. Nothing was changed.');
      }
    }
    const processRecords = async (db: Kysely<Database>) => {
      for (;;) {
        const record = await reader.next();
        if (record.path === 'END') break;
        if (record.path.startsWith('secrets/')) {
          const name = record.path.slice('secrets/'.length);
          const body = await reader.body(record.bytes);
          const target = secrets[name];
          if (!target) continue;
          if (fs.existsSync(target) && !fs.readFileSync(target).equals(body)) {
            throw new BackupRefused(`${target} exists and is not the ${name} of this backup: move it away first (the backup's own key file is needed to read its data).`);
          }
          pendingSecrets.push([target, body]);
        } else if (record.path === 'database.sqlite' && config.database.kind === 'sqlite') {
          await handle.close();
          closed = true;
          const target = config.database.file;
          fs.mkdirSync(path.dirname(target), { recursive: true, mode: 0o700 });
          for (const suffix of ['', '-wal', '-shm']) fs.rmSync(`${target}${suffix}`, { force: true });
          written.push(target);
          await reader.bodyToFile(record.bytes, target);
          tables += 1;
        } else if (record.path.startsWith('tables/') && handle.dialect === 'postgres') {
          const table = record.path.slice('tables/'.length, -'.jsonl'.length);
          if (tables === 0) await clearSeededRows(db, 'postgres', await tablesInCopyOrder(db, 'postgres'));
          let batch: Row[] = [];
          for await (const line of bodyLines(reader, record.bytes)) {
            batch.push(decodeRow(line));
            if (batch.length >= 2000) {
              await insertRows(db, table, batch);
              batch = [];
            }
          }
          await insertRows(db, table, batch);
          tables += 1;
        } else if (record.path.startsWith('attachments/')) {
          const name = record.path.slice('attachments/'.length);
          if (!/^[0-9a-f]{32}$/.test(name)) throw new BackupRefused('The backup holds an unexpected file name.');
          fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
          written.push(path.join(dir, name));
          await reader.bodyToFile(record.bytes, path.join(dir, name));
          attachments += 1;
        } else {
          await reader.body(record.bytes);
        }
      }
    };
    try {
      if (handle.dialect === 'postgres') {
        // One transaction on one connection: a failed restore leaves the database as it was.
        await handle.db.connection().execute(async (conn) => {
          await sql`BEGIN`.execute(conn);
          try {
            await processRecords(conn);
            await resetSequences(conn);
            await sql`COMMIT`.execute(conn);
          } catch (error) {
            await sql`ROLLBACK`.execute(conn);
            throw error;
          }
        });
      } else {
        await processRecords(handle.db);
      }
    } catch (error) {
      for (const name of written) fs.rmSync(name, { force: true });
      throw error;
    }
    // Fresh planner statistics for what was just loaded: without them PostgreSQL plans paging queries
    // (the inbox, audit verify) as if every table were tiny, until autovacuum (if on) gets to them.
    if (handle.dialect === 'postgres') await sql`ANALYZE`.execute(handle.db);
    for (const [target, body] of pendingSecrets) {
      if (fs.existsSync(target)) continue;
      fs.mkdirSync(path.dirname(target), { recursive: true, mode: 0o700 });
      fs.writeFileSync(target, body, { mode: 0o600, flag: 'wx' });
    }
    return { tables, attachments, createdAt: header.createdAt };
  } finally {
    if (!closed) await handle.close();
  }
}

/** Copies a SQLite installation's database onto an empty PostgreSQL database, table by table, and checks the copy. */
export async function migrateStore(config: Config, toUrl: string): Promise<{ tables: { table: string; rows: number }[]; auditEntries: number }> {
  if (config.database.kind !== 'sqlite') throw new BackupRefused('migrate-store moves a SQLite installation: CANDOR_DATABASE_URL must point at the SQLite file.');
  if (!/^postgres(ql)?:\/\//.test(toUrl)) throw new BackupRefused('--to must be a postgres:// URL.');
  const source = openDatabase(config);
  const target = openDatabase({ database: { kind: 'postgres', url: toUrl } });
  try {
    await migrateToLatest(source.db, source.dialect);
    await migrateToLatest(target.db, target.dialect);
    if (await targetHoldsData(target.db)) throw new BackupRefused('The PostgreSQL database is not empty: migrate into a new, empty database. Nothing was changed.');
    const counts: { table: string; rows: number }[] = [];
    // One read transaction on SQLite (a consistent snapshot) and one write transaction on PostgreSQL.
    await source.db.transaction().execute(async (from) => {
      await target.db.transaction().execute(async (to) => {
        const targetTables = await tablesInCopyOrder(to, 'postgres');
        await clearSeededRows(to, 'postgres', targetTables);
        for (const table of await tablesInCopyOrder(from, 'sqlite')) {
          if (!targetTables.includes(table)) throw new BackupRefused(`PostgreSQL has no table ${table}.`);
          let rows = 0;
          for await (const page of readTable(from, 'sqlite', table)) {
            await insertRows(to, table, page);
            rows += page.length;
          }
          counts.push({ table, rows });
        }
        await resetSequences(to);
      });
    });
    // As after a restore: statistics for the planner on the tables just filled.
    await sql`ANALYZE`.execute(target.db);
    for (const { table, rows } of counts) {
      const row = await sql<{ n: number }>`SELECT COUNT(*)::int AS n FROM ${sql.table(table)}`.execute(target.db);
      if (Number(row.rows[0]!.n) !== rows) throw new Error(`${table}: ${rows} rows read, ${row.rows[0]!.n} in PostgreSQL`);
    }
    const chain = await verifyAuditChain(target.db);
    if (!chain.ok) throw new Error('the audit chain does not verify on PostgreSQL after the copy');
    return { tables: counts, auditEntries: chain.entries };
  } finally {
    await source.close();
    await target.close();
  }
}
