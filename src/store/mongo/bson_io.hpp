// Small typed helpers over libbson for the document mapping: appending optional values as
// BSON null, and reading fields back tolerantly (null and absent both mean "none"; any
// numeric type is accepted where a number is expected, so documents written by other tools
// or older versions still read).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <bson/bson.h>

#include "oddsctl/time.hpp"

namespace oddsctl::store::mongo {

void put_str(bson_t* b, const char* key, std::string_view value);
void put_opt_str(bson_t* b, const char* key, const std::optional<std::string>& value);
void put_i32(bson_t* b, const char* key, std::int32_t value);
void put_i64(bson_t* b, const char* key, std::int64_t value);
void put_opt_i64(bson_t* b, const char* key, const std::optional<std::int64_t>& value);
void put_double(bson_t* b, const char* key, double value);
void put_opt_double(bson_t* b, const char* key, const std::optional<double>& value);
void put_bool(bson_t* b, const char* key, bool value);
void put_date(bson_t* b, const char* key, TimePoint value);
void put_opt_date(bson_t* b, const char* key, const std::optional<TimePoint>& value);
void put_null(bson_t* b, const char* key);
void put_str_array(bson_t* b, const char* key, const std::vector<std::string>& values);
void put_doc(bson_t* b, const char* key, const bson_t* doc);

// Builders of sub-documents. Spelled with the struct name: the bson_t typedef carries an
// alignment attribute that template arguments would drop (with a warning).
using BsonFill = std::function<void(_bson_t*)>;
using BsonFillAt = std::function<void(std::size_t, _bson_t*)>;

// Appends a sub-document built by `fill`.
void put_child(bson_t* b, const char* key, const BsonFill& fill);
// Appends an array of `n` sub-documents, the i-th built by `fill(i, doc)`.
void put_child_array(bson_t* b, const char* key, std::size_t n, const BsonFillAt& fill);

// Read access to one document (not owned; the document must outlive the reader).
class Reader {
public:
  explicit Reader(const bson_t* doc) : m_doc(doc) {}

  bool has(const char* key) const;  // present and not null
  std::string str(const char* key, const std::string& fallback = "") const;
  std::optional<std::string> opt_str(const char* key) const;
  std::int64_t i64(const char* key, std::int64_t fallback = 0) const;
  std::optional<std::int64_t> opt_i64(const char* key) const;
  double dbl(const char* key, double fallback = 0) const;
  std::optional<double> opt_double(const char* key) const;
  bool boolean(const char* key, bool fallback = false) const;
  TimePoint date(const char* key) const;  // epoch when missing
  std::optional<TimePoint> opt_date(const char* key) const;
  std::vector<std::string> str_array(const char* key) const;
  // Calls fn(Reader) for the sub-document at key (nothing when absent/not a document).
  void child(const char* key, const std::function<void(const Reader&)>& fn) const;
  // Calls fn(Reader) for each document element of the array at key.
  void each(const char* key, const std::function<void(const Reader&)>& fn) const;

  const bson_t* doc() const { return m_doc; }

private:
  bool find(const char* key, bson_iter_t* it) const;  // present and not null
  const bson_t* m_doc;
};

}  // namespace oddsctl::store::mongo
