// CSV / TSV tables: UTF-8 decoded strictly, fields split by papaparse (quotes, BOM, CRLF), every row's
// field count checked, every feature cell parsed as a strict decimal number. The label column is chosen
// by name or defaults to the last; labels are integers or class names.

import Papa from 'papaparse';
import { DataError } from './errors';
import { strictNumber } from './strict-number';

export interface Table {
  file: string;
  delimiter: string;
  header?: string[];
  labelColumn: number;
  /** Row-major features (rows × columns-1), the label column removed. */
  x: Float32Array;
  labels: string[];
  rows: number;
  columns: number;
}

/** The longest cell a table may hold: numbers and class names are far shorter, and a longer cell is a broken file. */
export const MAX_CELL_CHARS = 1000;

/** The largest finite float32; a larger feature value would become Infinity on the GPU. */
const FLOAT32_MAX = 3.4028234663852886e38;

/** Names that mark the label column when a header exists (case-insensitive). */
export const LABEL_NAMES = ['label', 'labels', 'class', 'classes', 'target', 'y', 'category', 'species', 'outcome'];

export function decodeUtf8(bytes: Uint8Array, file: string): string {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    throw new DataError('is not valid UTF-8 text', { file, offset: firstBadUtf8(bytes) });
  }
}

/** Byte offset of the first invalid UTF-8 sequence (the decoder reports none). */
function firstBadUtf8(b: Uint8Array): number {
  for (let i = 0; i < b.length; ) {
    const c = b[i];
    const n = c < 0x80 ? 0 : c >= 0xc2 && c < 0xe0 ? 1 : c >= 0xe0 && c < 0xf0 ? 2 : c >= 0xf0 && c < 0xf5 ? 3 : -1;
    if (n < 0 || i + n >= b.length + (n === 0 ? 1 : 0)) return i;
    for (let k = 1; k <= n; k++) if ((b[i + k] & 0xc0) !== 0x80) return i;
    i += n + 1;
  }
  return b.length;
}

export function parseTable(bytes: Uint8Array, file: string, labelColumn?: string | number, progress?: (done: number) => void): Table {
  // One line-break convention, so a stray LF inside a CRLF file cannot merge rows.
  const text = decodeUtf8(bytes, file).replace(/\r\n?/g, '\n');
  let row = 0;
  let first: { cells: string[]; row: number } | undefined;
  let b: Builder | undefined;
  let delimiter = ',';
  let lastReport = 0;
  const begin = (second?: string[]) => {
    const t = new Builder(file, first!.cells, second, labelColumn);
    if (!t.header) t.add(first!.cells, first!.row);
    return t;
  };
  Papa.parse<string[]>(text, {
    delimitersToGuess: [',', '\t', ';', '|'],
    newline: '\n',
    step: (res) => {
      row++;
      const q = res.errors.find((e) => e.type === 'Quotes');
      if (q) throw new DataError(`${q.message.toLowerCase()} (quoted field)`, { file, row });
      const cells = res.data;
      if (cells.length === 1 && cells[0].trim() === '') return;
      delimiter = res.meta.delimiter;
      if (!first) {
        first = { cells, row };
        return;
      }
      b ??= begin(cells);
      b.add(cells, row);
      if (progress && res.meta.cursor - lastReport > 1 << 20) {
        lastReport = res.meta.cursor;
        progress(Math.round((res.meta.cursor / text.length) * bytes.length));
      }
    },
  });
  if (!first) throw new DataError('holds no rows', { file });
  b ??= begin();
  if (b.rows === 0) throw new DataError('holds a header row and no data rows', { file });
  const { header, columns, rows, labels } = b;
  return { file, delimiter, header, labelColumn: b.labelColumn, x: b.x.slice(0, rows * (columns - 1)), labels, rows, columns };
}

/** Accumulates rows into a growing float32 array. */
class Builder {
  readonly header?: string[];
  readonly columns: number;
  readonly labelColumn: number;
  x: Float32Array;
  labels: string[] = [];
  rows = 0;

  constructor(readonly file: string, first: string[], second: string[] | undefined, wanted: string | number | undefined) {
    this.columns = first.length;
    if (this.columns < 2) {
      throw new DataError(`found ${this.columns} column; need at least one feature column and a label column`, { file, row: 1 });
    }
    // The first row is a header when at least half its cells are not numbers and one of them sits
    // above a number (so one bad cell in a data row is reported, not taken for a header).
    const text = first.map((c) => strictNumber(c) === null);
    const aboveNumber = text.some((t, j) => t && (second === undefined || strictNumber(second[j] ?? '') !== null));
    const isHeader = aboveNumber && text.filter(Boolean).length * 2 >= this.columns;
    this.header = isHeader ? first.map((h) => h.trim()) : undefined;
    this.labelColumn = pickLabel(this.header, this.columns, wanted, file);
    this.x = new Float32Array(1024 * (this.columns - 1));
  }

  add(cells: string[], row: number): void {
    const { file, columns } = this;
    if (cells.length !== columns) throw new DataError(`has ${cells.length} fields, expected ${columns} (as in the first row)`, { file, row });
    const d = columns - 1;
    if ((this.rows + 1) * d > this.x.length) {
      const grown = new Float32Array(this.x.length * 2);
      grown.set(this.x);
      this.x = grown;
    }
    let j = this.rows * d;
    for (let c = 0; c < columns; c++) {
      if (cells[c].length > MAX_CELL_CHARS) {
        throw new DataError(`column ${this.columnName(c)}: a cell of ${cells[c].length.toLocaleString('en-US')} characters; cells may hold at most ${MAX_CELL_CHARS.toLocaleString('en-US')}`, { file, row });
      }
      if (c === this.labelColumn) continue;
      const v = strictNumber(cells[c]);
      if (v === null) throw new DataError(`column ${this.columnName(c)}: ${JSON.stringify(cells[c])} is not a number`, { file, row });
      if (Math.abs(v) > FLOAT32_MAX) {
        throw new DataError(`column ${this.columnName(c)}: ${cells[c].trim()} is beyond float32's range (±3.4e38), the precision features are trained in`, { file, row });
      }
      this.x[j++] = v;
    }
    const label = cells[this.labelColumn].trim();
    if (label === '') throw new DataError(`column ${this.columnName(this.labelColumn)}: the label is empty`, { file, row });
    // Tabs and line breaks (inside quotes) are text; the other C0/C1 controls are a damaged file.
    const control = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/.exec(label);
    if (control) {
      const code = `U+${control[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`;
      throw new DataError(`column ${this.columnName(this.labelColumn)}: the label ${JSON.stringify(label.slice(0, 40))} holds a control character (${code}); labels are printable text`, { file, row });
    }
    this.labels.push(label);
    this.rows++;
  }

  private columnName(c: number): string {
    return this.header ? `"${this.header[c]}" (${c + 1})` : String(c + 1);
  }
}

function pickLabel(header: string[] | undefined, columns: number, wanted: string | number | undefined, file: string): number {
  if (typeof wanted === 'number') {
    if (!Number.isInteger(wanted) || wanted < 0 || wanted >= columns) throw new DataError(`label column ${wanted} is not one of the ${columns} columns`, { file });
    return wanted;
  }
  if (wanted !== undefined) {
    const j = header?.findIndex((h) => h === wanted) ?? -1;
    if (j < 0) throw new DataError(`no column named "${wanted}"${header ? ` (columns: ${header.join(', ')})` : ' (the file has no header row)'}`, { file, row: 1 });
    return j;
  }
  if (header) {
    for (const name of LABEL_NAMES) {
      const j = header.findIndex((h) => h.toLowerCase() === name);
      if (j >= 0) return j;
    }
  }
  return columns - 1;
}
