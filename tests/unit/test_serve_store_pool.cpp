// serve/store_pool: connections are lent and given back; one that failed is closed.
#include <doctest/doctest.h>

#include <filesystem>
#include <memory>
#include <string>

#include "oddsctl/errors.hpp"
#include "oddsctl/store.hpp"
#include "serve/store_pool.hpp"

using namespace oddsctl;

namespace {

struct Fixture {
  std::filesystem::path dir =
      std::filesystem::temp_directory_path() / ("oddsctl-pool-" + std::to_string(std::hash<const void*>{}(this)));
  int opened = 0;
  serve::StorePool pool{[this] {
                          ++opened;
                          return store::open_store((dir / "s.db").string(), store::OpenMode::read_write);
                        },
                        1};
  Fixture() { std::filesystem::create_directories(dir); }
  ~Fixture() { std::filesystem::remove_all(dir); }
};

}  // namespace

TEST_CASE("with_store lends one connection and gives it back") {
  Fixture f;
  const store::Store* first = f.pool.with_store([](store::Store& s) { return &s; });
  const store::Store* second = f.pool.with_store([](store::Store& s) { return &s; });
  CHECK(first == second);
  CHECK(f.opened == 1);
}

TEST_CASE("a StoreError closes the connection; any other error gives it back") {
  Fixture f;
  CHECK_THROWS_AS(f.pool.with_store([](store::Store&) -> int { throw UsageError("bad request"); }), UsageError);
  CHECK(f.opened == 1);
  f.pool.with_store([](store::Store&) { return 0; });
  CHECK(f.opened == 1);  // the usage error's connection was given back
  CHECK_THROWS_AS(f.pool.with_store([](store::Store&) -> int { throw StoreError("connection lost"); }), StoreError);
  f.pool.with_store([](store::Store&) { return 0; });
  CHECK(f.opened == 2);  // the failed one was closed, a new one opened
}
