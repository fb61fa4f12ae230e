#include "api/curl_pool.hpp"

#include <algorithm>
#include <cctype>
#include <mutex>

#include <curl/curl.h>

namespace oddsctl::api {
namespace {

void global_init() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

// libcurl hands over the body already inflated, a few KiB at a time.
size_t on_body(char* data, size_t size, size_t count, void* user) {
  auto* result = static_cast<HttpResult*>(user);
  const size_t n = size * count;
  std::string& body = result->body;
  if (n > result->max_body - body.size()) {
    result->transport = Transport::too_large;  // read back after the abort
    return 0;                                  // aborts with CURLE_WRITE_ERROR
  }
  // Grow by doubling but never past the cap, so that the peak memory of a body at the cap
  // is the cap plus the half-size buffer being copied, not twice the cap.
  if (body.size() + n > body.capacity())
    body.reserve(std::min(result->max_body, std::max(body.size() + n, body.capacity() * 2)));
  body.append(data, n);
  return n;
}

std::string trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return std::string(s);
}

size_t on_header(char* data, size_t size, size_t count, void* user) {
  auto* result = static_cast<HttpResult*>(user);
  const size_t n = size * count;
  std::string_view line(data, n);
  if (line.substr(0, 5) == "HTTP/") {
    result->headers.clear();  // a new response (after a 100 Continue or a redirect)
    return n;
  }
  const auto colon = line.find(':');
  if (colon == std::string_view::npos) return n;
  std::string name(line.substr(0, colon));
  std::transform(name.begin(), name.end(), name.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  result->headers[trim(name)] = trim(line.substr(colon + 1));
  return n;
}

long clamp_ms(Millis d) { return static_cast<long>(std::max<Millis::rep>(1, d.count())); }

}  // namespace

CurlPool::CurlPool() { global_init(); }

CurlPool::~CurlPool() {
  for (void* h : m_free) curl_easy_cleanup(static_cast<CURL*>(h));
}

void* CurlPool::acquire() {
  {
    std::lock_guard lock(m_mutex);
    if (!m_free.empty()) {
      void* h = m_free.back();
      m_free.pop_back();
      return h;
    }
  }
  return curl_easy_init();
}

void CurlPool::release(void* handle) {
  // curl_easy_reset keeps the handle's live connections, so keep-alive survives.
  curl_easy_reset(static_cast<CURL*>(handle));
  std::lock_guard lock(m_mutex);
  m_free.push_back(handle);
}

HttpResult CurlPool::get(const std::string& url, Millis connect_timeout, Millis total_timeout, std::size_t max_body) {
  HttpResult result;
  result.max_body = max_body;
  CURL* curl = static_cast<CURL*>(acquire());
  if (curl == nullptr) {
    result.error = "could not create a libcurl handle";
    return result;
  }
  char error[CURL_ERROR_SIZE] = {0};
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_HTTPGET, 1L);
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);         // threads: no SIGALRM for DNS timeouts
  curl_easy_setopt(curl, CURLOPT_ACCEPT_ENCODING, "");  // every encoding libcurl can decode
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, clamp_ms(std::min(connect_timeout, total_timeout)));
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, clamp_ms(total_timeout));
  curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 0L);
#if LIBCURL_VERSION_NUM >= 0x075500
  curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
#endif
  curl_easy_setopt(curl, CURLOPT_USERAGENT, "oddsctl/" ODDSCTL_VERSION);
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &result);
  curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt(curl, CURLOPT_HEADERDATA, &result);

  const CURLcode code = curl_easy_perform(curl);
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &result.status);
  long request_size = 0;
  curl_easy_getinfo(curl, CURLINFO_REQUEST_SIZE, &request_size);
  result.request_sent = request_size > 0;
  curl_off_t body_on_wire = 0;  // counted before the content decoding
  long header_size = 0;
  curl_easy_getinfo(curl, CURLINFO_SIZE_DOWNLOAD_T, &body_on_wire);
  curl_easy_getinfo(curl, CURLINFO_HEADER_SIZE, &header_size);
  result.wire_bytes = static_cast<std::int64_t>(body_on_wire) + header_size;
  if (result.transport == Transport::too_large) {
    result.error = "the body passed the size cap";
    result.body.clear();
    result.body.shrink_to_fit();  // the memory goes back now, not when the caller is done
  } else if (code == CURLE_OK) {
    result.transport = Transport::ok;
  } else {
    result.error = error[0] != '\0' ? std::string(error) : std::string(curl_easy_strerror(code));
    if (code == CURLE_OPERATION_TIMEDOUT) {
      result.transport = Transport::timeout;
    } else if (result.status > 0) {
      result.transport = Transport::broken_body;
    } else {
      result.transport = Transport::network;
    }
  }
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, nullptr);
  release(curl);
  return result;
}

std::string url_escape(std::string_view text) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size());
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(hex[c >> 4]);
      out.push_back(hex[c & 15]);
    }
  }
  return out;
}

}  // namespace oddsctl::api
