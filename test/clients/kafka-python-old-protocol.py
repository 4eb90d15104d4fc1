"""kafka-python speaking an old Kafka's protocol to a sluice broker: api_version (0, 10) is Produce v2 and Fetch v2
with message format v1, (0, 9) Produce v1 and Fetch v1 with message format v0. A producer writes (plain, or
compressed wrappers), a consumer reads everything back from offset 0 by manual assignment. Prints one JSON line."""
import json
import sys

from kafka import KafkaConsumer, KafkaProducer, TopicPartition

bootstrap, topic, count, codec = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
api_version = tuple(int(part) for part in sys.argv[5].split("."))
compression = None if codec == "none" else codec

producer = KafkaProducer(bootstrap_servers=bootstrap, api_version=api_version, acks="all", compression_type=compression, linger_ms=20)
futures = [producer.send(topic, partition=0, key=("k%d" % (i % 7)).encode(), value=("value-%d" % i).encode(), timestamp_ms=1700000000000 + i)
           for i in range(count)]
producer.flush()
sent = [[f.get(timeout=30).offset, "k%d" % (i % 7), "value-%d" % i] for i, f in enumerate(futures)]
producer.close()

consumer = KafkaConsumer(bootstrap_servers=bootstrap, api_version=api_version, group_id=None, enable_auto_commit=False, consumer_timeout_ms=5000)
partition = TopicPartition(topic, 0)
consumer.assign([partition])
consumer.seek_to_beginning(partition)  # ListOffsets v0 (0.9, 0.10) asks for the earliest offset
received = []
timestamps = []
for message in consumer:
    received.append([message.offset, message.key.decode(), message.value.decode()])
    timestamps.append(message.timestamp)
    if len(received) == count:
        break
consumer.close()
print(json.dumps({"sent": sent, "received": received, "timestamps": timestamps}))
