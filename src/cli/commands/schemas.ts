import * as fs from 'node:fs';
import type { Argv } from 'yargs';
import { openSchemaRegistry, RegistrySettingError } from '../../connector-factory';
import {
  COMPATIBILITY_LEVELS, CompatibilityLevel, SchemaRegistryAdmin, SchemaRegistryError, SchemaRegistryErrorCode,
  SchemaRegistryUnavailableError, SchemaToRegister, SchemaType, VersionSelector,
} from '../../ports/schema-registry';
import type { CommandIO } from '../io';

const ACTIONS = ['list', 'get', 'register', 'check', 'config', 'delete'] as const;
type Action = (typeof ACTIONS)[number];

interface SchemasArgs {
  action: Action;
  subject?: string;
  target?: string;
  registry: string;
  'basic-auth'?: string;
  retries: number;
  id?: number;
  deleted: boolean;
  'schema-type': SchemaType;
  against?: string;
  set?: CompatibilityLevel;
  'delete-config': boolean;
  permanent: boolean;
  json: boolean;
}

export const REGISTRY_URL_ENV = 'SLUICE_REGISTRY_URL';
export const REGISTRY_BASIC_AUTH_ENV = 'SLUICE_REGISTRY_BASIC_AUTH';

export const command = 'schemas <action> [subject] [target] [against]';
export const describe = 'Subjects, versions, compatibility and config of a Confluent-compatible Schema Registry (sluice registry or Confluent\'s)';

export function builder(yargs: Argv): Argv<SchemasArgs> {
  return yargs
    .positional('action', { choices: ACTIONS, demandOption: true })
    .positional('subject', { type: 'string', describe: 'the subject (list: its versions; config: its level; otherwise required, except get --id)' })
    .positional('target', { type: 'string', describe: 'get/delete: a version or latest (default latest); register/check: the schema file (- for stdin)' })
    .positional('against', {
      type: 'string',
      describe: 'check: the version to check against: a number, latest (default) or all (every version the subject\'s level asks for)',
    })
    .option('registry', {
      type: 'string',
      default: process.env[REGISTRY_URL_ENV] ?? 'http://127.0.0.1:8081',
      describe: `registry URL(s), comma-separated, tried in turn; http://user:pass@host:port for basic auth (env ${REGISTRY_URL_ENV})`,
    })
    .option('basic-auth', { type: 'string', describe: `user:password for basic auth (prefer env ${REGISTRY_BASIC_AUTH_ENV}: a flag is visible to other local users)` })
    .option('retries', { type: 'number', default: 3, describe: 'retries on connection errors and 5xx answers, with backoff, before giving up' })
    .option('id', { type: 'number', describe: 'get: the schema with this global id' })
    .option('deleted', { type: 'boolean', default: false, describe: 'list/get: include soft-deleted subjects and versions' })
    .option('schema-type', { choices: ['AVRO', 'JSON', 'PROTOBUF'] as const, default: 'AVRO' as const, describe: 'register/check: the schema\'s type' })
    .option('set', {
      type: 'string',
      choices: COMPATIBILITY_LEVELS,
      coerce: (level: string) => level.toUpperCase(),
      describe: 'config: set the compatibility level (of the subject, or the global one)',
    })
    .option('delete-config', { type: 'boolean', default: false, describe: 'config: remove the subject\'s own level (the global one applies)' })
    .option('permanent', { type: 'boolean', default: false, describe: 'delete: hard delete (only after a soft delete, as the registry requires)' })
    .option('json', { type: 'boolean', default: false, describe: 'one JSON document on stdout' }) as Argv<SchemasArgs>;
}

/** Usage mistakes: exit status 2. */
class SchemasUsageError extends Error {}

export async function handler(args: SchemasArgs, io: CommandIO): Promise<number> {
  const name = `sluice schemas ${args.action}`;
  try {
    const registry = openSchemaRegistry(args.registry, { basicAuth: args['basic-auth'] ?? process.env[REGISTRY_BASIC_AUTH_ENV], maxRetries: args.retries });
    return await ACTION_HANDLERS[args.action](registry, args, io);
  } catch (error) {
    if (error instanceof SchemaRegistryError || error instanceof SchemaRegistryUnavailableError) {
      io.err(`${name}: ${error.message}`);
      return args.action === 'check' ? 2 : 1;
    }
    if (error instanceof SchemasUsageError || error instanceof RegistrySettingError) {
      io.err(`${name}: ${error.message}`);
      return 2;
    }
    throw error;
  }
}

type ActionHandler = (registry: SchemaRegistryAdmin, args: SchemasArgs, io: CommandIO) => Promise<number>;

const ACTION_HANDLERS: Record<Action, ActionHandler> = {
  list: async (registry, args, io) => {
    const deleted = { deleted: args.deleted };
    const items = args.subject ? await registry.versions(args.subject, deleted) : await registry.listSubjects(deleted);
    if (args.json) io.out(JSON.stringify(items));
    else if (items.length === 0) io.out(args.subject ? `${args.subject} has no versions` : 'no subjects');
    else for (const item of items) io.out(String(item));
    return 0;
  },

  get: async (registry, args, io) => {
    if (args.id !== undefined) {
      if (args.subject) throw new SchemasUsageError('give a subject or --id, not both');
      const schema = await registry.schemaById(positive(args.id, '--id'));
      const holders = await registry.subjectVersionsOfId(args.id).catch(() => []);
      if (args.json) io.out(JSON.stringify({ id: args.id, ...schema, subjects: holders }));
      else {
        io.err(`id ${args.id} (${schema.schemaType})${holders.length ? `: ${holders.map((h) => `${h.subject} version ${h.version}`).join(', ')}` : ''}`);
        io.out(pretty(schema.schema, schema.schemaType));
      }
      return 0;
    }
    const subject = required(args.subject, 'name a subject, or give --id');
    const found = await registry.getVersion(subject, versionOf(args.target ?? 'latest'), { deleted: args.deleted });
    if (args.json) io.out(JSON.stringify(found));
    else {
      io.err(`${found.subject} version ${found.version}, id ${found.id} (${found.schemaType})`);
      io.out(pretty(found.schema, found.schemaType));
    }
    return 0;
  },

  register: async (registry, args, io) => {
    const subject = required(args.subject, 'name a subject');
    const schema = schemaFile(required(args.target, 'name the schema file (- for stdin)'), args['schema-type']);
    const id = await registry.register(subject, schema);
    if (args.json) {
      const { version } = await registry.lookup(subject, schema);
      io.out(JSON.stringify({ subject, id, version }));
    } else io.out(String(id));
    return 0;
  },

  check: async (registry, args, io) => {
    const subject = required(args.subject, 'name a subject');
    const schema = schemaFile(required(args.target, 'name the schema file (- for stdin)'), args['schema-type']);
    const against: VersionSelector | 'all' = args.against === 'all' ? 'all' : versionOf(args.against ?? 'latest');
    const result = await registry.checkCompatibility(subject, schema, against);
    if (args.json) io.out(JSON.stringify({ subject, version: against, ...result }));
    else if (result.isCompatible) io.out('compatible');
    else {
      io.out(`incompatible with ${subject} ${against === 'all' ? 'versions' : `version ${against}`}`);
      for (const message of result.messages) io.out(`  ${message}`);
    }
    return result.isCompatible ? 0 : 1;
  },

  config: async (registry, args, io) => {
    if (args.target) throw new SchemasUsageError(`unexpected ${JSON.stringify(args.target)}: config takes one subject at most`);
    const subject = args.subject;
    const scope = subject ?? 'global';
    let level: CompatibilityLevel;
    let source: 'subject' | 'global' = subject ? 'subject' : 'global';
    if (args['delete-config']) {
      if (args.set) throw new SchemasUsageError('give --set or --delete-config, not both');
      const removed = await registry.deleteCompatibility(required(subject, '--delete-config needs a subject'));
      if (args.json) io.out(JSON.stringify({ subject, deleted: removed }));
      else io.out(`${subject}\t${removed} removed; the global level applies`);
      return 0;
    }
    if (args.set) level = await registry.setCompatibility(args.set, subject);
    else if (!subject) level = await registry.getCompatibility();
    else {
      try {
        level = await registry.getCompatibility(subject);
      } catch (error) {
        if (!(error instanceof SchemaRegistryError && error.errorCode === SchemaRegistryErrorCode.SUBJECT_LEVEL_COMPATIBILITY_NOT_CONFIGURED)) throw error;
        level = await registry.getCompatibility();
        source = 'global';
      }
    }
    if (args.json) io.out(JSON.stringify({ subject: subject ?? null, compatibilityLevel: level, source }));
    else io.out(`${scope}\t${level}${subject && source === 'global' ? ' (the global level: the subject has none of its own)' : ''}`);
    return 0;
  },

  delete: async (registry, args, io) => {
    const subject = required(args.subject, 'name a subject');
    const permanent = { permanent: args.permanent };
    const versions = args.target === undefined
      ? await registry.deleteSubject(subject, permanent)
      : [await registry.deleteVersion(subject, versionOf(args.target), permanent)];
    if (args.json) io.out(JSON.stringify({ subject, versions, permanent: args.permanent }));
    else io.out(`${args.permanent ? 'permanently deleted' : 'soft-deleted'} ${subject} version${versions.length === 1 ? '' : 's'} ${versions.join(', ')}`);
    return 0;
  },
};

function required(value: string | undefined, what: string): string {
  if (!value) throw new SchemasUsageError(what);
  return value;
}

function positive(value: number, what: string): number {
  if (!Number.isInteger(value) || value < 0) throw new SchemasUsageError(`${what} must be a non-negative integer, not ${value}`);
  return value;
}

function versionOf(text: string): VersionSelector {
  if (text === 'latest' || text === '-1') return 'latest';
  if (!/^[1-9][0-9]*$/.test(text)) throw new SchemasUsageError(`version ${JSON.stringify(text)}: expected a positive integer or latest`);
  return Number(text);
}

/** The schema a file holds; an Avro or JSON Schema file must at least be JSON, so a typo fails here and not as 42201. */
function schemaFile(file: string, schemaType: SchemaType): SchemaToRegister {
  let text: string;
  try {
    text = fs.readFileSync(file === '-' ? 0 : file, 'utf8').trim();
  } catch (error) {
    throw new SchemasUsageError(`cannot read ${file}: ${(error as Error).message}`);
  }
  if (schemaType !== 'PROTOBUF') {
    try {
      JSON.parse(text);
    } catch (error) {
      throw new SchemasUsageError(`${file} is not JSON (${(error as Error).message}); an ${schemaType} schema is a JSON document`);
    }
  }
  return { schema: text, schemaType };
}

function pretty(schema: string, schemaType: SchemaType): string {
  if (schemaType === 'PROTOBUF') return schema;
  try {
    return JSON.stringify(JSON.parse(schema), null, 2);
  } catch {
    return schema;
  }
}
