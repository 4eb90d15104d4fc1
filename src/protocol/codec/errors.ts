import { KafkaError } from '../error-codes';
import type { MessageSchema } from './schema';

/** Where in a message a codec failure happened. */
export interface MessageLocation {
  readonly messageName: string;
  readonly version: number;
  /** e.g. `topicData[0].partitionData[1].records` */
  readonly fieldPath: string;
}

function located(location: MessageLocation | undefined, reason: string): string {
  if (!location) return reason;
  return `${location.messageName} v${location.version}: ${location.fieldPath} ${reason}`;
}

/** Bytes that cannot be a valid message: truncated, impossible lengths, nulls where none are allowed. */
export class ProtocolDecodeError extends KafkaError {
  constructor(
    /** What is wrong, including the byte offset, e.g. `needs 1200 bytes at byte 57, 30 remain`. */
    readonly reason: string,
    /** Offset into the Reader's buffer where the problem was found. */
    readonly offset: number,
    readonly location?: MessageLocation,
  ) {
    super('INVALID_REQUEST', located(location, reason));
    this.name = 'ProtocolDecodeError';
  }
}

/** A value that cannot be written in the requested version (null where not nullable, wrong type, out of range). */
export class ProtocolEncodeError extends KafkaError {
  constructor(
    readonly reason: string,
    readonly location?: MessageLocation,
  ) {
    super('UNKNOWN_SERVER_ERROR', located(location, reason));
    this.name = 'ProtocolEncodeError';
  }
}

/** A message version outside the range a schema was generated for. */
export class UnsupportedVersionError extends KafkaError {
  constructor(
    readonly messageName: string,
    readonly version: number,
    readonly minVersion: number,
    readonly maxVersion: number,
  ) {
    super('UNSUPPORTED_VERSION', `${messageName} v${version} is outside the supported versions ${minVersion}-${maxVersion}`);
    this.name = 'UnsupportedVersionError';
  }
}

/** Renders a path stack (`['topicData', 0, 'name']`) as `topicData[0].name`. */
export function formatFieldPath(path: readonly (string | number)[]): string {
  let text = '';
  for (const segment of path) {
    if (typeof segment === 'number') text += `[${segment}]`;
    else text += text === '' ? segment : `.${segment}`;
  }
  return text === '' ? '(message)' : text;
}

export function assertSupportedVersion(schema: MessageSchema<unknown>, version: number): void {
  const [minVersion, maxVersion] = schema.versions;
  if (!Number.isInteger(version) || version < minVersion || version > maxVersion) {
    throw new UnsupportedVersionError(schema.name, version, minVersion, maxVersion);
  }
}
