"""Registers an Avro schema with confluent_kafka's SchemaRegistryClient and produces Confluent-framed records with
its Producer. Debian has no fastavro (confluent_kafka's AvroSerializer needs it), so the bodies are written with
python3-avro: magic byte 0, the schema id as a big-endian 4-byte integer, then the Avro binary datum.

Usage: /usr/bin/python3 confluent-framed-produce.py BOOTSTRAP REGISTRY_URL TOPIC SCHEMA_FILE RECORDS_JSON_FILE
RECORDS_JSON_FILE holds a list of {"key": str, "value": {...}, "timestamp": ms}. Prints {"id": N, "produced": M}.
"""
import datetime
import io
import json
import struct
import sys

import avro.io
import avro.schema
from confluent_kafka import Producer
from confluent_kafka.schema_registry import Schema, SchemaRegistryClient


EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc)


def with_times(schema, value):
    """python3-avro writes timestamp-millis from datetimes: epoch milliseconds given in JSON become one."""
    out = dict(value)
    for field in schema.fields:
        if getattr(field.type, "logical_type", None) == "timestamp-millis" and isinstance(out.get(field.name), int):
            out[field.name] = EPOCH + datetime.timedelta(milliseconds=out[field.name])
    return out


def main(bootstrap, registry_url, topic, schema_file, records_file):
    with open(schema_file) as handle:
        schema_text = handle.read()
    registry = SchemaRegistryClient({"url": registry_url})
    schema_id = registry.register_schema(f"{topic}-value", Schema(schema_text, "AVRO"))
    schema = avro.schema.parse(schema_text)
    writer = avro.io.DatumWriter(schema)
    with open(records_file) as handle:
        records = json.load(handle)
    producer = Producer({"bootstrap.servers": bootstrap, "linger.ms": 5})
    failures = []
    for record in records:
        body = io.BytesIO()
        body.write(struct.pack(">bI", 0, schema_id))
        writer.write(with_times(schema, record["value"]), avro.io.BinaryEncoder(body))
        producer.produce(topic, key=record["key"].encode(), value=body.getvalue(), timestamp=record["timestamp"],
                         on_delivery=lambda err, msg: failures.append(str(err)) if err else None)
    producer.flush(30)
    if failures:
        raise SystemExit(f"delivery failed: {failures[:3]}")
    print(json.dumps({"id": schema_id, "produced": len(records)}))


if __name__ == "__main__":
    main(*sys.argv[1:6])
