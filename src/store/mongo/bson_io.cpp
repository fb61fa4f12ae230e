#include "store/mongo/bson_io.hpp"

#include <stdexcept>

namespace oddsctl::store::mongo {

namespace {

int len_of(std::string_view s) { return static_cast<int>(s.size()); }

}  // namespace

void put_str(bson_t* b, const char* key, std::string_view value) {
  bson_append_utf8(b, key, -1, value.data(), len_of(value));
}

void put_opt_str(bson_t* b, const char* key, const std::optional<std::string>& value) {
  if (value) {
    put_str(b, key, *value);
  } else {
    put_null(b, key);
  }
}

void put_i32(bson_t* b, const char* key, std::int32_t value) { bson_append_int32(b, key, -1, value); }
void put_i64(bson_t* b, const char* key, std::int64_t value) { bson_append_int64(b, key, -1, value); }

void put_opt_i64(bson_t* b, const char* key, const std::optional<std::int64_t>& value) {
  if (value) {
    put_i64(b, key, *value);
  } else {
    put_null(b, key);
  }
}

void put_double(bson_t* b, const char* key, double value) { bson_append_double(b, key, -1, value); }

void put_opt_double(bson_t* b, const char* key, const std::optional<double>& value) {
  if (value) {
    put_double(b, key, *value);
  } else {
    put_null(b, key);
  }
}

void put_bool(bson_t* b, const char* key, bool value) { bson_append_bool(b, key, -1, value); }
void put_date(bson_t* b, const char* key, TimePoint value) { bson_append_date_time(b, key, -1, to_epoch_ms(value)); }

void put_opt_date(bson_t* b, const char* key, const std::optional<TimePoint>& value) {
  if (value) {
    put_date(b, key, *value);
  } else {
    put_null(b, key);
  }
}

void put_null(bson_t* b, const char* key) { bson_append_null(b, key, -1); }

void put_str_array(bson_t* b, const char* key, const std::vector<std::string>& values) {
  bson_t arr;
  bson_append_array_begin(b, key, -1, &arr);
  char buf[16];
  for (std::size_t i = 0; i < values.size(); ++i) {
    const char* k = nullptr;
    bson_uint32_to_string(static_cast<uint32_t>(i), &k, buf, sizeof buf);
    put_str(&arr, k, values[i]);
  }
  bson_append_array_end(b, &arr);
}

void put_doc(bson_t* b, const char* key, const bson_t* doc) { bson_append_document(b, key, -1, doc); }

void put_child(bson_t* b, const char* key, const BsonFill& fill) {
  bson_t child;
  bson_append_document_begin(b, key, -1, &child);
  fill(&child);
  bson_append_document_end(b, &child);
}

void put_child_array(bson_t* b, const char* key, std::size_t n, const BsonFillAt& fill) {
  bson_t arr;
  bson_append_array_begin(b, key, -1, &arr);
  char buf[16];
  for (std::size_t i = 0; i < n; ++i) {
    const char* k = nullptr;
    bson_uint32_to_string(static_cast<uint32_t>(i), &k, buf, sizeof buf);
    bson_t child;
    bson_append_document_begin(&arr, k, -1, &child);
    fill(i, &child);
    bson_append_document_end(&arr, &child);
  }
  bson_append_array_end(b, &arr);
}

bool Reader::find(const char* key, bson_iter_t* it) const {
  return bson_iter_init_find(it, m_doc, key) && !BSON_ITER_HOLDS_NULL(it) && !BSON_ITER_HOLDS_UNDEFINED(it);
}

bool Reader::has(const char* key) const {
  bson_iter_t it;
  return find(key, &it);
}

std::string Reader::str(const char* key, const std::string& fallback) const { return opt_str(key).value_or(fallback); }

std::optional<std::string> Reader::opt_str(const char* key) const {
  bson_iter_t it;
  if (!find(key, &it) || !BSON_ITER_HOLDS_UTF8(&it)) return std::nullopt;
  uint32_t len = 0;
  const char* s = bson_iter_utf8(&it, &len);
  return std::string(s, len);
}

std::int64_t Reader::i64(const char* key, std::int64_t fallback) const { return opt_i64(key).value_or(fallback); }

std::optional<std::int64_t> Reader::opt_i64(const char* key) const {
  bson_iter_t it;
  if (!find(key, &it) || !(BSON_ITER_HOLDS_NUMBER(&it) || BSON_ITER_HOLDS_BOOL(&it))) return std::nullopt;
  return bson_iter_as_int64(&it);
}

double Reader::dbl(const char* key, double fallback) const { return opt_double(key).value_or(fallback); }

std::optional<double> Reader::opt_double(const char* key) const {
  bson_iter_t it;
  if (!find(key, &it) || !BSON_ITER_HOLDS_NUMBER(&it)) return std::nullopt;
  return bson_iter_as_double(&it);
}

bool Reader::boolean(const char* key, bool fallback) const {
  bson_iter_t it;
  if (!find(key, &it)) return fallback;
  return bson_iter_as_bool(&it);
}

TimePoint Reader::date(const char* key) const { return opt_date(key).value_or(TimePoint{}); }

std::optional<TimePoint> Reader::opt_date(const char* key) const {
  bson_iter_t it;
  if (!find(key, &it)) return std::nullopt;
  if (BSON_ITER_HOLDS_DATE_TIME(&it)) return from_epoch_ms(bson_iter_date_time(&it));
  if (BSON_ITER_HOLDS_INT64(&it) || BSON_ITER_HOLDS_INT32(&it)) return from_epoch_ms(bson_iter_as_int64(&it));
  if (BSON_ITER_HOLDS_UTF8(&it)) return try_parse_rfc3339(bson_iter_utf8(&it, nullptr));
  return std::nullopt;
}

std::vector<std::string> Reader::str_array(const char* key) const {
  std::vector<std::string> out;
  bson_iter_t it;
  bson_iter_t child;
  if (!find(key, &it) || !BSON_ITER_HOLDS_ARRAY(&it) || !bson_iter_recurse(&it, &child)) return out;
  while (bson_iter_next(&child)) {
    if (BSON_ITER_HOLDS_UTF8(&child)) {
      uint32_t len = 0;
      const char* s = bson_iter_utf8(&child, &len);
      out.emplace_back(s, len);
    }
  }
  return out;
}

void Reader::child(const char* key, const std::function<void(const Reader&)>& fn) const {
  bson_iter_t it;
  if (!find(key, &it) || !BSON_ITER_HOLDS_DOCUMENT(&it)) return;
  uint32_t len = 0;
  const uint8_t* data = nullptr;
  bson_iter_document(&it, &len, &data);
  bson_t sub;
  if (!bson_init_static(&sub, data, len)) return;
  fn(Reader(&sub));
}

void Reader::each(const char* key, const std::function<void(const Reader&)>& fn) const {
  bson_iter_t it;
  bson_iter_t elem;
  if (!find(key, &it) || !BSON_ITER_HOLDS_ARRAY(&it) || !bson_iter_recurse(&it, &elem)) return;
  while (bson_iter_next(&elem)) {
    if (!BSON_ITER_HOLDS_DOCUMENT(&elem)) continue;
    uint32_t len = 0;
    const uint8_t* data = nullptr;
    bson_iter_document(&elem, &len, &data);
    bson_t sub;
    if (!bson_init_static(&sub, data, len)) continue;
    fn(Reader(&sub));
  }
}

}  // namespace oddsctl::store::mongo
