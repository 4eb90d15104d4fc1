"""A confluent_kafka (librdkafka) group member for the group tests.

Usage: group-consumer.py BOOTSTRAP GROUP TOPIC CONFIG_JSON
Prints one JSON line per event on stdout:
  {"assignment": [partitions...], "generation": n}   after every assign / revoke / lost
  {"record": [partition, offset, value]}                 per consumed record
  {"committed": [[partition, offset]...]}                after a synchronous commit (every record when "commit-each")
  {"paused": n}                                          after "stop-after" records: it stops reading (and committing)
Runs until killed, or until stdin closes (then it closes the consumer, leaving the group unless static).
"""
import json
import sys
import threading

from confluent_kafka import Consumer, KafkaException

bootstrap, group, topic, extra = sys.argv[1], sys.argv[2], sys.argv[3], json.loads(sys.argv[4])
commit_each = extra.pop("commit-each", False)
stop_after = extra.pop("stop-after", None)
config = {
    "bootstrap.servers": bootstrap,
    "group.id": group,
    "auto.offset.reset": "earliest",
    "enable.auto.commit": False,
    "topic.metadata.refresh.interval.ms": 1000,
}
config.update(extra)
consumer = Consumer(config)
stopping = threading.Event()


def emit(event):
    sys.stdout.write(json.dumps(event) + "\n")
    sys.stdout.flush()


def show(_consumer, _partitions):
    emit({"assignment": sorted(p.partition for p in consumer.assignment())})


def on_assign(c, partitions):
    if config.get("partition.assignment.strategy") == "cooperative-sticky":
        c.incremental_assign(partitions)
    else:
        c.assign(partitions)
    show(c, partitions)


def on_revoke(c, partitions):
    if config.get("partition.assignment.strategy") == "cooperative-sticky":
        c.incremental_unassign(partitions)
    else:
        c.unassign()
    show(c, partitions)


def watch_stdin():
    sys.stdin.read()
    stopping.set()


threading.Thread(target=watch_stdin, daemon=True).start()
consumer.subscribe([topic], on_assign=on_assign, on_revoke=on_revoke, on_lost=on_revoke)
read = 0
while not stopping.is_set():
    if stop_after is not None and read >= stop_after:
        stopping.wait(0.1)
        continue
    message = consumer.poll(0.1)
    if message is None:
        continue
    if message.error():
        emit({"error": str(message.error())})
        continue
    emit({"record": [message.partition(), message.offset(), message.value().decode()]})
    read += 1
    if commit_each:
        try:
            done = consumer.commit(message=message, asynchronous=False)
            emit({"committed": [[p.partition, p.offset] for p in done]})
        except KafkaException as error:
            emit({"error": str(error)})
    if stop_after is not None and read >= stop_after:
        emit({"paused": read})
consumer.close()
emit({"closed": True})
