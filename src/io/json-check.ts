// JSON from users' files (a safetensors header, the manifest inside it) checked before JSON.parse sees it:
// one iterative pass finds the first syntax error or nesting deeper than MAX_JSON_DEPTH, at a character
// index, in our words. JSON.parse itself copes with 100,000 nested arrays, but everything after it that
// recurses (JSON.stringify in a message, a validator) dies with "Maximum call stack size exceeded", and
// its own messages differ between engines ("Unexpected token '}', ..." in V8).

/** Deeper than any file the lab writes (a safetensors header nests 3 levels, the manifest fewer than 20). */
export const MAX_JSON_DEPTH = 64;

export interface JsonProblem {
  /** Character index into the text. */
  at: number;
  why: string;
}

const Open = { Array: 0, Object: 1 } as const;
type Open = (typeof Open)[keyof typeof Open];

/** The first problem with `text` as one JSON value (RFC 8259), or null when JSON.parse may have it. */
export function jsonProblem(text: string, maxDepth = MAX_JSON_DEPTH): JsonProblem | null {
  const n = text.length;
  const stack: Open[] = [];
  let i = 0;
  let problem: JsonProblem | null = null;
  const fail = (why: string, at = i): false => ((problem = { at, why }), false);
  const ws = () => {
    for (let c = text.charCodeAt(i); c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d; c = text.charCodeAt(++i));
  };
  const char = () => (i < n ? JSON.stringify(text[i]) : 'the end');
  const string = (): boolean => {
    const start = i++;
    for (;;) {
      if (i >= n) return fail('a string is not closed', start);
      const c = text.charCodeAt(i);
      if (c === 0x22) return (i++, true);
      if (c < 0x20) return fail('a string holds a raw control character (write it as an escape)');
      if (c === 0x5c) {
        const e = text[i + 1];
        if (e === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) return fail('a \\u escape needs 4 hex digits');
          i += 6;
        } else if (e !== undefined && '"\\/bfnrt'.includes(e)) i += 2;
        else return fail(`unknown escape \\${e ?? ''} in a string`);
      } else i++;
    }
  };
  const digits = (): number => {
    const from = i;
    for (let c = text.charCodeAt(i); c >= 48 && c <= 57; c = text.charCodeAt(++i));
    return i - from;
  };
  const number = (): boolean => {
    const start = i;
    if (text[i] === '-') i++;
    if (text[i] === '0') i++;
    else if (digits() === 0) return fail('a number needs digits', start);
    if (text[i] === '.') {
      i++;
      if (digits() === 0) return fail('a number needs digits after its decimal point');
    }
    if (text[i] === 'e' || text[i] === 'E') {
      i++;
      if (text[i] === '+' || text[i] === '-') i++;
      if (digits() === 0) return fail("a number's exponent needs digits");
    }
    return true;
  };
  const key = (): boolean => {
    ws();
    if (text[i] !== '"') return fail(`expected a "quoted" key, found ${char()}`);
    if (!string()) return false;
    ws();
    if (text[i] !== ':') return fail(`expected ':' after a key, found ${char()}`);
    i++;
    return true;
  };
  /** One value, then as many closing brackets and commas as follow it. */
  const valueAndAfter = (): boolean | 'more' => {
    ws();
    const c = text[i];
    if (c === '{' || c === '[') {
      if (stack.length >= maxDepth) return fail(`nesting is deeper than ${maxDepth} levels`);
      i++;
      ws();
      if (text[i] === (c === '{' ? '}' : ']')) i++;
      else {
        stack.push(c === '{' ? Open.Object : Open.Array);
        return c === '{' && !key() ? false : 'more';
      }
    } else if (c === '"') {
      if (!string()) return false;
    } else if (c === '-' || (c >= '0' && c <= '9')) {
      if (!number()) return false;
    } else {
      const word = ['true', 'false', 'null'].find((w) => text.startsWith(w, i));
      if (!word) return fail(i >= n ? 'the JSON ends early' : `unexpected ${char()}`);
      i += word.length;
    }
    for (;;) {
      ws();
      if (stack.length === 0) return i < n ? fail(`unexpected ${char()} after the end of the JSON value`) : true;
      const top = stack[stack.length - 1];
      if (text[i] === ',') {
        i++;
        return top === Open.Object && !key() ? false : 'more';
      }
      if (text[i] === (top === Open.Object ? '}' : ']')) {
        stack.pop();
        i++;
        continue;
      }
      if (i >= n) return fail('the JSON ends early');
      return fail(`expected ',' or '${top === Open.Object ? '}' : ']'}', found ${char()}`);
    }
  };
  for (;;) {
    const r = valueAndAfter();
    if (r === true) return null;
    if (r === false) return problem;
  }
}

/**
 * JSON.parse for text from a user's file: refuses what `jsonProblem` finds with "<why> at character N"
 * (never the engine's own message), so the caller can add the file and where the text sits in it.
 */
export function parseCheckedJson(text: string): unknown {
  const p = jsonProblem(text);
  if (p) throw new Error(`${p.why} at character ${p.at}`);
  return JSON.parse(text);
}
