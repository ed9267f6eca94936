/**
 * The board report: the dashboard's figures for one quarter as a printable PDF (A4, pdf-lib,
 * standard Helvetica). It carries exactly the suppressed figures the dashboard shows, nothing more.
 */
import { PDFDocument, StandardFonts, rgb, type PDFFont, type PDFPage } from 'pdf-lib';
import type { Dashboard, Figure, FigureTable } from './analytics.schema.js';

const A4: [number, number] = [595.28, 841.89];
const MARGIN = 56;
const INK = rgb(0.1, 0.1, 0.12);
const MUTED = rgb(0.35, 0.35, 0.4);
const BAR = rgb(0.16, 0.35, 0.6);
const REFERENCE = rgb(0.75, 0.2, 0.15);

/** Helvetica's WinAnsi encoding cannot draw every character: anything else becomes '?'. */
function safe(text: string): string {
  return text.replace(/[^\x20-\x7e\u00a0-\u00ff]/g, '?');
}

export function figureText(figure: Figure, k: number): string {
  if (figure.state === 'small') return `fewer than ${k}`;
  if (figure.state === 'withheld') return 'withheld';
  return String(figure.value);
}

export function quarterMonths(quarter: string): { from: string; to: string } {
  const [year, q] = quarter.split('-Q').map(Number) as [number, number];
  const first = (q - 1) * 3 + 1;
  return { from: `${year}-${String(first).padStart(2, '0')}`, to: `${year}-${String(first + 2).padStart(2, '0')}` };
}

class Writer {
  page!: PDFPage;
  y = 0;
  pages = 0;
  constructor(
    private readonly doc: PDFDocument,
    readonly font: PDFFont,
    readonly bold: PDFFont,
    private readonly footer: string,
  ) {
    this.newPage();
  }
  newPage() {
    this.page = this.doc.addPage(A4);
    this.pages += 1;
    this.y = A4[1] - MARGIN;
    this.page.drawText(safe(`${this.footer} - page ${this.pages}`), { x: MARGIN, y: 28, size: 8, font: this.font, color: MUTED });
  }
  ensure(height: number) {
    if (this.y - height < MARGIN) this.newPage();
  }
  text(value: string, options: { size?: number; bold?: boolean; color?: ReturnType<typeof rgb>; x?: number } = {}) {
    const size = options.size ?? 10;
    this.ensure(size + 6);
    this.page.drawText(safe(value), { x: options.x ?? MARGIN, y: this.y - size, size, font: options.bold ? this.bold : this.font, color: options.color ?? INK });
    this.y -= size + 6;
  }
  gap(height = 8) {
    this.y -= height;
  }
}

function drawTable(w: Writer, table: FigureTable, k: number) {
  w.ensure(40 + table.rows.length * 15);
  w.text(table.title, { size: 12, bold: true });
  for (const row of table.rows) {
    const share = row.share === null ? '' : `${Math.round(row.share * 100)} %`;
    w.ensure(15);
    w.page.drawText(safe(row.label), { x: MARGIN + 8, y: w.y - 10, size: 10, font: w.font, color: INK });
    w.page.drawText(safe(figureText(row.count, k)), { x: MARGIN + 300, y: w.y - 10, size: 10, font: w.font, color: INK });
    w.page.drawText(share, { x: MARGIN + 400, y: w.y - 10, size: 10, font: w.font, color: MUTED });
    w.y -= 15;
  }
  w.text(`Total: ${figureText(table.total, k)}`, { size: 9, color: MUTED, x: MARGIN + 8 });
  w.gap(6);
}

/** A bar per row of the table, drawn to scale; hidden figures are drawn as an empty outline. */
function drawBars(w: Writer, table: FigureTable, k: number) {
  const height = 140;
  w.ensure(height + 40);
  w.text(table.title, { size: 12, bold: true });
  const top = w.y;
  const max = Math.max(1, ...table.rows.map((row) => row.count.value ?? 0));
  const width = (A4[0] - 2 * MARGIN) / Math.max(1, table.rows.length);
  table.rows.forEach((row, i) => {
    const x = MARGIN + i * width + 4;
    const barHeight = row.count.value === null ? 0 : (row.count.value / max) * (height - 30);
    if (row.count.value === null) {
      w.page.drawRectangle({ x, y: top - height + 20, width: width - 8, height: 10, borderColor: MUTED, borderWidth: 0.5 });
    } else {
      w.page.drawRectangle({ x, y: top - height + 20, width: width - 8, height: Math.max(barHeight, 0.5), color: BAR });
    }
    w.page.drawText(safe(figureText(row.count, k)), { x, y: top - height + 24 + barHeight, size: 7, font: w.font, color: INK });
    w.page.drawText(safe(row.label.slice(0, 14)), { x, y: top - height + 8, size: 7, font: w.font, color: MUTED });
  });
  w.y = top - height - 6;
}

export async function renderBoardReport(dashboard: Dashboard, quarter: string, organisation: string): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  doc.setTitle(`Speak-up board report ${quarter}`);
  doc.setProducer('Candor');
  doc.setCreator('Candor');
  const font = await doc.embedFont(StandardFonts.Helvetica);
  const bold = await doc.embedFont(StandardFonts.HelveticaBold);
  const k = dashboard.k;
  const w = new Writer(doc, font, bold, `Candor board report ${quarter} - figures from fewer than ${k} cases are not shown`);

  w.text(`Speak-up board report: ${quarter}`, { size: 20, bold: true });
  w.text(safe(organisation), { size: 11, color: MUTED });
  w.gap();
  const covered = dashboard.covered ? `${dashboard.covered.from} to ${dashboard.covered.to}` : 'none yet';
  w.text(`Reports received in ${dashboard.requested.from} to ${dashboard.requested.to}; the figures cover ${covered}.`);
  if (dashboard.withheld) w.text(`Months ${dashboard.withheld.from} to ${dashboard.withheld.to} are held back until they hold at least ${k} reports.`);
  w.text(`Any figure built from fewer than ${k} cases reads "fewer than ${k}"; "withheld" hides a figure that would reveal one.`);
  w.text(`Generated ${dashboard.generatedAt.slice(0, 10)}.`, { color: MUTED });
  w.gap();
  if (dashboard.suppressed) {
    w.text(`Too few reports to publish figures for this quarter (fewer than ${k}).`, { size: 12, bold: true });
  } else {
    w.text(`Reports received: ${figureText(dashboard.received, k)}`, { size: 14, bold: true });
    const ack = dashboard.durations.acknowledge;
    const close = dashboard.durations.close;
    w.text(
      `Time to acknowledge: median ${ack.median ?? '-'} h, 90th percentile ${ack.p90 ?? '-'} h (${figureText(ack.n, k)} cases; target ${dashboard.targets.acknowledgeDays} days)`,
    );
    w.text(`Time to close: median ${close.median ?? '-'} days, 90th percentile ${close.p90 ?? '-'} days (${figureText(close.n, k)} cases)`);
    const bench = dashboard.benchmark;
    w.text(
      bench.closeDays === null
        ? `Benchmark: ${bench.source} - no figure configured.`
        : `Benchmark: ${bench.closeDays} days median to close (${bench.source}${bench.year ? `, ${bench.year}` : ''}).`,
      { size: 9, color: MUTED },
    );
    w.gap();
    const byPeriod = dashboard.tables.find((t) => t.id === 'by-period');
    if (byPeriod) drawBars(w, byPeriod, k);
    if (close.median !== null) drawCloseChart(w, dashboard);
    for (const table of dashboard.tables) drawTable(w, table, k);
  }
  w.text('Escrow', { size: 12, bold: true });
  w.text(`Sealed entries held: ${figureText(dashboard.escrow.held, k)}; matches made: ${figureText(dashboard.escrow.matches, k)}.`);
  return doc.save();
}

/** Median and 90th percentile days to close as bars, with the benchmark as a reference line. */
function drawCloseChart(w: Writer, dashboard: Dashboard) {
  const close = dashboard.durations.close;
  const bench = dashboard.benchmark.closeDays;
  const height = 110;
  w.ensure(height + 40);
  w.text('Days to close', { size: 12, bold: true });
  const top = w.y;
  const max = Math.max(1, close.p90 ?? 0, bench ?? 0) * 1.1;
  const scale = (A4[0] - 2 * MARGIN - 120) / max;
  const rows: [string, number | null][] = [
    ['Median', close.median],
    ['90th percentile', close.p90],
  ];
  rows.forEach(([label, value], i) => {
    const y = top - 24 - i * 30;
    w.page.drawText(label, { x: MARGIN, y: y + 4, size: 9, font: w.font, color: INK });
    if (value !== null) {
      w.page.drawRectangle({ x: MARGIN + 110, y, width: Math.max(0.5, value * scale), height: 16, color: BAR });
      w.page.drawText(`${value}`, { x: MARGIN + 114 + value * scale, y: y + 4, size: 9, font: w.font, color: INK });
    }
  });
  if (bench !== null) {
    const x = MARGIN + 110 + bench * scale;
    w.page.drawLine({ start: { x, y: top - 76 }, end: { x, y: top - 4 }, thickness: 1.2, color: REFERENCE });
    w.page.drawText(safe(`benchmark ${bench} d`), { x: x + 3, y: top - 86, size: 8, font: w.font, color: REFERENCE });
  }
  w.y = top - height;
}
