// A small pool of libcurl easy handles doing blocking GETs. Handles go back to the pool
// after each call, so a later call (from any thread) reuses their keep-alive connections.
// libcurl stays out of this header so that only curl_pool.cpp needs it.
#pragma once

#include <cstddef>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "oddsctl/time.hpp"

namespace oddsctl::api {

enum class Transport {
  ok,           // a whole response came back (any HTTP status)
  timeout,      // the attempt ran out of time
  broken_body,  // a status line came, then the body broke (truncated, bad encoding, reset)
  network,      // no response: connect refused, reset, DNS, TLS...
  too_large,    // the (inflated) body passed the size cap; reading stopped there
};

struct HttpResult {
  Transport transport = Transport::network;
  long status = 0;    // 0 when no status line came back
  std::string error;  // libcurl's reason when transport != ok
  std::string body;
  std::map<std::string, std::string> headers;  // names in lower case, last value wins
  bool request_sent = false;                   // the request left (a timeout may have been charged)
  std::size_t max_body = 0;                    // the cap that applied, for messages
  // Bytes received on the wire: the body as sent (gzip-compressed when the server
  // compressed it) plus the header block. body.size() is the inflated size.
  std::int64_t wire_bytes = 0;

  const std::string* header(const std::string& lower_name) const {
    auto it = headers.find(lower_name);
    return it == headers.end() ? nullptr : &it->second;
  }
};

class CurlPool {
public:
  CurlPool();
  ~CurlPool();
  CurlPool(const CurlPool&) = delete;
  CurlPool& operator=(const CurlPool&) = delete;

  // One GET; never throws for transport problems (they are in the result). The body, after
  // any Content-Encoding is undone, is read up to `max_body` bytes: a gzip bomb stops there
  // (Transport::too_large) instead of filling memory.
  HttpResult get(const std::string& url, Millis connect_timeout, Millis total_timeout, std::size_t max_body);

private:
  void* acquire();
  void release(void* handle);

  std::mutex m_mutex;
  std::vector<void*> m_free;
};

// Percent-encodes everything but RFC 3986 unreserved characters.
std::string url_escape(std::string_view text);

}  // namespace oddsctl::api
