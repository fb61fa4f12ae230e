// What only the PostgreSQL backend has: its URI (timeouts, TLS options, the password never
// shown), two runners creating the schema at once, read-only opens, the server's clock for
// leases. Runs when ODDSCTL_TEST_PG_URI names a server (tests/pg/cluster.py), directly and
// through PgBouncer; the URI parsing cases run always.
#ifdef ODDSCTL_WITH_POSTGRES

#include <atomic>
#include <cstdlib>
#include <thread>

#include "oddsctl/keys.hpp"
#include "backends.hpp"
#include "fixtures.hpp"
#include "oddsctl/errors.hpp"
#include "store/pg/conn.hpp"

using namespace oddsctl;
using namespace oddsctl::test;

namespace {

std::string pg_base() {
  const char* u = std::getenv("ODDSCTL_TEST_PG_URI");
  return u ? u : "";
}

std::string with_param(const std::string& uri, const std::string& param) {
  return uri + (uri.find('?') == std::string::npos ? "?" : "&") + param;
}

std::atomic<int> g_schema{0};
std::string fresh_schema() { return "oddsctl_pgcase_" + std::to_string(::getpid()) + "_" + std::to_string(++g_schema); }

std::string message_of(const std::function<void()>& fn) {
  try {
    fn();
  } catch (const std::exception& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST_CASE("pg uri: connect_timeout 5 s unless given; oddsctl's own parameters are not libpq's") {
  auto t = store::pg::parse_target("postgresql://u:pw@h:5432/db?sslmode=require&schema=s1&statement_timeout=2s");
  CHECK(t.conninfo.find("connect_timeout=5") != std::string::npos);
  CHECK(t.conninfo.find("sslmode=require") != std::string::npos);
  CHECK(t.conninfo.find("schema=") == std::string::npos);
  CHECK(t.conninfo.find("statement_timeout") == std::string::npos);
  CHECK(t.schema == "s1");
  CHECK(t.statement_timeout == std::chrono::seconds(2));
  CHECK(t.redacted == "postgresql://u:***@h:5432/db?sslmode=require&schema=s1&statement_timeout=2s");
  auto own = store::pg::parse_target("postgres://h/db?connect_timeout=17");
  CHECK(own.conninfo.find("connect_timeout=17") != std::string::npos);
  CHECK(own.conninfo.find("connect_timeout=5") == std::string::npos);
  CHECK(store::pg::redact_uri("postgresql://h/db?user=u&password=hunter2&sslpassword=x") ==
        "postgresql://h/db?user=u&password=***&sslpassword=***");
  CHECK(redact_store_uri("postgresql://h/db?password=hunter2") == "postgresql://h/db?password=***");
  // Bad values are usage errors that never show the password.
  auto bad = message_of([] { store::pg::parse_target("postgresql://u:hunter2@h/db?statement_timeout=soon"); });
  CHECK(bad.find("statement_timeout") != std::string::npos);
  CHECK(bad.find("hunter2") == std::string::npos);
  auto unknown = message_of([] { store::pg::parse_target("postgresql://u:hunter2@h/db?nonsense=1"); });
  CHECK(unknown.find("nonsense") != std::string::npos);
  CHECK(unknown.find("hunter2") == std::string::npos);
  CHECK_THROWS_AS(store::pg::parse_target("postgresql://u:hunter2@h/db?nonsense=1"), UsageError);
}

TEST_CASE("pg: a closed port fails fast and names no password") {
  // Port 1 on 127.0.0.1: nothing listens there.
  const auto t0 = std::chrono::steady_clock::now();
  auto msg =
      message_of([] { store::open_store("postgresql://oddsctl:hunter2@127.0.0.1:1/oddsctl?connect_timeout=2"); });
  CHECK(std::chrono::steady_clock::now() - t0 < std::chrono::seconds(10));
  CHECK(msg.find("cannot connect") != std::string::npos);
  CHECK(msg.find("hunter2") == std::string::npos);
  CHECK(msg.find("oddsctl:***@127.0.0.1:1") != std::string::npos);
}

TEST_CASE("pg server: wrong password, TLS asked of a server without it, read-only on nothing") {
  const std::string base = pg_base();
  if (base.empty()) return;  // the server cases run under tests/pg/cluster.py
  INFO("store " << redact_store_uri(base));
  // Wrong password: refused, and the password is not in the message.
  std::string wrong = base;
  auto at = wrong.find('@');
  auto colon = wrong.rfind(':', at);
  REQUIRE(at != std::string::npos);
  wrong = wrong.substr(0, colon + 1) + "not-the-password-42" + wrong.substr(at);
  auto msg = message_of([&] { store::open_store(wrong); });
  // "password authentication failed" (the server), "SASL authentication failed" (PgBouncer)
  CHECK(msg.find("authentication failed") != std::string::npos);
  CHECK(msg.find("not-the-password-42") == std::string::npos);
  CHECK(msg.find(":***@") != std::string::npos);
  // sslmode goes to libpq: the throwaway server has no TLS, so requiring it fails, saying so.
  auto tls = message_of([&] { store::open_store(with_param(base, "sslmode=require")); });
  CHECK(tls.find("SSL") != std::string::npos);
  // Read-only on a schema without oddsctl's tables: no store, and nothing made.
  const std::string schema = fresh_schema();
  auto ro = message_of([&] { open_store(with_param(base, "schema=" + schema), store::OpenMode::read_only); });
  CHECK(ro.find("no store at") != std::string::npos);
  auto rw = store::open_store(with_param(base, "schema=" + schema));
  rw->save_scan(make_scan("r1", "au", at_s(0)));
  auto reader = open_store(with_param(base, "schema=" + schema), store::OpenMode::read_only);
  REQUIRE(reader->latest_good("au").has_value());
  CHECK_THROWS_AS(reader->save_scan(make_scan("r2", "au", at_s(1))), StoreError);
  CHECK(reader->check().empty());
  CHECK(reader->info().location.find(":***@") != std::string::npos);
}

TEST_CASE("pg server: eight runners creating the schema at once: each step applied once") {
  const std::string base = pg_base();
  if (base.empty()) return;
  const std::string uri = with_param(base, "schema=" + fresh_schema());
  std::atomic<int> opened{0}, failed{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i)
    threads.emplace_back([&] {
      try {
        auto s = store::open_store(uri);
        s->set_meta("k", "v");
        ++opened;
      } catch (const std::exception& e) {
        MESSAGE("open failed: " << std::string(e.what()));
        ++failed;
      }
    });
  for (auto& t : threads) t.join();
  CHECK(opened.load() == 8);
  CHECK(failed.load() == 0);
  auto store = store::open_store(uri);
  CHECK(store->check().empty());
  CHECK(store->info().schema_version >= 1);
}

TEST_CASE("pg server: leases taken with the runner's present use the server's clock") {
  const std::string base = pg_base();
  if (base.empty()) return;
  auto store = store::open_store(with_param(base, "schema=" + fresh_schema()));
  // A runner whose clock is 3 s ahead and one 3 s behind agree: the server decides.
  const auto now = now_utc();
  auto a = store->acquire_lease("scan:au", "fast-clock", std::chrono::seconds(60), now + std::chrono::seconds(3));
  REQUIRE(a.acquired);
  auto gap = a.lease.acquired_at > now ? a.lease.acquired_at - now : now - a.lease.acquired_at;
  CHECK(gap < std::chrono::seconds(2));  // the server's now, not the runner's +3 s
  CHECK(a.lease.expires_at - a.lease.acquired_at == std::chrono::seconds(60));
  auto b = store->acquire_lease("scan:au", "slow-clock", std::chrono::seconds(60), now - std::chrono::seconds(3));
  CHECK_FALSE(b.acquired);
  CHECK(b.lease.owner == "fast-clock");
  CHECK(store->renew_lease("scan:au", "fast-clock", std::chrono::seconds(120), now_utc()));
  auto held = store->list_leases().at(0);
  CHECK(held.expires_at - held.acquired_at >= std::chrono::seconds(119));
}

#endif  // ODDSCTL_WITH_POSTGRES
