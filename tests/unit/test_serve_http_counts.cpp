// The HTTP module (oddsctl-http.so) reports each response to on_response before writing it,
// so a client holding its answer finds it counted (serve's /metrics, http_requests_total).
#include <doctest/doctest.h>

#ifdef ODDSCTL_HTTP_MODULE

#include <arpa/inet.h>
#include <dlfcn.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>

#include "serve/http_module.hpp"

using namespace oddsctl::serve;

namespace {

using StartFn = HttpServer* (*)(const HttpServerOptions*, const HttpHandler*, char*, std::size_t);

// One request on a new connection, read up to the end of its body (Content-Length), not to
// the close: the connection stays open, so only the response itself can end the read.
std::string exchange(int port, const std::string& request) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  REQUIRE(fd >= 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<std::uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  REQUIRE(send(fd, request.data(), request.size(), 0) == static_cast<ssize_t>(request.size()));
  std::string got;
  char buf[4096];
  for (;;) {
    const auto head_end = got.find("\r\n\r\n");
    if (head_end != std::string::npos) {
      const auto cl = got.find("Content-Length: ");
      REQUIRE(cl != std::string::npos);
      const std::size_t length = std::stoul(got.substr(cl + 16));
      if (got.size() >= head_end + 4 + length) break;
    }
    ssize_t n = recv(fd, buf, sizeof buf, 0);
    if (n <= 0) break;
    got.append(buf, static_cast<std::size_t>(n));
  }
  close(fd);
  return got;
}

}  // namespace

TEST_CASE("every response, the routes' and the server's own, is counted before it is written") {
  void* module = dlopen(ODDSCTL_HTTP_MODULE, RTLD_NOW | RTLD_LOCAL);
  REQUIRE(module != nullptr);
  auto start = reinterpret_cast<StartFn>(dlsym(module, "oddsctl_http_start"));
  REQUIRE(reinterpret_cast<void*>(start) != nullptr);

  std::mutex mutex;
  std::condition_variable cv;
  bool client_has_it = false;
  int counted = 0;
  HttpServerOptions options;
  options.port = 0;
  options.threads = 2;
  options.on_response = [&](const std::string&, const std::string&, int) {
    // Holds the count back (bounded) until the client holds the response: called after the
    // write, this makes the client's check below see it uncounted every time; called before,
    // it waits out the bound and counts, and only then is the response written.
    std::unique_lock lock(mutex);
    cv.wait_for(lock, std::chrono::milliseconds(750), [&] { return client_has_it; });
    ++counted;
  };
  HttpHandler handler = [](const HttpRequest&) {
    HttpResponse r;
    r.status = 404;
    r.body = R"({"error":{"status":404}})";
    return r;
  };
  char error[256] = {0};
  HttpServer* server = start(&options, &handler, error, sizeof error);
  REQUIRE_MESSAGE(server != nullptr, error);

  int expected = 0;
  for (const std::string& request : {std::string("GET /nothing HTTP/1.1\r\nHost: t\r\n\r\n"),  // a route's answer
                                     std::string("NOT A REQUEST LINE\r\n\r\n")}) {             // the server's 400
    CAPTURE(request);
    std::string response = exchange(server->port(), request);
    std::lock_guard lock(mutex);
    client_has_it = true;
    CHECK(response.rfind("HTTP/1.1 4", 0) == 0);
    CHECK(counted == ++expected);  // counted already, once
    client_has_it = false;
  }
  server->stop();
  delete server;
  CHECK(counted == expected);
}

#endif
