// How The Odds API bills the books of an /odds call, and which form of the request costs
// less for the same books. The API's v4 docs: `bookmakers` is a comma-separated list of
// bookmaker keys; "every group of 10 bookmakers is the equivalent of 1 region" for the usage
// quota, and when both `regions` and `bookmakers` are given, `bookmakers` takes priority.
// A call therefore costs markets x (1 per region asked, or ceil(books / 10)).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace oddsctl::budget {

constexpr std::size_t k_books_per_region = 10;

// Region equivalents `books` bookmaker keys are billed as: ceil(books / 10) (0 for none).
std::int64_t bookmaker_units(std::size_t books);

// The --bookmakers keys one region's calls ask for: those oddsctl knows as books of
// `region`, plus every key oddsctl knows in no region (the API adds books often; such a key
// is asked in every region). A book belongs to its region: asking another region's book
// under this region's key would mix regions in one result. Order kept, duplicates dropped.
std::vector<std::string> region_books(const std::string& region, const std::vector<std::string>& asked);

// How one region's /odds calls ask for `asked` (empty: every book of the region).
struct BookRequest {
  // true: `bookmakers=<books>` (billed per started group of 10); false: `regions=<region>`
  // alone, billed as 1 region, the books filtered on our side (the engine's --bookmakers rule).
  bool by_bookmakers = false;
  std::vector<std::string> books;        // region_books(); empty with by_bookmakers false: all
  std::int64_t units = 1;                // region equivalents each call is billed as; 0: no call
  std::int64_t units_by_region = 1;      // what regions=<region> would cost (1)
  std::int64_t units_by_bookmakers = 0;  // what bookmakers=<books> would cost
};
// The cheaper form for the same books: `regions` when every book is a known book of the
// region and more than 10 are asked (1 region < 2+ groups); `bookmakers` otherwise (same
// cost or cheaper, and a smaller answer). units 0 when none of `asked` belongs to the region.
BookRequest plan_books(const std::string& region, const std::vector<std::string>& asked);

}  // namespace oddsctl::budget
