/**
 * One PostgreSQL `COPY … TO STDOUT` in CSV, handed out as pages of whole lines while the server
 * keeps writing: the audit verifier's PostgreSQL reader walks a whole stretch of the chain in one
 * statement, with no query, plan and index descent per page.
 *
 * It is a pg submittable (the interface pg-cursor and pg-query-stream use): pg parses the protocol
 * and hands over each CopyData message, which for CSV is exactly one row, its line break included.
 * So a page always ends where a row ends, and its count of rows is the server's, not a count of
 * line breaks (a value may hold one). When pages are waiting unread, the socket is paused, and the
 * server waits in its send buffer; it is resumed as they are taken.
 */
import type { Duplex } from 'node:stream';
import type { Connection, Submittable } from 'pg';

/** Whole lines of the output, each ending in its line break; the last one starts at `lastLineAt`. */
export interface CopyPage {
  data: Buffer;
  count: number;
  lastLineAt: number;
}

/** How much a page holds at most, in bytes and in rows; a row longer than `bytes` gets a page of its own. */
export interface PageLimits {
  bytes: number;
  rows: number;
}

/** Pages waiting unread before the socket is paused: one being filled is not counted. */
const PAGES_AHEAD = 2;

export class CopyLines implements Submittable {
  readonly #text: string;
  readonly #limits: PageLimits;
  #stream: Duplex | null = null;
  #paused = false;
  /** Set once the caller has stopped reading: the rest of the output is dropped as it comes. */
  #discard = false;
  /** Pages filled and not yet handed out, each with the buffer it was filled in. */
  #ready: { page: CopyPage; buffer: Buffer }[] = [];
  /** Page buffers the caller is done with, to fill again: fresh memory for every page costs page faults and collections. */
  readonly #spare: Buffer[] = [];
  #page: Buffer;
  #length = 0;
  #rows = 0;
  /** Where the page's last row starts. */
  #lastRowAt = 0;
  #finished = false;
  #error: Error | null = null;
  #wake: (() => void) | null = null;

  constructor(text: string, limits: PageLimits) {
    this.#text = text;
    this.#limits = limits;
    this.#page = Buffer.allocUnsafe(limits.bytes);
  }

  // The submittable's side, called by pg; the socket is its connection's `stream`.

  submit(connection: Connection): void {
    this.#stream = connection.stream;
    connection.query(this.#text);
  }

  handleCopyData(message: { chunk: Buffer }): void {
    if (this.#discard) return;
    const row = message.chunk;
    if (this.#rows === this.#limits.rows || this.#length + row.length > this.#page.length) {
      this.#endPage();
      if (row.length > this.#page.length) this.#page = Buffer.allocUnsafe(row.length);
    }
    this.#lastRowAt = this.#length;
    this.#page.set(row, this.#length);
    this.#length += row.length;
    this.#rows += 1;
  }

  handleCommandComplete(): void {
    if (!this.#discard) this.#endPage();
  }

  handleReadyForQuery(): void {
    this.#finish();
  }

  /** An error from the server (pg gives no ReadyForQuery to the query after it) or a dead connection. */
  handleError(error: Error): void {
    this.#error ??= error;
    this.#finish();
  }

  // The reader's side.

  /**
   * The output's pages in order. A page's buffer is filled again once the next page is asked for.
   * Stopping early drops the rest of the output as it comes; to stop the server writing it, end
   * the connection (pg then closes its socket, as it does under any statement still running).
   */
  async *pages(): AsyncGenerator<CopyPage> {
    try {
      for (;;) {
        const ready = this.#ready.shift();
        if (ready) {
          if (this.#ready.length < PAGES_AHEAD) this.#resume();
          yield ready.page;
          // The next page is asked for: this one's buffer is free again (unless it was made larger for one long row).
          if (ready.buffer.length === this.#limits.bytes) this.#spare.push(ready.buffer);
          continue;
        }
        if (this.#error) throw this.#error;
        if (this.#finished) return;
        await new Promise<void>((resolve) => (this.#wake = resolve));
      }
    } finally {
      this.#discard = true;
      this.#ready = [];
      this.#resume();
    }
  }

  /** Whether the statement is over: all its output read, or failed. */
  get finished(): boolean {
    return this.#finished;
  }

  /** Hands the rows so far over as a page. */
  #endPage(): void {
    if (this.#rows === 0) return;
    this.#ready.push({ page: { data: this.#page.subarray(0, this.#length), count: this.#rows, lastLineAt: this.#lastRowAt }, buffer: this.#page });
    this.#page = this.#spare.pop() ?? Buffer.allocUnsafe(this.#limits.bytes);
    this.#length = 0;
    this.#rows = 0;
    if (this.#ready.length >= PAGES_AHEAD) this.#pause();
    this.#notify();
  }

  /** The statement is over: the socket is pg's again, for the statements after it, and must not stay paused. */
  #finish(): void {
    this.#finished = true;
    this.#resume();
    this.#notify();
  }

  #pause(): void {
    if (this.#paused || !this.#stream) return;
    this.#paused = true;
    this.#stream.pause();
  }

  #resume(): void {
    if (!this.#paused || !this.#stream) return;
    this.#paused = false;
    this.#stream.resume();
  }

  #notify(): void {
    const wake = this.#wake;
    this.#wake = null;
    wake?.();
  }
}
