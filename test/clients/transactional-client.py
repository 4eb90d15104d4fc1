"""A transactional librdkafka producer and read_committed / read_uncommitted consumers (confluent_kafka).

  transactional-client.py produce BOOTSTRAP TOPIC TXN_ID TRANSACTIONS PER_TXN
      transaction t sends "t<t>-<j>" for j < PER_TXN to partition j % partitions; every third
      (t % 3 == 2) is aborted, the others committed. Prints "committed t" / "aborted t", then "done".
  transactional-client.py hang BOOTSTRAP TOPIC TXN_ID COUNT TIMEOUT_MS
      begins a transaction with transaction.timeout.ms TIMEOUT_MS, sends "hang-<j>" for j < COUNT,
      flushes, prints "sent" and waits to be killed.
  transactional-client.py relay BOOTSTRAP TOPIC OUT_TOPIC GROUP
      consume-transform-produce: a group consumer of TOPIC (one partition) relays 10 records to OUT_TOPIC
      in a transaction with the consumer's offsets (send_offsets_to_transaction) and commits, then 10 more
      and aborts. Prints "committed <offset>": the group's committed offset read back afterwards.
  transactional-client.py consume BOOTSTRAP TOPIC PARTITIONS ISOLATION
      reads every partition from the start to its end with isolation.level ISOLATION and prints each value.
  transactional-client.py interleave BOOTSTRAP TOPIC ROUNDS PER_TXN
      page views (JSON) whose user_id names them: each round, transactional producers A and B both open a
      transaction and send "a<r>-<j>" / "b<r>-<j>" for j < PER_TXN to partition j % partitions, and between them an
      idempotent, non-transactional producer sends "p<r>-<k>" to every partition k. A aborts when r % 3 == 2, B when
      r % 2 == 1; the others commit. Prints "done".
  transactional-client.py open BOOTSTRAP TOPIC TXN_ID COUNT
      sends page views "open-<j>" for j < COUNT to partition j % partitions in a transaction, flushes, prints
      "sent", then commits once a line arrives on stdin and prints "committed".
"""
import json
import sys
import time

from confluent_kafka import Consumer, Producer, TopicPartition

mode, bootstrap, topic = sys.argv[1], sys.argv[2], sys.argv[3]
out = sys.stdout


def producer(txn_id, timeout_ms=60000):
    p = Producer({'bootstrap.servers': bootstrap, 'transactional.id': txn_id, 'transaction.timeout.ms': timeout_ms, 'linger.ms': 5})
    p.init_transactions(30)
    return p


if mode == 'produce':
    txn_id, transactions, per_txn = sys.argv[4], int(sys.argv[5]), int(sys.argv[6])
    p = producer(txn_id)
    partitions = len(p.list_topics(topic, timeout=10).topics[topic].partitions)
    for t in range(transactions):
        p.begin_transaction()
        for j in range(per_txn):
            p.produce(topic, value=f't{t}-{j}'.encode(), partition=j % partitions)
        if t % 3 == 2:
            p.flush(30)  # so the aborted records reach the log (abort would purge what is still queued)
            p.abort_transaction(30)
            out.write(f'aborted {t}\n')
        else:
            p.commit_transaction(30)
            out.write(f'committed {t}\n')
    out.write('done\n')
elif mode == 'hang':
    txn_id, count, timeout_ms = sys.argv[4], int(sys.argv[5]), int(sys.argv[6])
    p = producer(txn_id, timeout_ms)
    p.begin_transaction()
    for j in range(count):
        p.produce(topic, value=f'hang-{j}'.encode(), partition=0)
    p.flush(30)
    out.write('sent\n')
    out.flush()
    time.sleep(600)
elif mode == 'relay':
    out_topic, group = sys.argv[4], sys.argv[5]
    c = Consumer({'bootstrap.servers': bootstrap, 'group.id': group, 'enable.auto.commit': False,
                  'isolation.level': 'read_committed', 'auto.offset.reset': 'earliest'})
    c.subscribe([topic])
    p = producer('relay-app')
    for commit in (True, False):
        taken = []
        deadline = time.time() + 30
        while len(taken) < 10 and time.time() < deadline:
            m = c.poll(0.5)
            if m is not None and not m.error():
                taken.append(m)
        p.begin_transaction()
        for m in taken:
            p.produce(out_topic, value=m.value().upper(), partition=0)
        p.send_offsets_to_transaction(c.position(c.assignment()), c.consumer_group_metadata(), 30)
        if commit:
            p.commit_transaction(30)
        else:
            p.flush(30)
            p.abort_transaction(30)
    committed = c.committed([TopicPartition(topic, 0)], 10)
    out.write(f'committed {committed[0].offset}\n')
    c.close()
elif mode == 'interleave':
    rounds, per_txn = int(sys.argv[4]), int(sys.argv[5])
    start_ms = 1795219200000  # 2026-11-21T00:00:00Z
    sent = 0

    def page_view(label):
        global sent
        sent += 1
        return json.dumps({'ts': start_ms + sent * 1000, 'user_id': label, 'session_id': 's', 'page': '/', 'referrer': None,
                           'user_agent': 'librdkafka', 'duration_ms': sent, 'country': 'FR'}).encode()

    a, b = producer(f'{topic}-a'), producer(f'{topic}-b')
    plain = Producer({'bootstrap.servers': bootstrap, 'enable.idempotence': True, 'linger.ms': 5})
    partitions = len(a.list_topics(topic, timeout=10).topics[topic].partitions)
    for r in range(rounds):
        a.begin_transaction()
        b.begin_transaction()
        for name, p in (('a', a), ('p', plain), ('b', b)):
            count = partitions if name == 'p' else per_txn
            for j in range(count):
                p.produce(topic, value=page_view(f'{name}{r}-{j}'), partition=j % partitions)
            p.flush(30)  # so the batches interleave in the log, and aborted records reach it
        for p, abort in ((a, r % 3 == 2), (b, r % 2 == 1)):
            if abort:
                p.abort_transaction(30)
            else:
                p.commit_transaction(30)
    out.write('done\n')
elif mode == 'open':
    txn_id, count = sys.argv[4], int(sys.argv[5])
    p = producer(txn_id)
    partitions = len(p.list_topics(topic, timeout=10).topics[topic].partitions)
    p.begin_transaction()
    for j in range(count):
        value = json.dumps({'ts': 1795219200000 + j, 'user_id': f'open-{j}', 'session_id': 's', 'page': '/', 'referrer': None,
                            'user_agent': 'librdkafka', 'duration_ms': j, 'country': 'FR'})
        p.produce(topic, value=value.encode(), partition=j % partitions)
    p.flush(30)
    out.write('sent\n')
    out.flush()
    sys.stdin.readline()
    p.commit_transaction(30)
    out.write('committed\n')
elif mode == 'consume':
    partitions, isolation = int(sys.argv[4]), sys.argv[5]
    c = Consumer({'bootstrap.servers': bootstrap, 'group.id': 'unused-no-commits', 'enable.auto.commit': False,
                  'isolation.level': isolation, 'enable.partition.eof': True, 'auto.offset.reset': 'earliest'})
    c.assign([TopicPartition(topic, p, 0) for p in range(partitions)])
    at_end = set()
    deadline = time.time() + 30
    while len(at_end) < partitions and time.time() < deadline:
        m = c.poll(0.5)
        if m is None:
            continue
        if m.error():
            if m.error().code() == -191:  # _PARTITION_EOF
                at_end.add(m.partition())
                continue
            raise SystemExit(f'consume error: {m.error()}')
        at_end.discard(m.partition())
        out.write(f'{m.value().decode()}\n')
    out.write(f'end {len(at_end)}\n')
    c.close()
out.flush()
