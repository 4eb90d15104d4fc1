"""Avro's own schema compatibility checker (Debian's python3-avro), independent of sluice's. Reads a JSON list of
[reader, writer] schema pairs on stdin; prints, per pair, the incompatibility types and locations it finds."""
import json
import sys

import avro.schema
from avro.compatibility import ReaderWriterCompatibilityChecker

out = []
for reader, writer in json.load(sys.stdin):
    result = ReaderWriterCompatibilityChecker().get_compatibility(avro.schema.parse(json.dumps(reader)), avro.schema.parse(json.dumps(writer)))
    out.append({"types": sorted(i.name.upper() for i in result.incompatibilities), "locations": sorted(result.locations)})
print(json.dumps(out))
