import { KafkaError } from '../protocol/error-codes';
import { MAX_FILE_NAME_BYTES } from './atomic-file';
import { partitionDirName } from './file-names';

export interface PartitionRoom {
  topic: string;
  /** Partitions being added (all of them for a new topic). */
  adding: number;
  /** The topic's partition count afterwards. */
  total: number;
  perTopic: number;
  /** Partitions of all topics together now, and the cap on them (max.partitions), if any. */
  stored: number;
  cap: number | undefined;
}

/** Whether a topic may get `adding` more partitions: INVALID_PARTITIONS or POLICY_VIOLATION (max.partitions) when not. */
export function checkPartitionRoom({ topic, adding, total, perTopic, stored, cap }: PartitionRoom): void {
  if (!Number.isInteger(adding) || adding < 1 || total > perTopic) {
    throw new KafkaError('INVALID_PARTITIONS', `${total} partitions requested for ${topic}; allowed: 1 to ${perTopic}`);
  }
  if (cap !== undefined && stored + adding > cap) {
    throw new KafkaError(
      'POLICY_VIOLATION',
      `creating ${topic} with ${adding} partitions would bring this broker to ${stored + adding} partitions; max.partitions is ${cap}`,
    );
  }
  if (Buffer.byteLength(partitionDirName(topic, total - 1)) > MAX_FILE_NAME_BYTES) {
    throw new KafkaError('INVALID_PARTITIONS', `${topic}-${total - 1} would be longer than ${MAX_FILE_NAME_BYTES} bytes, too long for a directory name`);
  }
}
