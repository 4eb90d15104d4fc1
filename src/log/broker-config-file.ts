import * as fs from 'node:fs';
import * as path from 'node:path';
import { writeFileAtomically } from './atomic-file';
import type { BrokerConfigStore, DynamicBrokerConfigs } from '../ports/broker-config-store';

export const BROKER_CONFIG_FILE = path.join('__broker_configs', 'dynamic.json');

/** Thrown when the stored file cannot be read back: the broker does not start on a guess. */
export class BrokerConfigFileError extends Error {
  constructor(readonly file: string, reason: string) {
    super(`${file}: ${reason}`);
    this.name = 'BrokerConfigFileError';
  }
}

function isStringMap(value: unknown): value is Record<string, string> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && Object.values(value).every((v) => typeof v === 'string');
}

/** Dynamic broker configs as one JSON file in the data directory, replaced atomically on each change. */
export class BrokerConfigFile implements BrokerConfigStore {
  private readonly file: string;

  constructor(dataDir: string) {
    this.file = path.join(dataDir, BROKER_CONFIG_FILE);
  }

  load(): DynamicBrokerConfigs {
    let text: string;
    try {
      text = fs.readFileSync(this.file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { broker: {}, clusterDefault: {} };
      throw error;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      throw new BrokerConfigFileError(this.file, `not JSON: ${(error as Error).message}`);
    }
    const { broker, clusterDefault } = (parsed ?? {}) as Record<string, unknown>;
    if (!isStringMap(broker) || !isStringMap(clusterDefault)) {
      throw new BrokerConfigFileError(this.file, 'expected {"broker": {name: value}, "clusterDefault": {name: value}}');
    }
    return { broker, clusterDefault };
  }

  save(configs: DynamicBrokerConfigs): void {
    fs.mkdirSync(path.dirname(this.file), { recursive: true });
    writeFileAtomically(this.file, `${JSON.stringify(configs, null, 2)}\n`);
  }
}
