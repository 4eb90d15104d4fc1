"""confluent_kafka (librdkafka) AdminClient against a sluice broker: topic configs, describe/alter configs,
create partitions, and a LogAppendTime topic read back with its timestamp type. Prints one JSON object."""
import json
import sys
import time

from confluent_kafka import Consumer, Producer, TopicPartition, TIMESTAMP_LOG_APPEND_TIME, TIMESTAMP_CREATE_TIME
from confluent_kafka.admin import AdminClient, ConfigResource, NewPartitions, NewTopic

bootstrap = sys.argv[1]
admin = AdminClient({'bootstrap.servers': bootstrap})
out = {}


def wait(futures):
    results = {}
    for key, future in futures.items():
        try:
            results[str(key)] = ['ok', future.result(timeout=10)]
        except Exception as error:  # a KafkaException carrying the broker's error
            kafka_error = error.args[0] if error.args else error
            name = kafka_error.name() if hasattr(kafka_error, 'name') else type(error).__name__
            text = kafka_error.str() if hasattr(kafka_error, 'str') else str(error)
            results[str(key)] = ['error', name, text]
    return results


created = wait(admin.create_topics([
    NewTopic('cf-compact', 1, 1, config={'cleanup.policy': 'compact,delete', 'compression.type': 'zstd', 'message.timestamp.type': 'CreateTime', 'min.insync.replicas': '1'}),
    NewTopic('cf-stamped', 1, 1, config={'message.timestamp.type': 'LogAppendTime'}),
    NewTopic('cf-grow', 2, 1),
    NewTopic('cf-isr', 1, 1, config={'min.insync.replicas': '2'}),
    NewTopic('cf-bad-ratio', 1, 1, config={'min.cleanable.dirty.ratio': '2'}),
    NewTopic('cf-bad-name', 1, 1, config={'retention.msec': '5'}),
]))
out['created'] = {k: v[0] if v[0] == 'ok' else v[1:] for k, v in created.items()}

described = wait(admin.describe_configs([ConfigResource('topic', 'cf-compact'), ConfigResource('broker', '0')]))
topic_configs = described['ConfigResource(Type.TOPIC,cf-compact)'][1]
out['topic'] = {name: [entry.value, entry.source, entry.is_default, [[s.name, s.value, s.source] for s in entry.synonyms.values()]]
                for name, entry in topic_configs.items()}
broker_configs = described['ConfigResource(Type.BROKER,0)'][1]
out['broker'] = {name: [entry.value, entry.source] for name, entry in broker_configs.items() if name in ('log.retention.ms', 'log.cleanup.policy', 'broker.id', 'message.max.bytes')}

altered = wait(admin.alter_configs([ConfigResource('topic', 'cf-compact', set_config={'retention.ms': '123456', 'cleanup.policy': 'compact'})]))
out['altered'] = {k: v[0] for k, v in altered.items()}
after = wait(admin.describe_configs([ConfigResource('topic', 'cf-compact')]))['ConfigResource(Type.TOPIC,cf-compact)'][1]
out['after_alter'] = {name: [after[name].value, after[name].source] for name in ('retention.ms', 'cleanup.policy', 'compression.type')}
bad_alter = wait(admin.alter_configs([ConfigResource('topic', 'cf-compact', set_config={'segment.bytes': '10'})]))
out['bad_alter'] = [v[1:] for v in bad_alter.values()]

grown = wait(admin.create_partitions([NewPartitions('cf-grow', 5)]))
out['grown'] = {k: v[0] for k, v in grown.items()}
shrunk = wait(admin.create_partitions([NewPartitions('cf-grow', 3)]))
out['shrunk'] = [v[1:] for v in shrunk.values()]
out['partitions'] = len(admin.list_topics(timeout=10).topics['cf-grow'].partitions)

before = int(time.time() * 1000)
producer = Producer({'bootstrap.servers': bootstrap, 'linger.ms': 5})
for i in range(5):
    producer.produce('cf-stamped', value=b'stamped-%d' % i, timestamp=1_000_000 + i)
    producer.produce('cf-compact', key=b'k', value=b'created-%d' % i, timestamp=1_000_000 + i)
producer.flush(10)
after_produce = int(time.time() * 1000)
consumer = Consumer({'bootstrap.servers': bootstrap, 'group.id': 'unused', 'enable.auto.commit': False})
stamps = {}
for topic in ('cf-stamped', 'cf-compact'):
    consumer.assign([TopicPartition(topic, 0, 0)])
    seen = []
    deadline = time.time() + 10
    while len(seen) < 5 and time.time() < deadline:
        message = consumer.poll(0.5)
        if message is None or message.error():
            continue
        kind, stamp = message.timestamp()
        seen.append([{TIMESTAMP_LOG_APPEND_TIME: 'LogAppendTime', TIMESTAMP_CREATE_TIME: 'CreateTime'}.get(kind, kind), stamp])
    stamps[topic] = seen
consumer.close()
out['stamps'] = stamps
out['window'] = [before, after_produce]
print(json.dumps(out))
