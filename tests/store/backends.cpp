#include "oddsctl/keys.hpp"
#include "backends.hpp"

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <unistd.h>

namespace oddsctl::test {

namespace {

std::atomic<int> g_counter{0};

const std::string& temp_dir() {
  static const std::string dir = [] {
    const char* base = std::getenv("TMPDIR");
    std::string tmpl = std::string(base && base[0] ? base : "/tmp") + "/oddsctl-store-test-XXXXXX";
    if (!mkdtemp(tmpl.data())) throw std::runtime_error("cannot create a temp folder from " + tmpl);
    return tmpl;
  }();
  return dir;
}

// "mongodb://h:27017/anything?opts" -> "mongodb://h:27017/<db>?opts"
std::string with_database(const std::string& uri, const std::string& db) {
  auto q = uri.find('?');
  std::string base = uri.substr(0, q), query = q == std::string::npos ? "" : uri.substr(q);
  auto hosts = base.find("://");
  auto slash = base.find('/', hosts == std::string::npos ? 0 : hosts + 3);
  if (slash != std::string::npos) base.erase(slash);
  return base + "/" + db + query;
}

// PostgreSQL when ODDSCTL_TEST_PG_URI names a server (tests/pg/cluster.py sets it): a new
// schema per case (?schema=oddsctl_test_<pid>_<n>), directly or through PgBouncer alike.
void add_pg_backend(std::vector<Backend>& out, std::string& notes, const std::string& only) {
#ifdef ODDSCTL_WITH_POSTGRES
  const char* pg = std::getenv("ODDSCTL_TEST_PG_URI");
  if (!only.empty() && only != "postgresql") return;
  if (!pg || !pg[0]) {
    notes += "; postgresql SKIPPED (ODDSCTL_TEST_PG_URI not set)";
    return;
  }
  std::string base = pg;
  out.push_back({"postgresql", [base] {
                   const char* sep = base.find('?') == std::string::npos ? "?" : "&";
                   return base + sep + "schema=oddsctl_test_" + std::to_string(getpid()) + "_" +
                          std::to_string(++g_counter);
                 }});
  notes += "; postgresql at " + redact_store_uri(base);
#else
  (void)out;
  (void)only;
  notes += "; postgresql SKIPPED (built without PostgreSQL)";
#endif
}

std::vector<Backend> make_backends(std::string& banner) {
  std::vector<Backend> out;
  // ODDSCTL_TEST_STORE_ONLY=postgresql: only that backend (the PostgreSQL runs of the suite,
  // tests/pg/cluster.py, skip the SQLite cases that store.conformance already ran).
  const char* only_env = std::getenv("ODDSCTL_TEST_STORE_ONLY");
  const std::string only = only_env ? only_env : "";
  std::string notes;
  if (only.empty() || only == "sqlite")
    out.push_back({"sqlite", [] { return "sqlite://" + temp_dir() + "/case_" + std::to_string(++g_counter) + ".db"; }});
#ifdef ODDSCTL_WITH_MONGO
  const char* mongo = std::getenv("ODDSCTL_TEST_MONGO_URI");
  if (!only.empty() && only != "mongodb") {
    // not asked for
  } else if (mongo && mongo[0]) {
    std::string base = mongo;
    out.push_back({"mongodb", [base] {
                     return with_database(
                         base, "oddsctl_test_" + std::to_string(getpid()) + "_" + std::to_string(++g_counter));
                   }});
  } else {
    notes += "; mongodb SKIPPED (ODDSCTL_TEST_MONGO_URI not set)";
  }
#else
  notes += "; mongodb SKIPPED (built without MongoDB)";
#endif
  add_pg_backend(out, notes, only);
  banner = "store conformance: running on";
  for (std::size_t i = 0; i < out.size(); ++i) {
    banner += i ? ", " : " ";
    banner += out[i].name;
  }
  banner += notes;
  return out;
}

// Prints which backends run, and removes the SQLite files when every case passed.
struct BackendReporter : doctest::IReporter {
  explicit BackendReporter(const doctest::ContextOptions&) {}
  void report_query(const doctest::QueryData&) override {}
  void test_run_start() override { backends(); }
  void test_run_end(const doctest::TestRunStats& stats) override {
    std::error_code ec;
    if (!std::filesystem::exists(temp_dir(), ec)) return;
    if (stats.numAssertsFailed == 0 && stats.numTestCasesFailed == 0) std::filesystem::remove_all(temp_dir(), ec);
    else std::fprintf(stderr, "store conformance: SQLite stores left in %s\n", temp_dir().c_str());
  }
  void test_case_start(const doctest::TestCaseData&) override {}
  void test_case_reenter(const doctest::TestCaseData&) override {}
  void test_case_end(const doctest::CurrentTestCaseStats&) override {}
  void test_case_exception(const doctest::TestCaseException&) override {}
  void subcase_start(const doctest::SubcaseSignature&) override {}
  void subcase_end() override {}
  void log_assert(const doctest::AssertData&) override {}
  void log_message(const doctest::MessageData&) override {}
  void test_case_skipped(const doctest::TestCaseData&) override {}
};

}  // namespace

const std::vector<Backend>& backends() {
  static std::string banner;
  static const std::vector<Backend> list = [] {
    auto l = make_backends(banner);
    std::printf("%s\n", banner.c_str());
    std::fflush(stdout);
    return l;
  }();
  return list;
}

}  // namespace oddsctl::test

REGISTER_LISTENER("oddsctl_store_backends", 1, oddsctl::test::BackendReporter);
