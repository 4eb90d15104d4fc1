// scan_value: json-record-scanner.ts's scan() in C++, read for read. Bytes at or past `end` read as 0, which every
// rule refuses, where the JS scanner may read on into the fetch: it accepts only values whose bytes up to the
// closing brace lie before `end`, so both answer the same. Where the JS path checks the whole value's UTF-8 (isUtf8)
// when a string or key holds a byte >= 0x80, this checks each such sequence where it is: outside strings and keys
// any such byte is refused by both.
#include <charconv>
#include <cmath>
#include <cstring>

#include "json-batch.h"

namespace sluice {
namespace {

constexpr uint8_t QUOTE = 0x22;
constexpr uint8_t BACKSLASH = 0x5c;
constexpr int MAX_SKIP_DEPTH = 32;
constexpr int64_t MAX_INTEGER_DIGITS = 15;
constexpr int64_t MAX_NUMBER_CHARS = 32;
constexpr double FLOAT_ROUNDS_TO_INFINITY = 3.4028235677973366e+38;

struct Reader {
  const uint8_t* b;
  int64_t end;
  inline uint8_t at(int64_t i) const { return i < end ? b[i] : 0; }
  inline int64_t skip_whitespace(int64_t i) const {
    for (uint8_t c = at(i); c == 0x20 || c == 0x09; c = at(++i)) {
    }
    return i;
  }
  inline bool digit(int64_t i) const {
    uint8_t c = at(i);
    return c >= 0x30 && c <= 0x39;
  }
};

static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "plain_run_end takes a word's first byte as its lowest lane");

/**
 * Where the run of plain string bytes from j ends (printable ASCII other than quote and backslash), 8 bytes at a
 * time while 8 lie before the end: at the first byte that is not plain, or where fewer than 8 are left. The byte
 * loop after it decides what ends the run.
 */
inline int64_t plain_run_end(const Reader& r, int64_t j) {
  constexpr uint64_t ONES = 0x0101010101010101ULL, HIGH = 0x8080808080808080ULL;
  while (j + 8 <= r.end) {
    uint64_t x;
    std::memcpy(&x, r.b + j, 8);
    const uint64_t quote = x ^ (ONES * QUOTE), backslash = x ^ (ONES * BACKSLASH);
    // A lane's high bit is set where its byte is a quote, a backslash, below 0x20 or at least 0x80 (the usual
    // "has a zero byte" and "has a byte less than n" tests, exact for whether any lane is such a byte).
    const uint64_t special = ((quote - ONES) & ~quote) | ((backslash - ONES) & ~backslash) | ((x - ONES * 0x20) & ~x) | x;
    // Each test's lowest flagged lane is exact (a borrow only runs upwards from a lane it flags), so the lowest lane
    // flagged by any of them is the first byte that is not plain (little-endian: the lowest lane is the first byte).
    if (special & HIGH) return j + (__builtin_ctzll(special & HIGH) >> 3);
    j += 8;
  }
  return j;
}

int hex_value(uint8_t c) {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  uint8_t lower = c | 0x20;
  return lower >= 0x61 && lower <= 0x66 ? lower - 0x57 : -1;
}

/** json-tokens.ts's scanDecimal. */
int64_t scan_decimal(const Reader& r, int64_t i) {
  int64_t j = i;
  if (r.at(j) == 0x2d) j++;
  if (r.at(j) == 0x30) {
    j++;
  } else if (r.at(j) >= 0x31 && r.at(j) <= 0x39) {
    while (r.digit(j)) j++;
  } else {
    return -1;
  }
  if (r.at(j) == 0x2e) {
    j++;
    if (!r.digit(j)) return -1;
    while (r.digit(j)) j++;
  }
  if (r.at(j) == 0x65 || r.at(j) == 0x45 || j - i > MAX_NUMBER_CHARS) return -1;
  return j;
}

/** scanString: the index after the closing quote, or -1 (also for bytes that are not UTF-8); sets `escaped`. */
int64_t scan_string(const Reader& r, int64_t i, bool& escaped) {
  int64_t j = i + 1;
  escaped = false;
  for (;;) {
    j = plain_run_end(r, j);
    uint8_t c = r.at(j);
    if (c == QUOTE) return j + 1;
    if (c >= 0x80) {
      int length = utf8_sequence(r.b, r.end, j);
      if (length < 0) return -1;
      j += length;
      continue;
    }
    if (c < 0x20) return -1;
    if (c == BACKSLASH) {
      escaped = true;
      uint8_t e = r.at(j + 1);
      if (e == 0x75) {
        int code = 0;
        for (int h = 2; h < 6; h++) {
          int d = hex_value(r.at(j + h));
          if (d < 0) return -1;
          code = code * 16 + d;
        }
        if (code >= 0xd800 && code <= 0xdfff) return -1;
        j += 6;
        continue;
      }
      if (e == QUOTE || e == BACKSLASH || e == 0x2f || e == 0x62 || e == 0x66 || e == 0x6e || e == 0x72 || e == 0x74) {
        j += 2;
        continue;
      }
      return -1;
    }
    j++;
  }
}

int64_t skip_value(const Reader& r, int64_t i, int depth) {
  uint8_t c = r.at(i);
  bool escaped;
  if (c == QUOTE) return scan_string(r, i, escaped);
  if (c == 0x7b || c == 0x5b) {
    if (depth >= MAX_SKIP_DEPTH) return -1;
    uint8_t close = c == 0x7b ? 0x7d : 0x5d;
    int64_t j = r.skip_whitespace(i + 1);
    if (r.at(j) == close) return j + 1;
    for (;;) {
      if (c == 0x7b) {
        if (r.at(j) != QUOTE) return -1;
        j = scan_string(r, j, escaped);
        if (j < 0) return -1;
        j = r.skip_whitespace(j);
        if (r.at(j) != 0x3a) return -1;
        j = r.skip_whitespace(j + 1);
      }
      j = skip_value(r, j, depth + 1);
      if (j < 0) return -1;
      j = r.skip_whitespace(j);
      if (r.at(j) == close) return j + 1;
      if (r.at(j) != 0x2c) return -1;
      j = r.skip_whitespace(j + 1);
    }
  }
  if (c == 0x74) return r.at(i + 1) == 0x72 && r.at(i + 2) == 0x75 && r.at(i + 3) == 0x65 ? i + 4 : -1;
  if (c == 0x66) return r.at(i + 1) == 0x61 && r.at(i + 2) == 0x6c && r.at(i + 3) == 0x73 && r.at(i + 4) == 0x65 ? i + 5 : -1;
  if (c == 0x6e) return r.at(i + 1) == 0x75 && r.at(i + 2) == 0x6c && r.at(i + 3) == 0x6c ? i + 4 : -1;
  return scan_decimal(r, i);
}

bool same_bytes(const std::string& name, const Reader& r, int64_t start, int64_t end) {
  return static_cast<int64_t>(name.size()) == end - start && end <= r.end && std::memcmp(name.data(), r.b + start, name.size()) == 0;
}

int symbol_index(const std::vector<std::string>& symbols, const Reader& r, int64_t start, int64_t end) {
  for (size_t s = 0; s < symbols.size(); s++) {
    if (same_bytes(symbols[s], r, start, end)) return static_cast<int>(s);
  }
  return -1;
}

/** scanInteger: at most 15 digits, no fraction or exponent. */
int64_t scan_integer(const Reader& r, int64_t i, int64_t& value) {
  int64_t j = i;
  bool negative = r.at(j) == 0x2d;
  if (negative) j++;
  int64_t first = j;
  // Summed as the digits are read, unsigned (past 19 digits it wraps, but then it is refused for its length).
  uint64_t v = 0;
  if (r.at(j) == 0x30) {
    j++;
  } else if (r.at(j) >= 0x31 && r.at(j) <= 0x39) {
    while (r.digit(j)) v = v * 10 + (r.b[j++] - 0x30);
  } else {
    return -1;
  }
  uint8_t next = r.at(j);
  if (next == 0x2e || next == 0x65 || next == 0x45 || j - first > MAX_INTEGER_DIGITS) return -1;
  const int64_t magnitude = static_cast<int64_t>(v);
  value = negative ? -magnitude : magnitude;
  return j;
}

int64_t scan_field(const Schema& schema, ScanState& st, const Reader& r, int64_t i, size_t f) {
  const Field& field = schema.fields[f];
  if (r.at(i) == 0x6e) {
    if (!field.nullable || r.at(i + 1) != 0x75 || r.at(i + 2) != 0x6c || r.at(i + 3) != 0x6c) return -1;
    st.flags[f] = SPAN_NULL;
    return i + 4;
  }
  int64_t end;
  switch (field.kind) {
    case KIND_STRING:
    case KIND_ENUM: {
      if (r.at(i) != QUOTE) return -1;
      bool escaped;
      end = scan_string(r, i, escaped);
      if (end < 0) return -1;
      st.starts[f] = i + 1;
      st.ends[f] = end - 1;
      st.flags[f] = escaped ? SPAN_VALUE | SPAN_ESCAPED : SPAN_VALUE;
      if (escaped) st.escaped = true;
      if (field.kind == KIND_ENUM) {
        int symbol = escaped ? -1 : symbol_index(field.symbols, r, i + 1, end - 1);
        if (symbol < 0) return -1;
        st.integers[f] = symbol;
      }
      return end;
    }
    case KIND_INT:
    case KIND_LONG: {
      int64_t value = 0;
      end = scan_integer(r, i, value);
      if (end < 0) return -1;
      if (field.kind == KIND_INT && (value > 2147483647LL || value < -2147483648LL)) return -1;
      st.integers[f] = value;
      st.numbers[f] = static_cast<double>(value);
      break;
    }
    case KIND_FLOAT:
    case KIND_DOUBLE: {
      end = scan_decimal(r, i);
      if (end < 0) return -1;
      double value = 0;
      // from_chars reads no leading '+' and no locale; scan_decimal let through only JSON's decimal form.
      std::from_chars_result parsed = std::from_chars(reinterpret_cast<const char*>(r.b + i), reinterpret_cast<const char*>(r.b + end), value);
      if (parsed.ec != std::errc() || parsed.ptr != reinterpret_cast<const char*>(r.b + end)) return -1;
      // DuckDB reads -0 as +0; JSON.parse keeps the sign. A float that rounds to infinity (half an ulp above
      // FLT_MAX, as Math.fround rounds): DuckDB refuses it.
      if ((value == 0 && r.at(i) == 0x2d) || (field.kind == KIND_FLOAT && std::fabs(value) >= FLOAT_ROUNDS_TO_INFINITY)) return -1;
      st.numbers[f] = value;
      break;
    }
    case KIND_BOOLEAN:
      if (r.at(i) == 0x74 && r.at(i + 1) == 0x72 && r.at(i + 2) == 0x75 && r.at(i + 3) == 0x65) {
        st.integers[f] = 1;
        end = i + 4;
      } else if (r.at(i) == 0x66 && r.at(i + 1) == 0x61 && r.at(i + 2) == 0x6c && r.at(i + 3) == 0x73 && r.at(i + 4) == 0x65) {
        st.integers[f] = 0;
        end = i + 5;
      } else {
        return -1;
      }
      break;
    default:
      return -1;
  }
  st.starts[f] = i;
  st.ends[f] = end;
  st.flags[f] = SPAN_VALUE;
  return end;
}

/** The field whose name is b[start, end), trying `hint` first, or -1. */
int field_named(const Schema& schema, const Reader& r, int64_t start, int64_t end, size_t hint) {
  const size_t n = schema.fields.size();
  for (size_t k = 0, f = hint; k < n; k++, f++) {
    if (f >= n) f -= n;
    if (same_bytes(schema.fields[f].name, r, start, end)) return static_cast<int>(f);
  }
  return -1;
}

/** Where the key at `start` ends (its closing quote) if it is field f's name, or -1: nameAt in the JS scanner. */
inline int64_t name_at(const Schema& schema, const Reader& r, int64_t start, size_t f) {
  const std::string& name = schema.fields[f].name;
  const int64_t length = static_cast<int64_t>(name.size());
  if (start + length >= r.end || std::memcmp(r.b + start, name.data(), name.size()) != 0) return -1;
  return r.b[start + length] == QUOTE ? start + length : -1;
}

}  // namespace

bool scan_value(const Schema& schema, ScanState& st, const uint8_t* b, int64_t start, int64_t end) {
  Reader r{b, end};
  const size_t count = schema.fields.size();
  std::memset(st.flags.data(), 0, count);
  st.escaped = false;
  int64_t i = r.skip_whitespace(start);
  if (r.at(i) != 0x7b) return false;
  st.object_start = i;
  i = r.skip_whitespace(i + 1);
  size_t seen = 0;
  size_t hint = 0;
  for (;;) {
    if (r.at(i) != QUOTE) return false;
    const int64_t key_start = i + 1;
    // Most values hold the fields in the schema's order: the next one's name is tried first, in the same pass.
    int64_t k = hint < count && schema.plain_names ? name_at(schema, r, key_start, hint) : -1;
    int field = static_cast<int>(hint);
    if (k < 0) {
      k = key_start;
      for (uint8_t c = r.at(k); c != QUOTE; c = r.at(k)) {
        if (c == BACKSLASH || c < 0x20) return false;
        if (c < 0x80) {
          k++;
          continue;
        }
        int length = utf8_sequence(b, end, k);
        if (length < 0) return false;
        k += length;
      }
      field = field_named(schema, r, key_start, k, hint);
    }
    i = r.skip_whitespace(k + 1);
    if (r.at(i) != 0x3a) return false;
    i = r.skip_whitespace(i + 1);
    if (field < 0) {
      if (symbol_index(schema.metadata_names, r, key_start, k) >= 0) return false;
      i = skip_value(r, i, 0);
    } else {
      if (st.flags[field] != 0) return false;
      i = scan_field(schema, st, r, i, static_cast<size_t>(field));
      seen++;
      hint = static_cast<size_t>(field) + 1;
    }
    if (i < 0) return false;
    i = r.skip_whitespace(i);
    if (r.at(i) == 0x2c) {
      i = r.skip_whitespace(i + 1);
      continue;
    }
    if (r.at(i) != 0x7d) return false;
    break;
  }
  st.object_end = i;
  int64_t after = i + 1;
  while (after < end && (b[after] == 0x20 || b[after] == 0x09)) after++;
  return after == end && seen == count;
}

}  // namespace sluice
