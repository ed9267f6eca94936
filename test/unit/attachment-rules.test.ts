import { describe, expect, it } from 'vitest';
import {
  cleanFilename,
  contentDisposition,
  detectContentType,
  formatBytes,
  isLosslessWebp,
  parseKeepOriginal,
  stripMethod,
  uploadLimit,
} from '../../src/attachments/attachment.rules.js';
import { ValidationFailed } from '../../src/kernel/errors.js';

const bytes = (...values: (number | string)[]) =>
  Buffer.concat(values.map((value) => (typeof value === 'string' ? Buffer.from(value, 'latin1') : Buffer.from([value]))));

describe('attachment rules', () => {
  it('recognises types by their bytes, not by what the client says', () => {
    expect(detectContentType(bytes(0xff, 0xd8, 0xff, 0xe1))).toBe('image/jpeg');
    expect(detectContentType(bytes(0x89, 'PNG\r\n', 0x1a, '\n', 0, 0))).toBe('image/png');
    expect(detectContentType(bytes('RIFF', 0, 0, 0, 0, 'WEBPVP8 '))).toBe('image/webp');
    expect(detectContentType(bytes('%PDF-1.7\n'))).toBe('application/pdf');
    expect(detectContentType(bytes('GIF89a'))).toBe('application/octet-stream');
    expect(detectContentType(bytes('RIFF', 0, 0, 0, 0, 'WAVE'))).toBe('application/octet-stream');
    expect(detectContentType(Buffer.alloc(0))).toBe('application/octet-stream');
    expect(detectContentType(bytes(0xff, 0xd8))).toBe('application/octet-stream');
  });

  it('strips images and PDFs, and leaves everything else as it came', () => {
    expect(['image/jpeg', 'image/png', 'image/webp', 'application/pdf', 'application/octet-stream'].map((type) => stripMethod(type as never))).toEqual([
      'image',
      'image',
      'image',
      'pdf',
      null,
    ]);
  });

  it('tells lossless WebP from lossy, also in the extended and animated forms', () => {
    const chunk = (kind: string, size: number) => {
      const header = Buffer.alloc(8);
      header.write(kind, 0, 'latin1');
      header.writeUInt32LE(size, 4);
      return Buffer.concat([header, Buffer.alloc(size + (size % 2))]);
    };
    const webp = (...chunks: Buffer[]) => Buffer.concat([bytes('RIFF', 0, 0, 0, 0, 'WEBP'), ...chunks]);
    expect(isLosslessWebp(webp(chunk('VP8L', 5)))).toBe(true);
    expect(isLosslessWebp(webp(chunk('VP8 ', 10)))).toBe(false);
    expect(isLosslessWebp(webp(chunk('VP8X', 10), chunk('EXIF', 7), chunk('VP8L', 4)))).toBe(true);
    const frame = Buffer.concat([bytes('ANMF'), Buffer.from([24, 0, 0, 0]), Buffer.alloc(16), bytes('VP8L')]);
    expect(isLosslessWebp(webp(chunk('VP8X', 10), chunk('ANIM', 6), frame))).toBe(true);
    expect(isLosslessWebp(webp())).toBe(false);
  });

  it('lets one more file have the per-file limit, or what is left of the case, whichever is smaller', () => {
    expect(uploadLimit(100, 1_000)).toEqual({ bytes: 100, reason: 'file' });
    expect(uploadLimit(100, 100)).toEqual({ bytes: 100, reason: 'file' });
    expect(uploadLimit(100, 99)).toEqual({ bytes: 99, reason: 'case' });
    expect(uploadLimit(100, -5)).toEqual({ bytes: 0, reason: 'case' });
  });

  it('writes sizes for people', () => {
    expect([formatBytes(512), formatBytes(50 * 1024 * 1024), formatBytes(1536 * 1024), formatBytes(100_000)]).toEqual(['512 bytes', '50 MB', '1.5 MB', '97.7 KB']);
  });

  it('keeps a file name without directories, control or direction characters, and not too long', () => {
    expect(cleanFilename('C:\\Users\\ada\\Desktop\\photo.jpg')).toBe('photo.jpg');
    expect(cleanFilename('../../etc/passwd')).toBe('passwd');
    expect(cleanFilename('evil\u202Egpj.exe')).toBe('evilgpj.exe');
    expect(cleanFilename('line\r\nbreak.txt')).toBe('linebreak.txt');
    expect(cleanFilename('   ')).toBe('attachment');
    expect(cleanFilename('..')).toBe('attachment');
    expect([...cleanFilename('é'.repeat(500))].length).toBe(200);
  });

  it('gives a download header that cannot be broken out of', () => {
    expect(contentDisposition('report "final"; x.pdf')).toBe(`attachment; filename="report _final__ x.pdf"; filename*=UTF-8''report%20%22final%22%3B%20x.pdf`);
    expect(contentDisposition("l'été.jpg")).toBe(`attachment; filename="l'_t_.jpg"; filename*=UTF-8''l%27%C3%A9t%C3%A9.jpg`);
  });

  it('reads keepOriginal as a checkbox or a boolean, and refuses anything else', () => {
    expect(['true', 'on', '1', 'TRUE'].map(parseKeepOriginal)).toEqual([true, true, true, true]);
    expect(['false', 'off', '0', ''].map(parseKeepOriginal)).toEqual([false, false, false, false]);
    expect(() => parseKeepOriginal('maybe')).toThrow(ValidationFailed);
  });
});
