"""kafka-python producing with every codec given: argv is bootstrap, topic, first partition, codecs (comma-separated;
"none" sends uncompressed). Lines on stdin are values; the i-th codec's producer sends every line, with "@CODEC@"
replaced by the codec's name, to partition first + i with compression_type=<codec> (Debian's python3-snappy, python3-lz4 and python3-zstandard provide them)."""
import sys

from kafka import KafkaProducer

bootstrap, topic, first, codecs = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4].split(",")
values = [line.rstrip("\n").encode() for line in sys.stdin if line.strip()]
for i, codec in enumerate(codecs):
    producer = KafkaProducer(bootstrap_servers=bootstrap, compression_type=None if codec == "none" else codec, linger_ms=20, acks="all")
    futures = [producer.send(topic, partition=first + i, value=value.replace(b"@CODEC@", codec.encode())) for value in values]
    producer.flush()
    for future in futures:
        future.get(timeout=30)
    producer.close()
