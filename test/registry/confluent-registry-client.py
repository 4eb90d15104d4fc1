"""Debian's python3-confluent-kafka SchemaRegistryClient against sluice's registry.

argv: url [user:password]. Prints one JSON object of what the client saw.
"""
import json
import sys

from confluent_kafka.schema_registry import Schema, SchemaRegistryClient
from confluent_kafka.schema_registry.error import SchemaRegistryError

conf = {"url": sys.argv[1]}
if len(sys.argv) > 2:
    conf["basic.auth.user.info"] = sys.argv[2]
subject = "py-clicks-value"


def record(fields):
    return Schema(json.dumps({"type": "record", "name": "Click", "namespace": "py", "fields": fields}), "AVRO")


v1 = record([{"name": "url", "type": "string"}])
v2 = record([{"name": "url", "type": "string"}, {"name": "ms", "type": ["null", "long"], "default": None}])
bad = record([{"name": "url", "type": "string"}, {"name": "user", "type": "string"}])

client = SchemaRegistryClient(conf)
out = {"v1": client.register_schema(subject, v1)}
out["v1_again"] = SchemaRegistryClient(conf).register_schema(subject, v1)  # a fresh client: no cache
out["v2"] = client.register_schema(subject, v2)
try:
    client.register_schema(subject, bad)
    out["bad"] = "registered"
except SchemaRegistryError as error:
    out["bad"] = {"status": error.http_status_code, "code": error.error_code, "message": error.error_message}
out["compatible_bad"] = client.test_compatibility(subject, bad)
fresh = SchemaRegistryClient(conf)
out["by_id"] = {str(i): json.loads(fresh.get_schema(i).schema_str) for i in (out["v1"], out["v2"])}
latest = fresh.get_latest_version(subject)
out["latest"] = {"id": latest.schema_id, "version": latest.version, "subject": latest.subject}
out["versions"] = fresh.get_versions(subject)
out["compatibility"] = fresh.get_compatibility()
out["lookup_v1"] = fresh.lookup_schema(subject, v1).version
try:
    fresh.get_schema(9999)
except SchemaRegistryError as error:
    out["missing"] = error.error_code
print(json.dumps(out))
