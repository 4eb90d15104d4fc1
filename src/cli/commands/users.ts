import * as fs from 'node:fs';
import type { Argv } from 'yargs';
import { FileCredentialStore } from '../../credential-store/file-credential-store';
import { CREDENTIAL_MECHANISMS, CredentialMechanism } from '../../ports/credential-store';
import { scramCredential, scramMechanismNamed, SCRAM_MAX_ITERATIONS, SCRAM_MIN_ITERATIONS } from '../../protocol/scram';
import { plainCredential } from '../../broker/security/sasl-mechanisms';
import type { CommandIO } from '../io';

interface UsersArgs {
  action: 'add' | 'delete' | 'list';
  user?: string;
  'data-dir': string;
  mechanism?: CredentialMechanism[];
  'password-file'?: string;
  password?: string;
  'password-stdin': boolean;
  iterations: number;
  json: boolean;
}

/** The environment variable a password may come from, so that it is never on a command line. */
export const PASSWORD_ENV = 'SLUICE_PASSWORD';

export const command = 'users <action> [user]';
export const describe = 'Add, delete and list the SASL users (PLAIN, SCRAM) of a broker\'s data directory; a running broker sees changes at once';

export function builder(yargs: Argv): Argv<UsersArgs> {
  return yargs
    .positional('action', { choices: ['add', 'delete', 'list'] as const, demandOption: true })
    .positional('user', { type: 'string', describe: 'the user name (add, delete)' })
    .option('data-dir', { type: 'string', demandOption: true, describe: 'the broker\'s data directory (credentials live in its __credentials/)' })
    .option('mechanism', {
      choices: CREDENTIAL_MECHANISMS,
      array: true,
      describe: 'add: the mechanisms to keep a credential for (repeatable; default SCRAM-SHA-512); delete: those to remove (default: all)',
    })
    .option('password-file', { type: 'string', describe: `add: a file whose first line is the password; or set ${PASSWORD_ENV}` })
    .option('password-stdin', { type: 'boolean', default: false, describe: 'add: read the password from the first line of standard input' })
    .option('password', { type: 'string', describe: `add: the password itself (visible to other local users: prefer --password-file or ${PASSWORD_ENV})` })
    .option('iterations', { type: 'number', default: SCRAM_MIN_ITERATIONS, describe: `PBKDF2 iterations (${SCRAM_MIN_ITERATIONS}-${SCRAM_MAX_ITERATIONS}, as Kafka)` })
    .option('json', { type: 'boolean', default: false, describe: 'list: one JSON document' }) as Argv<UsersArgs>;
}

function passwordOf(args: UsersArgs): string | null {
  const file = args['password-stdin'] ? 0 : args['password-file'];
  if (file !== undefined) return fs.readFileSync(file, 'utf8').split(/\r?\n/)[0];
  return args.password ?? process.env[PASSWORD_ENV] ?? null;
}

export function handler(args: UsersArgs, io: CommandIO): number {
  const store = FileCredentialStore.open(args['data-dir']);
  if (args.action === 'list') {
    const users = store.list();
    if (args.json) io.out(JSON.stringify(users));
    else if (users.length === 0) io.out('no users');
    else for (const u of users) io.out(`${u.user}\t${u.mechanisms.map((m) => `${m.mechanism} (iterations=${m.iterations})`).join(', ')}`);
    return 0;
  }
  const user = args.user;
  if (!user) {
    io.err(`sluice users ${args.action}: name the user`);
    return 2;
  }
  if (args.action === 'delete') {
    const had = store.list().find((u) => u.user === user)?.mechanisms.map((m) => m.mechanism) ?? [];
    const removing = args.mechanism ? args.mechanism.filter((m) => had.includes(m)) : had;
    if (removing.length === 0) {
      io.err(`sluice users delete: ${user} has no ${args.mechanism ? args.mechanism.join('/') + ' ' : ''}credential`);
      return 1;
    }
    store.apply(removing.map((mechanism) => ({ user, mechanism, credential: null })));
    io.out(`deleted ${removing.join(', ')} of ${user}`);
    return 0;
  }
  if (!Number.isInteger(args.iterations) || args.iterations < SCRAM_MIN_ITERATIONS || args.iterations > SCRAM_MAX_ITERATIONS) {
    io.err(`sluice users add: --iterations must be an integer from ${SCRAM_MIN_ITERATIONS} to ${SCRAM_MAX_ITERATIONS}`);
    return 2;
  }
  const password = passwordOf(args);
  if (!password) {
    io.err(`sluice users add: give the password with --password-file FILE, --password-stdin or ${PASSWORD_ENV}`);
    return 2;
  }
  const mechanisms = args.mechanism ?? ['SCRAM-SHA-512'];
  store.apply(
    mechanisms.map((mechanism) => ({
      user,
      mechanism,
      credential: mechanism === 'PLAIN' ? plainCredential(password, args.iterations) : scramCredential(scramMechanismNamed(mechanism)!, password, args.iterations),
    })),
  );
  io.out(`${user}: ${mechanisms.join(', ')} credential${mechanisms.length === 1 ? '' : 's'} stored (iterations=${args.iterations})`);
  return 0;
}
