/*
 * Reference forwarder for the SFU benchmark: the least work a forwarder of the same packet stream
 * can do on this machine, measured on the SFU's core in the same run (see bench/README.md).
 *
 * One UDP socket on 127.0.0.1 (its port printed on stdout as "PORT p") receives the stream the
 * generator sends; every RTP packet is looked up by SSRC in a routing table and sent once per route
 * with its own sendmsg() (one syscall per packet per receiver, as mediasoup 3.12's consumers do),
 * the SSRC rewritten per route so that the sink can count each receiver's stream as its own.
 * Packets without a route (layers nobody receives, muted microphones) are received and dropped, as
 * the SFU receives and drops them. Nothing is decrypted, encrypted or rewritten beyond the SSRC, and
 * there is no RTCP: what remains is the kernel's work (receive, send, the loopback delivery into
 * the sink's sockets) plus a table lookup, i.e. what any forwarder pays per packet.
 *
 * It waits like the SFU's libuv loop: epoll_wait() on the socket, then up to 32 recvmsg() per
 * wake-up (libuv's uv__udp_io), non-blocking sendmsg() per route (uv_udp_try_send).
 *
 * Commands on stdin, one per line:
 *   R <in_ssrc> <port> <out_ssrc>   add a route: packets of in_ssrc go to 127.0.0.1:port as out_ssrc
 *   S   print "SNAP <rx> <tx> <tx_errors> <rx_drops> <utime_us> <stime_us> <monotonic_us>"
 *       rx: RTP packets received; tx: sends that succeeded; rx_drops: the socket's kernel drop
 *       counter (SO_RXQ_OVFL); utime/stime: getrusage(RUSAGE_SELF), which is what mediasoup's
 *       worker.getResourceUsage() reports for the SFU; monotonic: CLOCK_MONOTONIC.
 *   Q   exit (EOF on stdin too)
 *
 * Build: cc -O2 -o fwd-reference reference.c
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#ifndef SO_RXQ_OVFL
#define SO_RXQ_OVFL 40
#endif

#define PKT_MAX 2048
#define READS_PER_WAKE 32
#define TABLE_BITS 14
#define TABLE_SIZE (1u << TABLE_BITS)

typedef struct {
  struct sockaddr_in dst;
  uint32_t out_ssrc; /* network byte order */
} route_t;

typedef struct {
  uint32_t ssrc;
  uint8_t used;
  uint32_t count, cap;
  route_t *routes;
} entry_t;

static entry_t table[TABLE_SIZE];
static uint64_t rx = 0, tx = 0, tx_errors = 0;
static uint32_t rx_drops = 0;

static entry_t *find(uint32_t ssrc, int create) {
  uint32_t h = (ssrc * 2654435761u) >> (32 - TABLE_BITS);
  for (uint32_t i = 0; i < TABLE_SIZE; i++) {
    entry_t *e = &table[(h + i) & (TABLE_SIZE - 1)];
    if (!e->used) {
      if (!create) return NULL;
      e->used = 1;
      e->ssrc = ssrc;
      return e;
    }
    if (e->ssrc == ssrc) return e;
  }
  return NULL;
}

static void add_route(uint32_t in_ssrc, unsigned port, uint32_t out_ssrc) {
  entry_t *e = find(in_ssrc, 1);
  if (!e) return;
  if (e->count == e->cap) {
    e->cap = e->cap ? 2 * e->cap : 8;
    e->routes = realloc(e->routes, e->cap * sizeof(route_t));
    if (!e->routes) exit(1);
  }
  route_t *r = &e->routes[e->count++];
  memset(r, 0, sizeof *r);
  r->dst.sin_family = AF_INET;
  r->dst.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  r->dst.sin_port = htons((uint16_t)port);
  r->out_ssrc = htonl(out_ssrc);
}

static void forward(int fd, uint8_t *p, size_t len) {
  if (len < 12 || (p[0] >> 6) != 2) return;
  if (p[1] >= 192 && p[1] <= 223) return; /* RTCP */
  rx++;
  uint32_t ssrc = ((uint32_t)p[8] << 24) | ((uint32_t)p[9] << 16) | ((uint32_t)p[10] << 8) | p[11];
  entry_t *e = find(ssrc, 0);
  if (!e) return;
  struct iovec iov = {.iov_base = p, .iov_len = len};
  struct msghdr m = {0};
  m.msg_iov = &iov;
  m.msg_iovlen = 1;
  m.msg_namelen = sizeof(struct sockaddr_in);
  for (uint32_t i = 0; i < e->count; i++) {
    memcpy(p + 8, &e->routes[i].out_ssrc, 4);
    m.msg_name = &e->routes[i].dst;
    if (sendmsg(fd, &m, MSG_DONTWAIT) < 0) tx_errors++;
    else tx++;
  }
}

static void snapshot(void) {
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  printf("SNAP %llu %llu %llu %u %lld %lld %lld\n", (unsigned long long)rx, (unsigned long long)tx,
         (unsigned long long)tx_errors, rx_drops,
         (long long)ru.ru_utime.tv_sec * 1000000 + ru.ru_utime.tv_usec,
         (long long)ru.ru_stime.tv_sec * 1000000 + ru.ru_stime.tv_usec,
         (long long)ts.tv_sec * 1000000 + ts.tv_nsec / 1000);
  fflush(stdout);
}

static int command(char *line) {
  if (line[0] == 'R') {
    unsigned long in_ssrc, port, out_ssrc;
    if (sscanf(line + 1, "%lu %lu %lu", &in_ssrc, &port, &out_ssrc) == 3)
      add_route((uint32_t)in_ssrc, (unsigned)port, (uint32_t)out_ssrc);
  } else if (line[0] == 'S') {
    snapshot();
  } else if (line[0] == 'Q') {
    return 1;
  }
  return 0;
}

int main(int argc, char **argv) {
  int rcvbuf = argc > 1 ? atoi(argv[1]) : 4 * 1024 * 1024;
  int fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
  if (fd < 0) return perror("socket"), 1;
  int one = 1;
  if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf, sizeof rcvbuf) < 0)
    setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf);
  setsockopt(fd, SOL_SOCKET, SO_RXQ_OVFL, &one, sizeof one);
  struct sockaddr_in a = {0};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (bind(fd, (struct sockaddr *)&a, sizeof a) < 0) return perror("bind"), 1;
  socklen_t al = sizeof a;
  getsockname(fd, (struct sockaddr *)&a, &al);
  printf("PORT %u\n", ntohs(a.sin_port));
  fflush(stdout);

  int ep = epoll_create1(0);
  if (ep < 0) return perror("epoll_create1"), 1;
  struct epoll_event ev = {.events = EPOLLIN, .data.u32 = 1};
  epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
  struct epoll_event sev = {.events = EPOLLIN, .data.u32 = 0};
  epoll_ctl(ep, EPOLL_CTL_ADD, 0, &sev);

  static uint8_t buf[PKT_MAX];
  static char ctrl[CMSG_SPACE(sizeof(uint32_t))];
  char line[256];
  size_t line_len = 0;
  for (;;) {
    struct epoll_event evs[2];
    int n = epoll_wait(ep, evs, 2, -1);
    if (n < 0) {
      if (errno == EINTR) continue;
      return perror("epoll_wait"), 1;
    }
    for (int i = 0; i < n; i++) {
      if (evs[i].data.u32 == 1) {
        for (int r = 0; r < READS_PER_WAKE; r++) {
          struct iovec iov = {.iov_base = buf, .iov_len = PKT_MAX};
          struct sockaddr_in from;
          struct msghdr m = {0};
          m.msg_name = &from;
          m.msg_namelen = sizeof from;
          m.msg_iov = &iov;
          m.msg_iovlen = 1;
          m.msg_control = ctrl;
          m.msg_controllen = sizeof ctrl;
          ssize_t got = recvmsg(fd, &m, MSG_DONTWAIT);
          if (got < 0) break;
          for (struct cmsghdr *c = CMSG_FIRSTHDR(&m); c; c = CMSG_NXTHDR(&m, c))
            if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SO_RXQ_OVFL)
              memcpy(&rx_drops, CMSG_DATA(c), sizeof(uint32_t));
          forward(fd, buf, (size_t)got);
        }
      } else {
        char tmp[4096];
        ssize_t r = read(0, tmp, sizeof tmp);
        if (r <= 0) return 0;
        for (ssize_t j = 0; j < r; j++) {
          if (tmp[j] == '\n') {
            line[line_len] = 0;
            if (command(line)) return 0;
            line_len = 0;
          } else if (line_len < sizeof line - 1) {
            line[line_len++] = tmp[j];
          }
        }
      }
    }
  }
}
