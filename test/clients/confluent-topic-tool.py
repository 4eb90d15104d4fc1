"""confluent-kafka (librdkafka) for the compaction and compression tests.

  create <bootstrap> <topic> <key=value,...>  creates a one-partition topic with those configs
  read <bootstrap> <topic>                    prints "offset<TAB>key<TAB>value" of every record from offset 0
                                              (value -1 for a tombstone), by assign(), no group needed
"""
import sys
from confluent_kafka import Consumer, TopicPartition, KafkaException
from confluent_kafka.admin import AdminClient, NewTopic


def create(bootstrap, topic, configs):
    config = dict(item.split('=', 1) for item in configs.split(',') if item)
    admin = AdminClient({'bootstrap.servers': bootstrap})  # kept alive until the futures resolve
    futures = admin.create_topics([NewTopic(topic, 1, 1, config=config)])
    for future in futures.values():
        future.result(timeout=15)


def read(bootstrap, topic):
    consumer = Consumer({'bootstrap.servers': bootstrap, 'group.id': 'unused', 'enable.auto.commit': False,
                         'enable.partition.eof': True})
    consumer.assign([TopicPartition(topic, 0, 0)])
    while True:
        message = consumer.poll(10)
        if message is None:
            raise SystemExit('timed out before the end of the partition')
        if message.error():
            if message.error().code() == -191:  # _PARTITION_EOF
                break
            raise KafkaException(message.error())
        key = message.key().decode() if message.key() is not None else '-1'
        value = message.value().decode() if message.value() is not None else '-1'
        print(f'{message.offset()}\t{key}\t{value}')
    consumer.close()


if __name__ == '__main__':
    if sys.argv[1] == 'create':
        create(sys.argv[2], sys.argv[3], sys.argv[4])
    else:
        read(sys.argv[2], sys.argv[3])
