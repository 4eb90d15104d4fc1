// Which partitions of a table a query can read, from its SQL: simple predicates on the partition columns (dt, hr,
// or whatever the table is partitioned by) in the WHERE clause of a query over that one table. Correctness first:
// any shape not understood here reads every partition; a predicate not understood only reads more than needed.

/** A partition's values by column name, as the view's columns hold them (VARCHAR, as Hive has them). */
export type PartitionValues = Readonly<Record<string, string>>;
export type PartitionFilter = (values: PartitionValues) => boolean;

type Token = { kind: 'word'; text: string; lower: string } | { kind: 'quoted'; text: string; lower: string } | { kind: 'string'; text: string } | { kind: 'other'; text: string };

/** A word that ends the FROM clause or the WHERE clause. */
const CLAUSE_ENDS = new Set(['group', 'order', 'limit', 'offset', 'having', 'window', 'qualify', 'using', 'returning', 'fetch']);
/** Words that mean more than one table or query level: the WHERE clause might not be this table's. */
const REFUSED = new Set(['with', 'union', 'intersect', 'except', 'join', 'pivot', 'unpivot', 'lateral', 'positional', 'asof', 'recursive']);

/** A query over one table: its tokens, the names the table goes by (its own and its alias), and where they stand. */
interface SingleTableQuery {
  tokens: Token[];
  names: Set<string>;
  /** Indexes of the table's name and alias in FROM. */
  fromNames: Set<number>;
  /** The index just after FROM's table and alias. */
  afterFrom: number;
}

/** The query, if it is one SELECT over `table` alone (no joins, subqueries, set operations, CTEs); else null. */
function singleTableQuery(sql: string, table: string): SingleTableQuery | null {
  const tokens = tokenize(sql);
  if (!tokens) return null;
  while (tokens.length > 0 && tokens[tokens.length - 1].text === ';') tokens.pop();
  const words = tokens.filter((t) => t.kind === 'word').map((t) => t.lower);
  if (tokens.some((t) => t.text === ';') || words.some((w) => REFUSED.has(w))) return null;
  if (words.filter((w) => w === 'select').length > 1 || words.filter((w) => w === 'from').length !== 1) return null;
  const from = tokens.findIndex((t) => t.kind === 'word' && t.lower === 'from');
  const names = new Set([table.toLowerCase()]);
  const fromNames = new Set([from + 1]);
  let at = from + 1;
  if (!isName(tokens[at], table.toLowerCase())) return null;
  at++;
  if (tokens[at]?.kind === 'word' && tokens[at].text.toLowerCase() === 'as') at++;
  const alias = tokens[at];
  if (alias && (alias.kind === 'quoted' || (alias.kind === 'word' && alias.lower !== 'where' && alias.lower !== 'select' && !CLAUSE_ENDS.has(alias.lower)))) {
    names.add(alias.text.toLowerCase());
    fromNames.add(at);
    at++;
  }
  return { tokens, names, fromNames, afterFrom: at };
}

/**
 * The filter over partitions the query's WHERE clause implies for `table`, or null when it implies none (every
 * partition is read). `partitionColumns` are the table's partition column names.
 */
export function partitionFilterOf(sql: string, table: string, partitionColumns: readonly string[]): PartitionFilter | null {
  const query = singleTableQuery(sql, table);
  if (!query) return null;
  const { tokens, names, afterFrom: at } = query;
  if (at >= tokens.length) return null;
  const next = tokens[at];
  if (next.kind !== 'word' || next.lower !== 'where') return null;
  const where = clauseTokens(tokens, at + 1);
  if (where === null) return null;
  const wanted = new Set(partitionColumns.map((c) => c.toLowerCase()));
  const tests = conjuncts(where).flatMap((c) => {
    const test = predicateOf(c, names, wanted);
    return test ? [test] : [];
  });
  if (tests.length === 0) return null;
  return (values) => tests.every((test) => test(values));
}

/** Words after which `*` expands to all columns, and words that reach columns without naming them. */
const STAR_BEFORE = new Set(['select', 'distinct', 'all']);
const ALL_COLUMNS_WORDS = new Set(['columns', 'exclude', 'replace', 'rename', 'summarize', 'describe', 'show']);

/**
 * The columns (of `columns`) a SELECT over `table` alone names, or null when it may see others: `*` (but
 * `count(*)`), COLUMNS(), the table's row as a value, or any other shape. A column named only inside a string
 * literal is not read; a word that only looks like a column (a struct field of the same name) reads one more.
 */
export function columnsReadBy(sql: string, table: string, columns: readonly string[]): Set<string> | null {
  const query = singleTableQuery(sql, table);
  if (!query) return null;
  const { tokens, names, fromNames } = query;
  if (tokens[0].kind !== 'word' || (tokens[0].lower !== 'select' && tokens[0].lower !== 'from')) return null;
  // `FROM t` alone is `SELECT * FROM t`.
  if (!tokens.some((t) => t.kind === 'word' && t.lower === 'select')) return null;
  const byName = new Map(columns.map((c) => [c.toLowerCase(), c]));
  const read = new Set<string>();
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    if (t.text === '*' && t.kind === 'other') {
      const before = tokens[i - 1];
      if (before.kind === 'word' && STAR_BEFORE.has(before.lower)) return null;
      if (before.text === ',' || before.text === '.') return null;
      if (before.text === '(' && !(tokens[i - 2]?.kind === 'word' && (tokens[i - 2] as { lower: string }).lower === 'count' && tokens[i + 1]?.text === ')')) return null;
      continue;
    }
    if (t.kind !== 'word' && t.kind !== 'quoted') continue;
    if (t.kind === 'word' && ALL_COLUMNS_WORDS.has(t.lower)) return null;
    const lower = t.text.toLowerCase();
    if (names.has(lower) && !fromNames.has(i) && tokens[i + 1]?.text !== '.') return null; // the row as a struct
    const column = byName.get(lower);
    if (column !== undefined) read.add(column);
  }
  return read;
}

/** The WHERE clause's tokens up to the next clause at its own depth; null if its parentheses do not balance. */
function clauseTokens(tokens: Token[], start: number): Token[] | null {
  let depth = 0;
  let end = start;
  for (; end < tokens.length; end++) {
    const t = tokens[end];
    if (opens(t)) depth++;
    else if (closes(t) && --depth < 0) return null;
    else if (depth === 0 && t.kind === 'word' && CLAUSE_ENDS.has(t.lower)) break;
  }
  return depth === 0 ? tokens.slice(start, end) : null;
}

/** The AND-ed parts of a condition; a condition with a top-level OR is one part (which no predicate matches). */
function conjuncts(tokens: Token[]): Token[][] {
  if (tokens.length >= 2 && tokens[0].text === '(' && closingParen(tokens, 0) === tokens.length - 1) return conjuncts(tokens.slice(1, -1));
  const parts: Token[][] = [];
  let depth = 0;
  let between = false;
  let current: Token[] = [];
  for (const t of tokens) {
    if (opens(t)) depth++;
    if (closes(t)) depth--;
    if (depth === 0 && t.kind === 'word') {
      if (t.lower === 'or') return [tokens];
      if (t.lower === 'between') between = true;
      else if (t.lower === 'and') {
        if (between) between = false;
        else {
          parts.push(current);
          current = [];
          continue;
        }
      }
    }
    current.push(t);
  }
  parts.push(current);
  return parts.flatMap((p) => (p.length >= 2 && p[0].text === '(' && closingParen(p, 0) === p.length - 1 ? conjuncts(p.slice(1, -1)) : [p]));
}

/** CASE … END nests like parentheses: an AND or OR inside it is not the WHERE clause's. */
function opens(t: Token): boolean {
  return t.text === '(' || (t.kind === 'word' && t.lower === 'case');
}

function closes(t: Token): boolean {
  return t.text === ')' || (t.kind === 'word' && t.lower === 'end');
}

function closingParen(tokens: Token[], open: number): number {
  let depth = 0;
  for (let i = open; i < tokens.length; i++) {
    if (tokens[i].text === '(') depth++;
    else if (tokens[i].text === ')' && --depth === 0) return i;
  }
  return -1;
}

type Test = (values: PartitionValues) => boolean;

/** `col op 'x'`, `'x' op col`, `col IN ('x', …)`, `col BETWEEN 'x' AND 'y'`; anything else is no test. */
function predicateOf(tokens: Token[], tables: Set<string>, columns: Set<string>): Test | null {
  const column = (at: number): { name: string; next: number } | null => {
    const t = tokens[at];
    if (!t || (t.kind !== 'word' && t.kind !== 'quoted')) return null;
    if (tokens[at + 1]?.text === '.') {
      const c = tokens[at + 2];
      if (!tables.has(t.text.toLowerCase()) || !c || (c.kind !== 'word' && c.kind !== 'quoted')) return null;
      return columns.has(c.text.toLowerCase()) ? { name: c.text.toLowerCase(), next: at + 3 } : null;
    }
    return columns.has(t.text.toLowerCase()) ? { name: t.text.toLowerCase(), next: at + 1 } : null;
  };
  const literal = (at: number): string | null => (tokens[at]?.kind === 'string' ? tokens[at].text : null);
  const left = column(0);
  if (left) {
    const op = tokens[left.next];
    if (!op) return null;
    if (op.kind === 'other' && COMPARISONS[op.text] && tokens.length === left.next + 2) {
      const value = literal(left.next + 1);
      return value === null ? null : (v) => COMPARISONS[op.text](v[left.name], value);
    }
    if (op.kind === 'word' && op.lower === 'between' && tokens.length === left.next + 4 && tokens[left.next + 2].kind === 'word' && (tokens[left.next + 2] as { lower: string }).lower === 'and') {
      const low = literal(left.next + 1);
      const high = literal(left.next + 3);
      return low === null || high === null ? null : (v) => compare(v[left.name], low) >= 0 && compare(v[left.name], high) <= 0;
    }
    if (op.kind === 'word' && op.lower === 'in' && tokens[left.next + 1]?.text === '(' && tokens[tokens.length - 1].text === ')') {
      const list = tokens.slice(left.next + 2, -1);
      const values = list.filter((_, i) => i % 2 === 0);
      if (list.length % 2 !== 1 || list.some((t, i) => (i % 2 === 0 ? t.kind !== 'string' : t.text !== ','))) return null;
      const allowed = new Set(values.map((t) => t.text));
      return (v) => allowed.has(v[left.name]);
    }
    return null;
  }
  const value = literal(0);
  const op = tokens[1];
  const right = column(2);
  if (value === null || !op || op.kind !== 'other' || !COMPARISONS[op.text] || !right || right.next !== tokens.length) return null;
  return (v) => COMPARISONS[op.text](value, v[right.name]);
}

/** DuckDB compares VARCHARs byte by byte in UTF-8, which is not JavaScript's UTF-16 order beyond the BMP. */
function compare(a: string | undefined, b: string | undefined): number {
  return a === undefined || b === undefined ? NaN : Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/** A partition without the column (undefined) passes no test: NaN compares false, and equality fails. */
const COMPARISONS: Record<string, (a: string | undefined, b: string | undefined) => boolean> = {
  '=': (a, b) => a !== undefined && a === b,
  '==': (a, b) => a !== undefined && a === b,
  '<>': (a, b) => a !== undefined && b !== undefined && a !== b,
  '!=': (a, b) => a !== undefined && b !== undefined && a !== b,
  '<': (a, b) => b !== undefined && compare(a, b) < 0,
  '<=': (a, b) => b !== undefined && compare(a, b) <= 0,
  '>': (a, b) => b !== undefined && compare(a, b) > 0,
  '>=': (a, b) => b !== undefined && compare(a, b) >= 0,
};

function isName(token: Token | undefined, name: string): boolean {
  return token !== undefined && (token.kind === 'word' || token.kind === 'quoted') && token.text.toLowerCase() === name;
}

/** SQL tokens: words, "quoted" identifiers, 'strings' (quotes undone), and everything else; null on what is not understood. */
function tokenize(sql: string): Token[] | null {
  const tokens: Token[] = [];
  let i = 0;
  while (i < sql.length) {
    const c = sql[i];
    if (/\s/.test(c)) {
      i++;
    } else if (sql.startsWith('--', i)) {
      const end = sql.indexOf('\n', i);
      i = end < 0 ? sql.length : end + 1;
    } else if (sql.startsWith('/*', i)) {
      const end = sql.indexOf('*/', i + 2);
      if (end < 0) return null;
      i = end + 2;
    } else if (c === "'" || c === '"') {
      let text = '';
      let j = i + 1;
      for (;;) {
        if (j >= sql.length) return null;
        if (sql[j] === c) {
          if (sql[j + 1] === c) {
            text += c;
            j += 2;
            continue;
          }
          break;
        }
        text += sql[j++];
      }
      tokens.push(c === "'" ? { kind: 'string', text } : { kind: 'quoted', text, lower: text.toLowerCase() });
      i = j + 1;
    } else if (/[A-Za-z_\u0080-\uffff]/.test(c)) {
      const match = /^[A-Za-z_\u0080-\uffff][A-Za-z0-9_$\u0080-\uffff]*/.exec(sql.slice(i))![0];
      tokens.push({ kind: 'word', text: match, lower: match.toLowerCase() });
      i += match.length;
    } else if (c === '$') {
      return null; // dollar-quoted strings and parameters
    } else {
      const two = sql.slice(i, i + 2);
      const text = ['>=', '<=', '<>', '!=', '==', '::', '||', '->', '**'].includes(two) ? two : c;
      tokens.push({ kind: 'other', text });
      i += text.length;
    }
  }
  return tokens;
}
