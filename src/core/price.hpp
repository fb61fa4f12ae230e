// Price normalisation shared by the odds readers (private to the library).
#pragma once

#include <vector>

#include "oddsctl/odds.hpp"

namespace oddsctl {

// Converts every price to decimal (when `american`) and drops quotes that are not a price:
// not finite, or below 1.0 once decimal (an American value in (-100, 100) included).
// A missing price reads as 0 and is dropped too.
void normalise_prices(std::vector<Event>& events, bool american);
// The same for one price: false when it is not one (the quote is dropped), else `price` decimal.
bool normalise_price(double& price, bool american);

}  // namespace oddsctl
