#!/usr/bin/python3
"""End-to-end latency probe for `npm run bench:latency` (bench/latency-bench.ts), on librdkafka
through Debian's python3-confluent-kafka.

  latency-probe.py consume '<json settings>'   prints "ready" once assigned, then one JSON line of percentiles
  latency-probe.py produce '<json settings>'   sends rate x (warmup + seconds) messages at a steady rate

Each message is 100 bytes: the CLOCK_MONOTONIC nanoseconds of its produce() call (shared by both processes),
its sequence number, the wall-clock nanoseconds of the same call, then padding. On a LogAppendTime topic the
consumer also splits each latency at the broker's append time (millisecond resolution): producer → broker append,
and broker append → consumer; that tells which side a tail comes from. The consumer takes the clock once per consume() call (every message of one
call reached the application at that moment) and drops the first rate x warmup messages.
"""
import json
import struct
import sys
import time

from confluent_kafka import OFFSET_END, TIMESTAMP_LOG_APPEND_TIME, Consumer, KafkaException, Producer, TopicPartition

STAMP = struct.Struct('>qqq')


def client_settings(settings):
    # Nagle off on the client too (librdkafka leaves it on by default); no lingering: latency, not batching.
    return {'bootstrap.servers': settings['bootstrap'], 'socket.nagle.disable': True, 'client.id': 'latency-probe'}


def produce(settings):
    rate = settings['rate']
    total = int(rate * (settings['warmup'] + settings['seconds']))
    producer = Producer({**client_settings(settings), 'acks': 1, 'linger.ms': 0, 'enable.idempotence': False})
    padding = b'x' * (settings['bytes'] - STAMP.size)
    topic = settings['topic']
    started = time.monotonic()
    sent = 0
    while sent < total:
        due = min(total, int((time.monotonic() - started) * rate) + 1)
        while sent < due:
            try:
                producer.produce(topic, STAMP.pack(time.monotonic_ns(), sent, time.time_ns()) + padding, partition=0)
            except BufferError:
                producer.poll(0.001)
                continue
            sent += 1
        producer.poll(0)
        wait = started + sent / rate - time.monotonic()
        if wait > 0:
            time.sleep(wait)
    left = producer.flush(30)
    if left:
        sys.exit(f'{left} messages not delivered')
    # This process's CPU (Python and librdkafka's threads) over its run: tells whether the probe is the limit.
    print(json.dumps({'cpu': time.process_time() / (time.monotonic() - started)}), flush=True)


def percentile(ordered, fraction):
    return ordered[min(len(ordered) - 1, int(len(ordered) * fraction))] if ordered else None


def consume(settings):
    rate = settings['rate']
    skip = int(rate * settings['warmup'])
    total = int(rate * (settings['warmup'] + settings['seconds']))
    consumer = Consumer({**client_settings(settings), 'group.id': 'latency-probe', 'enable.auto.commit': False,
                         'fetch.wait.max.ms': settings.get('fetchWaitMs', 100), 'fetch.min.bytes': 1, 'enable.partition.eof': False})
    consumer.assign([TopicPartition(settings['topic'], 0, OFFSET_END)])
    # The first fetch positions at the log end; only then may the producer start.
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        consumer.consume(num_messages=1, timeout=0.1)
        position = consumer.position([TopicPartition(settings['topic'], 0)])[0].offset
        if position >= 0:
            break
    print('ready', flush=True)
    cpu_started, wall_started = time.process_time(), time.monotonic()
    latencies = []
    to_append = []
    from_append = []
    seen = 0
    last_message = time.monotonic()
    while seen < total and time.monotonic() - last_message < settings.get('idleSeconds', 15):
        # consume() with a count waits for the count or the timeout: block for one message, then take what is queued.
        first = consumer.poll(0.1)
        messages = [] if first is None else [first] + consumer.consume(num_messages=10000, timeout=0)
        now = time.monotonic_ns()
        wall_now = time.time_ns()
        for message in messages:
            if message.error():
                raise KafkaException(message.error())
            stamp, sequence, wall_stamp = STAMP.unpack_from(message.value())
            seen += 1
            if sequence >= skip:
                latencies.append(now - stamp)
                kind, appended_ms = message.timestamp()
                if kind == TIMESTAMP_LOG_APPEND_TIME:
                    to_append.append(appended_ms * 1_000_000 - wall_stamp)
                    from_append.append(wall_now - appended_ms * 1_000_000)
        if messages:
            last_message = time.monotonic()
    cpu = (time.process_time() - cpu_started) / (time.monotonic() - wall_started)
    consumer.close()
    latencies.sort()
    to_append.sort()
    from_append.sort()
    ms = lambda ns: None if ns is None else ns / 1e6
    split = lambda values: {'p50': ms(percentile(values, 0.5)), 'p99': ms(percentile(values, 0.99)), 'p999': ms(percentile(values, 0.999))}
    print(json.dumps({
        'expected': total - skip, 'received': len(latencies),
        'p50': ms(percentile(latencies, 0.5)), 'p99': ms(percentile(latencies, 0.99)),
        'p999': ms(percentile(latencies, 0.999)), 'max': ms(latencies[-1] if latencies else None), 'cpu': cpu,
        **({'toAppend': split(to_append), 'fromAppend': split(from_append)} if to_append else {}),
    }), flush=True)


if __name__ == '__main__':
    role, raw = sys.argv[1], json.loads(sys.argv[2])
    {'produce': produce, 'consume': consume}[role](raw)
