# Reads a Prometheus text exposition on stdin with the Prometheus project's own Python parser (not prom-client,
# which wrote it) and prints its samples as JSON: [[name, labels, value], ...]. A malformed exposition fails here.
import json
import sys
from prometheus_client.parser import text_string_to_metric_families

samples = []
types = {}
for family in text_string_to_metric_families(sys.stdin.read()):
    types[family.name] = family.type
    for sample in family.samples:
        samples.append([sample.name, sample.labels, sample.value])
json.dump({"types": types, "samples": samples}, sys.stdout)
