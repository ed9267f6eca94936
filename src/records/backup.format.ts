/**
 * The backup file:
 *
 *   CANDOR-BACKUP-1\n
 *   {"backupId","createdAt","dialect","version","keyFingerprint","wrappedKey"}\n
 *   sealed stream (kernel/crypto.ts createBackupSealingStream) of records:
 *     u32 length of the record's JSON head, the head {"path","bytes"}, then `bytes` bytes
 *   ending with a record whose path is "END" (a backup cut short fails to open, or lacks it).
 *
 * The stream key is wrapped to the backup public key (X25519); only the private key opens it. The
 * sealed stream authenticates every chunk, their order and the end, and its first record repeats
 * the header, so an edited header is caught.
 */
import fs from 'node:fs';
import { Readable } from 'node:stream';

export const BACKUP_MAGIC = 'CANDOR-BACKUP-1';

export interface BackupHeader {
  backupId: string;
  createdAt: string;
  dialect: 'sqlite' | 'postgres';
  version: string;
  keyFingerprint: string;
  wrappedKey: string;
  /** The migrations the database had, in order. */
  migrations: string[];
}

export type BackupEntry = { path: string; content: Buffer } | { path: string; bytes: number; open: () => Readable };

/** The plaintext record stream of a backup. */
export function recordStream(entries: AsyncIterable<BackupEntry>): Readable {
  async function* frames(): AsyncGenerator<Buffer> {
    for await (const entry of entries) {
      const bytes = 'content' in entry ? entry.content.length : entry.bytes;
      const head = Buffer.from(JSON.stringify({ path: entry.path, bytes }), 'utf8');
      const length = Buffer.alloc(4);
      length.writeUInt32BE(head.length);
      yield Buffer.concat([length, head]);
      if ('content' in entry) {
        yield entry.content;
      } else {
        let seen = 0;
        for await (const chunk of entry.open()) {
          seen += (chunk as Buffer).length;
          yield chunk as Buffer;
        }
        if (seen !== bytes) throw new Error(`${entry.path} changed while it was backed up`);
      }
    }
    const end = Buffer.from(JSON.stringify({ path: 'END', bytes: 0 }), 'utf8');
    const length = Buffer.alloc(4);
    length.writeUInt32BE(end.length);
    yield Buffer.concat([length, end]);
  }
  return Readable.from(frames());
}

/** Reads the two header lines of a backup file; answers the header and where the sealed stream starts. */
export async function readBackupHeader(file: string): Promise<{ header: BackupHeader; offset: number }> {
  const handle = await fs.promises.open(file, 'r');
  try {
    const buffer = Buffer.alloc(8192);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    const text = buffer.subarray(0, bytesRead).toString('latin1');
    const first = text.indexOf('\n');
    const second = text.indexOf('\n', first + 1);
    if (first < 0 || second < 0 || text.slice(0, first) !== BACKUP_MAGIC) throw new Error('not a Candor backup file');
    const header = JSON.parse(text.slice(first + 1, second)) as BackupHeader;
    return { header, offset: second + 1 };
  } finally {
    await handle.close();
  }
}

/** Pulls records out of the opened (plaintext) stream: small ones as buffers, large ones piped to a sink. */
export class RecordReader {
  #pending: Buffer[] = [];
  #length = 0;
  readonly #source: AsyncIterator<Buffer>;
  constructor(stream: Readable) {
    this.#source = stream[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  }

  async #fill(bytes: number): Promise<void> {
    while (this.#length < bytes) {
      const next = await this.#source.next();
      if (next.done) throw new Error('the backup ends early');
      this.#pending.push(next.value);
      this.#length += next.value.length;
    }
  }

  #take(bytes: number): Buffer {
    const all = Buffer.concat(this.#pending);
    this.#pending = all.length > bytes ? [all.subarray(bytes)] : [];
    this.#length = all.length - bytes;
    return all.subarray(0, bytes);
  }

  async next(): Promise<{ path: string; bytes: number }> {
    await this.#fill(4);
    const headLength = this.#take(4).readUInt32BE(0);
    await this.#fill(headLength);
    return JSON.parse(this.#take(headLength).toString('utf8')) as { path: string; bytes: number };
  }

  async body(bytes: number): Promise<Buffer> {
    await this.#fill(bytes);
    return this.#take(bytes);
  }

  /** Streams `bytes` bytes of the current record to a file, without holding them all in memory. */
  async bodyToFile(bytes: number, file: string, mode = 0o600): Promise<void> {
    const out = fs.createWriteStream(file, { mode, flags: 'wx' });
    let left = bytes;
    const write = (chunk: Buffer) => new Promise<void>((resolve, reject) => out.write(chunk, (error) => (error ? reject(error) : resolve())));
    try {
      while (left > 0) {
        if (this.#length === 0) await this.#fill(1);
        const chunk = this.#take(Math.min(left, this.#length));
        await write(chunk);
        left -= chunk.length;
      }
    } finally {
      await new Promise<void>((resolve) => out.end(resolve));
    }
  }
}
