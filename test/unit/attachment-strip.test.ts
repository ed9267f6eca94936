import { PDFDocument, PDFHexString, PDFName } from 'pdf-lib';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { AttachmentNotProcessable } from '../../src/attachments/attachment.rules.js';
import { stripMetadata } from '../../src/attachments/attachment.strip.js';

describe('metadata stripping', () => {
  it('drops document information left behind by earlier revisions of a PDF, and XMP streams', async () => {
    const document = await PDFDocument.create({ updateMetadata: false });
    document.addPage([200, 200]).drawText('statement', { x: 10, y: 100 });
    // An Info dictionary nothing points to any more, as an incremental save leaves behind.
    document.context.register(document.context.obj({ Author: PDFHexString.fromText('Earlier Author') }));
    document.catalog.set(PDFName.of('Metadata'), document.context.register(document.context.stream('<x:xmpmeta>Jane Doe</x:xmpmeta>')));
    const pdf = Buffer.from(await document.save({ useObjectStreams: false }));
    expect(pdf.includes('Jane Doe')).toBe(true);
    expect(pdf.includes(PDFHexString.fromText('Earlier Author').toString().slice(1, -1))).toBe(true);

    const stripped = await stripMetadata(pdf, 'application/pdf');
    expect(stripped.removed).toEqual(['XMP metadata']);
    expect(stripped.data.includes('Jane Doe')).toBe(false);
    expect(stripped.data.includes(PDFHexString.fromText('Earlier Author').toString().slice(1, -1))).toBe(false);
    expect((await PDFDocument.load(stripped.data)).getPageCount()).toBe(1);
  });

  it('names only what was there: a plain image loses nothing worth naming', async () => {
    const plain = await sharp({ create: { width: 10, height: 10, channels: 3, background: '#336699' } }).png().toBuffer();
    expect((await stripMetadata(plain, 'image/png')).removed).toEqual([]);
  });

  it('applies the EXIF orientation before dropping it', async () => {
    const sideways = await sharp({ create: { width: 40, height: 20, channels: 3, background: '#000' } }).jpeg().withMetadata({ orientation: 6 }).toBuffer();
    const stripped = await stripMetadata(sideways, 'image/jpeg');
    const meta = await sharp(stripped.data).metadata();
    expect([meta.width, meta.height, meta.orientation, meta.exif]).toEqual([20, 40, undefined, undefined]);
  });

  it('refuses a file that looks like an image or PDF but cannot be read as one', async () => {
    await expect(stripMetadata(Buffer.from([0xff, 0xd8, 0xff, 0x00, 1, 2, 3]), 'image/jpeg')).rejects.toBeInstanceOf(AttachmentNotProcessable);
    await expect(stripMetadata(Buffer.from('%PDF-1.7 nothing more'), 'application/pdf')).rejects.toBeInstanceOf(AttachmentNotProcessable);
  });

  it('passes other files through untouched', async () => {
    const data = Buffer.from('plain text');
    expect(await stripMetadata(data, 'application/octet-stream')).toEqual({ data, removed: [] });
  });
});
