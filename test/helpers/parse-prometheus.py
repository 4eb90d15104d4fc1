# Reads a Prometheus text exposition on stdin with the Prometheus project's own Python parser (not prom-client,
# which wrote it) and prints its samples as JSON: [[name, labels, value], ...]. A malformed exposition fails here.
import json
import math
import sys
from prometheus_client.parser import text_string_to_metric_families

samples = []
types = {}
for family in text_string_to_metric_families(sys.stdin.read()):
    types[family.name] = family.type
    for sample in family.samples:
        # JSON has no NaN or infinity (a gauge with no sample yet reads NaN): null, and the exposition's own text.
        value = sample.value
        if math.isnan(value):
            value = None
        elif math.isinf(value):
            value = '+Inf' if value > 0 else '-Inf'
        samples.append([sample.name, sample.labels, value])
json.dump({"types": types, "samples": samples}, sys.stdout)
