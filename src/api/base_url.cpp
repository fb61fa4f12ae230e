// checked_base_url(): the API base URL is checked once, up front, so that a typo such as
// ftp:// or a port of 99999 is a usage error naming the URL, not a run of network retries.
#include <algorithm>
#include <cctype>

#include "oddsctl/api.hpp"
#include "oddsctl/text.hpp"

namespace oddsctl::api {
namespace {

// The URL as it may be shown: without any user:password@ part, printable, bounded.
std::string shown(const std::string& url) {
  std::string out = url;
  const auto start = out.find("://");
  if (start != std::string::npos) {
    const auto authority_end = out.find_first_of("/?#", start + 3);
    const auto at = out.rfind('@', authority_end == std::string::npos ? std::string::npos : authority_end);
    if (at != std::string::npos && at > start) out.erase(start + 3, at + 1 - (start + 3));
  }
  return printable(out, 200);
}

[[noreturn]] void refuse(const std::string& url, const std::string& why) {
  throw UsageError("API base URL '" + shown(url) + "': " + why);
}

}  // namespace

std::string checked_base_url(const std::string& url) {
  if (url.empty()) refuse(url, "it is empty");
  for (unsigned char c : url)
    if (c <= 0x20 || c == 0x7F) refuse(url, "it contains a space or a control character");
  const auto sep = url.find("://");
  if (sep == std::string::npos || sep == 0) refuse(url, "it is not an http:// or https:// URL");
  std::string scheme = url.substr(0, sep);
  std::transform(scheme.begin(), scheme.end(), scheme.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (scheme != "http" && scheme != "https")
    refuse(url, "the scheme '" + printable(scheme, 20) + "' is not http or https");

  const std::size_t authority_begin = sep + 3;
  const std::size_t authority_end = std::min(url.find_first_of("/?#", authority_begin), url.size());
  std::string hostport = url.substr(authority_begin, authority_end - authority_begin);
  if (const auto at = hostport.rfind('@'); at != std::string::npos) hostport.erase(0, at + 1);
  std::string host = hostport, port;
  bool has_port = false;
  if (!hostport.empty() && hostport.front() == '[') {  // [IPv6]:port
    const auto close = hostport.find(']');
    if (close == std::string::npos) refuse(url, "the IPv6 host has no closing ']'");
    host = hostport.substr(0, close + 1);
    const std::string after = hostport.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') refuse(url, "unexpected text after the IPv6 host");
      has_port = true;
      port = after.substr(1);
    }
    if (host == "[]") host.clear();
  } else if (const auto colon = hostport.find(':'); colon != std::string::npos) {
    host = hostport.substr(0, colon);
    has_port = true;
    port = hostport.substr(colon + 1);
  }
  if (host.empty()) refuse(url, "the host is empty");
  if (has_port) {
    const bool digits = !port.empty() && port.size() <= 5 &&
                        std::all_of(port.begin(), port.end(), [](unsigned char c) { return std::isdigit(c); });
    if (!digits || std::stoi(port) < 1 || std::stoi(port) > 65535)
      refuse(url, "the port '" + printable(port, 20) + "' is not a number from 1 to 65535");
  }
  // Paths and query parameters are appended to the base URL: one of its own would end up
  // in the middle of every request.
  if (url.find_first_of("?#", authority_end) != std::string::npos)
    refuse(url, "a base URL takes no query (?) or fragment (#)");

  std::string out = url;
  while (out.size() > authority_end && out.back() == '/') out.pop_back();
  return out;
}

}  // namespace oddsctl::api
