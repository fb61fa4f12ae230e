// The webhook sink: one HTTP POST per alert with libcurl. A plain easy handle per call:
// alerts are few per run, so pooling connections would buy nothing.
#include <curl/curl.h>

#include <memory>
#include <mutex>

#include "oddsctl/keys.hpp"
#include "oddsctl/alerts.hpp"

namespace oddsctl::alerts {

namespace {

void global_init_once() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

// The response body is not needed; keep the first bytes for the error message only.
size_t keep_head(char* data, size_t size, size_t n, void* user) {
  auto* body = static_cast<std::string*>(user);
  size_t len = size * n;
  if (body->size() < 200) body->append(data, std::min(len, 200 - body->size()));
  return len;
}

std::string one_line(std::string s) {
  for (char& c : s)
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
  while (!s.empty() && s.back() == ' ') s.pop_back();
  return s;
}

}  // namespace

AlertSink webhook_sink(const std::string& url, Millis timeout) {
  global_init_once();
  return [url, timeout](const nlohmann::json& payload) -> Delivery {
    std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> curl(curl_easy_init(), curl_easy_cleanup);
    if (!curl) return {false, "webhook " + redact_url(url) + ": could not create a curl handle"};
    std::string body = payload.dump();
    std::string response;
    char errbuf[CURL_ERROR_SIZE] = {0};
    curl_slist* headers = nullptr;
    headers = curl_slist_append(headers, "Content-Type: application/json");
    headers = curl_slist_append(headers, "Expect:");  // no 100-continue round trip
    std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)> header_guard(headers, curl_slist_free_all);
    CURL* h = curl.get();
    curl_easy_setopt(h, CURLOPT_URL, url.c_str());
    curl_easy_setopt(h, CURLOPT_POST, 1L);
    curl_easy_setopt(h, CURLOPT_POSTFIELDS, body.c_str());
    curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(h, CURLOPT_USERAGENT, "oddsctl/" ODDSCTL_VERSION);
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, static_cast<long>(timeout.count()));
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(std::min<long long>(timeout.count(), 10000)));
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, keep_head);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &response);
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
    // Only web protocols; a redirect is followed only to http(s) and at most 3 times.
#if LIBCURL_VERSION_NUM >= 0x075500
    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(h, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
#endif
    curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 1L);
    curl_easy_setopt(h, CURLOPT_MAXREDIRS, 3L);
    curl_easy_setopt(h, CURLOPT_POSTREDIR, static_cast<long>(CURL_REDIR_POST_ALL));

    CURLcode rc = curl_easy_perform(h);
    if (rc != CURLE_OK) {
      std::string why = errbuf[0] ? errbuf : curl_easy_strerror(rc);
      // curl's message may quote the URL: keep only what cannot leak its path.
      if (why.find(url) != std::string::npos) why = curl_easy_strerror(rc);
      return {false, "webhook " + redact_url(url) + ": " + one_line(why)};
    }
    long status = 0;
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
    if (status < 200 || status > 299) {
      std::string msg = "webhook " + redact_url(url) + ": HTTP " + std::to_string(status);
      std::string head = one_line(response);
      if (!head.empty()) msg += ": " + head.substr(0, 120);
      return {false, msg};
    }
    return {true, ""};
  };
}

}  // namespace oddsctl::alerts
