"""kafka-python against a sluice broker: admin creates a topic, the producer writes,
a consumer reads everything back by manual assignment. Prints one JSON line."""
import json
import sys

from kafka import KafkaConsumer, KafkaProducer, TopicPartition
from kafka.admin import KafkaAdminClient, NewTopic

bootstrap, topic, partitions, count = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])

admin = KafkaAdminClient(bootstrap_servers=bootstrap, client_id="sluice-test-admin")
admin.create_topics([NewTopic(name=topic, num_partitions=partitions, replication_factor=1)])
listed = sorted(admin.list_topics())
admin.close()

producer = KafkaProducer(bootstrap_servers=bootstrap, acks="all")
sent = []
for i in range(count):
    key, value = ("key-%d" % (i % 13)).encode(), ("value-%d" % i).encode()
    metadata = producer.send(topic, key=key, value=value).get(timeout=30)
    sent.append([metadata.partition, metadata.offset, key.decode(), value.decode()])
producer.close()

consumer = KafkaConsumer(bootstrap_servers=bootstrap, group_id=None, enable_auto_commit=False, consumer_timeout_ms=5000)
assigned = [TopicPartition(topic, p) for p in range(partitions)]
consumer.assign(assigned)
consumer.seek_to_beginning(*assigned)
received = []
for message in consumer:
    received.append([message.partition, message.offset, message.key.decode(), message.value.decode()])
    if len(received) == count:
        break
consumer.close()
print(json.dumps({"listed": listed, "sent": sent, "received": received}))
