/* bench/pty/pty_bench.c: raw-mode one-byte round trips through a Linux pty. The parent writes a byte to
 * the master; a child, blocked in read(2) on the slave (cfmakeraw: VMIN 1, no echo, no OPOST), writes it
 * back; the parent reads it from the master. Prints "rtt COUNT SECONDS". */
#define _XOPEN_SOURCE 600
#define _DEFAULT_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
}

int main(int argc, char **argv) {
    long count = argc > 1 ? atol(argv[1]) : 100000;
    int m = posix_openpt(O_RDWR | O_NOCTTY);
    if (m < 0 || grantpt(m) || unlockpt(m)) { perror("pty"); return 1; }
    int s = open(ptsname(m), O_RDWR | O_NOCTTY);
    if (s < 0) { perror("slave"); return 1; }
    struct termios t;
    tcgetattr(s, &t);
    cfmakeraw(&t);
    tcsetattr(s, TCSANOW, &t);
    pid_t child = fork();
    if (child == 0) {
        char c;
        for (long i = 0; i < count + 1000; i++) {
            if (read(s, &c, 1) != 1 || write(s, &c, 1) != 1) _exit(1);
        }
        _exit(0);
    }
    char c = 'x';
    for (int i = 0; i < 1000; i++) { /* warm-up */
        if (write(m, &c, 1) != 1 || read(m, &c, 1) != 1) return 1;
    }
    double start = now();
    for (long i = 0; i < count; i++) {
        if (write(m, &c, 1) != 1 || read(m, &c, 1) != 1) return 1;
    }
    double took = now() - start;
    waitpid(child, NULL, 0);
    printf("rtt %ld %.6f\n", count, took);
    return 0;
}
