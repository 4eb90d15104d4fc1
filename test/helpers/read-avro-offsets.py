"""Reads Avro container files with Debian's python3-avro (independent of avsc) and prints,
per file, one JSON line: the file, its codec, and the (partition, offset, ts) of every record."""
import json
import sys

from avro.datafile import DataFileReader
from avro.io import DatumReader

def millis(value):
    # python3-avro turns timestamp-millis into an aware datetime
    return round(value.timestamp() * 1000) if hasattr(value, "timestamp") else value


for name in sys.argv[1:]:
    with open(name, "rb") as handle:
        reader = DataFileReader(handle, DatumReader())
        codec = reader.get_meta("avro.codec")
        rows = [[r["_kafka_partition"], r["_kafka_offset"], millis(r["ts"])] for r in reader]
        reader.close()
    print(json.dumps({"file": name, "codec": codec.decode() if codec else "null", "rows": rows}))
