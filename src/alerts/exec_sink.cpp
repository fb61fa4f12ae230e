// The command sink: /bin/sh -c CMD with the alert on stdin. POSIX fork/exec, so that the
// command's exit status, a timeout and its whole process group are under our control.
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <thread>

#include "oddsctl/alerts.hpp"

extern char** environ;

namespace oddsctl::alerts {

namespace {

// Secrets oddsctl holds that an alert command has no use for: API keys (ODDS_API_KEY and
// every ODDS_API_KEY_<REGION>) and the serve token. A hook script, or whatever it runs,
// must not be able to read (or leak) them from its environment.
bool secret_variable(const std::string& entry) {
  const std::string name = entry.substr(0, entry.find('='));
  return name.rfind("ODDS_API_KEY", 0) == 0 || name == "ODDSCTL_SERVE_TOKEN";
}

// Our environment, minus its secrets, plus the alert's key and reason; built before fork
// (no allocation after).
std::vector<std::string> child_environment(const nlohmann::json& payload) {
  std::vector<std::string> env;
  for (char** e = environ; e && *e; ++e) {
    std::string entry = *e;
    if (entry.rfind("ODDSCTL_ALERT_", 0) == 0 || secret_variable(entry)) continue;
    env.push_back(std::move(entry));
  }
  env.push_back("ODDSCTL_ALERT_KEY=" + payload.value("alert_key", std::string()));
  env.push_back("ODDSCTL_ALERT_REASON=" + payload.value("reason", std::string()));
  return env;
}

std::string describe_status(int status) {
  if (WIFEXITED(status)) return "exited with status " + std::to_string(WEXITSTATUS(status));
  if (WIFSIGNALED(status)) return "killed by signal " + std::to_string(WTERMSIG(status));
  return "ended abnormally";
}

// Writes as much of `data` as the pipe takes now; false once the reader has gone (EPIPE).
// SIGPIPE is blocked for this thread around the write and a pending one is consumed, so a
// command that ignores its stdin cannot kill oddsctl.
bool write_some(int fd, const std::string& data, std::size_t& offset) {
  sigset_t pipe_set, old_set;
  sigemptyset(&pipe_set);
  sigaddset(&pipe_set, SIGPIPE);
  pthread_sigmask(SIG_BLOCK, &pipe_set, &old_set);
  bool reader_alive = true;
  while (offset < data.size()) {
    ssize_t n = ::write(fd, data.data() + offset, data.size() - offset);
    if (n > 0) {
      offset += static_cast<std::size_t>(n);
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno == EPIPE) {
      reader_alive = false;
      timespec zero{0, 0};
      sigtimedwait(&pipe_set, nullptr, &zero);
    }
    break;  // EAGAIN: try again on the next turn
  }
  pthread_sigmask(SIG_SETMASK, &old_set, nullptr);
  return reader_alive;
}

}  // namespace

AlertSink exec_sink(const std::string& command, Millis timeout) {
  return [command, timeout](const nlohmann::json& payload) -> Delivery {
    const std::string label = "exec command";
    std::string input = payload.dump() + "\n";
    std::vector<std::string> env_strings = child_environment(payload);
    std::vector<char*> envp;
    for (auto& s : env_strings) envp.push_back(s.data());
    envp.push_back(nullptr);
    std::string shell = "/bin/sh", dash_c = "-c", cmd = command;
    char* argv[] = {shell.data(), dash_c.data(), cmd.data(), nullptr};

    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) return {false, label + ": pipe: " + std::strerror(errno)};
    pid_t pid = ::fork();
    if (pid < 0) {
      int err = errno;
      ::close(fds[0]);
      ::close(fds[1]);
      return {false, label + ": fork: " + std::strerror(err)};
    }
    if (pid == 0) {
      // Child: own process group (so a timeout kills the whole pipeline), stdin from the
      // pipe, stdout to our stderr (our stdout belongs to oddsctl's own output).
      ::setpgid(0, 0);
      ::dup2(fds[0], STDIN_FILENO);
      ::dup2(STDERR_FILENO, STDOUT_FILENO);
      ::close_range(3, ~0U, 0);  // the store's files and sockets are not the command's business
      sigset_t none;
      sigemptyset(&none);
      ::sigprocmask(SIG_SETMASK, &none, nullptr);
      ::signal(SIGPIPE, SIG_DFL);
      ::execve("/bin/sh", argv, envp.data());
      ::_exit(127);
    }
    ::setpgid(pid, pid);  // also from here, so the group exists before any kill
    ::close(fds[0]);
    int wfd = fds[1];
    ::fcntl(wfd, F_SETFL, ::fcntl(wfd, F_GETFL) | O_NONBLOCK);

    auto deadline = std::chrono::steady_clock::now() + timeout;
    std::size_t offset = 0;
    int status = 0;
    bool done = false;
    while (!done) {
      if (wfd >= 0) {
        bool alive = write_some(wfd, input, offset);
        if (!alive || offset == input.size()) {
          ::close(wfd);  // EOF: the command sees the end of its input
          wfd = -1;
        }
      }
      pid_t r = ::waitpid(pid, &status, WNOHANG);
      if (r == pid) {
        done = true;
        break;
      }
      if (std::chrono::steady_clock::now() >= deadline) {
        ::kill(-pid, SIGKILL);
        ::kill(pid, SIGKILL);
        while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {}
        if (wfd >= 0) ::close(wfd);
        return {false, label + ": still running after " + format_duration(timeout) + ", killed"};
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    if (wfd >= 0) ::close(wfd);
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return {true, ""};
    return {false, label + " " + describe_status(status)};
  };
}

}  // namespace oddsctl::alerts
