#include "store/pg/conn.hpp"

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <thread>

#include <libpq-fe.h>

#include "oddsctl/errors.hpp"

namespace oddsctl::store::pg {

namespace {

// oddsctl's own URI parameters: read here, never passed to libpq (which refuses unknown ones).
constexpr const char* k_own_params[] = {"schema", "statement_timeout", "lock_timeout"};

bool is_secret_param(const std::string& key) {
  return key == "password" || key == "sslpassword" || key.find("password") != std::string::npos;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string percent_decode(const std::string& s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && hex_value(s[i + 1]) >= 0 && hex_value(s[i + 2]) >= 0) {
      out += static_cast<char>(hex_value(s[i + 1]) * 16 + hex_value(s[i + 2]));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

std::string one_line(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ' || s.back() == '\r')) s.pop_back();
  for (auto& c : s)
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
  return s;
}

Millis parse_own_duration(const std::string& key, const std::string& value, const std::string& redacted) {
  // A bare number is milliseconds, as in PostgreSQL's own settings; else "30s", "2m", ...
  bool digits = !value.empty() && value.find_first_not_of("0123456789") == std::string::npos;
  if (digits) return Millis(std::atoll(value.c_str()));
  try {
    return parse_duration(value, key);
  } catch (const Error& e) {
    throw UsageError("store " + redacted + ": " + e.what());
  }
}

}  // namespace

std::string redact_uri(const std::string& uri) {
  std::string out = uri;
  auto sep = out.find("://");
  if (sep != std::string::npos) {
    auto auth_begin = sep + 3;
    auto auth_end = out.find_first_of("/?#", auth_begin);
    if (auth_end == std::string::npos) auth_end = out.size();
    auto at = out.rfind('@', auth_end == 0 ? 0 : auth_end - 1);
    if (at != std::string::npos && at >= auth_begin) {
      auto colon = out.find(':', auth_begin);
      if (colon != std::string::npos && colon < at) out = out.substr(0, colon) + ":***" + out.substr(at);
    }
  }
  auto q = out.find('?');
  if (q == std::string::npos) return out;
  std::string head = out.substr(0, q + 1), query = out.substr(q + 1), rebuilt;
  std::size_t pos = 0;
  while (pos <= query.size()) {
    auto amp = query.find('&', pos);
    std::string part = query.substr(pos, amp == std::string::npos ? std::string::npos : amp - pos);
    auto eq = part.find('=');
    if (eq != std::string::npos && is_secret_param(part.substr(0, eq))) part = part.substr(0, eq) + "=***";
    if (pos != 0) rebuilt += '&';
    rebuilt += part;
    if (amp == std::string::npos) break;
    pos = amp + 1;
  }
  return head + rebuilt;
}

Target parse_target(const std::string& uri) {
  Target t;
  t.redacted = redact_uri(uri);
  auto q = uri.find('?');
  std::string base = uri.substr(0, q);
  std::vector<std::string> kept;
  bool has_connect_timeout = false;
  if (q != std::string::npos) {
    std::string query = uri.substr(q + 1);
    std::size_t pos = 0;
    while (pos <= query.size()) {
      auto amp = query.find('&', pos);
      std::string part = query.substr(pos, amp == std::string::npos ? std::string::npos : amp - pos);
      pos = amp == std::string::npos ? query.size() + 1 : amp + 1;
      if (part.empty()) continue;
      auto eq = part.find('=');
      std::string key = part.substr(0, eq), value = eq == std::string::npos ? "" : percent_decode(part.substr(eq + 1));
      bool own = false;
      for (const char* k : k_own_params) own = own || key == k;
      if (!own) {
        if (key == "connect_timeout") has_connect_timeout = true;
        kept.push_back(part);
        continue;
      }
      if (key == "schema") {
        if (value.empty() || value.size() > 63)
          throw UsageError("store " + t.redacted + ": schema must be 1 to 63 characters");
        t.schema = value;
      } else if (key == "statement_timeout") {
        t.statement_timeout = parse_own_duration(key, value, t.redacted);
      } else if (key == "lock_timeout") {
        t.lock_timeout = parse_own_duration(key, value, t.redacted);
      }
    }
  }
  if (!has_connect_timeout) kept.push_back("connect_timeout=" + std::to_string(k_default_connect_timeout_s));
  kept.push_back("fallback_application_name=oddsctl");
  t.conninfo = base;
  for (std::size_t i = 0; i < kept.size(); ++i) {
    t.conninfo += i == 0 ? '?' : '&';
    t.conninfo += kept[i];
  }
  // libpq's own parser: a malformed URI or an unknown parameter is a usage error now, not a
  // connection failure later. Its message may quote the URI: never shown, only the cause.
  char* err = nullptr;
  PQconninfoOption* opts = PQconninfoParse(t.conninfo.c_str(), &err);
  if (!opts) {
    std::string why = err ? one_line(err) : "not a PostgreSQL connection URI";
    if (err) PQfreemem(err);
    if (why.find("://") != std::string::npos) why = "not a valid PostgreSQL connection URI";
    throw UsageError("store " + t.redacted + ": " + why);
  }
  PQconninfoFree(opts);
  return t;
}

// --- Result ---

Result::Result(PGresult* r) : m_r(r) {}
Result::Result(Result&& o) noexcept : m_r(o.m_r) { o.m_r = nullptr; }
Result& Result::operator=(Result&& o) noexcept {
  if (this != &o) {
    if (m_r) PQclear(m_r);
    m_r = o.m_r;
    o.m_r = nullptr;
  }
  return *this;
}
Result::~Result() {
  if (m_r) PQclear(m_r);
}
int Result::rows() const { return m_r ? PQntuples(m_r) : 0; }
bool Result::null(int row, int col) const { return PQgetisnull(m_r, row, col) != 0; }
const char* Result::raw(int row, int col) const { return PQgetvalue(m_r, row, col); }
int Result::length(int row, int col) const { return PQgetlength(m_r, row, col); }
std::string Result::text(int row, int col) const {
  return std::string(PQgetvalue(m_r, row, col), static_cast<std::size_t>(PQgetlength(m_r, row, col)));
}
std::int64_t Result::i64(int row, int col) const {
  if (null(row, col)) throw std::runtime_error("unexpected NULL in column " + std::to_string(col));
  const char* v = PQgetvalue(m_r, row, col);
  char* end = nullptr;
  errno = 0;
  long long n = std::strtoll(v, &end, 10);
  if (errno != 0 || end == v || *end != '\0') throw std::runtime_error(std::string("not an integer: ") + v);
  return n;
}
double Result::f64(int row, int col) const {
  if (null(row, col)) throw std::runtime_error("unexpected NULL in column " + std::to_string(col));
  return std::strtod(PQgetvalue(m_r, row, col), nullptr);
}
std::optional<std::string> Result::opt_text(int row, int col) const {
  if (null(row, col)) return std::nullopt;
  return text(row, col);
}
std::optional<std::int64_t> Result::opt_i64(int row, int col) const {
  if (null(row, col)) return std::nullopt;
  return i64(row, col);
}
std::optional<TimePoint> Result::opt_time(int row, int col) const {
  if (null(row, col)) return std::nullopt;
  return time(row, col);
}
std::int64_t Result::affected() const {
  const char* n = m_r ? PQcmdTuples(m_r) : "";
  return n && *n ? std::atoll(n) : 0;
}

// --- Params ---

Params& Params::add(double v) {
  char buf[40];
  // Round-trips exactly (17 significant digits); PostgreSQL's float8 input reads it back.
  std::snprintf(buf, sizeof buf, "%.17g", v);
  m_values.emplace_back(std::string(buf));
  return *this;
}

namespace {
std::string array_element(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}
}  // namespace

Params& Params::add_array(const std::vector<std::string>& v) {
  std::string out = "{";
  for (std::size_t i = 0; i < v.size(); ++i) {
    if (i) out += ',';
    out += array_element(v[i]);
  }
  m_values.emplace_back(out + "}");
  return *this;
}

Params& Params::add_array(const std::vector<std::optional<std::string>>& v) {
  std::string out = "{";
  for (std::size_t i = 0; i < v.size(); ++i) {
    if (i) out += ',';
    out += v[i] ? array_element(*v[i]) : std::string("NULL");
  }
  m_values.emplace_back(out + "}");
  return *this;
}

Params& Params::add_array(const std::vector<std::int64_t>& v) {
  std::string out = "{";
  for (std::size_t i = 0; i < v.size(); ++i) {
    if (i) out += ',';
    out += std::to_string(v[i]);
  }
  m_values.emplace_back(out + "}");
  return *this;
}

// --- statements ---

namespace {

PgFailure failure_of(PGconn* c, PGresult* r) {
  std::string sqlstate, message;
  if (r) {
    if (const char* s = PQresultErrorField(r, PG_DIAG_SQLSTATE)) sqlstate = s;
    if (const char* m = PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY)) message = m;
    if (const char* d = PQresultErrorField(r, PG_DIAG_MESSAGE_DETAIL)) message += std::string(" (") + d + ")";
  }
  if (message.empty()) message = c ? PQerrorMessage(c) : "no connection";
  bool lost = !c || PQstatus(c) == CONNECTION_BAD;
  if (lost && sqlstate.empty()) message = "connection lost: " + one_line(message);
  return PgFailure(one_line(message), sqlstate, lost);
}

Result checked(PGconn* c, PGresult* r) {
  ExecStatusType st = r ? PQresultStatus(r) : PGRES_FATAL_ERROR;
  if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK || st == PGRES_EMPTY_QUERY) return Result(r);
  PgFailure f = failure_of(c, r);
  if (r) PQclear(r);
  throw f;
}

}  // namespace

Result Tx::exec(const std::string& sql, const Params& params) const {
  const auto& values = params.values();
  std::vector<const char*> ptrs;
  ptrs.reserve(values.size());
  for (const auto& v : values) ptrs.push_back(v ? v->c_str() : nullptr);
  // The unnamed statement (no name kept on the server): safe behind a transaction pooler.
  PGresult* r =
      PQexecParams(m_c, sql.c_str(), static_cast<int>(ptrs.size()), nullptr, ptrs.data(), nullptr, nullptr, 0);
  return checked(m_c, r);
}

std::string quote_ident(const std::string& name) {
  std::string out = "\"";
  for (char c : name) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::string quote_literal(const std::string& text) {
  std::string out = "'";
  for (char c : text) {
    if (c == '\'') out += '\'';
    out += c;
  }
  return out + "'";
}

// --- Conn ---

Conn::Conn(Target target) : m_target(std::move(target)) {}

Conn::~Conn() {
  if (m_conn) PQfinish(m_conn);
}

void Conn::connect() {
  if (m_conn && PQstatus(m_conn) == CONNECTION_OK) return;
  if (m_conn) {
    PQfinish(m_conn);
    m_conn = nullptr;
  }
  PGconn* c = PQconnectdb(m_target.conninfo.c_str());
  if (!c || PQstatus(c) != CONNECTION_OK) {
    std::string why = c ? one_line(PQerrorMessage(c)) : "out of memory";
    if (c) PQfinish(c);
    throw PgFailure("cannot connect: " + why, "", true);
  }
  // Notices (e.g. "schema already exists") are not for the user's terminal.
  PQsetNoticeProcessor(
      c, [](void*, const char*) {}, nullptr);
  m_conn = c;
}

void Conn::ensure() { connect(); }

int Conn::server_version() {
  ensure();
  return PQserverVersion(m_conn);
}

void Conn::exec_outside(const std::string& sql) {
  ensure();
  checked(m_conn, PQexec(m_conn, sql.c_str()));
}

void Conn::transaction(TxKind kind, const std::function<void(Tx&)>& fn, const std::string& prelude) {
  constexpr int k_attempts = 8;
  bool reconnected = false;
  for (int attempt = 1;; ++attempt) {
    ensure();
    bool commit_sent = false;
    try {
      std::string begin = kind == TxKind::read_write  ? "BEGIN"
                          : kind == TxKind::read_only ? "BEGIN READ ONLY"
                                                      : "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY";
      // One round trip: the transaction and its local settings (gone at COMMIT/ROLLBACK,
      // so a pooler hands the server connection on clean).
      begin += "; SET LOCAL statement_timeout = " + std::to_string(m_target.statement_timeout.count()) +
               "; SET LOCAL lock_timeout = " + std::to_string(m_target.lock_timeout.count()) +
               "; SET LOCAL search_path = " + quote_ident(m_target.schema);
      if (!prelude.empty()) begin += "; " + prelude;
      checked(m_conn, PQexec(m_conn, begin.c_str()));
      Tx tx(m_conn);
      fn(tx);
      commit_sent = true;
      checked(m_conn, PQexec(m_conn, "COMMIT"));
      return;
    } catch (const PgFailure& f) {
      if (f.connection_lost()) {
        PQfinish(m_conn);
        m_conn = nullptr;
      } else if (!commit_sent) {
        PQclear(PQexec(m_conn, "ROLLBACK"));
      }
      if (f.retryable() && attempt < k_attempts) {
        std::this_thread::sleep_for(std::chrono::milliseconds(5 * attempt * attempt));
        continue;
      }
      // A pooler or server that dropped the connection between transactions: one fresh
      // connection, when the work cannot have been committed.
      if (f.connection_lost() && !commit_sent && !reconnected) {
        reconnected = true;
        continue;
      }
      throw;
    } catch (...) {
      if (m_conn && PQstatus(m_conn) == CONNECTION_OK && !commit_sent) PQclear(PQexec(m_conn, "ROLLBACK"));
      throw;
    }
  }
}

}  // namespace oddsctl::store::pg
