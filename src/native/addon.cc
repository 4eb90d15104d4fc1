// sluice_native: the load's JSON fast path over a whole fetch (src/formats/native-json-batch.ts is its only caller).
//   compileSchema(layout: Buffer) -> external
//   scanBatch(schema, output, value, valueStarts, valueEnds, keys, keyStarts, keyEnds, offsets, timestamps,
//             from, to, partition, out, outStart, spans, eventTimes) -> records handled
// Record from+k's encoding lies in out from spans[2k] to spans[2k + 1], or spans[2k] is -1: the JS path takes that
// record. It stops before a record whose bound does not fit in out.
#include <node_api.h>

#include <algorithm>
#include <cmath>
#include <cstring>

#include "json-batch.h"

namespace sluice {

bool parse_schema(const uint8_t* bytes, size_t length, Schema& schema) {
  size_t pos = 0;
  bool ok = true;
  auto u32 = [&]() -> uint32_t {
    if (pos + 4 > length) {
      ok = false;
      return 0;
    }
    uint32_t v;
    std::memcpy(&v, bytes + pos, 4);
    pos += 4;
    return v;
  };
  auto text = [&]() -> std::string {
    uint32_t n = u32();
    if (!ok || pos + n > length) {
      ok = false;
      return std::string();
    }
    std::string s(reinterpret_cast<const char*>(bytes + pos), n);
    pos += n;
    return s;
  };
  uint32_t fields = u32();
  for (uint32_t f = 0; ok && f < fields; f++) {
    Field field;
    field.kind = static_cast<Kind>(u32());
    field.nullable = u32() != 0;
    field.null_branch = u32();
    field.value_branch = u32();
    field.name = text();
    uint32_t symbols = u32();
    for (uint32_t s = 0; ok && s < symbols; s++) field.symbols.push_back(text());
    if (field.kind > KIND_ENUM) ok = false;
    schema.fields.push_back(field);
  }
  uint32_t metadata = u32();
  for (uint32_t m = 0; ok && m < metadata; m++) {
    uint32_t column = u32();
    if (column > META_KEY) ok = false;
    schema.metadata.push_back(static_cast<Metadata>(column));
    schema.metadata_names.push_back(text());
  }
  schema.time_field = static_cast<int32_t>(u32());
  schema.time_micros = u32() != 0;
  // Names of letters, digits and underscores, not starting with a digit (Avro's rule), as the JS scanner's plainNames.
  schema.plain_names = true;
  for (const sluice::Field& field : schema.fields) {
    const std::string& name = field.name;
    bool plain = !name.empty() && !(name[0] >= '0' && name[0] <= '9');
    for (char c : name) plain = plain && ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_');
    schema.plain_names = schema.plain_names && plain;
  }
  return ok && pos == length && schema.time_field < static_cast<int32_t>(schema.fields.size());
}

}  // namespace sluice

namespace {

using sluice::Schema;

struct Compiled {
  Schema schema;
  sluice::ScanState state;
  explicit Compiled(Schema s) : schema(std::move(s)), state(schema.fields.size()) {}
};

napi_value fail(napi_env env, const char* message) {
  napi_throw_type_error(env, nullptr, message);
  return nullptr;
}

template <typename T>
bool typed(napi_env env, napi_value value, T*& data, size_t& count) {
  void* raw = nullptr;
  napi_typedarray_type type;
  napi_value buffer;
  size_t offset;
  if (napi_get_typedarray_info(env, value, &type, &count, &raw, &buffer, &offset) != napi_ok) return false;
  data = static_cast<T*>(raw);
  return true;
}

bool bytes_of(napi_env env, napi_value value, uint8_t*& data, size_t& length) {
  void* raw = nullptr;
  if (napi_get_buffer_info(env, value, &raw, &length) != napi_ok) return false;
  data = static_cast<uint8_t*>(raw);
  return true;
}

double number_of(napi_env env, napi_value value) {
  double n = NAN;
  napi_get_value_double(env, value, &n);
  return n;
}

napi_value compile_schema(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr);
  uint8_t* layout;
  size_t length;
  if (argc < 1 || !bytes_of(env, argv[0], layout, length)) return fail(env, "compileSchema(layout): a Buffer");
  Schema schema;
  if (!sluice::parse_schema(layout, length, schema)) return fail(env, "compileSchema: malformed schema layout");
  Compiled* compiled = new Compiled(std::move(schema));
  napi_value external;
  napi_create_external(env, compiled, [](napi_env, void* data, void*) { delete static_cast<Compiled*>(data); }, nullptr, &external);
  return external;
}

napi_value scan_batch(napi_env env, napi_callback_info info) {
  size_t argc = 17;
  napi_value argv[17];
  napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr);
  if (argc != 17) return fail(env, "scanBatch: 17 arguments");
  void* raw;
  if (napi_get_value_external(env, argv[0], &raw) != napi_ok) return fail(env, "scanBatch: not a compiled schema");
  Compiled& compiled = *static_cast<Compiled*>(raw);
  const bool avro = number_of(env, argv[1]) == sluice::OUTPUT_AVRO;
  uint8_t *value, *keys = nullptr, *out;
  size_t value_length, keys_length = 0, out_length, n1, n2, n3, n4, n5, n6, n7, n8;
  int32_t *value_starts, *value_ends, *key_starts, *key_ends, *spans;
  double *offsets, *timestamps, *event_times;
  napi_valuetype keys_type;
  napi_typeof(env, argv[5], &keys_type);
  if (!bytes_of(env, argv[2], value, value_length) || !typed(env, argv[3], value_starts, n1) || !typed(env, argv[4], value_ends, n2) ||
      (keys_type != napi_null && !bytes_of(env, argv[5], keys, keys_length)) || !typed(env, argv[6], key_starts, n3) ||
      !typed(env, argv[7], key_ends, n4) || !typed(env, argv[8], offsets, n5) || !typed(env, argv[9], timestamps, n6) ||
      !bytes_of(env, argv[13], out, out_length) || !typed(env, argv[15], spans, n7) || !typed(env, argv[16], event_times, n8)) {
    return fail(env, "scanBatch: an argument of the wrong type");
  }
  const int64_t from = static_cast<int64_t>(number_of(env, argv[10]));
  int64_t to = static_cast<int64_t>(number_of(env, argv[11]));
  const double partition = number_of(env, argv[12]);
  int64_t out_pos = static_cast<int64_t>(number_of(env, argv[14]));
  const size_t columns = std::min({n1, n2, n3, n4, n5, n6});
  if (from < 0 || to < from || static_cast<size_t>(to) > columns || out_pos < 0 || static_cast<size_t>(out_pos) > out_length) {
    return fail(env, "scanBatch: a range outside its arrays");
  }
  if (static_cast<size_t>(to - from) > std::min(n7 / 2, n8)) to = from + static_cast<int64_t>(std::min(n7 / 2, n8));
  const Schema& schema = compiled.schema;
  sluice::ScanState& state = compiled.state;
  int64_t i = from;
  for (; i < to; i++) {
    const int64_t k = i - from;
    spans[2 * k] = -1;
    const int64_t start = value_starts[i], end = value_ends[i];
    if (start < 0 || end < start || static_cast<size_t>(end) > value_length) continue;
    sluice::RecordMeta meta{partition, offsets[i], timestamps[i], nullptr, 0};
    if (key_starts[i] >= 0) {
      if (keys == nullptr || key_ends[i] < key_starts[i] || static_cast<size_t>(key_ends[i]) > keys_length) continue;
      meta.key = keys + key_starts[i];
      meta.key_length = key_ends[i] - key_starts[i];
    }
    if (out_pos + sluice::encoding_bound(schema, end - start, meta.key_length) > static_cast<int64_t>(out_length)) break;
    if (!sluice::scan_value(schema, state, value, start, end)) continue;
    double event_time = meta.timestamp;
    if (schema.time_field >= 0) {
      if (state.flags[schema.time_field] & sluice::SPAN_NULL) continue;
      double raw_time = state.numbers[schema.time_field];
      event_time = schema.time_micros ? std::floor(raw_time / 1000) : raw_time;
    }
    if (!(std::fabs(event_time) <= 8.64e15)) continue;
    const int64_t written = avro ? sluice::encode_avro(schema, state, value, meta, out + out_pos) : sluice::encode_ndjson(schema, state, value, meta, out + out_pos);
    if (written < 0) continue;
    spans[2 * k] = static_cast<int32_t>(out_pos);
    out_pos += written;
    spans[2 * k + 1] = static_cast<int32_t>(out_pos);
    event_times[k] = event_time;
  }
  napi_value result;
  napi_create_double(env, static_cast<double>(i - from), &result);
  return result;
}

}  // namespace

napi_value append_records(napi_env env, napi_callback_info info);  // records.cc
#ifdef SLUICE_LIBDEFLATE
napi_value deflate_raw(napi_env env, napi_callback_info info);  // deflate.cc
#endif

namespace {

napi_value init(napi_env env, napi_value exports) {
  napi_property_descriptor properties[] = {
      {"compileSchema", nullptr, compile_schema, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"scanBatch", nullptr, scan_batch, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"appendRecords", nullptr, append_records, nullptr, nullptr, nullptr, napi_default, nullptr},
#ifdef SLUICE_LIBDEFLATE
      {"deflateRaw", nullptr, deflate_raw, nullptr, nullptr, nullptr, napi_default, nullptr},
#endif
  };
  napi_define_properties(env, exports, sizeof(properties) / sizeof(properties[0]), properties);
  return exports;
}

}  // namespace

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
