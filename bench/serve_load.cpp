// A bounded HTTP load generator for `oddsctl serve` (bench/serve_load.py drives it): N
// clients, each one keep-alive connection (reopened when the server closes it), GET one path
// for a fixed time. Prints one JSON object: requests, errors, req/s, p50/p99/max latency.
// Plain sockets, so it measures the server, not a client library.
//   serve_load HOST PORT PATH CLIENTS SECONDS
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

int connect_to(const char* host, int port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return -1;
  timeval tv{10, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  inet_pton(AF_INET, host, &addr.sin_addr);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

// One request/response on fd. Returns the status (0: transport error); `closed` when the
// server said Connection: close.
int exchange(int fd, const std::string& request, std::string& buf, bool& closed) {
  if (::send(fd, request.data(), request.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(request.size())) return 0;
  buf.clear();
  std::size_t header_end = std::string::npos;
  char chunk[65536];
  while (header_end == std::string::npos) {
    ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
    if (n <= 0) return 0;
    buf.append(chunk, static_cast<std::size_t>(n));
    header_end = buf.find("\r\n\r\n");
  }
  int status = std::atoi(buf.c_str() + 9);
  std::string head = buf.substr(0, header_end);
  for (auto& c : head) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  std::size_t length = 0;
  if (auto p = head.find("content-length:"); p != std::string::npos)
    length = std::strtoul(head.c_str() + p + 15, nullptr, 10);
  closed = head.find("connection: close") != std::string::npos;
  while (buf.size() < header_end + 4 + length) {
    ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
    if (n <= 0) return 0;
    buf.append(chunk, static_cast<std::size_t>(n));
  }
  return status;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 6) {
    std::fprintf(stderr, "usage: serve_load HOST PORT PATH CLIENTS SECONDS\n");
    return 2;
  }
  const char* host = argv[1];
  const int port = std::atoi(argv[2]);
  const std::string path = argv[3];
  const int clients = std::max(1, std::atoi(argv[4]));
  const double seconds = std::max(0.1, std::atof(argv[5]));
  const std::string request = "GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\nAccept: application/json\r\n\r\n";

  std::atomic<bool> stop{false};
  std::mutex mutex;
  std::vector<double> latencies;  // ms, of every good answer
  std::map<std::string, long> errors;
  std::map<int, long> statuses;
  const auto t0 = Clock::now();
  const auto end = t0 + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
  std::vector<std::thread> threads;
  for (int i = 0; i < clients; ++i)
    threads.emplace_back([&] {
      std::vector<double> mine;
      std::map<std::string, long> my_errors;
      std::map<int, long> my_statuses;
      std::string buf;
      int fd = -1;
      while (Clock::now() < end) {
        if (fd < 0 && (fd = connect_to(host, port)) < 0) {
          ++my_errors["connect"];
          std::this_thread::sleep_for(std::chrono::milliseconds(10));
          continue;
        }
        bool closed = false;
        const auto a = Clock::now();
        int status = exchange(fd, request, buf, closed);
        const auto b = Clock::now();
        if (status == 0) {
          // The server may close an idle keep-alive connection between two requests: retry once.
          ::close(fd);
          fd = connect_to(host, port);
          if (fd < 0) {
            ++my_errors["connect"];
            continue;
          }
          const auto a2 = Clock::now();
          status = exchange(fd, request, buf, closed);
          if (status == 0) {
            ++my_errors["transport"];
            ::close(fd);
            fd = -1;
            continue;
          }
          mine.push_back(std::chrono::duration<double, std::milli>(Clock::now() - a2).count());
        } else {
          mine.push_back(std::chrono::duration<double, std::milli>(b - a).count());
        }
        ++my_statuses[status];
        if (status != 200 && status != 304) ++my_errors["status " + std::to_string(status)];
        if (closed) {
          ::close(fd);
          fd = -1;
        }
      }
      if (fd >= 0) ::close(fd);
      std::lock_guard lock(mutex);
      latencies.insert(latencies.end(), mine.begin(), mine.end());
      for (auto& [k, v] : my_errors) errors[k] += v;
      for (auto& [k, v] : my_statuses) statuses[k] += v;
    });
  for (auto& t : threads) t.join();
  const double elapsed = std::chrono::duration<double>(Clock::now() - t0).count();
  std::sort(latencies.begin(), latencies.end());
  auto pct = [&](double p) {
    if (latencies.empty()) return 0.0;
    std::size_t i = static_cast<std::size_t>(p / 100.0 * static_cast<double>(latencies.size() - 1));
    return latencies[i];
  };
  long error_count = 0;
  std::string error_text;
  for (auto& [k, v] : errors) {
    error_count += v;
    error_text += (error_text.empty() ? "" : ", ") + std::string("\"") + k + "\": " + std::to_string(v);
  }
  std::string status_text;
  for (auto& [k, v] : statuses)
    status_text +=
        (status_text.empty() ? "" : ", ") + std::string("\"") + std::to_string(k) + "\": " + std::to_string(v);
  std::printf(
      "{\"clients\": %d, \"seconds\": %.2f, \"requests\": %zu, \"errors\": %ld, \"error_kinds\": {%s}, "
      "\"statuses\": {%s}, \"rps\": %.1f, \"p50_ms\": %.3f, \"p99_ms\": %.3f, \"max_ms\": %.3f}\n",
      clients, elapsed, latencies.size(), error_count, error_text.c_str(), status_text.c_str(),
      static_cast<double>(latencies.size()) / elapsed, pct(50), pct(99), latencies.empty() ? 0.0 : latencies.back());
  return error_count == 0 ? 0 : 1;
}
