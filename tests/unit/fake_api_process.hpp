// The fake Odds API (tests/fake_odds_api.py) as a child process, for C++ tests.
//
//   test::FakeApiProcess fake;                      // starts it, waits for "PORT <n>"
//   fake.control("add_key", {{"key", "k"}, {"remaining", 10}});   // POST /_fake/add_key
//   fake.url();  fake.calls();                        // GET /_fake/calls
//
// It runs with --watch-stdin, so it exits when this process dies, however it dies.
// Needs python3 on PATH and the compile definition ODDSCTL_FAKE_API (the script's path).
#pragma once

#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>

#include <curl/curl.h>
#include <nlohmann/json.hpp>

namespace test {

class FakeApiProcess {
public:
  explicit FakeApiProcess(int latency_ms = 0) {
    curl_global_init(CURL_GLOBAL_DEFAULT);
    int in[2], out[2];
    if (pipe(in) != 0 || pipe(out) != 0) throw std::runtime_error("pipe failed");
    const std::string latency = std::to_string(latency_ms);
    m_pid = fork();
    if (m_pid < 0) throw std::runtime_error("fork failed");
    if (m_pid == 0) {
      dup2(in[0], 0);
      dup2(out[1], 1);
      close(in[1]);
      close(out[0]);
      execlp("python3", "python3", ODDSCTL_FAKE_API, "--watch-stdin", "--latency-ms", latency.c_str(),
             static_cast<char*>(nullptr));
      _exit(127);
    }
    close(in[0]);
    close(out[1]);
    m_stdin = in[1];
    m_stdout = out[0];
    const std::string line = read_line(std::chrono::seconds(20));
    if (line.rfind("PORT ", 0) != 0) throw std::runtime_error("fake API did not start: '" + line + "'");
    m_url = "http://127.0.0.1:" + line.substr(5);
  }

  ~FakeApiProcess() {
    close(m_stdin);  // the fake exits when its stdin closes
    for (int i = 0; i < 100; ++i) {
      if (waitpid(m_pid, nullptr, WNOHANG) == m_pid) {
        close(m_stdout);
        return;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    kill(m_pid, SIGKILL);
    waitpid(m_pid, nullptr, 0);
    close(m_stdout);
  }

  FakeApiProcess(const FakeApiProcess&) = delete;
  FakeApiProcess& operator=(const FakeApiProcess&) = delete;

  const std::string& url() const { return m_url; }

  // POST /_fake/<verb> with `args` as the JSON body; throws unless it answers 200.
  void control(const std::string& verb, const nlohmann::json& args) {
    auto [status, body] = request("/_fake/" + verb, args.dump());
    if (status != 200) throw std::runtime_error("fake " + verb + ": " + std::to_string(status) + " " + body);
  }

  // GET /_fake/calls: the call log (see tests/FAKE_API.md).
  nlohmann::json calls() {
    auto [status, body] = request("/_fake/calls", std::nullopt);
    if (status != 200) throw std::runtime_error("fake calls: " + std::to_string(status));
    return nlohmann::json::parse(body);
  }

private:
  std::string read_line(std::chrono::seconds timeout) {
    std::string line;
    const auto until = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < until) {
      pollfd p{m_stdout, POLLIN, 0};
      if (poll(&p, 1, 100) <= 0) continue;
      char c;
      if (read(m_stdout, &c, 1) != 1) break;
      if (c == '\n') return line;
      line.push_back(c);
    }
    return line;
  }

  static size_t collect(char* data, size_t size, size_t n, void* user) {
    static_cast<std::string*>(user)->append(data, size * n);
    return size * n;
  }

  std::pair<long, std::string> request(const std::string& path, const std::optional<std::string>& post) {
    CURL* curl = curl_easy_init();
    std::string body;
    curl_slist* headers = curl_slist_append(nullptr, "Content-Type: application/json");
    curl_easy_setopt(curl, CURLOPT_URL, (m_url + path).c_str());
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, 10000L);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, collect);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &body);
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
    if (post) curl_easy_setopt(curl, CURLOPT_COPYPOSTFIELDS, post->c_str());
    const CURLcode code = curl_easy_perform(curl);
    long status = 0;
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
    curl_slist_free_all(headers);
    curl_easy_cleanup(curl);
    if (code != CURLE_OK) throw std::runtime_error(std::string("fake API request failed: ") + curl_easy_strerror(code));
    return {status, body};
  }

  pid_t m_pid = -1;
  int m_stdin = -1;
  int m_stdout = -1;
  std::string m_url;
};

}  // namespace test
