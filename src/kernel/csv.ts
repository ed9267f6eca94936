/**
 * A small RFC 4180 CSV reader for imports (directory, HR events): quoted fields with doubled
 * quotes, commas and line breaks inside quotes, CRLF or LF. The first row is the header; rows
 * become records keyed by the lower-cased, trimmed header names. Pure: no I/O.
 */
export class CsvError extends Error {
  constructor(readonly line: number, message: string) {
    super(`line ${line}: ${message}`);
    this.name = 'CsvError';
  }
}

export function parseCsvRows(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  let line = 1;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0; // a byte-order mark from a spreadsheet
  let fieldStarted = false;
  for (; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else {
        if (ch === '\n') line++;
        field += ch;
      }
      continue;
    }
    if (ch === '"') {
      if (field.trim() !== '') throw new CsvError(line, 'a quote inside an unquoted field');
      field = '';
      quoted = true;
      fieldStarted = true;
    } else if (ch === ',') {
      row.push(field);
      field = '';
      fieldStarted = true;
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      if (fieldStarted || field !== '' || row.length > 0) {
        row.push(field);
        rows.push(row);
      }
      row = [];
      field = '';
      fieldStarted = false;
      line++;
    } else {
      field += ch;
      fieldStarted = true;
    }
  }
  if (quoted) throw new CsvError(line, 'a quoted field is not closed');
  if (fieldStarted || field !== '' || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

/** Records keyed by header; every row must have as many fields as the header. */
export function parseCsvRecords(text: string): { header: string[]; records: Record<string, string>[] } {
  const rows = parseCsvRows(text);
  if (rows.length === 0) throw new CsvError(1, 'the file is empty; it needs a header row');
  const header = rows[0]!.map((name) => name.trim().toLowerCase());
  const records = rows.slice(1).map((row, index) => {
    if (row.length !== header.length) throw new CsvError(index + 2, `expected ${header.length} fields, found ${row.length}`);
    return Object.fromEntries(header.map((name, column) => [name, row[column]!.trim()]));
  });
  return { header, records };
}
