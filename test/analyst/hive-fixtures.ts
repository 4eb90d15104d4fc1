// Shared by the hive-ddl tests: reading printed DDL back, and DuckDB's view of Parquet files in Hive's spelling.
import { DuckDBInstance } from '@duckdb/node-api';

export interface ParsedCreate {
  table: string;
  columns: [string, string][];
  storedAs: string;
  location: string;
  /** The TBLPROPERTIES avro.schema.literal, unescaped as Hive does; null when absent. */
  schemaLiteral: string | null;
}

export interface ParsedPartition {
  table: string;
  dt: string;
  hr: string;
  location: string;
}

/** Undoes the escapes Hive's parser undoes in a string literal (BaseSemanticAnalyzer.unescapeSQLString, the cases used here). */
export function unescapeHive(body: string): string {
  const escapes: Record<string, string> = { n: '\n', r: '\r', t: '\t', '0': '\0' };
  return body.replace(/\\(.)/g, (_, c: string) => escapes[c] ?? c);
}

const STRING = String.raw`'((?:[^'\\]|\\.)*)'`;

export function parseDdl(ddl: string): { creates: ParsedCreate[]; partitions: ParsedPartition[] } {
  const creates: ParsedCreate[] = [];
  for (const match of ddl.matchAll(/^CREATE EXTERNAL TABLE IF NOT EXISTS `(\w+)` \(\n([\s\S]*?)\n\)\n([\s\S]*?);$/gm)) {
    const columns = match[2].split(',\n').map((line): [string, string] => {
      const column = /^ {2}`(\w+)` (.+?)(?: COMMENT '(?:[^'\\]|\\.)*')?$/.exec(line);
      if (!column) throw new Error(`unexpected column line ${JSON.stringify(line)}`);
      return [column[1], column[2]];
    });
    const tail = match[3];
    const literal = new RegExp(`TBLPROPERTIES \\('avro\\.schema\\.literal'=${STRING}\\)`).exec(tail);
    creates.push({
      table: match[1],
      columns,
      storedAs: /^STORED AS (\w+)$/m.exec(tail)![1],
      location: unescapeHive(new RegExp(`^LOCATION ${STRING}`, 'm').exec(tail)![1]),
      schemaLiteral: literal ? unescapeHive(literal[1]) : null,
    });
  }
  const partitions = [...ddl.matchAll(new RegExp(`^ALTER TABLE \`(\\w+)\` ADD IF NOT EXISTS PARTITION \\(dt=${STRING}, hr=${STRING}\\) LOCATION ${STRING};$`, 'gm'))]
    .map((m) => ({ table: m[1], dt: m[2], hr: m[3], location: m[4] }));
  return { creates, partitions };
}

const DUCKDB_SCALARS: Record<string, string> = {
  INTEGER: 'INT', BIGINT: 'BIGINT', FLOAT: 'FLOAT', DOUBLE: 'DOUBLE', BOOLEAN: 'BOOLEAN', VARCHAR: 'STRING', BLOB: 'BINARY', DATE: 'DATE',
  'TIMESTAMP WITH TIME ZONE': 'TIMESTAMP', TIMESTAMP: 'TIMESTAMP',
};

/** A DuckDB type name (as DESCRIBE prints it) in Hive's spelling, parsed independently of the code under test. */
export function duckdbTypeAsHive(text: string): string {
  const type = text.trim();
  if (type.endsWith('[]')) return `ARRAY<${duckdbTypeAsHive(type.slice(0, -2))}>`;
  const decimal = /^DECIMAL\((\d+),\s*(\d+)\)$/.exec(type);
  if (decimal) return `DECIMAL(${decimal[1]},${decimal[2]})`;
  const inner = (prefix: string) => splitTopLevel(type.slice(prefix.length + 1, -1));
  if (type.startsWith('MAP(')) {
    const [key, value] = inner('MAP');
    return `MAP<${duckdbTypeAsHive(key)},${duckdbTypeAsHive(value)}>`;
  }
  if (type.startsWith('STRUCT(')) {
    const fields = inner('STRUCT').map((field) => {
      const named = /^"?([^"\s]+)"?\s+(.+)$/.exec(field.trim())!;
      return `\`${named[1]}\`:${duckdbTypeAsHive(named[2])}`;
    });
    return `STRUCT<${fields.join(',')}>`;
  }
  if (!Object.hasOwn(DUCKDB_SCALARS, type)) throw new Error(`no Hive spelling for DuckDB type ${type}`);
  return DUCKDB_SCALARS[type];
}

function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '(') depth++;
    else if (text[i] === ')') depth--;
    else if (text[i] === ',' && depth === 0) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts;
}

/** Column names and types of Parquet files as DuckDB reads them (no partition columns). */
export async function describeParquet(files: string[]): Promise<[string, string][]> {
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  try {
    const list = files.map((f) => `'${f.replace(/'/g, "''")}'`).join(', ');
    const reader = await connection.runAndReadAll(`DESCRIBE SELECT * FROM read_parquet([${list}], hive_partitioning = false)`);
    return reader.getRows().map((row) => [String(row[0]), String(row[1])]);
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

/** The Parquet physical and logical type of one top-level column, as the writer produced it. */
export async function parquetColumnSchema(file: string, column: string): Promise<{ physical: string; logical: string }> {
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  try {
    const reader = await connection.runAndReadAll(`SELECT type, logical_type FROM parquet_schema('${file.replace(/'/g, "''")}') WHERE name = '${column}'`);
    const [physical, logical] = reader.getRows()[0];
    return { physical: String(physical), logical: String(logical) };
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}
