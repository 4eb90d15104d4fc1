"""An idempotent librdkafka producer (confluent_kafka) for the idempotence kill test.

Usage: idempotent-producer.py BOOTSTRAP TOPIC PARTITIONS COUNT PAUSE_EVERY PAUSE_MS

Sends COUNT messages "m-<i>", message i to partition i % PARTITIONS, pausing PAUSE_MS
after every PAUSE_EVERY so that the broker can be killed mid-stream. Prints one line per
delivery report: "ack <partition> <offset> <i>" or "err <i> <error>", then "done <fatal error or ok>".
"""
import sys
import time

from confluent_kafka import KafkaException, Producer

bootstrap, topic, partitions, count, pause_every, pause_ms = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6])
out = sys.stdout

producer = Producer({
    'bootstrap.servers': bootstrap,
    'enable.idempotence': True,
    'acks': 'all',
    'linger.ms': 5,
    'message.timeout.ms': 120000,
    'reconnect.backoff.ms': 50,
    'reconnect.backoff.max.ms': 300,
    'socket.timeout.ms': 2000,
})


def report(error, message):
    i = int(message.value().decode()[2:])
    if error is None:
        out.write(f'ack {message.partition()} {message.offset()} {i}\n')
    else:
        out.write(f'err {i} {error}\n')


fatal = 'ok'
try:
    for i in range(count):
        while True:
            try:
                producer.produce(topic, value=f'm-{i}'.encode(), partition=i % partitions, on_delivery=report)
                break
            except BufferError:
                producer.poll(0.05)
        if (i + 1) % pause_every == 0:
            producer.poll(0)
            out.flush()
            time.sleep(pause_ms / 1000)
    left = producer.flush(150)
    if left:
        fatal = f'{left} messages undelivered at exit'
except KafkaException as e:
    fatal = str(e)
out.write(f'done {fatal}\n')
out.flush()
