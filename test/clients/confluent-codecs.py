"""confluent_kafka (librdkafka) against a sluice broker: for each codec given, a producer writes `count`
messages to partition 0 of topic <prefix>-<codec> with compression.type=<codec>; then one consumer reads them
all back by assignment. Prints one JSON line: {"read": {codec: [values read back]}}."""
import json
import sys

from confluent_kafka import Consumer, Producer, TopicPartition

bootstrap, prefix, count, codecs = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4].split(",")
for codec in codecs:
    producer = Producer({"bootstrap.servers": bootstrap, "compression.type": codec, "linger.ms": 20, "acks": "all"})
    for i in range(count):
        producer.produce("%s-%s" % (prefix, codec), value=("%s message %d %s" % (codec, i, "x" * (i % 50))).encode(), partition=0)
    assert producer.flush(30) == 0, "unsent messages"

consumer = Consumer({"bootstrap.servers": bootstrap, "group.id": "codec-check", "enable.auto.commit": False})
consumer.assign([TopicPartition("%s-%s" % (prefix, codec), 0, 0) for codec in codecs])
result = {codec: [] for codec in codecs}
while sum(len(values) for values in result.values()) < count * len(codecs):
    message = consumer.poll(10)
    if message is None:
        break
    if message.error():
        raise Exception(message.error())
    result[message.topic()[len(prefix) + 1:]].append(message.value().decode())
consumer.close()
print(json.dumps({"read": result}))
