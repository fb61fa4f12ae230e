// start_server: the routes (service.cpp) on the HTTP transport (oddsctl-http.so).
#include <memory>

#include "oddsctl/errors.hpp"
#include "serve/service.hpp"

namespace oddsctl::serve {

namespace {

class RunningServer final : public Server {
public:
  explicit RunningServer(ServeOptions options) : m_service(std::make_shared<Service>(std::move(options))) {
    const ServeOptions& o = m_service->options();
    m_handler = [service = m_service](const HttpRequest& r) { return service->handle(r); };
    HttpServerOptions h;
    h.host = o.listen.host;
    h.port = o.listen.port;
    h.threads = o.threads;
    h.max_body = o.max_body;
    h.read_timeout = o.read_timeout;
    h.write_timeout = o.write_timeout;
    h.keep_alive = o.keep_alive;
    h.on_response = [service = m_service](const std::string&, const std::string&, int status) {
      service->count(status);
    };
    m_http = start_http_server(h, m_handler);
    m_address = (o.listen.host.find(':') != std::string::npos ? "[" + o.listen.host + "]" : o.listen.host) + ":" +
                std::to_string(m_http->port());
  }
  ~RunningServer() override { stop(); }

  std::string address() const override { return m_address; }
  void stop() override {
    if (m_http) m_http->stop();
  }

private:
  std::shared_ptr<Service> m_service;
  HttpHandler m_handler;
  std::unique_ptr<HttpServer> m_http;
  std::string m_address;
};

}  // namespace

std::unique_ptr<Server> start_server(ServeOptions options) {
  if (options.threads < 1 || options.threads > 1024) throw UsageError("--threads: between 1 and 1024");
  if (options.token && options.token->size() < 16)
    throw UsageError("ODDSCTL_SERVE_TOKEN: use at least 16 characters (e.g. openssl rand -hex 32)");
  return std::make_unique<RunningServer>(std::move(options));
}

}  // namespace oddsctl::serve
