"""Writes an Avro object container file with Apache Avro's Python library (not avsc), for tests of sluice's own
Avro decoders. Reads a JSON spec on stdin: {"path", "schema", "codec", "blockRecords", "records"}; a block ends
every blockRecords records (so files have several). In records, {"$bytes": "hex"} is bytes, timestamp-millis and
timestamp-micros fields are epoch numbers and date fields days since 1970-01-01 (converted for the library).
JSON's NaN and Infinity are allowed. Usage: /usr/bin/python3 write-avro-edge-values.py < spec.json
"""
import binascii
import datetime
import json
import sys

import avro.datafile
import avro.io
import avro.schema

EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc)


def logical_of(field_type):
    branches = field_type if isinstance(field_type, list) else [field_type]
    for branch in branches:
        if isinstance(branch, dict) and branch.get("logicalType"):
            return branch["logicalType"]
    return None


def convert(value, logical):
    if isinstance(value, dict) and "$bytes" in value:
        return binascii.unhexlify(value["$bytes"])
    if value is None:
        return None
    if logical == "timestamp-millis":
        return EPOCH + datetime.timedelta(milliseconds=value)
    if logical == "timestamp-micros":
        return EPOCH + datetime.timedelta(microseconds=value)
    if logical == "date":
        return datetime.date(1970, 1, 1) + datetime.timedelta(days=value)
    if isinstance(value, list):
        return [convert(v, None) for v in value]
    if isinstance(value, dict):
        return {k: convert(v, None) for k, v in value.items()}
    return value


def main():
    spec = json.load(sys.stdin)
    schema = avro.schema.parse(json.dumps(spec["schema"]))
    logicals = {f["name"]: logical_of(f["type"]) for f in spec["schema"]["fields"]}
    with open(spec["path"], "wb") as out:
        writer = avro.datafile.DataFileWriter(out, avro.io.DatumWriter(), schema, codec=spec.get("codec", "deflate"))
        for index, record in enumerate(spec["records"]):
            writer.append({k: convert(v, logicals.get(k)) for k, v in record.items()})
            if (index + 1) % spec.get("blockRecords", 1000) == 0:
                writer.sync()
        writer.close()


main()
