import { InvalidTopicError } from './errors';

const MAX_TOPIC_NAME_LENGTH = 249;
const LEGAL_TOPIC_NAME = /^[a-zA-Z0-9._-]+$/;

/** Throws InvalidTopicError unless `name` is a topic name Kafka would accept. */
export function validateTopicName(name: string): void {
  if (name.length === 0) throw new InvalidTopicError(name, 'is empty');
  if (name === '.' || name === '..') throw new InvalidTopicError(name, 'cannot be "." or ".."');
  if (name.length > MAX_TOPIC_NAME_LENGTH) {
    throw new InvalidTopicError(name, `is ${name.length} characters long; the limit is ${MAX_TOPIC_NAME_LENGTH}`);
  }
  if (!LEGAL_TOPIC_NAME.test(name)) {
    throw new InvalidTopicError(name, 'may only contain ASCII letters, digits, ".", "_" and "-"');
  }
}
