import type { SchemaLog } from '../ports/schema-log';
import type { CompatibilityLevel } from './compatibility';
import { registryErrors, RegistryError } from './registry-errors';
import { SchemaLogKey, SchemaState, StoredVersion, schemaKey, schemaValue } from './schema-state';

function json(value: unknown): Buffer {
  return Buffer.from(JSON.stringify(value));
}

/**
 * The registry's state and the log it comes from. On open the log is replayed from its start; before each write the
 * state catches up to the log end (another registry may have written), writes are one at a time, and each is applied
 * by reading it back from the log, so the state is always what the log says.
 */
export class RegistryStore {
  private nextOffset = 0;
  private writing: Promise<unknown> = Promise.resolve();

  private constructor(private readonly log: SchemaLog, readonly state: SchemaState) {}

  static async open(log: SchemaLog): Promise<RegistryStore> {
    const store = new RegistryStore(log, new SchemaState());
    await store.catchUp(await log.endOffset());
    return store;
  }

  get description(): string {
    return this.log.description;
  }

  /** Reads and applies records until `endOffset`. */
  private async catchUp(endOffset: number): Promise<void> {
    while (this.nextOffset < endOffset) {
      const { records, nextOffset } = await this.log.read(this.nextOffset);
      for (const record of records) this.state.apply(record.key, record.value);
      if (nextOffset <= this.nextOffset) throw registryErrors.store(`reading ${this.log.description}: no progress at offset ${this.nextOffset} (end ${endOffset})`);
      this.nextOffset = nextOffset;
    }
  }

  /** Runs `body` alone among writes, on a state caught up with the log; log failures answer 50001. */
  write<T>(body: () => Promise<T>): Promise<T> {
    const run = this.writing.then(async () => {
      try {
        await this.catchUp(await this.log.endOffset());
        return await body();
      } catch (error) {
        if (error instanceof RegistryError) throw error;
        throw registryErrors.store(`Error while writing to the Kafka store ${this.log.description}: ${(error as Error).message}`);
      }
    });
    this.writing = run.catch(() => undefined);
    return run;
  }

  private async append(key: SchemaLogKey, value: unknown): Promise<void> {
    const offset = await this.log.append(json(key), value === null ? null : json(value));
    await this.catchUp(offset + 1);
  }

  putVersion(version: StoredVersion): Promise<void> {
    return this.append(schemaKey(version.subject, version.version), schemaValue(version));
  }

  putDeleteSubject(subject: string, upToVersion: number): Promise<void> {
    return this.append({ keytype: 'DELETE_SUBJECT', subject, magic: 0 }, { subject, version: upToVersion });
  }

  /** A subject's (null: the global) compatibility; level null clears it. */
  putConfig(subject: string | null, level: CompatibilityLevel | null): Promise<void> {
    return this.append({ keytype: 'CONFIG', subject, magic: 0 }, level === null ? null : { compatibilityLevel: level });
  }

  tombstone(key: SchemaLogKey): Promise<void> {
    return this.append(key, null);
  }

  close(): Promise<void> {
    return this.log.close();
  }
}
