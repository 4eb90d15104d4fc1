// The writers' encodings of a scanned record: flat-json-row.ts's encodeAvro and ndjsonParts, for the values the
// native scan accepts.
#include <charconv>
#include <cmath>
#include <cstring>

#include "json-batch.h"

namespace sluice {
namespace {

const char* const METADATA_KEYS[] = {"\"_kafka_partition\":", "\"_kafka_offset\":", "\"_kafka_timestamp\":", "\"_kafka_key\":"};

inline uint8_t* write_long(uint8_t* out, int64_t value) {
  uint64_t n = (static_cast<uint64_t>(value) << 1) ^ static_cast<uint64_t>(value >> 63);
  while (n >= 0x80) {
    *out++ = static_cast<uint8_t>((n & 0x7f) | 0x80);
    n >>= 7;
  }
  *out++ = static_cast<uint8_t>(n);
  return out;
}

inline uint8_t* write_bytes(uint8_t* out, const uint8_t* from, int64_t length) {
  std::memcpy(out, from, static_cast<size_t>(length));
  return out + length;
}

inline uint8_t* write_text(uint8_t* out, const char* text) {
  return write_bytes(out, reinterpret_cast<const uint8_t*>(text), static_cast<int64_t>(std::strlen(text)));
}

/** An integral double as JavaScript's String() writes it (no exponent below 1e21). */
inline uint8_t* write_integer_text(uint8_t* out, double value) {
  char* p = reinterpret_cast<char*>(out);
  return reinterpret_cast<uint8_t*>(std::to_chars(p, p + 24, static_cast<int64_t>(value)).ptr);
}

inline bool integral(double value) {
  return std::fabs(value) <= 9007199254740991.0 && std::floor(value) == value;
}

/** Whether a key's bytes are UTF-8 and, for JSON, can stand between quotes as they are (no quote, backslash or control). */
bool plain_utf8(const uint8_t* bytes, int64_t length, bool json) {
  for (int64_t i = 0; i < length;) {
    uint8_t c = bytes[i];
    if (c >= 0x80) {
      int n = utf8_sequence(bytes, length, i);
      if (n < 0) return false;
      i += n;
      continue;
    }
    if (json && (c == 0x22 || c == 0x5c || c < 0x20)) return false;
    i++;
  }
  return true;
}

}  // namespace

int64_t encoding_bound(const Schema& schema, int64_t value_length, int64_t key_length) {
  return value_length + 16 * static_cast<int64_t>(schema.fields.size()) + 256 + key_length;
}

int64_t encode_avro(const Schema& schema, const ScanState& st, const uint8_t* b, const RecordMeta& meta, uint8_t* out) {
  if (st.escaped) return -1;
  uint8_t* pos = out;
  for (size_t f = 0; f < schema.fields.size(); f++) {
    const Field& field = schema.fields[f];
    if (field.nullable) {
      if (st.flags[f] & SPAN_NULL) {
        *pos++ = static_cast<uint8_t>(field.null_branch * 2);
        continue;
      }
      *pos++ = static_cast<uint8_t>(field.value_branch * 2);
    }
    switch (field.kind) {
      case KIND_STRING:
        pos = write_long(pos, st.ends[f] - st.starts[f]);
        pos = write_bytes(pos, b + st.starts[f], st.ends[f] - st.starts[f]);
        break;
      case KIND_INT:
      case KIND_LONG:
      case KIND_ENUM:
        pos = write_long(pos, st.integers[f]);
        break;
      case KIND_FLOAT: {
        float value = static_cast<float>(st.numbers[f]);
        std::memcpy(pos, &value, 4);
        pos += 4;
        break;
      }
      case KIND_DOUBLE:
        std::memcpy(pos, &st.numbers[f], 8);
        pos += 8;
        break;
      case KIND_BOOLEAN:
        *pos++ = static_cast<uint8_t>(st.integers[f]);
        break;
    }
  }
  for (Metadata column : schema.metadata) {
    if (column == META_KEY) {
      if (meta.key == nullptr) {
        *pos++ = 0;
      } else {
        if (!plain_utf8(meta.key, meta.key_length, false)) return -1;
        *pos++ = 2;
        pos = write_long(pos, meta.key_length);
        pos = write_bytes(pos, meta.key, meta.key_length);
      }
      continue;
    }
    double value = column == META_PARTITION ? meta.partition : column == META_OFFSET ? meta.offset : meta.timestamp;
    if (!integral(value)) return -1;
    pos = write_long(pos, static_cast<int64_t>(value));
  }
  return pos - out;
}

int64_t encode_ndjson(const Schema& schema, const ScanState& st, const uint8_t* b, const RecordMeta& meta, uint8_t* out) {
  uint8_t* pos = out;
  if (schema.metadata.empty()) {
    pos = write_bytes(pos, b + st.object_start, st.object_end + 1 - st.object_start);
    *pos++ = 0x0a;
    return pos - out;
  }
  *pos++ = 0x7b;
  for (Metadata column : schema.metadata) {
    pos = write_text(pos, METADATA_KEYS[column]);
    if (column == META_KEY) {
      if (meta.key == nullptr) {
        pos = write_text(pos, "null");
      } else {
        if (!plain_utf8(meta.key, meta.key_length, true)) return -1;
        *pos++ = 0x22;
        pos = write_bytes(pos, meta.key, meta.key_length);
        *pos++ = 0x22;
      }
    } else {
      double value = column == META_PARTITION ? meta.partition : column == META_OFFSET ? meta.offset : meta.timestamp;
      if (!integral(value)) return -1;
      pos = write_integer_text(pos, value);
    }
    *pos++ = 0x2c;
  }
  pos = write_bytes(pos, b + st.object_start + 1, st.object_end - st.object_start);
  *pos++ = 0x0a;
  return pos - out;
}

}  // namespace sluice
