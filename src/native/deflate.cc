// deflateRaw(input, start, end, level) -> Buffer: libdeflate's raw DEFLATE of input[start, end), for Avro's deflate
// codec. One compressor per level and thread (libdeflate's are not shared between threads; load workers are threads).
#include <libdeflate.h>
#include <node_api.h>

#include <vector>

namespace {

struct Compressors {
  libdeflate_compressor* by_level[13] = {};
  std::vector<uint8_t> out;
  ~Compressors() {
    for (libdeflate_compressor* c : by_level) {
      if (c != nullptr) libdeflate_free_compressor(c);
    }
  }
};

thread_local Compressors compressors;

}  // namespace

napi_value deflate_raw(napi_env env, napi_callback_info info) {
  size_t argc = 4;
  napi_value argv[4];
  napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr);
  void* data = nullptr;
  size_t length = 0;
  double start = 0, end = 0, level = 0;
  if (argc != 4 || napi_get_buffer_info(env, argv[0], &data, &length) != napi_ok || napi_get_value_double(env, argv[1], &start) != napi_ok ||
      napi_get_value_double(env, argv[2], &end) != napi_ok || napi_get_value_double(env, argv[3], &level) != napi_ok || !(start >= 0) ||
      !(end >= start) || end > static_cast<double>(length) || !(level >= 1 && level <= 12)) {
    napi_throw_type_error(env, nullptr, "deflateRaw(buffer, start, end, level 1-12)");
    return nullptr;
  }
  const int lvl = static_cast<int>(level);
  libdeflate_compressor*& compressor = compressors.by_level[lvl];
  if (compressor == nullptr) compressor = libdeflate_alloc_compressor(lvl);
  if (compressor == nullptr) {
    napi_throw_error(env, nullptr, "deflateRaw: out of memory");
    return nullptr;
  }
  const uint8_t* in = static_cast<const uint8_t*>(data) + static_cast<size_t>(start);
  const size_t in_length = static_cast<size_t>(end - start);
  compressors.out.resize(libdeflate_deflate_compress_bound(compressor, in_length));
  const size_t written = libdeflate_deflate_compress(compressor, in, in_length, compressors.out.data(), compressors.out.size());
  napi_value result;
  void* copy;
  napi_create_buffer_copy(env, written, compressors.out.data(), &copy, &result);
  return result;
}
