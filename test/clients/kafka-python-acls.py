"""kafka-python's KafkaAdminClient managing ACLs against a broker: create, describe by filter, delete.

Prints one JSON report. Usage: kafka-python-acls.py BOOTSTRAP
(Debian's python3-confluent-kafka 1.7 has no ACL admin API; kafka-python's is the Python client that does.)
"""
import json
import sys

from kafka.admin import (ACL, ACLFilter, ACLOperation, ACLPermissionType, ACLResourcePatternType, KafkaAdminClient,
                         ResourcePattern, ResourcePatternFilter, ResourceType)


def text(acl):
    pattern = acl.resource_pattern
    return [pattern.resource_type.name, pattern.resource_name, pattern.pattern_type.name, acl.principal, acl.host,
            acl.operation.name, acl.permission_type.name]


admin = KafkaAdminClient(bootstrap_servers=sys.argv[1], client_id='kafka-python-acls')
wanted = [
    ACL('User:alice', '*', ACLOperation.READ, ACLPermissionType.ALLOW, ResourcePattern(ResourceType.TOPIC, 'py-orders', ACLResourcePatternType.LITERAL)),
    ACL('User:alice', '10.1.2.3', ACLOperation.WRITE, ACLPermissionType.DENY, ResourcePattern(ResourceType.TOPIC, 'py-', ACLResourcePatternType.PREFIXED)),
    ACL('User:bob', '*', ACLOperation.READ, ACLPermissionType.ALLOW, ResourcePattern(ResourceType.GROUP, 'py-group', ACLResourcePatternType.LITERAL)),
]
created = admin.create_acls(wanted)
report = {'created': len(created['succeeded']), 'create_failed': [str(error) for _, error in created['failed']]}

topics = ACLFilter(None, None, ACLOperation.ANY, ACLPermissionType.ANY, ResourcePatternFilter(ResourceType.TOPIC, None, ACLResourcePatternType.ANY))
acls, error = admin.describe_acls(topics)
report['described_topics'] = sorted(text(a) for a in acls)
matching = ACLFilter(None, None, ACLOperation.ANY, ACLPermissionType.ANY, ResourcePatternFilter(ResourceType.TOPIC, 'py-orders', ACLResourcePatternType.MATCH))
acls, error = admin.describe_acls(matching)
report['applying_to_py_orders'] = sorted(text(a) for a in acls)

alice = ACLFilter('User:alice', None, ACLOperation.ANY, ACLPermissionType.ANY, ResourcePatternFilter(ResourceType.ANY, None, ACLResourcePatternType.ANY))
deleted = admin.delete_acls([alice])
report['deleted'] = sorted(text(acl) for _, matches, _ in deleted for acl, _ in matches)
everything = ACLFilter(None, None, ACLOperation.ANY, ACLPermissionType.ANY, ResourcePatternFilter(ResourceType.ANY, None, ACLResourcePatternType.ANY))
acls, error = admin.describe_acls(everything)
report['left'] = sorted(text(a) for a in acls)
admin.close()
print(json.dumps(report))
