"""confluent_kafka (librdkafka) against a sluice broker: for each codec given, a producer writes `count`
messages to partition 0 of topic <prefix>-<codec> with compression.type=<codec>, and a consumer reads them
back by assignment. Prints one JSON line: {codec: [values read back]}, plus the librdkafka log lines that say
a codec was not used."""
import json
import sys

from confluent_kafka import Consumer, Producer, TopicPartition

bootstrap, prefix, count, codecs = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4].split(",")
warnings = []


def logged(record):
    warnings.append(record.getMessage())


class Collect:
    def log(self, level, fmt, *args):
        warnings.append(fmt % args if args else fmt)


result = {}
for codec in codecs:
    topic = "%s-%s" % (prefix, codec)
    producer = Producer({"bootstrap.servers": bootstrap, "compression.type": codec, "linger.ms": 50, "acks": "all"}, logger=Collect())
    for i in range(count):
        producer.produce(topic, value=("%s message %d %s" % (codec, i, "x" * (i % 50))).encode(), partition=0)
    assert producer.flush(30) == 0, "unsent messages"
    consumer = Consumer({"bootstrap.servers": bootstrap, "group.id": "codec-check", "enable.auto.commit": False}, logger=Collect())
    consumer.assign([TopicPartition(topic, 0, 0)])
    values = []
    while len(values) < count:
        message = consumer.poll(10)
        if message is None:
            break
        if message.error():
            raise Exception(message.error())
        values.append(message.value().decode())
    consumer.close()
    result[codec] = values
print(json.dumps({"read": result, "warnings": [w for w in warnings if "compression" in w.lower()]}))
