// Checks on the safetensors header text that JSON.parse cannot make: duplicate keys (it keeps the last
// silently), number literals that are not plain integers (`2.0`, `1e3`, `-0` parse as integers; past
// 2^53 they round), where
// each top-level key sits, and where UTF-8 first breaks — so that messages can give byte offsets.

export interface HeaderScan {
  /** Character index of each top-level key (tensor names and `__metadata__`). */
  keyAt: Map<string, number>;
  /** The first key that repeats within its object, with its path (`"name".dtype`). */
  duplicate?: { path: string; at: number };
  /** The first number outside `__metadata__` that is not a plain non-negative integer literal below 2^53. */
  badNumber?: { path: string; raw: string; at: number };
}

interface Frame {
  object: boolean;
  keys: Set<string>;
  key: string;
  index: number;
}

const NUMBER = /-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/y;

/** Walks text that JSON.parse has already accepted, so the grammar needs no checking here. */
export function scanHeader(text: string): HeaderScan {
  const scan: HeaderScan = { keyAt: new Map() };
  const stack: Frame[] = [];
  let expectKey = false;
  const path = () => stack.map((f, d) => (!f.object ? `[${f.index}]` : d === 0 ? JSON.stringify(f.key) : `.${f.key}`)).join('');
  for (let i = 0; i < text.length; ) {
    const c = text[i];
    const top = stack[stack.length - 1];
    if (c === '"') {
      let j = i + 1;
      while (text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      if (top?.object && expectKey) {
        const key = JSON.parse(text.slice(i, j + 1)) as string;
        top.key = key;
        if (top.keys.has(key)) scan.duplicate ??= { path: path(), at: i };
        top.keys.add(key);
        if (stack.length === 1 && !scan.keyAt.has(key)) scan.keyAt.set(key, i);
        expectKey = false;
      }
      i = j + 1;
    } else if (c === '{' || c === '[') {
      stack.push({ object: c === '{', keys: new Set(), key: '', index: 0 });
      expectKey = c === '{';
      i++;
    } else if (c === '}' || c === ']') {
      stack.pop();
      i++;
    } else if (c === ',') {
      if (top.object) expectKey = true;
      else top.index++;
      i++;
    } else if (c === '-' || (c >= '0' && c <= '9')) {
      NUMBER.lastIndex = i;
      const raw = NUMBER.exec(text)![0];
      const inMetadata = stack.length > 1 && stack[0].key === '__metadata__';
      if (!inMetadata && !(/^(?:0|[1-9]\d*)$/.test(raw) && Number.isSafeInteger(Number(raw)))) scan.badNumber ??= { path: path(), raw, at: i };
      i += raw.length;
    } else {
      i++;
    }
  }
  return scan;
}

/** UTF-8 byte length of a string, without encoding it. */
export function utf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}

/** Index of the first byte that breaks UTF-8 (the well-formed sequences of Unicode Table 3-7), or -1. */
export function firstInvalidUtf8(b: Uint8Array): number {
  for (let i = 0; i < b.length; ) {
    const c = b[i];
    if (c < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let lo = 0x80;
    let hi = 0xbf;
    if (c >= 0xc2 && c <= 0xdf) need = 1;
    else if (c >= 0xe0 && c <= 0xef) {
      need = 2;
      if (c === 0xe0) lo = 0xa0;
      if (c === 0xed) hi = 0x9f;
    } else if (c >= 0xf0 && c <= 0xf4) {
      need = 3;
      if (c === 0xf0) lo = 0x90;
      if (c === 0xf4) hi = 0x8f;
    } else return i;
    for (let k = 1; k <= need; k++) {
      const d = b[i + k];
      if (d === undefined || d < (k === 1 ? lo : 0x80) || d > (k === 1 ? hi : 0xbf)) return i;
    }
    i += need + 1;
  }
  return -1;
}
