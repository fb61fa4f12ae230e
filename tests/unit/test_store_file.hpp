// Shared by the unit tests that look into a SQLite store file behind the store's back: what
// text form each opportunity row is kept in, and raw SQL to tamper with rows.
#pragma once

#include <string>
#include <vector>

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>

namespace store_file {

// Every opportunity row's text_form, in (scan_id, region, idx) order.
inline std::vector<int> text_forms(const std::string& path) {
  SQLite::Database db(path, SQLite::OPEN_READONLY);
  SQLite::Statement st(db, "SELECT text_form FROM opportunities ORDER BY scan_id, region, idx");
  std::vector<int> out;
  while (st.executeStep()) out.push_back(st.getColumn(0).getInt());
  return out;
}

inline void exec(const std::string& path, const std::string& sql) {
  SQLite::Database db(path, SQLite::OPEN_READWRITE);
  db.exec(sql);
}

}  // namespace store_file
