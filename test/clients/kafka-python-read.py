"""kafka-python with its own version detection reads partition 0 of a topic from offset 0 by assignment.
Prints one JSON line: the values read, as text."""
import json
import sys

from kafka import KafkaConsumer, TopicPartition

bootstrap, topic, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
consumer = KafkaConsumer(bootstrap_servers=bootstrap, group_id=None, enable_auto_commit=False, consumer_timeout_ms=5000)
partition = TopicPartition(topic, 0)
consumer.assign([partition])
consumer.seek(partition, 0)
values = []
for message in consumer:
    values.append(message.value.decode())
    if len(values) == count:
        break
consumer.close()
print(json.dumps({"values": values}))
