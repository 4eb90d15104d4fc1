// The load's JSON fast path in C++: the same acceptance rules as src/formats/json-record-scanner.ts, over a whole
// fetch at once. It accepts a subset of what the JS scanner accepts (no escaped string in Avro output, only numeric
// time fields, keys that are plain JSON strings), and writes what flat-json-row.ts writes for those values;
// every other record answers "not mine" and takes the JS path. test/formats/native-json-batch.test.ts checks both.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace sluice {

enum Kind : uint32_t { KIND_INT = 0, KIND_LONG = 1, KIND_FLOAT = 2, KIND_DOUBLE = 3, KIND_BOOLEAN = 4, KIND_STRING = 5, KIND_ENUM = 6 };
enum Metadata : uint32_t { META_PARTITION = 0, META_OFFSET = 1, META_TIMESTAMP = 2, META_KEY = 3 };
enum Output : uint32_t { OUTPUT_AVRO = 0, OUTPUT_NDJSON = 1 };

struct Field {
  std::string name;
  Kind kind;
  bool nullable;
  uint32_t null_branch;
  uint32_t value_branch;
  std::vector<std::string> symbols;
};

struct Schema {
  std::vector<Field> fields;
  std::vector<Metadata> metadata;
  std::vector<std::string> metadata_names;
  int32_t time_field;  // -1: the Kafka timestamp is the event time
  bool time_micros;
  bool plain_names;
};

/** What a scan found, per field: where the value lies (a string between its quotes) and what it holds. */
struct ScanState {
  std::vector<uint8_t> flags;  // SPAN_* of json-record-scanner.ts
  std::vector<int64_t> starts, ends, integers;
  std::vector<double> numbers;
  int64_t object_start = 0, object_end = 0;
  bool escaped = false;  // some string field holds a backslash escape
  explicit ScanState(size_t n) : flags(n), starts(n), ends(n), integers(n), numbers(n) {}
};

constexpr uint8_t SPAN_NULL = 1;
constexpr uint8_t SPAN_VALUE = 2;
constexpr uint8_t SPAN_ESCAPED = 4;

/**
 * The length of the UTF-8 sequence at b[i] (a byte >= 0x80), or -1 when it is not one: a bad lead or continuation
 * byte, an overlong form, a surrogate, beyond U+10FFFF, or cut by `end` (what Node's isUtf8 refuses).
 */
inline int utf8_sequence(const uint8_t* b, int64_t end, int64_t i) {
  const uint8_t c = b[i];
  auto in = [&](int64_t k, uint8_t low, uint8_t high) { return k < end && b[k] >= low && b[k] <= high; };
  if (c >= 0xc2 && c <= 0xdf) return in(i + 1, 0x80, 0xbf) ? 2 : -1;
  if (c >= 0xe0 && c <= 0xef) {
    const uint8_t low = c == 0xe0 ? 0xa0 : 0x80, high = c == 0xed ? 0x9f : 0xbf;
    return in(i + 1, low, high) && in(i + 2, 0x80, 0xbf) ? 3 : -1;
  }
  if (c >= 0xf0 && c <= 0xf4) {
    const uint8_t low = c == 0xf0 ? 0x90 : 0x80, high = c == 0xf4 ? 0x8f : 0xbf;
    return in(i + 1, low, high) && in(i + 2, 0x80, 0xbf) && in(i + 3, 0x80, 0xbf) ? 4 : -1;
  }
  return -1;
}

/** Parses the schema as src/formats/native-json-batch.ts lays it out; false when it is malformed. */
bool parse_schema(const uint8_t* bytes, size_t length, Schema& schema);

/** Whether b[start, end) is one JSON object the JS scanner accepts with every byte < 0x80. */
bool scan_value(const Schema& schema, ScanState& state, const uint8_t* b, int64_t start, int64_t end);

struct RecordMeta {
  double partition, offset, timestamp;
  const uint8_t* key;  // null: no key
  int64_t key_length;
};

/** More bytes than a record's encoding can take. */
int64_t encoding_bound(const Schema& schema, int64_t value_length, int64_t key_length);

/** The record as Avro binary at out; the bytes written, or -1 where the JS path must write it. */
int64_t encode_avro(const Schema& schema, const ScanState& state, const uint8_t* b, const RecordMeta& meta, uint8_t* out);

/** The record as one NDJSON line (newline included) at out; the bytes written, or -1 where the JS path must write it. */
int64_t encode_ndjson(const Schema& schema, const ScanState& state, const uint8_t* b, const RecordMeta& meta, uint8_t* out);

}  // namespace sluice
