/*
 * bench/experiments/rcvlowat.c: LD_PRELOAD experiment for bench/run --experiment rcvlowat.
 *
 * Emulates, without touching Sources/, a COPY reader that waits for PostgreSQL data in batches:
 * libpq (PQgetCopyData in blocking mode) polls its socket before every read, and the backend
 * sends 8 KB at a time, so a loader that is faster than the backend sleeps and wakes up once per
 * 8 KB (~23,000 context switches for 190 MB). Here, for the socket connected to port
 * $BENCH_LOWAT_PORT only:
 *   - a poll for POLLIN answers "readable" at once when bytes are already queued (FIONREAD),
 *     as an async reader (PQconsumeInput before waiting) would;
 *   - otherwise SO_RCVLOWAT=$BENCH_LOWAT_BYTES (default 65536) makes the real poll wake only
 *     when that much is queued, in slices of $BENCH_LOWAT_MS (default 2 ms) after which any
 *     queued byte counts (the tail of a COPY, a CommandComplete): no stall, <= 2 ms extra per wait.
 * Everything else goes to the real poll().   cc -O2 -shared -fPIC -o rcvlowat.so rcvlowat.c -ldl
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

static int (*real_poll)(struct pollfd *, nfds_t, int);
static int port = -1, lowat = 65536, slice_ms = 2;
static unsigned char kind[65536]; /* per fd: 0 unknown, 1 PostgreSQL socket, 2 other */

static void init(void) {
    if (real_poll) return;
    real_poll = (int (*)(struct pollfd *, nfds_t, int))dlsym(RTLD_NEXT, "poll");
    const char *p = getenv("BENCH_LOWAT_PORT"), *b = getenv("BENCH_LOWAT_BYTES"), *m = getenv("BENCH_LOWAT_MS");
    port = p ? atoi(p) : -1;
    if (b) lowat = atoi(b);
    if (m) slice_ms = atoi(m);
}

static int is_pg(int fd) {
    if (fd < 0 || fd >= 65536) return 0;
    if (kind[fd] == 0) {
        struct sockaddr_in a;
        socklen_t len = sizeof a;
        kind[fd] = 2;
        if (getpeername(fd, (struct sockaddr *)&a, &len) == 0 && a.sin_family == AF_INET && ntohs(a.sin_port) == port) {
            kind[fd] = 1;
            setsockopt(fd, SOL_SOCKET, SO_RCVLOWAT, &lowat, sizeof lowat);
        }
    }
    return kind[fd] == 1;
}

int close(int fd) {
    static int (*real_close)(int);
    if (!real_close) real_close = (int (*)(int))dlsym(RTLD_NEXT, "close");
    if (fd >= 0 && fd < 65536) kind[fd] = 0;
    return real_close(fd);
}

int poll(struct pollfd *fds, nfds_t n, int timeout) {
    init();
    if (n != 1 || !(fds[0].events & POLLIN) || (fds[0].events & POLLOUT) || !is_pg(fds[0].fd))
        return real_poll(fds, n, timeout);
    int avail = 0;
    if (ioctl(fds[0].fd, FIONREAD, &avail) == 0 && avail > 0) {
        fds[0].revents = POLLIN;
        return 1;
    }
    for (int waited = 0;;) {
        int slice = (timeout < 0 || timeout - waited > slice_ms) ? slice_ms : timeout - waited;
        int r = real_poll(fds, 1, slice);
        if (r != 0) return r;
        waited += slice;
        if (ioctl(fds[0].fd, FIONREAD, &avail) == 0 && avail > 0) {
            fds[0].revents = POLLIN;
            return 1;
        }
        if (timeout >= 0 && waited >= timeout) return 0;
    }
}
