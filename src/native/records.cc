// appendRecords: record-columns.ts's appendBatchRecords loop over a batch's (decompressed) records, for batches
// whose every record it can read plainly: any record with headers, a varint out of the ordinary or a field past its
// record answers -1, and the JS loop reads the whole batch again (and names what is wrong, if anything is).
#include <node_api.h>

#include <cstdint>

namespace {

constexpr double MAX_SAFE = 9007199254740991.0;

struct Cursor {
  const uint8_t* b;
  int64_t pos;
  int64_t end;
  bool ok = true;

  /** A zigzag varint of at most 10 bytes whose value is a safe integer. */
  double zigzag() {
    uint64_t n = 0;
    for (int shift = 0; shift < 70; shift += 7) {
      if (pos >= end) break;
      const uint8_t byte = b[pos++];
      n |= static_cast<uint64_t>(byte & 0x7f) << shift;
      if (byte < 0x80) {
        const double magnitude = static_cast<double>(n >> 1);
        if (magnitude > MAX_SAFE) break;
        return (n & 1) ? -magnitude - 1 : magnitude;
      }
    }
    ok = false;
    return 0;
  }
};

template <typename T>
T* typed(napi_env env, napi_value value, size_t& count) {
  void* raw = nullptr;
  napi_typedarray_type type;
  napi_value buffer;
  size_t offset;
  if (napi_get_typedarray_info(env, value, &type, &count, &raw, &buffer, &offset) != napi_ok) return nullptr;
  return static_cast<T*>(raw);
}

}  // namespace

// appendRecords(body, pos, end, count, baseOffset, baseTimestamp, logAppendTime, fromOffset, endOffset,
//               offsets, timestamps, keyStarts, keyEnds, valueStarts, valueEnds, at) -> records kept, or -1
napi_value append_records(napi_env env, napi_callback_info info) {
  size_t argc = 16;
  napi_value argv[16];
  napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr);
  napi_value fallback;
  napi_create_int32(env, -1, &fallback);
  if (argc != 16) return fallback;
  void* data = nullptr;
  size_t length = 0;
  double numbers[9];
  if (napi_get_buffer_info(env, argv[0], &data, &length) != napi_ok) return fallback;
  for (int k = 0; k < 8; k++) {
    if (napi_get_value_double(env, argv[1 + k], &numbers[k]) != napi_ok) return fallback;
  }
  if (napi_get_value_double(env, argv[15], &numbers[8]) != napi_ok) return fallback;
  const double pos = numbers[0], end = numbers[1], count = numbers[2], base_offset = numbers[3], base_timestamp = numbers[4];
  const bool log_append_time = numbers[5] != 0;
  const double from_offset = numbers[6], end_offset = numbers[7], at = numbers[8];
  size_t n[6];
  double* offsets = typed<double>(env, argv[9], n[0]);
  double* timestamps = typed<double>(env, argv[10], n[1]);
  int32_t* key_starts = typed<int32_t>(env, argv[11], n[2]);
  int32_t* key_ends = typed<int32_t>(env, argv[12], n[3]);
  int32_t* value_starts = typed<int32_t>(env, argv[13], n[4]);
  int32_t* value_ends = typed<int32_t>(env, argv[14], n[5]);
  if (!offsets || !timestamps || !key_starts || !key_ends || !value_starts || !value_ends) return fallback;
  size_t capacity = n[0];
  for (size_t c : n) capacity = c < capacity ? c : capacity;
  if (!(pos >= 0) || !(end >= pos) || end > static_cast<double>(length) || length > 0x7fffffff || !(count >= 0) || !(at >= 0) ||
      at + count > static_cast<double>(capacity)) {
    return fallback;
  }
  Cursor c{static_cast<const uint8_t*>(data), static_cast<int64_t>(pos), static_cast<int64_t>(end)};
  const int64_t batch_end = c.end;
  size_t i = static_cast<size_t>(at);
  for (int64_t r = 0; r < static_cast<int64_t>(count); r++) {
    c.end = batch_end;
    const double record_length = c.zigzag();
    const int64_t record_end = c.pos + static_cast<int64_t>(record_length);
    if (!c.ok || record_length < 0 || record_end > batch_end) return fallback;
    c.end = record_end;
    c.pos++;  // the record's attributes
    const double timestamp_delta = c.zigzag();
    const double offset = base_offset + c.zigzag();
    const bool kept = offset >= from_offset && offset < end_offset;
    int32_t spans[4];
    for (int s = 0; s < 4; s += 2) {
      const double field_length = c.zigzag();
      if (field_length < 0) {
        spans[s] = spans[s + 1] = -1;
        continue;
      }
      if (c.pos + static_cast<int64_t>(field_length) > record_end) return fallback;
      spans[s] = static_cast<int32_t>(c.pos);
      c.pos += static_cast<int64_t>(field_length);
      spans[s + 1] = static_cast<int32_t>(c.pos);
    }
    const double headers = c.zigzag();
    if (!c.ok || c.pos > record_end || headers > 0) return fallback;
    if (kept) {
      offsets[i] = offset;
      timestamps[i] = log_append_time ? base_timestamp : base_timestamp + timestamp_delta;
      key_starts[i] = spans[0];
      key_ends[i] = spans[1];
      value_starts[i] = spans[2];
      value_ends[i] = spans[3];
      i++;
    }
    c.pos = record_end;
  }
  napi_value kept_count;
  napi_create_double(env, static_cast<double>(i - static_cast<size_t>(at)), &kept_count);
  return kept_count;
}
