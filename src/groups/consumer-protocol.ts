/** The protocol type of Kafka consumers (ConsumerProtocol.PROTOCOL_TYPE). */
export const CONSUMER_PROTOCOL_TYPE = 'consumer';

/**
 * The topics of a consumer's subscription (ConsumerProtocolSubscription: version int16, then the
 * topics as an array of strings; later fields are not needed), or undefined when it cannot be read.
 */
export function subscribedTopics(metadata: Buffer): string[] | undefined {
  try {
    let position = 2; // version
    const count = metadata.readInt32BE(position);
    position += 4;
    if (count < 0 || count > metadata.length) return undefined;
    const topics: string[] = [];
    for (let i = 0; i < count; i++) {
      const length = metadata.readInt16BE(position);
      position += 2;
      if (length < 0 || position + length > metadata.length) return undefined;
      topics.push(metadata.toString('utf8', position, position + length));
      position += length;
    }
    return topics;
  } catch {
    return undefined;
  }
}
