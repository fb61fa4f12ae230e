// oddsctl serve: settings into ServeOptions, start the server, wait for SIGTERM/SIGINT.
// Also worker mode's --listen (scan --every 15s --listen :9090).
#include <iostream>
#include <thread>

#include <nlohmann/json.hpp>

#include "app.hpp"
#include "oddsctl/scan.hpp"
#include "oddsctl/serve.hpp"
#include "oddsctl/worker.hpp"
#include "render.hpp"

namespace oddsctl::cmd {

namespace {

// The options every server shares (limits, timeouts, the store), from settings.
serve::ServeOptions base_options(const App& app, const std::string& listen_key) {
  const settings::Settings& s = app.settings;
  serve::ServeOptions o;
  o.listen = serve::parse_listen(s.get_or(listen_key, "127.0.0.1:8080"), "--listen");
  for (const auto& r : s.list("api.regions"))
    if (r != "all") o.regions.push_back(checked_region(r, "--regions"));
  o.source = *store::scan_source_from_string(s.get_or("read.source", "live"));
  o.max_age = s.duration("serve.max_age").value_or(std::chrono::minutes(15));
  o.threads = static_cast<std::size_t>(s.integer("serve.threads").value_or(8));
  o.max_body = static_cast<std::size_t>(s.integer("serve.max_body").value_or(65536));
  o.max_header_bytes = static_cast<std::size_t>(s.integer("serve.max_headers").value_or(16384));
  o.read_timeout = s.duration("serve.read_timeout").value_or(Millis(5000));
  o.write_timeout = s.duration("serve.write_timeout").value_or(Millis(5000));
  o.keep_alive = s.duration("serve.keep_alive").value_or(Millis(5000));
  o.env = s.env();
  return o;
}

void run(App& app) {
  const settings::Settings& s = app.settings;
  serve::ServeOptions o = base_options(app, "serve.listen");
  if (auto cors = s.get("serve.cors")) {
    if (cors->empty() || cors->find_first_of("\r\n ") != std::string::npos)
      throw UsageError("--cors: give one origin, e.g. https://dash.example");
    o.cors_origin = *cors;
  }
  // The token is a secret: from the environment only (never a flag, never the config file).
  if (auto token = s.env()("ODDSCTL_SERVE_TOKEN"); token && !token->empty()) o.token = *token;
  const Millis grace = s.duration("serve.grace").value_or(Millis(10000));
  const std::atomic<bool>& stop = worker::install_stop_signals(grace);
  if (o.token) {
    o.scan = scan_options_from_settings(s);
    o.scan.stop = &stop;
    o.sync = sync_options_from_settings(s);
    o.sync.stop = &stop;
    o.api_factory = api::http_api_factory(s.env());
  }
  // Read-only unless a trigger may write.
  const store::OpenMode mode = o.token ? store::OpenMode::read_write : store::OpenMode::read_only;
  o.open_store = [&app, mode] { return app.open_store(mode); };
  const bool triggers = o.token.has_value();

  auto server = serve::start_server(std::move(o));
  const std::string url = "http://" + server->address();
  if (app.json()) {
    say(nlohmann::json{{"listening", server->address()}, {"url", url}, {"triggers", triggers}}.dump(), "\n");
  } else {
    say("listening on ", url, (triggers ? " (scan and sync triggers enabled)" : ""), "\n");
  }
  flush_stdout();
  while (!stop.load()) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  if (!app.quiet) std::cerr << "oddsctl: serve: stopping (requests in flight get " << format_duration(grace) << ")\n";
  server->stop();  // past the grace period the signal handler's watchdog exits anyway
}

}  // namespace

std::shared_ptr<void> start_health_listener(const App& app, const std::vector<std::string>& regions, bool worker) {
  if (!app.settings.get("worker.listen")) return {};
  if (!worker) throw UsageError("--listen: only in worker mode (with --every)");
  serve::ServeOptions o = base_options(app, "worker.listen");
  o.health_only = true;
  o.regions = regions;
  o.threads = 2;
  o.open_store = [&app] { return app.open_store(store::OpenMode::read_only); };
  std::shared_ptr<serve::Server> server = serve::start_server(std::move(o));
  if (!app.quiet) std::cerr << "oddsctl: health and metrics on http://" << server->address() << "\n";
  return server;
}

void register_serve(CLI::App& root, App& app) {
  CLI::App* cmd = root.add_subcommand(
      "serve", "Serve results, health and metrics over HTTP, with a live dashboard (and triggers with a token)");
  setting_option(cmd, app, "serve.listen");
  setting_option(cmd, app, "read.source");
  setting_option(cmd, app, "serve.max_age");
  setting_option(cmd, app, "serve.cors");
  setting_option(cmd, app, "serve.grace");
  setting_option(cmd, app, "serve.threads");
  setting_option(cmd, app, "serve.max_body");
  setting_option(cmd, app, "serve.read_timeout");
  setting_option(cmd, app, "serve.write_timeout");
  add_api_options(cmd, app);  // --regions: the regions served; the rest for triggered scans and syncs
  cmd->footer(
      "Endpoints: GET / (dashboard), /healthz, /readyz, /v1/scans/latest, /v1/opportunities, /v1/stats,\n"
      "/v1/budget, /metrics; with ODDSCTL_SERVE_TOKEN set: POST /v1/scan/REGION, POST /v1/sync/event/ID.\n"
      "See oddsctl-serve(1).");
  cmd->callback([&app] { run(app); });
}

}  // namespace oddsctl::cmd
