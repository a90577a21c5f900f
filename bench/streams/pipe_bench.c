/*
 * The Linux pipe baseline for bench/streams/run: a writer process writes COUNT messages of SIZE bytes
 * into a pipe(2), a reader process reads them back SIZE bytes at a time (a read may return less; it
 * loops). Prints: SIZE COUNT SECONDS, from the first write to the last byte read.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv) {
    if (argc != 3) {
        fprintf(stderr, "usage: %s SIZE COUNT\n", argv[0]);
        return 2;
    }
    size_t size = strtoul(argv[1], NULL, 10);
    long count = strtol(argv[2], NULL, 10);
    int fds[2];
    int go[2];
    if (pipe(fds) != 0 || pipe(go) != 0) {
        perror("pipe");
        return 1;
    }
    char *buffer = malloc(size);
    memset(buffer, 'x', size);
    pid_t child = fork();
    if (child < 0) {
        perror("fork");
        return 1;
    }
    if (child == 0) {
        close(fds[0]);
        close(go[1]);
        char start;
        if (read(go[0], &start, 1) != 1) {
            _exit(1);
        }
        for (long i = 0; i < count; i++) {
            size_t done = 0;
            while (done < size) {
                ssize_t n = write(fds[1], buffer + done, size - done);
                if (n <= 0) {
                    _exit(1);
                }
                done += n;
            }
        }
        _exit(0);
    }
    close(fds[1]);
    close(go[0]);
    double begin = now();
    if (write(go[1], "g", 1) != 1) {
        return 1;
    }
    long long total = (long long) size * count;
    long long got = 0;
    while (got < total) {
        ssize_t n = read(fds[0], buffer, size);
        if (n <= 0) {
            perror("read");
            return 1;
        }
        got += n;
    }
    double seconds = now() - begin;
    waitpid(child, NULL, 0);
    printf("%zu %ld %.6f\n", size, count, seconds);
    return 0;
}
