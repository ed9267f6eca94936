/**
 * Attachment files on disk. Every file is sealed as it streams in (see createSealingStream in
 * kernel/crypto.ts) under a fresh file key, so plaintext never touches the disk and an upload is
 * never held whole in memory. The one exception is the strip pass, which decodes one file in
 * memory to remove its metadata (docs/threat-model.md#attachments).
 *
 * Files are written as `<random>.part` and renamed to `<random>` once complete and flushed.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Readable, Transform, Writable, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  contentDigest,
  createOpeningStream,
  createSealingStream,
  generateFileKey,
  newStorageName,
  type ContentDigest,
  type FileKey,
} from '../kernel/crypto.js';
import { detectContentType, SNIFF_BYTES, type AttachmentType } from './attachment.rules.js';
import { stripMetadata } from './attachment.strip.js';

/** A sealed file in the attachments directory and what is known of its plaintext. */
export interface StoredFile {
  name: string;
  fileKey: FileKey;
  bytes: number;
  sha256: string;
}

/** Thrown by receiveSealedFile when the stream holds more than the limit; nothing is left on disk. */
export class FileLimitExceeded extends Error {
  constructor() {
    super('file limit exceeded');
    this.name = 'FileLimitExceeded';
  }
}

/**
 * Counts, hashes and sniffs the plaintext on its way to the sealing stream. Past the limit it
 * passes nothing more on but keeps reading to the end, so that an HTTP request is consumed and the
 * client gets a clean answer; it fails at the end.
 */
class Meter extends Transform {
  bytes = 0;
  head = Buffer.alloc(0);
  readonly digest: ContentDigest = contentDigest();
  #exceeded = false;

  constructor(private readonly limit: number) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    this.bytes += chunk.length;
    if (this.#exceeded || this.bytes > this.limit) {
      this.#exceeded = true;
      return done();
    }
    if (this.head.length < SNIFF_BYTES) this.head = Buffer.concat([this.head, chunk.subarray(0, SNIFF_BYTES - this.head.length)]);
    this.digest.update(chunk);
    done(null, chunk);
  }

  override _flush(done: TransformCallback): void {
    done(this.#exceeded ? new FileLimitExceeded() : null);
  }
}

/** Creates the attachments directory, readable by Candor's own user only. */
export async function ensureAttachmentDir(dir: string): Promise<void> {
  await fs.promises.mkdir(dir, { recursive: true, mode: 0o700 });
}

/** Flushes the directory entry of a renamed file, so that a power cut does not lose it. */
async function syncDirectory(dir: string): Promise<void> {
  const handle = await fs.promises.open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

async function sealToDisk(dir: string, attachmentId: string, source: Readable, meter: Meter): Promise<StoredFile & { head: Buffer }> {
  await ensureAttachmentDir(dir);
  const name = newStorageName();
  const partial = path.join(dir, `${name}.part`);
  const fileKey = generateFileKey();
  try {
    await pipeline(
      source,
      meter,
      createSealingStream(fileKey, attachmentId),
      fs.createWriteStream(partial, { flags: 'wx', mode: 0o600, flush: true }),
    );
    await fs.promises.rename(partial, path.join(dir, name));
    await syncDirectory(dir);
  } catch (error) {
    await fs.promises.rm(partial, { force: true });
    await fs.promises.rm(path.join(dir, name), { force: true });
    throw error;
  }
  return { name, fileKey, bytes: meter.bytes, sha256: meter.digest.hex(), head: meter.head };
}

/**
 * Streams one upload into a sealed file under a fresh key, hashing it and recognising its type on
 * the way. Throws FileLimitExceeded past `limitBytes` (after reading the source to its end: callers
 * that read from the network must cap the source themselves, as the multipart parser does).
 */
export async function receiveSealedFile(
  dir: string,
  attachmentId: string,
  source: Readable,
  limitBytes: number,
): Promise<StoredFile & { contentType: AttachmentType }> {
  const { head, ...file } = await sealToDisk(dir, attachmentId, source, new Meter(limitBytes));
  return { ...file, contentType: detectContentType(head) };
}

/**
 * Opens a sealed file for reading: the plaintext, checked chunk by chunk. Resolves only once the
 * first chunk has been checked, so that a missing or damaged file (and any damage in a small file)
 * fails here, before a response has begun; damage further on makes the stream error there.
 */
export async function openSealedFile(dir: string, name: string, fileKey: FileKey, attachmentId: string): Promise<Readable> {
  const handle = await fs.promises.open(path.join(dir, name), 'r');
  const opening = createOpeningStream(fileKey, attachmentId);
  pipeline(handle.createReadStream(), opening).catch(() => undefined); // the error reaches readers through `opening`
  const chunks = opening[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  const first = await chunks.next();
  const plaintext = Readable.from(
    (async function* () {
      if (first.done) return;
      yield first.value;
      for (let next = await chunks.next(); !next.done; next = await chunks.next()) yield next.value;
    })(),
    { objectMode: false },
  );
  // A reader that stops early (a client gone away) must not leave the file open.
  plaintext.once('close', () => opening.destroy());
  return plaintext;
}

/**
 * The strip pass: opens a received file into memory (the one place a whole file is held), removes
 * its metadata, seals the result under a new key into a new file, and deletes the received file.
 */
export async function stripSealedFile(
  dir: string,
  attachmentId: string,
  received: StoredFile,
  type: AttachmentType,
): Promise<{ file: StoredFile; removed: string[] }> {
  const pieces: Buffer[] = [];
  await pipeline(
    await openSealedFile(dir, received.name, received.fileKey, attachmentId),
    new Writable({
      write(chunk: Buffer, _encoding, done) {
        pieces.push(chunk);
        done();
      },
    }),
  );
  const stripped = await stripMetadata(Buffer.concat(pieces), type);
  pieces.length = 0;
  const { head: _head, ...file } = await sealToDisk(dir, attachmentId, Readable.from([stripped.data]), new Meter(Number.MAX_SAFE_INTEGER));
  await removeSealedFile(dir, received.name);
  return { file, removed: stripped.removed };
}

/** Deletes a stored file (and any partial write of it); a file already gone is not an error. */
export async function removeSealedFile(dir: string, name: string): Promise<void> {
  await fs.promises.rm(path.join(dir, name), { force: true });
  await fs.promises.rm(path.join(dir, `${name}.part`), { force: true });
}
