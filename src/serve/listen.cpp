// --listen parsing and the token comparison.
#include <cctype>

#include "oddsctl/errors.hpp"
#include "oddsctl/serve.hpp"

namespace oddsctl::serve {

ListenAddress parse_listen(const std::string& text, const std::string& flag) {
  auto bad = [&](const std::string& why) {
    return UsageError(flag + ": '" + text + "' " + why + " (expected HOST:PORT, e.g. 127.0.0.1:8080 or :9090)");
  };
  auto colon = text.rfind(':');
  if (colon == std::string::npos) throw bad("has no port");
  std::string host = text.substr(0, colon);
  std::string port = text.substr(colon + 1);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  else if (host.find(':') != std::string::npos) throw bad("is an IPv6 address without brackets");
  if (host.empty()) host = "127.0.0.1";  // ":9090": loopback, never every interface by accident
  for (char c : host)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == ':' || c == '_'))
      throw bad("has a bad host");
  if (port.empty() || port.size() > 5) throw bad("has a bad port");
  for (char c : port)
    if (!std::isdigit(static_cast<unsigned char>(c))) throw bad("has a bad port");
  int p = std::stoi(port);
  if (p > 65535) throw bad("has a port above 65535");
  return {host, p};
}

bool secrets_equal(const std::string& a, const std::string& b) {
  // Every byte is looked at whatever differs first: the time depends on the lengths only.
  const std::size_t n = a.size() > b.size() ? a.size() : b.size();
  unsigned char diff = a.size() == b.size() ? 0 : 1;
  for (std::size_t i = 0; i < n; ++i) {
    unsigned char x = i < a.size() ? static_cast<unsigned char>(a[i]) : 0;
    unsigned char y = i < b.size() ? static_cast<unsigned char>(b[i]) : 0;
    diff |= static_cast<unsigned char>(x ^ y);
  }
  // volatile: keeps the loop from being cut short by the optimiser.
  volatile unsigned char result = diff;
  return result == 0;
}

}  // namespace oddsctl::serve
