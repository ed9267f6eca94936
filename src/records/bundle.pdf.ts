/** The case timeline as a PDF (pdf-lib, standard fonts): what happened when, for a reader without Candor. */
import { PDFDocument, StandardFonts, rgb, type PDFFont, type PDFPage } from 'pdf-lib';

export interface TimelineEvent {
  at: string;
  title: string;
  detail?: string;
}

export interface TimelineHeader {
  ref: string;
  category: string;
  channel: string;
  receivedAt: string;
  status: string;
  generatedAt: string;
  purpose: string;
}

/** Standard PDF fonts encode WinAnsi only: other characters are shown as "?" (the JSON files hold the exact text). */
function printable(text: string): string {
  return text.replace(/[^\x20-\x7e\u00a0-\u00ff]/g, '?');
}

function wrap(text: string, font: PDFFont, size: number, width: number): string[] {
  const lines: string[] = [];
  for (const paragraph of printable(text).split(/\n/)) {
    let line = '';
    for (const word of paragraph.split(/\s+/)) {
      const candidate = line ? `${line} ${word}` : word;
      if (font.widthOfTextAtSize(candidate, size) > width && line) {
        lines.push(line);
        line = word;
      } else {
        line = candidate;
      }
    }
    lines.push(line);
  }
  return lines;
}

export async function renderTimelinePdf(header: TimelineHeader, events: readonly TimelineEvent[]): Promise<Buffer> {
  const pdf = await PDFDocument.create();
  pdf.setTitle(`Case ${header.ref}: timeline`);
  pdf.setProducer('Candor');
  pdf.setCreationDate(new Date(header.generatedAt));
  pdf.setModificationDate(new Date(header.generatedAt));
  const font = await pdf.embedFont(StandardFonts.Helvetica);
  const bold = await pdf.embedFont(StandardFonts.HelveticaBold);
  const margin = 50;
  let page: PDFPage = pdf.addPage([595, 842]);
  let y = 842 - margin;
  const width = 595 - 2 * margin;
  const write = (text: string, options: { font?: PDFFont; size?: number; color?: [number, number, number]; indent?: number } = {}) => {
    const size = options.size ?? 10;
    const used = options.font ?? font;
    for (const line of wrap(text, used, size, width - (options.indent ?? 0))) {
      if (y < margin + size) {
        page = pdf.addPage([595, 842]);
        y = 842 - margin;
      }
      page.drawText(line, { x: margin + (options.indent ?? 0), y, size, font: used, color: rgb(...(options.color ?? [0, 0, 0])) });
      y -= size * 1.4;
    }
  };
  write(`Case ${header.ref}: timeline`, { font: bold, size: 16 });
  write(`Category: ${header.category}   Channel: ${header.channel}   Status: ${header.status}`);
  write(`Received: ${header.receivedAt}`);
  write(`Exported: ${header.generatedAt} for: ${header.purpose}`);
  write('All times are UTC. Hashes are SHA-256; the signed manifest.json lists every file of this bundle.', { size: 8, color: [0.3, 0.3, 0.3] });
  y -= 8;
  for (const event of events) {
    write(`${event.at.replace('T', ' ').slice(0, 19)}  ${event.title}`, { font: bold, size: 10 });
    if (event.detail) write(event.detail, { size: 9, indent: 12, color: [0.2, 0.2, 0.2] });
    y -= 2;
  }
  return Buffer.from(await pdf.save({ useObjectStreams: false }));
}
