"""kafka-python (its own version detection) against a sluice broker: for each codec given, a producer writes
`count` messages to partition 0 of <prefix>-<codec> with compression_type=<codec> (Debian's python3-snappy,
python3-lz4 and python3-zstandard provide them), then one consumer reads them all back by assignment.
Prints one JSON line: {"read": {codec: [values]}}."""
import json
import sys

from kafka import KafkaConsumer, KafkaProducer, TopicPartition

bootstrap, prefix, count, codecs = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4].split(",")
for codec in codecs:
    producer = KafkaProducer(bootstrap_servers=bootstrap, compression_type=codec, linger_ms=20, acks="all")
    futures = [producer.send("%s-%s" % (prefix, codec), partition=0, value=("%s message %d %s" % (codec, i, "z" * (i % 40))).encode())
               for i in range(count)]
    producer.flush()
    for future in futures:
        future.get(timeout=30)
    producer.close()

consumer = KafkaConsumer(bootstrap_servers=bootstrap, group_id=None, enable_auto_commit=False, consumer_timeout_ms=5000)
partitions = [TopicPartition("%s-%s" % (prefix, codec), 0) for codec in codecs]
consumer.assign(partitions)
for partition in partitions:
    consumer.seek(partition, 0)
result = {codec: [] for codec in codecs}
for message in consumer:
    result[message.topic[len(prefix) + 1:]].append(message.value.decode())
    if sum(len(values) for values in result.values()) == count * len(codecs):
        break
consumer.close()
print(json.dumps({"read": result}))
