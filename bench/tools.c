/*
 * Load generator and prober of the benchmark (bench/tools.ts compiles and drives it), small
 * enough not to be the bottleneck of what it measures:
 *
 *   tools send SOCKET COUNT PAYLOAD         blocking sends of one datagram COUNT times
 *   tools sink SOCKET COUNT                 binds SOCKET, receives COUNT datagrams (null receiver)
 *   tools probe PORT PATH INTERVAL_US       GET PATH on 127.0.0.1:PORT, a new TCP connection
 *                                           each time (as kubelet), until SIGTERM
 *   tools lateness PORT SOCKET RUNS MS      sends WATCHDOG=1, then polls /livez until 503:
 *                                           how long after the MS deadline it turns false
 *   tools startup PORT MS IDLE_MS COMMAND...
 *                                           runs COMMAND: time until /healthz is 200 and the
 *                                           CPU time its threads took until then; with MS
 *                                           above 0 (an adapter with that start timeout, live
 *                                           at first) then how late /livez turns 503; with
 *                                           IDLE_MS above 0 then its RSS (and the anonymous
 *                                           part of it) IDLE_MS after spawn
 *   tools http-loop PORT RATE SECONDS PATH...
 *                                           GETs the PATHs in turn, RATE a second, a new
 *                                           connection each, for SECONDS
 *   tools datagram-loop SOCKET RATE SECONDS sends "WATCHDOG=1", "STATUS=" and "X_SEQ=" (both
 *                                           changing) in one datagram, RATE a second, SECONDS
 *
 * SOCKET is a path or @name (abstract). Results go to stdout as one JSON object; times are
 * microseconds on CLOCK_MONOTONIC.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

static double now_us(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static socklen_t unix_address(const char *name, struct sockaddr_un *addr) {
  memset(addr, 0, sizeof *addr);
  addr->sun_family = AF_UNIX;
  size_t length = strlen(name);
  if (length >= sizeof addr->sun_path) {
    fprintf(stderr, "socket name too long: %s\n", name);
    exit(2);
  }
  memcpy(addr->sun_path, name, length);
  if (name[0] == '@') addr->sun_path[0] = '\0';
  return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + length);
}

static int datagram_client(const char *name) {
  struct sockaddr_un addr;
  socklen_t length = unix_address(name, &addr);
  int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0 || connect(fd, (struct sockaddr *)&addr, length) < 0) {
    perror("connect to notify socket");
    exit(1);
  }
  return fd;
}

static int send_all(int fd, const char *payload, size_t length, long count) {
  for (long i = 0; i < count; i++) {
    while (send(fd, payload, length, 0) < 0) {
      if (errno == EINTR) continue;
      perror("send");
      return 1;
    }
  }
  return 0;
}

static int cmd_send(const char *name, long count, const char *payload) {
  int fd = datagram_client(name);
  double start = now_us();
  if (send_all(fd, payload, strlen(payload), count) != 0) return 1;
  double elapsed = now_us() - start;
  printf("{\"sent\":%ld,\"us\":%.0f}\n", count, elapsed);
  return 0;
}

static int cmd_sink(const char *name, long count) {
  struct sockaddr_un addr;
  socklen_t length = unix_address(name, &addr);
  int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (name[0] != '@') unlink(name);
  if (fd < 0 || bind(fd, (struct sockaddr *)&addr, length) < 0) {
    perror("bind");
    return 1;
  }
  printf("{\"bound\":true}\n");
  fflush(stdout);
  char buffer[4097];
  double start = 0;
  for (long i = 0; i < count; i++) {
    if (recv(fd, buffer, sizeof buffer, 0) < 0) {
      if (errno == EINTR) {
        i--;
        continue;
      }
      perror("recv");
      return 1;
    }
    if (i == 0) start = now_us();
  }
  printf("{\"received\":%ld,\"us\":%.0f}\n", count, now_us() - start);
  if (name[0] != '@') unlink(name);
  return 0;
}

/* One GET on a new connection; returns the HTTP status, or -1. */
static int http_get(int port, const char *path) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  /* A program that accepts and never answers must not hold the benchmark up. */
  struct timeval limit = {.tv_sec = 5};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof limit);
  setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &limit, sizeof limit);
  struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons(port)};
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  int status = -1;
  if (connect(fd, (struct sockaddr *)&addr, sizeof addr) == 0) {
    char request[256];
    int length = snprintf(request, sizeof request,
                          "GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: kube-probe/1.30\r\n"
                          "Accept: */*\r\nConnection: close\r\n\r\n",
                          path);
    char response[4096];
    size_t got = 0;
    if (write(fd, request, length) == length) {
      /* Read until the headers and Content-Length bytes of body are in (or EOF). */
      for (;;) {
        ssize_t n = read(fd, response + got, sizeof response - 1 - got);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        got += n;
        response[got] = '\0';
        char *end = strstr(response, "\r\n\r\n");
        if (end == NULL) continue;
        char *cl = strcasestr(response, "content-length:");
        long body = cl != NULL && cl < end ? strtol(cl + 15, NULL, 10) : 0;
        if ((long)got >= (end + 4 - response) + body) break;
      }
      if (got > 12) status = atoi(response + 9);
    }
  }
  close(fd);
  return status;
}

static volatile sig_atomic_t stop_requested = 0;
static void on_stop(int signal) {
  (void)signal;
  stop_requested = 1;
}

static void sleep_us(double us) {
  if (us <= 0) return;
  struct timespec ts = {.tv_sec = (time_t)(us / 1e6), .tv_nsec = (long)((long long)us % 1000000) * 1000};
  nanosleep(&ts, NULL);
}

static int cmd_probe(int port, const char *path, long interval_us) {
  struct sigaction action = {.sa_handler = on_stop};
  sigaction(SIGTERM, &action, NULL);
  size_t capacity = 1 << 16, count = 0, failures = 0;
  float *latencies = malloc(capacity * sizeof *latencies);
  printf("{\"started\":true}\n");
  fflush(stdout);
  while (!stop_requested) {
    double start = now_us();
    int status = http_get(port, path);
    double elapsed = now_us() - start;
    if (status != 200 && status != 503) failures++;
    else if (count < capacity) latencies[count++] = (float)elapsed;
    sleep_us(interval_us - elapsed);
  }
  printf("{\"failures\":%zu,\"us\":[", failures);
  for (size_t i = 0; i < count; i++) printf(i == 0 ? "%.1f" : ",%.1f", latencies[i]);
  printf("]}\n");
  return 0;
}

static int cmd_lateness(int port, const char *name, long runs, long timeout_ms) {
  int fd = datagram_client(name);
  printf("{\"us\":[");
  for (long run = 0; run < runs; run++) {
    const char *ping = "WATCHDOG=1";
    /* Until the adapter has applied the ping, /livez may still show the last expiry. */
    if (send_all(fd, ping, strlen(ping), 1) != 0) return 1;
    double deadline = now_us() + timeout_ms * 1000.0;
    while (http_get(port, "/livez") != 200) {
      if (now_us() > deadline) break;
    }
    sleep_us(deadline - now_us() - 2000);
    int status;
    double seen;
    do {
      status = http_get(port, "/livez");
      seen = now_us();
    } while (status == 200 && seen - deadline < 2e6);
    printf(run == 0 ? "%.1f" : ",%.1f", seen - deadline);
    fflush(stdout);
  }
  printf("]}\n");
  return 0;
}

/* The RSS of process `pid` in kB, all of it and its anonymous part (heap, stacks), or -1. */
static void rss_kb(pid_t pid, long *rss, long *anon) {
  char path[64], line[256];
  *rss = *anon = -1;
  snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
  FILE *file = fopen(path, "r");
  if (file == NULL) return;
  while (fgets(line, sizeof line, file) != NULL) {
    if (strncmp(line, "VmRSS:", 6) == 0) *rss = strtol(line + 6, NULL, 10);
    if (strncmp(line, "RssAnon:", 8) == 0) *anon = strtol(line + 8, NULL, 10);
  }
  fclose(file);
}

/* CPU time of all live threads of process `pid` so far, in µs (schedstat: ns on a CPU), or -1. */
static double cpu_us(pid_t pid) {
  char path[64];
  snprintf(path, sizeof path, "/proc/%d/task", (int)pid);
  DIR *tasks = opendir(path);
  if (tasks == NULL) return -1;
  double total_ns = 0;
  struct dirent *entry;
  while ((entry = readdir(tasks)) != NULL) {
    if (entry->d_name[0] == '.') continue;
    char stat_path[384];
    snprintf(stat_path, sizeof stat_path, "%s/%s/schedstat", path, entry->d_name);
    FILE *file = fopen(stat_path, "r");
    if (file == NULL) continue; /* The thread ended meanwhile. */
    unsigned long long ns;
    if (fscanf(file, "%llu", &ns) == 1) total_ns += (double)ns;
    fclose(file);
  }
  closedir(tasks);
  return total_ns / 1000;
}

/* Ends `child`: SIGTERM, and SIGKILL if it is still there 5 s later. */
static void end_child(pid_t child) {
  kill(child, SIGTERM);
  for (int i = 0; i < 500; i++) {
    if (waitpid(child, NULL, WNOHANG) == child) return;
    sleep_us(10000);
  }
  fprintf(stderr, "pid %d did not end within 5 s of SIGTERM: SIGKILL\n", (int)child);
  kill(child, SIGKILL);
  waitpid(child, NULL, 0);
}

static int cmd_startup(int port, long timeout_ms, long idle_ms, char **command) {
  double spawned = now_us();
  pid_t child = fork();
  if (child == 0) {
    int null = open("/dev/null", O_WRONLY);
    dup2(null, STDOUT_FILENO);
    dup2(null, STDERR_FILENO);
    execvp(command[0], command);
    _exit(127);
  }
  /* The start timer is armed after the last failed attempt began and before the first 200. */
  double attempt = spawned, before = spawned;
  for (;;) {
    attempt = now_us();
    if (http_get(port, "/healthz") == 200) break;
    int status;
    if (waitpid(child, &status, WNOHANG) == child) {
      fprintf(stderr, "%s exited (status %d) before it was healthy\n", command[0],
              WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
      return 1;
    }
    if (attempt - spawned > 30e6) {
      fprintf(stderr, "%s was not healthy within 30 s\n", command[0]);
      end_child(child);
      return 1;
    }
    before = attempt;
    sleep_us(200);
  }
  double healthy = now_us();
  double cpu = cpu_us(child);
  double lateness = -1;
  if (timeout_ms > 0) {
    double deadline = before + timeout_ms * 1000.0;
    sleep_us(deadline - now_us() - 3000);
    double seen;
    do {
      int status = http_get(port, "/livez");
      seen = now_us();
      if (status != 200) break;
    } while (seen - deadline < 2e6);
    lateness = seen - deadline;
  }
  long rss = -1, anon = -1;
  if (idle_ms > 0) {
    sleep_us(spawned + idle_ms * 1000.0 - now_us());
    rss_kb(child, &rss, &anon);
  }
  end_child(child);
  printf("{\"startupUs\":%.0f,\"startupCpuUs\":%.0f,\"startLatenessUs\":", healthy - spawned,
         cpu);
  printf(lateness < 0 ? "null" : "%.0f", lateness);
  printf(",\"rssKb\":");
  printf(rss < 0 ? "null" : "%ld", rss);
  printf(",\"rssAnonKb\":");
  printf(anon < 0 ? "null" : "%ld", anon);
  printf("}\n");
  return 0;
}

/* Sleeps until the `done`th of RATE-a-second actions is due; false once SECONDS are over. */
static int pace(double start, long done, long rate, double seconds) {
  double due = start + done * 1e6 / rate;
  if (due - start >= seconds * 1e6) return 0;
  sleep_us(due - now_us());
  return 1;
}

static int cmd_http_loop(int port, long rate, double seconds, char **paths, int count) {
  long requests = 0, failures = 0;
  double start = now_us();
  while (pace(start, requests, rate, seconds)) {
    int status = http_get(port, paths[requests % count]);
    if (status != 200 && status != 503) failures++;
    requests++;
  }
  printf("{\"requests\":%ld,\"failures\":%ld,\"us\":%.0f}\n", requests, failures,
         now_us() - start);
  return 0;
}

static int cmd_datagram_loop(const char *name, long rate, double seconds) {
  int fd = datagram_client(name);
  long sent = 0;
  char payload[128];
  double start = now_us();
  while (pace(start, sent, rate, seconds)) {
    int length = snprintf(payload, sizeof payload,
                          "WATCHDOG=1\nSTATUS=Soaking, step %ld\nX_SEQ=%ld", sent, sent);
    if (send_all(fd, payload, length, 1) != 0) return 1;
    sent++;
  }
  printf("{\"sent\":%ld,\"us\":%.0f}\n", sent, now_us() - start);
  return 0;
}

int main(int argc, char **argv) {
  signal(SIGPIPE, SIG_IGN);
  if (argc == 5 && strcmp(argv[1], "send") == 0) return cmd_send(argv[2], atol(argv[3]), argv[4]);
  if (argc == 4 && strcmp(argv[1], "sink") == 0) return cmd_sink(argv[2], atol(argv[3]));
  if (argc == 5 && strcmp(argv[1], "probe") == 0) {
    return cmd_probe(atoi(argv[2]), argv[3], atol(argv[4]));
  }
  if (argc == 6 && strcmp(argv[1], "lateness") == 0) {
    return cmd_lateness(atoi(argv[2]), argv[3], atol(argv[4]), atol(argv[5]));
  }
  if (argc >= 6 && strcmp(argv[1], "startup") == 0) {
    return cmd_startup(atoi(argv[2]), atol(argv[3]), atol(argv[4]), argv + 5);
  }
  if (argc >= 6 && strcmp(argv[1], "http-loop") == 0) {
    return cmd_http_loop(atoi(argv[2]), atol(argv[3]), atof(argv[4]), argv + 5, argc - 5);
  }
  if (argc == 5 && strcmp(argv[1], "datagram-loop") == 0) {
    return cmd_datagram_loop(argv[2], atol(argv[3]), atof(argv[4]));
  }
  fprintf(stderr,
          "usage: tools send SOCKET COUNT PAYLOAD | sink SOCKET COUNT |\n"
          "       probe PORT PATH INTERVAL_US | lateness PORT SOCKET RUNS TIMEOUT_MS |\n"
          "       startup PORT TIMEOUT_START_MS IDLE_MS COMMAND... |\n"
          "       http-loop PORT RATE SECONDS PATH... | datagram-loop SOCKET RATE SECONDS\n");
  return 2;
}
