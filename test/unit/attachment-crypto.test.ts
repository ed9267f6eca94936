import { randomBytes } from 'node:crypto';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { describe, expect, it } from 'vitest';
import {
  ATTACHMENT_CHUNK_BYTES,
  createOpeningStream,
  createSealingStream,
  generateCaseKey,
  generateFileKey,
  openAttachmentName,
  sealAttachmentName,
  unwrapFileKey,
  wrapFileKey,
  type FileKey,
} from '../../src/kernel/crypto.js';
import { DecryptionFailed } from '../../src/kernel/errors.js';

const CHUNK = ATTACHMENT_CHUNK_BYTES;
const TAG = 16;
const HEADER = 13;
const ID = '7d1f2c9e-1111-4222-8333-944455556666';

/** Feeds `input` through `transform` in pieces of `pieceBytes` and collects what comes out. */
async function run(transform: NodeJS.ReadWriteStream, input: Buffer, pieceBytes = 10_000): Promise<Buffer> {
  const pieces: Buffer[] = [];
  for (let offset = 0; offset < input.length; offset += pieceBytes) pieces.push(input.subarray(offset, offset + pieceBytes));
  const out: Buffer[] = [];
  await pipeline(
    Readable.from(pieces),
    transform,
    new Writable({
      write(chunk: Buffer, _encoding, done) {
        out.push(chunk);
        done();
      },
    }),
  );
  return Buffer.concat(out);
}

const seal = (key: FileKey, plaintext: Buffer, id = ID, pieceBytes?: number) => run(createSealingStream(key, id), plaintext, pieceBytes);
const open = (key: FileKey, sealed: Buffer, id = ID, pieceBytes?: number) => run(createOpeningStream(key, id), sealed, pieceBytes);

/** Opens and answers the error; also returns what plaintext came out before it. */
async function openFailure(key: FileKey, sealed: Buffer, id = ID): Promise<{ error: unknown; emitted: Buffer }> {
  const emitted: Buffer[] = [];
  try {
    await pipeline(
      Readable.from([sealed]),
      createOpeningStream(key, id),
      new Writable({
        write(chunk: Buffer, _encoding, done) {
          emitted.push(chunk);
          done();
        },
      }),
    );
  } catch (error) {
    return { error, emitted: Buffer.concat(emitted) };
  }
  throw new Error('opening succeeded, but it should have failed');
}

describe('streaming attachment encryption', () => {
  const sizes: [string, number][] = [
    ['0 bytes', 0],
    ['1 byte', 1],
    ['one chunk less a byte', CHUNK - 1],
    ['exactly one chunk (64 KiB)', CHUNK],
    ['one chunk and a byte', CHUNK + 1],
    ['exactly three chunks', 3 * CHUNK],
    ['several MB', 5 * 1024 * 1024 + 12_345],
  ];

  it.each(sizes)('round-trips %s, whatever size the pieces arrive in', async (_label, size) => {
    const key = generateFileKey();
    const plaintext = randomBytes(size);
    const sealed = await seal(key, plaintext);
    // Header, then one tag per chunk; a file of whole chunks still ends with a final chunk.
    const chunks = Math.max(1, Math.ceil(size / CHUNK));
    expect(sealed.length).toBe(HEADER + size + chunks * TAG);
    expect((await open(key, sealed)).equals(plaintext)).toBe(true);
    if (size <= 2 * CHUNK) expect((await open(key, sealed, ID, 1)).equals(plaintext)).toBe(true);
    expect((await open(key, sealed, ID, CHUNK + TAG)).equals(plaintext)).toBe(true);
    expect((await open(key, sealed, ID, sealed.length + 1)).equals(plaintext)).toBe(true);
  });

  it('accepts input in one large buffer or in one-byte pieces', async () => {
    const key = generateFileKey();
    const plaintext = randomBytes(3 * CHUNK + 7);
    expect((await open(key, await seal(key, plaintext, ID, plaintext.length))).equals(plaintext)).toBe(true);
    const small = randomBytes(CHUNK + 3);
    expect((await open(key, await seal(key, small, ID, 1))).equals(small)).toBe(true);
  });

  it('does not reveal the plaintext and seals the same file differently each time', async () => {
    const key = generateFileKey();
    const plaintext = Buffer.from('MARKER-IN-THE-EVIDENCE '.repeat(5000));
    const first = await seal(key, plaintext);
    const second = await seal(key, plaintext);
    expect(first.includes('MARKER-IN-THE-EVIDENCE')).toBe(false);
    expect(first.equals(second)).toBe(false);
  });

  describe('refuses anything but the file as sealed, with DecryptionFailed', () => {
    const key = generateFileKey();
    const plaintext = randomBytes(3 * CHUNK + 500);
    let sealed: Buffer;
    const chunkAt = (index: number) => HEADER + index * (CHUNK + TAG);

    it('flipped bits anywhere: header, first chunk, middle chunk, last tag', async () => {
      sealed = await seal(key, plaintext);
      for (const position of [0, 4, 5, HEADER - 1, HEADER, chunkAt(1) + 100, chunkAt(2) + CHUNK + 3, sealed.length - 1]) {
        const damaged = Buffer.from(sealed);
        damaged[position]! ^= 0x01;
        const { error, emitted } = await openFailure(key, damaged);
        expect(error, `position ${position}`).toBeInstanceOf(DecryptionFailed);
        expect(emitted.length).toBeLessThan(plaintext.length);
      }
    });

    it('truncation at a chunk boundary, inside a chunk, inside the header and to nothing', async () => {
      for (const length of [chunkAt(3), chunkAt(2), chunkAt(1), chunkAt(2) + 77, sealed.length - 1, HEADER, HEADER - 3, 0]) {
        const { error, emitted } = await openFailure(key, sealed.subarray(0, length));
        expect(error, `cut at ${length}`).toBeInstanceOf(DecryptionFailed);
        // What came out before the failure is a strict prefix, never the whole file.
        expect(plaintext.subarray(0, emitted.length).equals(emitted)).toBe(true);
        expect(emitted.length).toBeLessThan(plaintext.length);
      }
    });

    it('reordered, repeated, dropped and appended chunks', async () => {
      const header = sealed.subarray(0, HEADER);
      const chunk = (index: number) => sealed.subarray(chunkAt(index), Math.min(chunkAt(index + 1), sealed.length));
      const variants = {
        swapped: Buffer.concat([header, chunk(1), chunk(0), chunk(2), chunk(3)]),
        repeated: Buffer.concat([header, chunk(0), chunk(0), chunk(1), chunk(2), chunk(3)]),
        dropped: Buffer.concat([header, chunk(0), chunk(2), chunk(3)]),
        appended: Buffer.concat([sealed, chunk(1)]),
        trailingByte: Buffer.concat([sealed, Buffer.from([0])]),
      };
      for (const [name, variant] of Object.entries(variants)) {
        expect((await openFailure(key, variant)).error, name).toBeInstanceOf(DecryptionFailed);
      }
    });

    it('a chunk spliced in from another file under the same key, the wrong key or the wrong attachment id', async () => {
      const other = await seal(key, randomBytes(3 * CHUNK + 500));
      const spliced = Buffer.concat([sealed.subarray(0, chunkAt(1)), other.subarray(chunkAt(1), chunkAt(2)), sealed.subarray(chunkAt(2))]);
      expect((await openFailure(key, spliced)).error).toBeInstanceOf(DecryptionFailed);
      expect((await openFailure(generateFileKey(), sealed)).error).toBeInstanceOf(DecryptionFailed);
      expect((await openFailure(key, sealed, '00000000-0000-4000-8000-000000000000')).error).toBeInstanceOf(DecryptionFailed);
    });

    it('an empty file cut to its header, or given a non-final chunk', async () => {
      const empty = await seal(key, Buffer.alloc(0));
      expect(empty.length).toBe(HEADER + TAG);
      expect((await openFailure(key, empty.subarray(0, HEADER))).error).toBeInstanceOf(DecryptionFailed);
    });
  });

  it('wraps the file key and seals the name under the case key, bound to case and attachment', () => {
    const caseKey = generateCaseKey();
    const fileKey = generateFileKey();
    const wrapped = wrapFileKey(fileKey, caseKey, 'case-1', ID);
    expect(unwrapFileKey(wrapped, caseKey, 'case-1', ID).equals(fileKey)).toBe(true);
    expect(() => unwrapFileKey(wrapped, caseKey, 'case-2', ID)).toThrow(DecryptionFailed);
    expect(() => unwrapFileKey(wrapped, caseKey, 'case-1', 'another')).toThrow(DecryptionFailed);
    expect(() => unwrapFileKey(wrapped, generateCaseKey(), 'case-1', ID)).toThrow(DecryptionFailed);
    const name = sealAttachmentName(caseKey, 'case-1', ID, 'bruises-photo.jpg');
    expect(name.includes('bruises')).toBe(false);
    expect(openAttachmentName(caseKey, 'case-1', ID, name)).toBe('bruises-photo.jpg');
    expect(() => openAttachmentName(caseKey, 'case-1', 'another', name)).toThrow(DecryptionFailed);
  });
});
