"""DeleteRecords through librdkafka (the library under confluent_kafka; its Python binding 1.7 has no
delete_records, so this calls rd_kafka_DeleteRecords of the same librdkafka 2.0.2 through ctypes).
Usage: librdkafka-delete-records.py BOOTSTRAP TOPIC PARTITION OFFSET; prints one JSON object."""
import ctypes
import json
import sys

bootstrap, topic, partition, offset = sys.argv[1], sys.argv[2].encode(), int(sys.argv[3]), int(sys.argv[4])
lib = ctypes.CDLL('librdkafka.so.1')


class TopicPartition(ctypes.Structure):  # rd_kafka_topic_partition_t
    _fields_ = [('topic', ctypes.c_char_p), ('partition', ctypes.c_int32), ('offset', ctypes.c_int64),
                ('metadata', ctypes.c_void_p), ('metadata_size', ctypes.c_size_t), ('opaque', ctypes.c_void_p),
                ('err', ctypes.c_int), ('_private', ctypes.c_void_p)]


class TopicPartitionList(ctypes.Structure):  # rd_kafka_topic_partition_list_t
    _fields_ = [('cnt', ctypes.c_int), ('size', ctypes.c_int), ('elems', ctypes.POINTER(TopicPartition))]


P = ctypes.c_void_p
lib.rd_kafka_conf_new.restype = P
lib.rd_kafka_conf_set.argtypes = [P, ctypes.c_char_p, ctypes.c_char_p, ctypes.c_char_p, ctypes.c_size_t]
lib.rd_kafka_new.restype = P
lib.rd_kafka_new.argtypes = [ctypes.c_int, P, ctypes.c_char_p, ctypes.c_size_t]
lib.rd_kafka_topic_partition_list_new.restype = ctypes.POINTER(TopicPartitionList)
lib.rd_kafka_topic_partition_list_add.restype = ctypes.POINTER(TopicPartition)
lib.rd_kafka_topic_partition_list_add.argtypes = [ctypes.POINTER(TopicPartitionList), ctypes.c_char_p, ctypes.c_int32]
lib.rd_kafka_DeleteRecords_new.restype = P
lib.rd_kafka_DeleteRecords_new.argtypes = [ctypes.POINTER(TopicPartitionList)]
lib.rd_kafka_queue_new.restype = P
lib.rd_kafka_queue_new.argtypes = [P]
lib.rd_kafka_DeleteRecords.argtypes = [P, ctypes.POINTER(P), ctypes.c_size_t, P, P]
lib.rd_kafka_queue_poll.restype = P
lib.rd_kafka_queue_poll.argtypes = [P, ctypes.c_int]
lib.rd_kafka_event_error.argtypes = [P]
lib.rd_kafka_event_error_string.restype = ctypes.c_char_p
lib.rd_kafka_event_error_string.argtypes = [P]
lib.rd_kafka_event_DeleteRecords_result.restype = P
lib.rd_kafka_event_DeleteRecords_result.argtypes = [P]
lib.rd_kafka_DeleteRecords_result_offsets.restype = ctypes.POINTER(TopicPartitionList)
lib.rd_kafka_DeleteRecords_result_offsets.argtypes = [P]
lib.rd_kafka_err2name.restype = ctypes.c_char_p
lib.rd_kafka_event_destroy.argtypes = [P]
lib.rd_kafka_destroy.argtypes = [P]

errstr = ctypes.create_string_buffer(512)
conf = lib.rd_kafka_conf_new()
if lib.rd_kafka_conf_set(conf, b'bootstrap.servers', bootstrap.encode(), errstr, 512) != 0:
    raise SystemExit(errstr.value.decode())
rk = lib.rd_kafka_new(1, conf, errstr, 512)  # RD_KAFKA_CONSUMER; any client type may run admin calls
if not rk:
    raise SystemExit(errstr.value.decode())
offsets = lib.rd_kafka_topic_partition_list_new(1)
lib.rd_kafka_topic_partition_list_add(offsets, topic, partition).contents.offset = offset
request = P(lib.rd_kafka_DeleteRecords_new(offsets))
queue = lib.rd_kafka_queue_new(rk)
lib.rd_kafka_DeleteRecords(rk, ctypes.byref(request), 1, None, queue)
event = lib.rd_kafka_queue_poll(queue, 15000)
if not event:
    raise SystemExit('no DeleteRecords result within 15 s')
out = {'error': lib.rd_kafka_err2name(lib.rd_kafka_event_error(event)).decode()}
result = lib.rd_kafka_event_DeleteRecords_result(event)
if result:
    parts = lib.rd_kafka_DeleteRecords_result_offsets(result).contents
    out['partitions'] = [[parts.elems[i].partition, parts.elems[i].offset, lib.rd_kafka_err2name(parts.elems[i].err).decode()] for i in range(parts.cnt)]
lib.rd_kafka_event_destroy(event)
lib.rd_kafka_destroy(rk)
print(json.dumps(out))
