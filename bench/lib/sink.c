/*
 * RTP sink for the SFU benchmark: the "receiving participants".
 *
 * Binds K UDP sockets on 127.0.0.1 (ports printed on stdout as "PORTS p1 .. pK"), and counts
 * every RTP packet it receives per SSRC, from the clear-text RTP header (SRTP encrypts the
 * payload only, so no keys are needed and nothing is decrypted). RTCP (payload types 192-223 in
 * the second byte, RFC 5761) is ignored. Nothing is ever sent back.
 *
 * Per SSRC it keeps the RFC 3550 extended highest sequence number, so at any moment
 *   expected = highest - first + 1   (what the SFU's consumer emitted)
 *   received = packets that arrived
 * Commands on stdin, one per line:
 *   S   print a snapshot: "SNAP <drops> <n>" then n lines "<ssrc> <received> <expected>", then "END"
 *   Q   exit (EOF on stdin too, so the sink never outlives the benchmark)
 * <drops> is the sum of the sockets' kernel drop counters (SO_RXQ_OVFL): packets the sink itself
 * was too slow to take, which the benchmark reports against the generator side, not the SFU.
 *
 * The sink polls: it sleeps on stdin only, with a timeout of POLL_MS, and drains every socket after
 * each wake-up; the UDP sockets are never waited on. On loopback the sender's sendmsg() runs the
 * receive path too, waking the receiving process included, and that wake-up (sock_def_readable ->
 * try_to_wake_up) was 16-18 % of the SFU worker's CPU samples in `perf record` when the sink waited
 * on its sockets with epoll. Over a real network that cost is the receiving device's, not the
 * SFU's; with nobody waiting on the sockets, the kernel has no one to wake. The rest of the receive
 * path (IP and UDP delivery into the socket buffer) is still charged to the SFU: conservative.
 * Socket buffers are forced large (SO_RCVBUFFORCE when allowed) so that a poll interval's packets
 * always fit; the drop counters would show it if not.
 *
 * Build: cc -O2 -o sink sink.c
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
#include <sys/socket.h>
#include <unistd.h>

#ifndef SO_RXQ_OVFL
#define SO_RXQ_OVFL 40
#endif

#define MAX_SOCKETS 64
#define POLL_MS 2
#define BATCH 64
#define PKT_MAX 2048
#define TABLE_BITS 16
#define TABLE_SIZE (1u << TABLE_BITS)

typedef struct {
  uint32_t ssrc;
  uint8_t used;
  uint16_t max_seq;
  uint32_t base; /* extended seq of the first packet */
  uint32_t cycles;
  uint64_t received;
} stream_t;

static stream_t table[TABLE_SIZE];
static uint32_t used_count = 0;
static uint32_t drops_by_socket[MAX_SOCKETS];

static stream_t *lookup(uint32_t ssrc) {
  uint32_t h = (ssrc * 2654435761u) >> (32 - TABLE_BITS);
  for (uint32_t i = 0; i < TABLE_SIZE; i++) {
    stream_t *s = &table[(h + i) & (TABLE_SIZE - 1)];
    if (!s->used) {
      if (used_count >= TABLE_SIZE - 1) return NULL;
      s->used = 1;
      s->ssrc = ssrc;
      used_count++;
      return s;
    }
    if (s->ssrc == ssrc) return s;
  }
  return NULL;
}

static void on_packet(const uint8_t *p, size_t len) {
  if (len < 12 || (p[0] >> 6) != 2) return;
  if (p[1] >= 192 && p[1] <= 223) return; /* RTCP */
  uint16_t seq = (uint16_t)((p[2] << 8) | p[3]);
  uint32_t ssrc = ((uint32_t)p[8] << 24) | ((uint32_t)p[9] << 16) | ((uint32_t)p[10] << 8) | p[11];
  stream_t *s = lookup(ssrc);
  if (!s) return;
  if (s->received == 0) {
    s->base = seq;
    s->max_seq = seq;
    s->cycles = 0;
  } else {
    uint16_t delta = (uint16_t)(seq - s->max_seq);
    if (delta != 0 && delta < 0x8000) {
      if (seq < s->max_seq) s->cycles += 65536;
      s->max_seq = seq;
    }
    /* else: late, reordered or duplicate; counted as received only */
  }
  s->received++;
}

static void snapshot(void) {
  uint64_t drops = 0;
  for (int i = 0; i < MAX_SOCKETS; i++) drops += drops_by_socket[i];
  printf("SNAP %llu %u\n", (unsigned long long)drops, used_count);
  for (uint32_t i = 0; i < TABLE_SIZE; i++) {
    stream_t *s = &table[i];
    if (!s->used || s->received == 0) {
      if (s->used) printf("%u 0 0\n", s->ssrc);
      continue;
    }
    uint64_t highest = (uint64_t)s->cycles + s->max_seq;
    uint64_t expected = highest >= s->base ? highest - s->base + 1 : 0;
    printf("%u %llu %llu\n", s->ssrc, (unsigned long long)s->received, (unsigned long long)expected);
  }
  printf("END\n");
  fflush(stdout);
}

int main(int argc, char **argv) {
  int k = argc > 1 ? atoi(argv[1]) : 4;
  int rcvbuf = argc > 2 ? atoi(argv[2]) : 4 * 1024 * 1024;
  if (k < 1 || k > MAX_SOCKETS) k = 4;
  int ep = epoll_create1(0);
  if (ep < 0) return perror("epoll_create1"), 1;
  int fds[MAX_SOCKETS];
  printf("PORTS");
  for (int i = 0; i < k; i++) {
    int fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
    if (fd < 0) return perror("socket"), 1;
    int one = 1;
    if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf, sizeof rcvbuf) < 0)
      setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf);
    setsockopt(fd, SOL_SOCKET, SO_RXQ_OVFL, &one, sizeof one);
    struct sockaddr_in a = {0};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = 0;
    if (bind(fd, (struct sockaddr *)&a, sizeof a) < 0) return perror("bind"), 1;
    socklen_t al = sizeof a;
    getsockname(fd, (struct sockaddr *)&a, &al);
    printf(" %u", ntohs(a.sin_port));
    fds[i] = fd;
  }
  printf("\n");
  fflush(stdout);
  struct epoll_event sev = {.events = EPOLLIN, .data.u32 = 0};
  epoll_ctl(ep, EPOLL_CTL_ADD, 0, &sev);

  static uint8_t bufs[BATCH][PKT_MAX];
  static char ctrl[BATCH][CMSG_SPACE(sizeof(uint32_t))];
  struct mmsghdr msgs[BATCH];
  struct iovec iovs[BATCH];
  char line[256];
  size_t line_len = 0;

  for (;;) {
    struct epoll_event evs[1];
    int n = epoll_wait(ep, evs, 1, POLL_MS);
    if (n < 0) {
      if (errno == EINTR) continue;
      return perror("epoll_wait"), 1;
    }
    /* Drain every socket before answering a command, so a snapshot includes what has arrived. */
    for (int idx = 0; idx < k; idx++) {
      int fd = fds[idx];
      for (;;) {
        for (int j = 0; j < BATCH; j++) {
          iovs[j].iov_base = bufs[j];
          iovs[j].iov_len = PKT_MAX;
          memset(&msgs[j].msg_hdr, 0, sizeof msgs[j].msg_hdr);
          msgs[j].msg_hdr.msg_iov = &iovs[j];
          msgs[j].msg_hdr.msg_iovlen = 1;
          msgs[j].msg_hdr.msg_control = ctrl[j];
          msgs[j].msg_hdr.msg_controllen = sizeof ctrl[j];
        }
        int got = recvmmsg(fd, msgs, BATCH, MSG_DONTWAIT, NULL);
        if (got <= 0) break;
        for (int j = 0; j < got; j++) {
          on_packet(bufs[j], msgs[j].msg_len);
          for (struct cmsghdr *c = CMSG_FIRSTHDR(&msgs[j].msg_hdr); c; c = CMSG_NXTHDR(&msgs[j].msg_hdr, c))
            if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SO_RXQ_OVFL)
              memcpy(&drops_by_socket[idx], CMSG_DATA(c), sizeof(uint32_t));
        }
        if (got < BATCH) break;
      }
    }
    if (n > 0) { /* stdin: commands */
      char tmp[256];
      ssize_t r = read(0, tmp, sizeof tmp);
      if (r <= 0) return 0;
      for (ssize_t j = 0; j < r; j++) {
        if (tmp[j] == '\n') {
          line[line_len] = 0;
          if (line[0] == 'S') snapshot();
          else if (line[0] == 'Q') return 0;
          line_len = 0;
        } else if (line_len < sizeof line - 1) {
          line[line_len++] = tmp[j];
        }
      }
    }
  }
}
