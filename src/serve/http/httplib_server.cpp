// The HTTP server of oddsctl-http.so: cpp-httplib behind the std-only interface of
// serve/http_module.hpp. Why cpp-httplib: it is packaged in Debian (libcpp-httplib-dev),
// small and well kept, gives a bounded thread pool, read/write/keep-alive timeouts and a
// request size limit, and needs no event loop of ours.
#include <httplib.h>
#include <sys/socket.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <memory>
#include <thread>

#include "serve/http_module.hpp"

namespace {

using oddsctl::serve::HttpHandler;
using oddsctl::serve::HttpRequest;
using oddsctl::serve::HttpResponse;
using oddsctl::serve::HttpServerOptions;

void copy_error(const std::string& text, char* out, std::size_t len) {
  if (!out || len == 0) return;
  std::size_t n = std::min(text.size(), len - 1);
  std::memcpy(out, text.data(), n);
  out[n] = '\0';
}

const char* reason_json(int status) {
  switch (status) {
    case 400: return "bad request";
    case 404: return "not found";
    case 413: return "request body too large";
    case 414: return "request URI too long";
    case 431: return "request headers too large";
    default: return "request failed";
  }
}

class Server final : public oddsctl::serve::HttpServer {
public:
  Server(const HttpServerOptions& options, const HttpHandler& handler) : m_options(options), m_handler(handler) {}
  ~Server() override { stop(); }

  bool start(std::string& error) {
    const std::size_t threads = std::max<std::size_t>(1, m_options.threads);
    m_server.new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
    m_server.set_read_timeout(m_options.read_timeout);
    m_server.set_write_timeout(m_options.write_timeout);
    m_server.set_keep_alive_timeout(std::max<time_t>(1, static_cast<time_t>(m_options.keep_alive.count() / 1000)));
    m_server.set_keep_alive_max_count(std::max<std::size_t>(1, m_options.keep_alive_max));
    m_server.set_payload_max_length(m_options.max_body);
    // Small answers written as headers then body: without this, Nagle and delayed ACKs add 40 ms.
    m_server.set_tcp_nodelay(true);
    // SO_REUSEADDR (a restart binds at once) but not cpp-httplib's default SO_REUSEPORT, with
    // which a second process could bind the same port and take half of the connections.
    m_server.set_socket_options([](socket_t sock) {
      int yes = 1;
      setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
    });
    auto route = [this](const httplib::Request& req, httplib::Response& res) { dispatch(req, res); };
    // A POST with neither Content-Length nor chunked encoding (`curl -X POST URL`) has no
    // body; this cpp-httplib would answer it 400, so it is dispatched before the body read.
    m_server.set_pre_routing_handler([this](const httplib::Request& req, httplib::Response& res) {
      const bool may_have_body = req.method == "POST" || req.method == "PUT" || req.method == "PATCH";
      if (!may_have_body || req.has_header("Content-Length") || req.has_header("Transfer-Encoding"))
        return httplib::Server::HandlerResponse::Unhandled;
      dispatch(req, res);
      return httplib::Server::HandlerResponse::Handled;
    });
    m_server.Get(".*", route);
    m_server.Post(".*", route);
    m_server.Put(".*", route);
    m_server.Patch(".*", route);
    m_server.Delete(".*", route);
    m_server.Options(".*", route);
    // What the library answers by itself (400, 413, 414...) gets a JSON error body too.
    // (Only those have no body here: every response of the routes has one.)
    m_server.set_error_handler(
        httplib::Server::HandlerWithResponse([this](const httplib::Request& req, httplib::Response& res) {
          if (!res.body.empty()) return httplib::Server::HandlerResponse::Unhandled;
          res.set_content(std::string("{\"error\":{\"status\":") + std::to_string(res.status) + ",\"message\":\"" +
                              reason_json(res.status) + "\"}}",
                          "application/json");
          answered(req, res);
          return httplib::Server::HandlerResponse::Handled;
        }));
    m_server.set_exception_handler([this](const httplib::Request& req, httplib::Response& res, std::exception_ptr) {
      res.status = 500;
      res.set_content("{\"error\":{\"status\":500,\"message\":\"internal error\"}}", "application/json");
      answered(req, res);
    });

    if (m_options.port == 0) {
      m_port = m_server.bind_to_any_port(m_options.host);
      if (m_port <= 0) {
        error = m_options.host + ":0: cannot bind";
        return false;
      }
    } else {
      if (!m_server.bind_to_port(m_options.host, m_options.port)) {
        error = m_options.host + ":" + std::to_string(m_options.port) +
                ": cannot bind (address in use, or not this host's)";
        return false;
      }
      m_port = m_options.port;
    }
    m_thread = std::thread([this] { m_server.listen_after_bind(); });
    // stop() only acts on a running server: wait until the accept loop is up.
    for (int i = 0; i < 5000 && !m_server.is_running(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    return true;
  }

  int port() const override { return m_port; }

  void stop() override {
    if (!m_thread.joinable()) return;
    m_server.stop();
    m_thread.join();
  }

private:
  void dispatch(const httplib::Request& req, httplib::Response& res) {
    HttpRequest in;
    in.method = req.method;
    in.path = req.path;
    for (const auto& [k, v] : req.params) in.params.emplace_back(k, v);
    for (const auto& [k, v] : req.headers) in.headers.emplace_back(k, v);
    in.body = req.body;
    in.remote_addr = req.remote_addr;
    HttpResponse out = m_handler(in);
    res.status = out.status;
    for (const auto& [k, v] : out.headers) res.set_header(k, v);
    if (!out.body.empty() || !out.content_type.empty()) res.set_content(out.body, out.content_type);
    answered(req, res);
  }

  // on_response, before the response is written (cpp-httplib's logger runs after): a client
  // holding its answer then always finds it counted, e.g. in the next /metrics it asks for.
  void answered(const httplib::Request& req, const httplib::Response& res) const {
    if (m_options.on_response) m_options.on_response(req.method, req.path, res.status);
  }

  HttpServerOptions m_options;
  const HttpHandler& m_handler;
  httplib::Server m_server;
  std::thread m_thread;
  int m_port = 0;
};

}  // namespace

extern "C" __attribute__((visibility("default"))) const char* oddsctl_http_interface() {
  return oddsctl::serve::k_http_interface;
}

extern "C" __attribute__((visibility("default"))) oddsctl::serve::HttpServer* oddsctl_http_start(
    const HttpServerOptions* options, const HttpHandler* handler, char* error, std::size_t error_len) {
  try {
    auto server = std::make_unique<Server>(*options, *handler);
    std::string why;
    if (!server->start(why)) {
      copy_error(why, error, error_len);
      return nullptr;
    }
    return server.release();
  } catch (const std::exception& e) {
    copy_error(e.what(), error, error_len);
    return nullptr;
  }
}
