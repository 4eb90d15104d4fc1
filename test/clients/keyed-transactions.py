"""Keyed transactions with librdkafka (confluent_kafka), for the compacted-topic test.

  keyed-transactions.py produce BOOTSTRAP TOPIC TXN_ID TRANSACTIONS KEYS
      transaction t writes key "k<j>" = "t<t>" for j < KEYS to partition 0; every third
      (t % 3 == 2) is aborted (after a flush, so its records reach the log), the others committed.
  keyed-transactions.py consume BOOTSTRAP TOPIC ISOLATION
      reads partition 0 from offset 0 to its end with isolation.level ISOLATION, printing "offset key value".
"""
import sys
import time

from confluent_kafka import Consumer, Producer, TopicPartition

mode, bootstrap, topic = sys.argv[1], sys.argv[2], sys.argv[3]

if mode == 'produce':
    txn_id, transactions, keys = sys.argv[4], int(sys.argv[5]), int(sys.argv[6])
    p = Producer({'bootstrap.servers': bootstrap, 'transactional.id': txn_id, 'linger.ms': 5})
    p.init_transactions(30)
    for t in range(transactions):
        p.begin_transaction()
        for j in range(keys):
            p.produce(topic, key=f'k{j}'.encode(), value=f't{t}'.encode(), partition=0)
        if t % 3 == 2:
            p.flush(30)
            p.abort_transaction(30)
        else:
            p.commit_transaction(30)
    print('done')
else:
    c = Consumer({'bootstrap.servers': bootstrap, 'group.id': 'unused-no-commits', 'enable.auto.commit': False,
                  'isolation.level': sys.argv[4], 'enable.partition.eof': True})
    c.assign([TopicPartition(topic, 0, 0)])
    deadline = time.time() + 30
    while time.time() < deadline:
        m = c.poll(0.5)
        if m is None:
            continue
        if m.error():
            if m.error().code() == -191:  # _PARTITION_EOF
                break
            raise SystemExit(f'consume error: {m.error()}')
        print(f'{m.offset()} {m.key().decode()} {m.value().decode()}')
    else:
        raise SystemExit('timed out before the end of the partition')
    c.close()
