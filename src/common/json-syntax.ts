/** Where a JSON text first breaks the grammar (RFC 8259), as an editor shows it: 1-based line and column. */
export interface JsonSyntaxProblem {
  offset: number;
  line: number;
  column: number;
  reason: string;
}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const ESCAPES = new Set(['"', '\\', '/', 'b', 'f', 'n', 'r', 't']);

class Failure {
  constructor(readonly offset: number, readonly reason: string) {}
}

/**
 * Finds the first syntax error of `text`, or null when it is valid JSON. JSON.parse says where only for some errors
 * ("at position 12"), and as an offset; people fix job files in an editor, by line and column.
 */
export function findJsonSyntaxError(text: string): JsonSyntaxProblem | null {
  let pos = 0;
  const fail = (reason: string, at = pos): never => {
    throw new Failure(at, reason);
  };
  const visible: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };
  const shown = (at: number) => (at >= text.length ? 'the end of the text' : `'${visible[text[at]] ?? text[at]}'`);
  const skipSpace = () => {
    while (pos < text.length && ' \t\n\r'.includes(text[pos])) pos++;
  };
  const string = () => {
    const start = pos++;
    for (;;) {
      if (pos >= text.length) fail('a string that never ends', start);
      const c = text[pos];
      if (c === '"') break;
      if (c < ' ') fail(`a control character in a string (write it escaped, e.g. \\n)`);
      if (c === '\\') {
        const next = text[pos + 1];
        if (next === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(pos + 2, pos + 6))) fail('\\u needs four hex digits');
          pos += 6;
          continue;
        }
        if (next === undefined || !ESCAPES.has(next)) fail(`an unknown escape \\${next ?? ''}`);
        pos += 2;
        continue;
      }
      pos++;
    }
    pos++;
  };
  const value = (): void => {
    skipSpace();
    const c = text[pos];
    if (c === '{') return object();
    if (c === '[') return array();
    if (c === '"') return string();
    for (const word of ['true', 'false', 'null']) {
      if (text.startsWith(word, pos)) {
        pos += word.length;
        return;
      }
    }
    NUMBER.lastIndex = pos;
    const number = NUMBER.exec(text);
    if (number && number[0] !== '' && number[0] !== '-') {
      pos += number[0].length;
      return;
    }
    fail(pos >= text.length ? 'the text ends where a value should be' : `${shown(pos)} where a value should be (a string needs double quotes)`);
  };
  const object = () => {
    pos++;
    skipSpace();
    if (text[pos] === '}') {
      pos++;
      return;
    }
    for (;;) {
      skipSpace();
      if (text[pos] !== '"') fail(text[pos] === '}' ? 'a comma before } (JSON allows no trailing comma)' : `${shown(pos)} where a double-quoted property name should be`);
      string();
      skipSpace();
      if (text[pos] !== ':') fail(`${shown(pos)} where : should follow the property name`);
      pos++;
      value();
      skipSpace();
      if (text[pos] === ',') {
        pos++;
        continue;
      }
      if (text[pos] === '}') {
        pos++;
        return;
      }
      fail(`${shown(pos)} where , or } should follow a property (a missing comma?)`);
    }
  };
  const array = () => {
    pos++;
    skipSpace();
    if (text[pos] === ']') {
      pos++;
      return;
    }
    for (;;) {
      skipSpace();
      if (text[pos] === ']') fail('a comma before ] (JSON allows no trailing comma)');
      value();
      skipSpace();
      if (text[pos] === ',') {
        pos++;
        continue;
      }
      if (text[pos] === ']') {
        pos++;
        return;
      }
      fail(`${shown(pos)} where , or ] should follow an element (a missing comma?)`);
    }
  };
  try {
    if (text.charCodeAt(0) === 0xfeff) fail('a byte order mark (save the file as UTF-8 without BOM)');
    value();
    skipSpace();
    if (pos < text.length) fail(`${shown(pos)} after the end of the JSON value`);
    return null;
  } catch (error) {
    if (!(error instanceof Failure)) throw error;
    return { offset: error.offset, ...lineAndColumn(text, error.offset), reason: error.reason };
  }
}

/** 1-based line and column (in characters) of `offset` in `text`. */
export function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const lineStart = before.lastIndexOf('\n') + 1;
  return { line: before.split('\n').length, column: offset - lineStart + 1 };
}
