// The one error every loader throws: what went wrong and where (file, row, byte offset), so the UI and
// the CLI can show it as is while the previously loaded dataset stays.

export interface DataErrorWhere {
  file?: string;
  /** 1-based row (line) number in a text file. */
  row?: number;
  /** Byte offset into the file (or into the decompressed stream, as the message says). */
  offset?: number;
}

export class DataError extends Error {
  readonly file?: string;
  readonly row?: number;
  readonly offset?: number;
  /** The message without the location prefix. */
  readonly what: string;

  constructor(what: string, where: DataErrorWhere = {}) {
    super(locate(where) + what);
    this.name = 'DataError';
    this.what = what;
    this.file = where.file;
    this.row = where.row;
    this.offset = where.offset;
  }
}

function locate(w: DataErrorWhere): string {
  const parts: string[] = [];
  if (w.file !== undefined) parts.push(w.file);
  if (w.row !== undefined) parts.push(`row ${w.row}`);
  if (w.offset !== undefined) parts.push(`byte offset ${w.offset}`);
  return parts.length ? parts.join(', ') + ': ' : '';
}

/** Formats a byte count for messages: "47,040,000 bytes (44.9 MiB)". */
export function bytesText(n: number): string {
  const plain = `${n.toLocaleString('en-US')} bytes`;
  if (n < 1024 * 1024) return plain;
  return `${plain} (${(n / 1024 / 1024).toFixed(1)} MiB)`;
}
