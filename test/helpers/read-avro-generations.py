"""Reads sluice's Avro files with Debian's python3-avro (independent of avsc). argv[1] is a reader schema (.avsc),
the rest are files. Per file, one JSON line: the writer schema's field names, and every record read twice: as
written, and resolved by python3-avro to the reader schema."""
import json
import sys

import avro.schema
from avro.datafile import DataFileReader
from avro.io import DatumReader


def plain(record):
    return {k: (round(v.timestamp() * 1000) if hasattr(v, "timestamp") else v) for k, v in record.items()}


reader_schema = avro.schema.parse(open(sys.argv[1]).read())
for name in sys.argv[2:]:
    with open(name, "rb") as handle:
        as_written = DataFileReader(handle, DatumReader())
        writer = json.loads(as_written.get_meta("avro.schema").decode())
        written = [plain(r) for r in as_written]
    with open(name, "rb") as handle:
        resolved = [plain(r) for r in DataFileReader(handle, DatumReader(readers_schema=reader_schema))]
    print(json.dumps({"file": name, "fields": [f["name"] for f in writer["fields"]], "written": written, "resolved": resolved}))
